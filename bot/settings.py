"""Settings read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mentoring.i18n import SUPPORTED_LOCALES

# A BotFather token: the bot's numeric id, a colon, and a 35-character secret.
# The secret's length has changed before, so accept anything plausibly long.
_TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")

TOKEN_HELP = """\
Narbot needs a Telegram bot token.

  1. Open Telegram and talk to @BotFather (https://t.me/BotFather).
  2. Send /newbot, choose a name and a username ending in "bot".
  3. BotFather answers with a token like 123456789:AAH...; put it in .env:
       TELEGRAM_BOT_TOKEN=123456789:AAH...
     (copy .env.example to .env for the other settings).
"""


WHATSAPP_HELP = """\
WhatsApp needs four values from Meta's developer console (developers.facebook.com,
your app -> WhatsApp -> API Setup / Configuration); put them in .env:
  WHATSAPP_PHONE_NUMBER_ID=...   the number's id (not the number itself)
  WHATSAPP_ACCESS_TOKEN=...      a permanent system-user token
  WHATSAPP_APP_SECRET=...        App settings -> Basic -> App secret (signs webhooks)
  WHATSAPP_VERIFY_TOKEN=...      any secret you choose; type the same in the webhook setup
See docs/whatsapp.md.
"""

_WHATSAPP_REQUIRED = ("whatsapp_phone_number_id", "whatsapp_access_token", "whatsapp_app_secret",
                      "whatsapp_verify_token")


@dataclass(frozen=True)
class WhatsAppSettings:
    """Everything the WhatsApp channel needs, present together (`Settings.whatsapp`)."""

    phone_number_id: str
    access_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)
    api_base_url: str
    webhook_listen: str
    webhook_port: int
    display_number: str | None
    rate_per_second: float = 20.0
    pair_seconds: float = 6.0
    daily_new_people: int = 250
    template_prefix: str = "narbot"


class SettingsError(Exception):
    """The settings cannot be used; the message says how to fix them."""


class Settings(BaseSettings):
    """Everything Narbot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = Field(
        default=None,
        description="Bot API base URL ending in /bot, for a self-hosted server or a local stand-in.",
    )
    telegram_bot_username: str | None = Field(
        default=None, description="The bot's username; asked from Telegram (getMe) when unset."
    )
    database_url: str = "sqlite+aiosqlite:///narbot.db"
    default_locale: str = "tr"
    default_timezone: str = "Europe/Istanbul"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    log_level: str = "INFO"
    sender_rate_per_second: float = Field(
        default=25.0, gt=0, le=30,
        description="Messages per second the outbox sender starts, below Telegram's ~30/s.",
    )
    telegram_paid_broadcast_rate: float = Field(
        default=0, ge=0, le=1000,
        description="Opt-in: messages per second for bulk sends as Telegram paid broadcasts "
        "(allow_paid_broadcast, up to 1,000/s, billed in Telegram Stars); 0 = off.",
    )
    sender_lease_seconds: float = Field(
        default=300, ge=10, le=86_400,
        description="How long a row may stay claimed before a crashed sender's claim is settled.",
    )
    retention_days_after_programme: int = Field(default=180, ge=0)
    whatsapp_phone_number_id: str | None = Field(default=None, pattern=r"^[0-9]{5,20}$")
    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base_url: str = Field(
        default="https://graph.facebook.com",
        description="The Graph API root; the API version and the phone number id follow it.",
    )
    whatsapp_webhook_listen: str = "127.0.0.1"
    whatsapp_webhook_port: int = Field(default=8444, ge=0, le=65_535)
    whatsapp_display_number: str | None = Field(
        default=None, pattern=r"^[0-9]{8,15}$",
        description="The business number in international form without + (for wa.me links).",
    )
    whatsapp_rate_per_second: float = Field(
        default=20.0, gt=0, le=1000,
        description="Messages per second the sender starts on WhatsApp (the number's throughput, 80/s by default).",
    )
    whatsapp_pair_seconds: float = Field(
        default=6.0, ge=0, le=60,
        description="Seconds between two outbox messages to one person on WhatsApp (Meta's pair rate).",
    )
    whatsapp_daily_new_people: int = Field(
        default=250, ge=1,
        description="People the number may start conversations with (templates) in 24 hours: its messaging tier.",
    )
    whatsapp_template_prefix: str = Field(
        default="narbot", pattern=r"^[a-z][a-z0-9_]{0,40}$",
        description="Approved template names are <prefix>_<nudge> (narbot whatsapp templates).",
    )
    console_listen: str = Field(default="127.0.0.1", description="Address `narbot console` listens on.")
    console_port: int = Field(default=8445, ge=0, le=65_535)
    console_url: str | None = Field(
        default=None,
        description="The console's public address (https://…), put in the /console login links.",
    )
    console_secret: SecretStr | None = Field(
        default=None, description="Signs the console's session cookies; 32+ random characters.",
    )
    console_with_bot: bool = Field(
        default=False,
        description="`narbot run` serves the console in its own process (off: run `narbot console` beside it).",
    )
    poll_interval_seconds: float = Field(
        default=0.02, ge=0, le=5,
        description="Pause between getUpdates calls in polling mode: a busy bot fetches batches.",
    )

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not an IANA time zone such as Europe/Istanbul") from exc
        return value

    @field_validator("whatsapp_api_base_url")
    @classmethod
    def _graph_root_is_private(cls, value: str) -> str:
        # The access token rides on every request: plain HTTP only to this machine (a local stand-in).
        url = value.strip().rstrip("/")
        loopback = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", url)
        if not url.startswith("https://") and not loopback:
            raise ValueError("must be an https:// address (http:// only for 127.0.0.1 or localhost)")
        return url

    @field_validator("console_url")
    @classmethod
    def _console_url_is_web(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = value.strip().rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (http:// only behind a trusted proxy or for tests)")
        return url

    @field_validator("console_secret")
    @classmethod
    def _console_secret_is_long(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 32:
            raise ValueError("must be at least 32 characters (e.g. python3 -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))')")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator(
        "telegram_api_base_url", "webhook_url", "telegram_bot_username", "whatsapp_phone_number_id",
        "whatsapp_display_number", "console_url", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator(
        "webhook_secret", "telegram_bot_token", "whatsapp_access_token", "whatsapp_app_secret",
        "whatsapp_verify_token", "console_secret", mode="before",
    )
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def require_token(self) -> str:
        """The bot token, or a SettingsError that explains how to get one."""
        if self.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set.\n\n" + TOKEN_HELP)
        token = self.telegram_bot_token.get_secret_value().strip()
        if not _TOKEN_PATTERN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token.\n\n" + TOKEN_HELP
            )
        return token

    @property
    def whatsapp(self) -> WhatsAppSettings | None:
        """The WhatsApp channel's settings, None when it is not configured.

        Raises SettingsError when only some of the four required values are set:
        a half-configured channel would fail at the first webhook, not at start.
        """
        given = {name: getattr(self, name) for name in _WHATSAPP_REQUIRED}
        missing = [name.upper() for name, value in given.items() if value is None]
        if len(missing) == len(given):
            return None
        if missing:
            raise SettingsError(f"WhatsApp is half configured: {', '.join(missing)} not set.\n\n" + WHATSAPP_HELP)
        assert self.whatsapp_phone_number_id is not None
        secrets = [getattr(self, name).get_secret_value().strip() for name in _WHATSAPP_REQUIRED[1:]]
        return WhatsAppSettings(
            self.whatsapp_phone_number_id, *secrets,
            api_base_url=self.whatsapp_api_base_url.rstrip("/"),
            webhook_listen=self.whatsapp_webhook_listen,
            webhook_port=self.whatsapp_webhook_port,
            display_number=self.whatsapp_display_number,
            rate_per_second=self.whatsapp_rate_per_second,
            pair_seconds=self.whatsapp_pair_seconds,
            daily_new_people=self.whatsapp_daily_new_people,
            template_prefix=self.whatsapp_template_prefix,
        )

    def require_channel(self) -> None:
        """At least one channel configured (a valid Telegram token, or all of WhatsApp's values)."""
        whatsapp = self.whatsapp
        if self.telegram_bot_token is None and whatsapp is None:
            raise SettingsError(
                "No channel is configured: Narbot needs Telegram, WhatsApp or both.\n\n"
                + TOKEN_HELP + "\nor\n\n" + WHATSAPP_HELP
            )
        if self.telegram_bot_token is not None:
            self.require_token()

    @cached_property
    def timezone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.default_timezone)

    @property
    def base_file_url(self) -> str | None:
        """The file URL that goes with a custom API base URL (…/bot -> …/file/bot)."""
        if not self.telegram_api_base_url:
            return None
        base = self.telegram_api_base_url.rstrip("/")
        root, _, last = base.rpartition("/")
        return f"{root}/file/{last}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one readable SettingsError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            lines.append(f"  {name}: {error['msg']}")
        raise SettingsError("The settings are not valid:\n" + "\n".join(lines)) from None
