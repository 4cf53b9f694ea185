"""From practice to the group (issue #14, point 3): agenda proposals and roles on agenda topics.

A proposal comes from a mentee's reflection (they answered "bring it to the
session: yes") or from the mentee directly (/agenda); the group's mentors
accept it (it becomes an `agenda_topics` row, `topic_id`) or decline it. A
role asks one mentee to present, to role-play or to bring a case on a topic;
the mentee accepts or declines. What a mentee wrote (`text`) is personal: it
goes with its author when they are erased.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

PROPOSAL_STATUSES = ("pending", "accepted", "declined")
ROLE_KINDS = ("presenter", "role_play", "case")
ROLE_STATUSES = ("asked", "accepted", "declined")


class AgendaProposal(Base):
    """A topic a mentee would like the group to talk about, waiting for a mentor's decision."""

    __tablename__ = "agenda_proposals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined')", name="status"),
        Index("ix_agenda_proposals_group_status", "group_id", "status"),
        # One proposal per reflection: a second submit (or a race) adds none.
        Index("ix_agenda_proposals_reflection", "reflection_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # The mentee who proposed it (directly or through their reflection); the proposal is theirs.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reflection_id: Mapped[int | None] = mapped_column(ForeignKey("reflections.id", ondelete="SET NULL"))
    # The mentee's words: typed here, or "what was hard" of a reflection shared with the mentors.
    # None when the reflection was "numbers only" (or had no text for it).
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_topics.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgendaRole(Base):
    """A mentee asked to take a role on an agenda topic: present, role-play, or bring a case."""

    __tablename__ = "agenda_roles"
    __table_args__ = (
        CheckConstraint("role IN ('presenter', 'role_play', 'case')", name="role"),
        CheckConstraint("status IN ('asked', 'accepted', 'declined')", name="status"),
        # One request per topic, mentee and role: asking again asks the same row.
        Index("ix_agenda_roles_topic_person_role", "topic_id", "person_id", "role", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("agenda_topics.id", ondelete="CASCADE"))
    # The mentee asked.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="asked")
    asked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
