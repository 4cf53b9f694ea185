"""Settings: defaults, validation, and the token message people see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(values)
    return env


def test_defaults_are_turkish_istanbul_and_sqlite(monkeypatch) -> None:
    for name in ("DATABASE_URL", "DEFAULT_LOCALE", "DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.default_locale == "tr"
    assert settings.default_timezone == "Europe/Istanbul"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\nDEFAULT_LOCALE=en\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.require_token() == TEST_TOKEN and settings.default_locale == "en"


@pytest.mark.parametrize("token", [None, "", "abc", "123:short", "notanumber:AAHtestTOKENtestTOKENtestTOKEN12345"])
def test_missing_or_malformed_token_explains_botfather(token: str | None) -> None:
    settings = Settings(_env_file=None, telegram_bot_token=token)  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="@BotFather"):
        settings.require_token()


def test_invalid_values_are_reported_by_name() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, default_timezone="Mars/Olympus", default_locale="de")
    assert "DEFAULT_TIMEZONE" in str(caught.value) and "DEFAULT_LOCALE" in str(caught.value)


def test_custom_api_url_gets_its_file_url() -> None:
    settings = Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081/bot")  # type: ignore[call-arg]
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize("token", ["", "garbage"])
def test_run_without_a_good_token_exits_2_without_traceback(tmp_path: Path, token: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, capture_output=True, text=True, check=False,
        env=clean_env(TELEGRAM_BOT_TOKEN=token), timeout=60,
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "narbot.db").exists(), "nothing is created before the token is checked"


def test_polling_pauses_briefly_between_fetches_unless_told_otherwise(monkeypatch) -> None:
    monkeypatch.delenv("POLL_INTERVAL_SECONDS", raising=False)
    assert Settings(_env_file=None).poll_interval_seconds == 0.02  # type: ignore[call-arg]
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "0")
    assert Settings(_env_file=None).poll_interval_seconds == 0  # type: ignore[call-arg]
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "-1")
    with pytest.raises(ValueError, match="poll_interval_seconds"):
        Settings(_env_file=None)  # type: ignore[call-arg]
