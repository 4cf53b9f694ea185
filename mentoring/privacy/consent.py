"""Where a member stands with the KVKK notice (aydınlatma metni): which version they read, and when.

The notice's words are a template in the catalogues (`mentoring.privacy.notice_words`),
filled with each programme's fields (`mentoring.privacy.notice`). Reading it is
acknowledged, not consented to; what needs explicit consent is asked apart
(`mentoring.privacy.explicit`). A new version of the template or of the
programme's fields is shown again before anything else the member does is
processed. Stopping (withdrawing, in the records' older words) stops every
message to the person until they acknowledge the current notice again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.privacy.notice import TEMPLATE_VERSION, NoticeView
from storage.models import ConsentRecord, OutboxMessage
from storage.models.notices import ExplicitConsent

# The version due where a programme has loaded no notice of its own (v3: notice and consents apart).
NOTICE_VERSION = TEMPLATE_VERSION


@dataclass(frozen=True)
class Standing:
    """Where a member stands with the notice: the version they accepted last, and whether withdrawn."""

    person_id: int
    locale: str
    timezone: str
    version: str | None
    accepted_at: datetime | None
    withdrawn_at: datetime | None
    # The notice this member must have read (their newest programme's; None when it has none yet).
    notice: NoticeView | None = None
    # Their decision on transfer abroad (`mentoring.privacy.explicit`): None when never asked.
    abroad: bool | None = None

    @property
    def due(self) -> str:
        """The notice version this member must have acknowledged."""
        return self.notice.version if self.notice is not None else NOTICE_VERSION

    @property
    def read_current(self) -> bool:
        return self.version == self.due and self.accepted_at is not None

    @property
    def needs_abroad(self) -> bool:
        """Transfer abroad needs their explicit consent and it is not given."""
        return self.notice is not None and self.notice.asks_abroad and self.abroad is not True

    @property
    def is_current(self) -> bool:
        return self.read_current and self.withdrawn_at is None and not self.needs_abroad

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


async def acknowledge(session: AsyncSession, person_id: int, version: str, now: datetime) -> bool:
    """Record that the person read this version of the notice; False when already recorded (a double tap)."""
    latest = await _latest(session, person_id)
    if (latest is not None and latest.notice_version == version
            and latest.accepted_at is not None and latest.withdrawn_at is None):
        return False
    session.add(ConsentRecord(person_id=person_id, notice_version=version, accepted_at=now))
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


def refused_abroad() -> Select[tuple[int]]:
    """Ids of people whose newest decision on transfer abroad is no (refused or withdrawn)."""
    newest = (
        select(func.max(ExplicitConsent.id))
        .where(ExplicitConsent.purpose == "abroad")
        .group_by(ExplicitConsent.person_id)
    )
    return select(ExplicitConsent.person_id).where(
        ExplicitConsent.id.in_(newest), ExplicitConsent.given.is_(False)
    )


async def withdrawn_among(session: AsyncSession, person_ids: set[int]) -> set[int]:
    """Of these people, those nothing may be sent to: they stopped Narbot, or said no to transfer abroad."""
    if not person_ids:
        return set()
    rows = await session.scalars(
        select(ConsentRecord.person_id).where(
            ConsentRecord.id.in_(_latest_record_ids().where(ConsentRecord.person_id.in_(person_ids))),
            ConsentRecord.withdrawn_at.is_not(None),
        )
    )
    refused = await session.scalars(refused_abroad().where(ExplicitConsent.person_id.in_(person_ids)))
    return {person_id for person_id in rows if person_id is not None} | set(refused)
