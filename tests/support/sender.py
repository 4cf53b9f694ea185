"""Helpers for outbox sender tests: a virtual timer, people with identities, queued rows."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.request import HTTPXRequest, RequestData

from mentoring.outbox import Outgoing, enqueue
from storage.models import ChannelIdentity, OutboxMessage, Person


class VirtualTimer:
    """Monotonic time that only moves when the sender sleeps: no test waits for real."""

    def __init__(self) -> None:
        self.moment = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.moment

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleeps.append(seconds)
            self.moment += seconds
        await asyncio.sleep(0)


async def add_person(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    chat_id: int | None,
    *,
    timezone: str = "Europe/Istanbul",
    quiet: tuple[time, time] = (time(22), time(8)),
    paused_until: datetime | None = None,
) -> int:
    """A person, reachable on Telegram at `chat_id` unless it is None."""
    async with sessions.begin() as session:
        person = Person(
            display_name="Ayşe",
            locale="tr",
            timezone=timezone,
            created_at=now,
            quiet_hours_start=quiet[0],
            quiet_hours_end=quiet[1],
            paused_until=paused_until,
        )
        session.add(person)
        await session.flush()
        if chat_id is not None:
            session.add(
                ChannelIdentity(
                    person_id=person.id,
                    channel="telegram",
                    external_user_id=str(chat_id),
                    chat_id=str(chat_id),
                    created_at=now,
                )
            )
        return person.id


async def queue(
    sessions: async_sessionmaker[AsyncSession], now: datetime, key: str, **fields: Any
) -> None:
    fields.setdefault("kind", "announcement")
    fields.setdefault("text", key)
    fields.setdefault("not_before", now)
    async with sessions.begin() as session:
        await enqueue(session, [Outgoing(idempotency_key=key, **fields)], now)


async def row(sessions: async_sessionmaker[AsyncSession], key: str) -> OutboxMessage:
    async with sessions.begin() as session:
        found = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
    assert found is not None
    return found


class ScriptedRequest(HTTPXRequest):
    """Real HTTP to the stand-in, except for answers a test scripts per Bot API method.

    A scripted answer is `(status, body)` or an exception to raise (e.g. TimedOut),
    so a test decides exactly which attempt meets a 429, a 5xx or a timeout.
    """

    def __init__(self) -> None:
        super().__init__(connection_pool_size=8)
        self.script: dict[str, list[tuple[int, dict[str, Any]] | Exception]] = {}
        self.calls = 0

    def then(self, method: str, *answers: tuple[int, dict[str, Any]] | Exception) -> None:
        self.script.setdefault(method, []).extend(answers)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        self.calls += 1
        queued = self.script.get(url.rsplit("/", 1)[-1])
        if queued:
            answer = queued.pop(0)
            if isinstance(answer, Exception):
                raise answer
            status, body = answer
            return status, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, **kwargs)


def error(status: int, description: str, **parameters: Any) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return status, body
