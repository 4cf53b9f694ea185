"""The console's templates speak through the catalogues, and its settings say what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.console.config import console_config
from bot.settings import SettingsError, load_settings
from mentoring.i18n import LOCALES_DIR, SUPPORTED_LOCALES

TEMPLATES = Path(__file__).resolve().parents[3] / "bot" / "console"


def template_messages() -> set[str]:
    """What `pybabel extract` finds in the templates (babel.cfg: the jinja2 extractor); a plural by its singular."""
    return {message if isinstance(message, str) else message[0] for _f, _l, message, _c, _x in extract_from_dir(
        TEMPLATES, method_map=[("**/templates/**.html", "jinja2")],
        keywords={"_": None, "gettext": None, "ngettext": (1, 2)})}


def test_the_templates_have_words() -> None:
    assert {"Continue", "Log out", "Next group sessions"} <= template_messages()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_word_of_the_templates_is_translated(locale: str) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "narbot.po").open("rb") as fp:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(fp, locale=locale) if m.id}

    def translated(message) -> bool:
        strings = (message.string,) if isinstance(message.string, str) else message.string
        return all(strings) and not message.fuzzy

    missing = sorted(m for m in map(str, template_messages()) if m not in catalogue or not translated(catalogue[m]))
    assert not missing, f"{locale}: {missing}"


def test_the_console_needs_its_address_and_a_long_secret() -> None:
    with pytest.raises(SettingsError, match="CONSOLE_SECRET"):
        console_config(load_settings(_env_file=None, console_url="https://console.example"))
    with pytest.raises(SettingsError, match="CONSOLE_SECRET"):
        load_settings(_env_file=None, console_url="https://console.example", console_secret="short")
    with pytest.raises(SettingsError, match="CONSOLE_URL"):
        load_settings(_env_file=None, console_url="console.example", console_secret="s" * 40)
    config = console_config(load_settings(_env_file=None, console_url="https://console.example/",
                                          console_secret="s" * 40))
    assert config.url == "https://console.example" and config.secure_cookies
    assert "s" * 40 not in repr(config)
