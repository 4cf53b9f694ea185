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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "WHATSAPP_"))}
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


WHATSAPP = {
    "whatsapp_phone_number_id": "106540352242922",
    "whatsapp_access_token": "EAAG-standin",
    "whatsapp_app_secret": "app-secret",
    "whatsapp_verify_token": "verify-me",
}


def test_whatsapp_is_configured_by_its_four_values_together() -> None:
    assert Settings(_env_file=None).whatsapp is None  # type: ignore[call-arg]
    whatsapp = Settings(_env_file=None, **WHATSAPP).whatsapp  # type: ignore[call-arg]
    assert whatsapp is not None
    assert (whatsapp.phone_number_id, whatsapp.access_token, whatsapp.app_secret, whatsapp.verify_token) == (
        "106540352242922", "EAAG-standin", "app-secret", "verify-me"
    )
    assert whatsapp.api_base_url == "https://graph.facebook.com" and whatsapp.webhook_port == 8444
    # Secrets never show in a repr (logs, tracebacks).
    assert "EAAG-standin" not in repr(whatsapp) and "app-secret" not in repr(whatsapp)


def test_a_half_configured_whatsapp_names_what_is_missing() -> None:
    settings = Settings(_env_file=None, **{**WHATSAPP, "whatsapp_app_secret": " "})  # type: ignore[call-arg]
    with pytest.raises(SettingsError) as error:
        assert settings.whatsapp is None
    first_line = str(error.value).splitlines()[0]
    assert first_line == "WhatsApp is half configured: WHATSAPP_APP_SECRET not set."
    assert "developers.facebook.com" in str(error.value)


def test_some_channel_must_be_configured() -> None:
    with pytest.raises(SettingsError) as error:
        Settings(_env_file=None).require_channel()  # type: ignore[call-arg]
    assert "TELEGRAM_BOT_TOKEN" in str(error.value) and "WHATSAPP_PHONE_NUMBER_ID" in str(error.value)
    Settings(_env_file=None, **WHATSAPP).require_channel()  # type: ignore[call-arg]  # WhatsApp alone will do
    Settings(_env_file=None, telegram_bot_token=TEST_TOKEN).require_channel()  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="does not look like a bot token"):
        Settings(_env_file=None, **WHATSAPP, telegram_bot_token="nonsense").require_channel()  # type: ignore[call-arg]


def test_whatsapp_numbers_are_checked() -> None:
    with pytest.raises(SettingsError, match="WHATSAPP_PHONE_NUMBER_ID"):
        load_settings(_env_file=None, **{**WHATSAPP, "whatsapp_phone_number_id": "+90 532"})
    with pytest.raises(SettingsError, match="WHATSAPP_DISPLAY_NUMBER"):
        load_settings(_env_file=None, **WHATSAPP, whatsapp_display_number="+905320000000")


def narbot_run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, capture_output=True, text=True, check=False,
        env=clean_env(**env), timeout=60,
    )


def test_run_without_any_channel_explains_both_and_exits_2(tmp_path: Path) -> None:
    result = narbot_run(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "No channel is configured" in result.stderr
    assert "@BotFather" in result.stderr and "WHATSAPP_APP_SECRET" in result.stderr
