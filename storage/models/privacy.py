"""The audit log: who looked at or exported whose data, and when (KVKK accountability).

Rows are kept when people are erased: they carry ids and actions, never texts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_subject_at", "subject_person_id", "at"),
        Index("ix_audit_log_actor_at", "actor_person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL: an action from the command line, not by a person in the bot.
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Ids and counts only (never texts or names).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
