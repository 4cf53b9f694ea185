"""The closing sequence's offer: queued once per mentee when their programme's last two weeks begin.

`plan_offers` runs in every planning pass (bot/scheduler.py, under the planner lock). For each programme
in its last two weeks (mentoring.closing.rules.window_of, in the programme's zone) it queues one
"closing_offer" for each mentee the weekly prompts would reach (mentoring.wave_audience: a current
member with consent, reachable, not paused) who has not finished the sequence. The idempotency key
(`closing-offer:<programme>:<person>`) makes it once per person, however often the planner runs; bulk
priority, quiet hours respected, expired when the sequence can no longer be finished.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.closing.buttons import CLOSING
from mentoring.closing.rules import WINDOW_DAYS, window_of
from mentoring.i18n import translator
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.wave_audience import audience
from storage.models import Group, OutboxMessage, Programme
from storage.models.closing import ClosingProgress
from storage.models.outbox import PRIORITY_BULK

KIND = "closing_offer"


def offer_text(locale: str) -> tuple[str, list[list[Button]]]:
    tr = translator(locale)
    text = tr.gettext(
        "🌱 The programme ends soon. A few closing steps are waiting for you: your end self-assessment, "
        "a short closing reflection, your own progress summary, how you will go on, your peer pair and a "
        "short survey. Every step can be skipped, and you can stop and come back with /closing.")
    return text, [[Button(tr.gettext("Start the closing steps"), CLOSING.encode("go"), tr.gettext("Start"))]]


async def plan_offers(session: AsyncSession, now: datetime) -> int:
    """Queue the offer for every mentee of a programme in its last two weeks; returns how many were new."""
    today = now.date()
    programmes = (await session.execute(
        select(Programme.id, Programme.timezone, Programme.ends_on)
        .where(Programme.ends_on.is_not(None), Programme.ends_on >= today - timedelta(days=1),
               Programme.ends_on <= today + timedelta(days=WINDOW_DAYS))
    )).all()
    queued = 0
    for programme_id, zone, ends_on in programmes:
        tz = ZoneInfo(zone or "Europe/Istanbul")
        window = window_of(ends_on)
        assert window is not None
        if not window.opens_on <= now.astimezone(tz).date() <= window.ends_on:
            continue
        groups = list((await session.scalars(select(Group.id).where(Group.programme_id == programme_id))).all())
        finished = set((await session.scalars(select(ClosingProgress.person_id).where(
            ClosingProgress.programme_id == programme_id, ClosingProgress.finished_at.is_not(None)))).all())
        prefix = f"closing-offer:{programme_id}:"
        offered = set((await session.scalars(select(OutboxMessage.person_id).where(
            OutboxMessage.kind == KIND, OutboxMessage.idempotency_key.like(prefix + "%")))).all())
        expires = datetime.combine(window.closes_on + timedelta(days=1), time(0), tzinfo=tz)
        messages = []
        for recipients in (await audience(session, groups, now)).values():
            for person in recipients:
                if person.person_id in finished or person.person_id in offered:
                    continue
                offered.add(person.person_id)
                text, buttons = offer_text(person.locale)
                messages.append(Outgoing(
                    idempotency_key=f"{prefix}{person.person_id}", kind=KIND, text=text, not_before=now,
                    person_id=person.person_id, buttons=buttons, priority=PRIORITY_BULK, expires_at=expires,
                    respect_quiet_hours=True, batch_key=f"closing:{programme_id}",
                ))
        queued += await enqueue(session, messages, now)
    return queued
