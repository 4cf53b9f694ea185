"""The audit log: one row each time someone sees, exports or erases a person's data.

Callers record in the same transaction as the access itself, so a read that
happened is never missing from the log. Details carry ids and counts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.privacy import AuditEntry

# Actions recorded by the privacy feature; other features add their own names
# (e.g. "mentee.detail", "programme.export").
MYDATA_EXPORT = "mydata.export"
FORGETME = "forgetme"
CONSENT_WITHDRAWN = "consent.withdrawn"
# A decision on a purpose that needs explicit consent (given, declined or withdrawn; details name it).
CONSENT_DECIDED = "consent.decided"
NOTICE_LOADED = "notice.load"
RETENTION_APPLIED = "retention.apply"
# Rights in chat (mentoring/objections): a request about the person's data, and its answer.
OBJECTION_REQUESTED = "objection.request"
OBJECTION_ANSWERED = "objection.answer"


async def record(
    session: AsyncSession,
    actor_id: int | None,
    action: str,
    subject_id: int | None = None,
    details: dict[str, Any] | None = None,
    *,
    now: datetime,
) -> AuditEntry:
    """Log that `actor_id` did `action` to `subject_id`'s data at `now` (actor None: the CLI)."""
    entry = AuditEntry(
        actor_person_id=actor_id, action=action, subject_person_id=subject_id,
        details=details or None, at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def entries(
    session: AsyncSession, *,
    person_id: int | None = None, since: datetime | None = None, limit: int = 1000,
) -> Sequence[AuditEntry]:
    """Entries by or about a person (everyone when None), from `since` on, oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id).limit(limit)
    if person_id is not None:
        query = query.where(
            or_(AuditEntry.actor_person_id == person_id, AuditEntry.subject_person_id == person_id)
        )
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return (await session.scalars(query)).all()
