"""The console's session cookie and CSRF tokens.

- The session cookie holds the login row's id and the person's id, signed and
  timestamped with CONSOLE_SECRET (itsdangerous); it is HttpOnly, SameSite=Lax,
  Secure over HTTPS, and good for `logins.SESSION_MINUTES`. The row must still be
  a live session too (mentoring/console/logins.py), so logging out ends it
  everywhere and erasing the person ends it at once.
- CSRF: every form of a logged-in page carries an HMAC of the session's login id
  (bound to the session, nothing stored); the login page's "Continue" form, shown
  before there is a session, carries a random value that must equal a cookie set
  with the page (double submit). A POST without a matching token is refused (403)
  before anything is read or written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from mentoring.console.logins import SESSION_MINUTES, Login

SESSION_COOKIE = "narbot_console"
LOGIN_CSRF_COOKIE = "narbot_console_login"
CSRF_FIELD = "csrf"
SESSION_SECONDS = SESSION_MINUTES * 60


class Keys:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")
        self._sessions = URLSafeTimedSerializer(secret, salt="narbot.console.session")

    def session_cookie(self, login: Login) -> str:
        return self._sessions.dumps([login.id, login.person_id])

    def login_of(self, cookie: str | None) -> Login | None:
        """The login a cookie names, when its signature holds and it is not too old."""
        if not cookie:
            return None
        try:
            login_id, person_id = self._sessions.loads(cookie, max_age=SESSION_SECONDS)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(login_id, int) or not isinstance(person_id, int):
            return None
        return Login(login_id, person_id)

    def csrf_for(self, login: Login) -> str:
        return hmac.new(self._secret, f"csrf:{login.id}:{login.person_id}".encode(), hashlib.sha256).hexdigest()

    def csrf_holds(self, login: Login, given: object) -> bool:
        return isinstance(given, str) and hmac.compare_digest(self.csrf_for(login), given)


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_holds(cookie: str | None, given: object) -> bool:
    return bool(cookie) and isinstance(given, str) and hmac.compare_digest(cookie or "", given)
