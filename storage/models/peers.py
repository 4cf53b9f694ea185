"""Peer partners ("eş düzey mentorluk"): pairs (or a trio) inside a group and their weekly check-ins.

Ending a pair sets `ended_at` and keeps the rows, so history and old check-ins
stay readable after re-pairing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

CHECKIN_TALKED = ("yes", "no", "unreachable")


class PeerPair(Base):
    __tablename__ = "peer_pairs"
    __table_args__ = (Index("ix_peer_pairs_group_ended", "group_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # Who paired them (a mentor or coordinator); kept as NULL if that person is erased.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PeerPairMember(Base):
    __tablename__ = "peer_pair_members"
    __table_args__ = (UniqueConstraint("pair_id", "person_id", name="uq_peer_pair_members_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("peer_pairs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class PeerCheckin(Base):
    """One person's own answer to one week's check-in (partners answer separately)."""

    __tablename__ = "peer_checkins"
    __table_args__ = (
        CheckConstraint("talked IN ('yes', 'no', 'unreachable')", name="talked"),
        CheckConstraint("usefulness IS NULL OR usefulness BETWEEN 1 AND 5", name="usefulness"),
        UniqueConstraint("person_id", "group_id", "week", name="uq_peer_checkins_week"),
        Index("ix_peer_checkins_group_week", "group_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    pair_id: Mapped[int] = mapped_column(ForeignKey("peer_pairs.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    talked: Mapped[str] = mapped_column(String(12))
    # Which of the partner's shared goals they supported, or "something else".
    supported_goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id", ondelete="SET NULL"))
    supported_other: Mapped[bool] = mapped_column(Boolean, default=False)
    usefulness: Mapped[int | None] = mapped_column(SmallInteger)
    # Set once every step the answer needs is given ("no" completes at once).
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
