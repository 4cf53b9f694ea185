"""The KVKK notice (aydınlatma metni) and explicit consent (açık rıza).

The notice text lives in the catalogues; its version lives here. Changing the
text means a new version, and people who accepted an older one are asked again
before anything else they do is processed. Withdrawing consent stops every
message to the person until they accept the current notice again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from storage.models import ConsentRecord, OutboxMessage

# v2: the notice names /mydata and /forgetme.
NOTICE_VERSION = "2026-11-v2"


@dataclass(frozen=True)
class Standing:
    """Where a member stands with the notice: the version they accepted last, and whether withdrawn."""

    person_id: int
    locale: str
    timezone: str
    version: str | None
    accepted_at: datetime | None
    withdrawn_at: datetime | None

    @property
    def is_current(self) -> bool:
        return self.version == NOTICE_VERSION and self.withdrawn_at is None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def _latest_record_ids() -> Select[tuple[int]]:
    """The newest consent record of each person (records are only ever added)."""
    return (
        select(func.max(ConsentRecord.id))
        .where(ConsentRecord.person_id.is_not(None))
        .group_by(ConsentRecord.person_id)
    )


async def _latest(session: AsyncSession, person_id: int) -> ConsentRecord | None:
    return await session.scalar(
        select(ConsentRecord).where(ConsentRecord.person_id == person_id)
        .order_by(ConsentRecord.id.desc()).limit(1)
    )


def consenting_people() -> Select[tuple[int]]:
    """Ids of people whose latest consent is for the current notice and not withdrawn.

    For planners and the sender: `Person.id.in_(consenting_people())`.
    """
    return select(ConsentRecord.person_id).where(
        ConsentRecord.id.in_(_latest_record_ids()),
        ConsentRecord.notice_version == NOTICE_VERSION,
        ConsentRecord.accepted_at.is_not(None),
        ConsentRecord.withdrawn_at.is_(None),
    )


async def may_write_to(session: AsyncSession, person_id: int) -> bool:
    """Whether the bot may start a conversation with this person."""
    latest = await _latest(session, person_id)
    return (
        latest is not None and latest.notice_version == NOTICE_VERSION
        and latest.accepted_at is not None and latest.withdrawn_at is None
    )


async def accept_current(session: AsyncSession, person_id: int, now: datetime) -> bool:
    """Record consent to the current notice; False when it is already in force (a double tap)."""
    if await may_write_to(session, person_id):
        return False
    session.add(ConsentRecord(person_id=person_id, notice_version=NOTICE_VERSION, accepted_at=now))
    await session.flush()
    return True


async def cancel_pending_messages(session: AsyncSession, person_id: int) -> int:
    """Cancel what the outbox still owes the person; returns how many messages."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person_id, OutboxMessage.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def withdraw(session: AsyncSession, person_id: int, now: datetime) -> bool:
    """Withdraw the person's consent and stop every message; False if it was not in force."""
    latest = await _latest(session, person_id)
    if latest is None or latest.accepted_at is None or latest.withdrawn_at is not None:
        return False
    latest.withdrawn_at = now
    cancelled = await cancel_pending_messages(session, person_id)
    await audit.record(
        session, person_id, audit.CONSENT_WITHDRAWN, person_id,
        {"notice_version": latest.notice_version, "cancelled_messages": cancelled}, now=now,
    )
    await session.flush()
    return True


async def withdrawn_among(session: AsyncSession, person_ids: set[int]) -> set[int]:
    """Of these people, those whose latest consent is withdrawn: nothing may be sent to them."""
    if not person_ids:
        return set()
    rows = await session.scalars(
        select(ConsentRecord.person_id).where(
            ConsentRecord.id.in_(_latest_record_ids().where(ConsentRecord.person_id.in_(person_ids))),
            ConsentRecord.withdrawn_at.is_not(None),
        )
    )
    return {person_id for person_id in rows if person_id is not None}
