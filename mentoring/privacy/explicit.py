"""Explicit consents (açık rıza), each asked on its own and withdrawable on its own (KVKK art. 5(1), 9).

Only what needs it is asked:
- `abroad`: transfer abroad through the messaging platform, where the programme's
  notice names no other basis (`NoticeView.asks_abroad`). Without it Narbot cannot
  write to the person at all, so a refusal stops every message, like a withdrawal.
- `media`: keeping voice notes and photos. Asked the first time one is sent where a
  flow would keep it; without it the flow asks for text instead, and nothing else changes.

Decisions are rows that are only ever added (`storage.models.notices.ExplicitConsent`):
the newest per purpose is in force, the rest is the record of what was decided when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.privacy.consent import cancel_pending_messages
from storage.models.notices import CONSENT_PURPOSES, ExplicitConsent

ABROAD, MEDIA = "abroad", "media"
assert (ABROAD, MEDIA) == CONSENT_PURPOSES


async def decisions(session: AsyncSession, person_id: int) -> dict[str, tuple[bool, datetime]]:
    """The decision in force per purpose (given?, when); a purpose never asked is absent."""
    rows = await session.execute(
        select(ExplicitConsent.purpose, ExplicitConsent.given, ExplicitConsent.decided_at)
        .where(ExplicitConsent.person_id == person_id).order_by(ExplicitConsent.id)
    )
    return {purpose: (given, at) for purpose, given, at in rows.all()}


async def given(session: AsyncSession, person_id: int, purpose: str) -> bool | None:
    """Whether the person's consent for `purpose` is in force; None when never asked."""
    found = (await decisions(session, person_id)).get(purpose)
    return None if found is None else found[0]


async def decide(session: AsyncSession, person_id: int, purpose: str, give: bool, now: datetime) -> bool:
    """Record a decision; False when it is the one already in force (a double tap changes nothing).

    Refusing or withdrawing `abroad` cancels what the outbox still owes the person.
    """
    if purpose not in CONSENT_PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if await given(session, person_id, purpose) is give:
        return False
    session.add(ExplicitConsent(person_id=person_id, purpose=purpose, given=give, decided_at=now))
    cancelled = 0
    if purpose == ABROAD and not give:
        cancelled = await cancel_pending_messages(session, person_id)
    await audit.record(session, person_id, audit.CONSENT_DECIDED, person_id,
                       {"purpose": purpose, "given": give, "cancelled_messages": cancelled}, now=now)
    await session.flush()
    return True
