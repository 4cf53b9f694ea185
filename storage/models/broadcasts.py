"""Coordinator broadcasts: an announcement to many people of a programme at once.

The whole flow lives in the `broadcasts` row (principle 1): while the
coordinator composes it the row is a "draft" holding the chosen audience, text
and send time; on confirmation it turns "sending" in the same transaction that
queues one outbox row per recipient (batch key "broadcast:<id>"), and ends as
"done" or "cancelled" once no row of the batch waits any more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime

BROADCAST_STATUSES = ("draft", "sending", "done", "cancelled")
SCOPES = ("programme", "province", "groups")
AUDIENCE_ROLES = ("all", "mentor", "mentee")


class Broadcast(Base):
    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'sending', 'done', 'cancelled')", name="status"),
        CheckConstraint("scope IS NULL OR scope IN ('programme', 'province', 'groups')", name="scope"),
        CheckConstraint(
            "audience_role IS NULL OR audience_role IN ('all', 'mentor', 'mentee')", name="audience_role"
        ),
        Index("ix_broadcasts_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    # The coordinator who writes it (their drafts are theirs alone).
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    scope: Mapped[str | None] = mapped_column(String(16))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    group_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    audience_role: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # None means "as soon as confirmed".
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The coordinator's progress message, edited while the broadcast goes out.
    progress_chat_id: Mapped[str | None] = mapped_column(String(64))
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    # The counts the progress message shows now, so it is edited only when they change.
    shown_counts: Mapped[dict[str, int] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
