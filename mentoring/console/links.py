"""Where the console is reached: CONSOLE_URL, set once by the composition root at start.

Steps take `(session, member, input, now)` and no settings, so the one address
the /console step needs is kept here (`configure`, called by bot/app.py and
bot/standalone.py with the setting; None when the console is not set up).
"""

from __future__ import annotations

_base_url: str | None = None


def configure(url: str | None) -> None:
    global _base_url  # noqa: PLW0603 - one setting of the process, written at start
    _base_url = url.rstrip("/") if url else None


def base_url() -> str | None:
    return _base_url


def login_link(token: str) -> str | None:
    """The page a one-time token opens, or None when the console has no address."""
    return None if _base_url is None else f"{_base_url}/login/{token}"
