"""Helpers for the web console's route tests: its address, logging in by a one-time link, what was written."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update

from bot.console.config import ConsoleConfig
from bot.console.security import CSRF_FIELD
from mentoring.console import logins
from storage.models import ConsentRecord
from storage.models.privacy import AuditEntry
from tests.support.notice import give_notice, notice_version
from tests.support.reporting import Reporting, seed_reporting

URL = "https://console.example"
CONFIG = ConsoleConfig(URL, "s" * 40)


async def token_for(sessions, clock, person_id: int) -> str:
    async with sessions.begin() as session:
        return await logins.issue(session, person_id, clock.now())


async def audit_rows(sessions) -> list[tuple[str, dict | None]]:
    async with sessions() as session:
        rows = await session.execute(select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id))
        return [tuple(row) for row in rows.all()]


def csrf_of(page: httpx.Response) -> str:
    marker = f'name="{CSRF_FIELD}" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start:page.text.index('"', start)]


async def log_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    page = await client.get(f"/login/{token}")
    assert page.status_code == 200
    return await client.post(f"/login/{token}", data={CSRF_FIELD: csrf_of(page)})


async def logged_in(client, sessions, clock, person_id: int) -> None:
    answer = await log_in(client, await token_for(sessions, clock, person_id))
    assert answer.status_code == 303, answer.text


async def seed_with_notice(sessions, now) -> Reporting:
    """The reporting world (tests/support/reporting.py) whose programme has its KVKK notice, read by its members
    (invites need one)."""
    world = await seed_reporting(sessions, now)
    members = [p.person_id for who, p in world.people.items() if who != "olga"]
    async with sessions.begin() as session:
        await give_notice(session, world.programme.id, now)
        await session.execute(update(ConsentRecord).where(ConsentRecord.person_id.in_(members))
                              .values(notice_version=await notice_version(session, world.programme.id)))
    return world
