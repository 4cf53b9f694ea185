"""One-time console login links, and the browser sessions they open.

/console makes a token (`secrets.token_urlsafe`, 32 bytes); only its SHA-256 is
stored (`console_logins.token_hash`), so the table is no list of working links.
A token is good for `LINK_MINUTES` and once: `redeem` marks it used with one
conditional UPDATE, so two presses (or two browsers) cannot both log in with it.
`pending` only reads: the page a link opens asks for one press of "Continue"
before anything is used, so a link preview or a forwarded link that is only
opened logs nobody in. A redeemed row is the browser session it opened: it is
good for `SESSION_MINUTES` after the login, until `log_out`, and only while its
person may still open the console (the web adapter asks `views.member` each time).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from storage.models.console import ConsoleLogin

LINK_MINUTES = 10
SESSION_MINUTES = 60
TOKEN_BYTES = 32
LOGIN = "console.login"
LOGOUT = "console.logout"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def issue(session: AsyncSession, person_id: int, now: datetime) -> str:
    """A new login token for the person, good once within `LINK_MINUTES` (only its hash is kept)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(ConsoleLogin(token_hash=token_hash(token), person_id=person_id, created_at=now,
                             expires_at=now + timedelta(minutes=LINK_MINUTES)))
    await session.flush()
    return token


async def pending(session: AsyncSession, token: str, now: datetime) -> bool:
    """Whether the token may still log someone in (unused, unexpired); changes nothing."""
    found = await session.scalar(select(ConsoleLogin.id).where(
        ConsoleLogin.token_hash == token_hash(token), ConsoleLogin.used_at.is_(None),
        ConsoleLogin.expires_at > now))
    return found is not None


@dataclass(frozen=True)
class Login:
    """A browser session: the login row that opened it and whose it is."""

    id: int
    person_id: int


async def redeem(session: AsyncSession, token: str, now: datetime) -> Login | None:
    """Use the token: the session it opens, or None when it is unknown, used or expired.

    One conditional UPDATE, atomic on SQLite and PostgreSQL: of two presses at once
    only one finds the row unused. The login is audited in the same transaction.
    """
    row = (await session.execute(
        update(ConsoleLogin)
        .where(ConsoleLogin.token_hash == token_hash(token), ConsoleLogin.used_at.is_(None),
               ConsoleLogin.expires_at > now)
        .values(used_at=now)
        .returning(ConsoleLogin.id, ConsoleLogin.person_id)
    )).first()
    if row is None:
        return None
    login = Login(row.id, row.person_id)
    await audit.record(session, login.person_id, LOGIN, login.person_id, {"login": login.id}, now=now)
    return login


async def active(session: AsyncSession, login_id: int, person_id: int, now: datetime) -> bool:
    """Whether the browser session `login_id` of `person_id` still holds (used, not ended, not too old)."""
    row = await session.get(ConsoleLogin, login_id)
    return (
        row is not None and row.person_id == person_id and row.used_at is not None
        and row.logged_out_at is None and now < row.used_at + timedelta(minutes=SESSION_MINUTES)
    )


async def log_out(session: AsyncSession, login_id: int, person_id: int, now: datetime) -> bool:
    """End the browser session; False when it had already ended (nothing written then)."""
    ended = (await session.execute(
        update(ConsoleLogin)
        .where(ConsoleLogin.id == login_id, ConsoleLogin.person_id == person_id,
               ConsoleLogin.used_at.is_not(None), ConsoleLogin.logged_out_at.is_(None))
        .values(logged_out_at=now)
    )).rowcount
    if ended:
        await audit.record(session, person_id, LOGOUT, person_id, {"login": login_id}, now=now)
    return bool(ended)
