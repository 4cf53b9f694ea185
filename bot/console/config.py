"""The console's settings: its public address and the secret that signs its cookies."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.settings import Settings, SettingsError

SECRET_HELP = """\
The web console needs CONSOLE_SECRET (32 or more random characters) to sign its
session cookies, and CONSOLE_URL (its public https:// address) for the links
/console sends. Make a secret with:
  python3 -c 'import secrets; print(secrets.token_urlsafe(32))'
See docs/console.md.
"""


@dataclass(frozen=True)
class ConsoleConfig:
    url: str | None
    secret: str = field(repr=False)
    listen: str = "127.0.0.1"
    port: int = 8445
    # The channels the invite sheet links to (TELEGRAM_BOT_USERNAME, WHATSAPP_DISPLAY_NUMBER).
    telegram_username: str | None = None
    whatsapp_number: str | None = None

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when the console is reached over HTTPS."""
        return bool(self.url and self.url.startswith("https://"))


def console_config(settings: Settings) -> ConsoleConfig:
    if settings.console_secret is None or settings.console_url is None:
        raise SettingsError("CONSOLE_SECRET and CONSOLE_URL must both be set.\n\n" + SECRET_HELP)
    username = settings.telegram_bot_username.lstrip("@") if settings.telegram_bot_username else None
    return ConsoleConfig(settings.console_url, settings.console_secret.get_secret_value().strip(),
                         settings.console_listen, settings.console_port, username,
                         settings.whatsapp_display_number)
