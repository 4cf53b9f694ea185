"""Group sessions ("grup mentorluk görüşmesi"), RSVPs, attendance, feedback and the group agenda.

Standard E.1.3 (session planning), E.1.6 (minutes, "toplantı tutanağı") and
E.6.3 (asking mentees for feedback). Texts a person wrote (minutes, a
takeaway) are marked personal so the privacy feature can erase them; the
figures (who came, how useful) stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime

SESSION_STATUSES = ("planned", "cancelled")
RSVP_ANSWERS = ("yes", "no", "maybe")
DEFAULT_REMINDER_HOURS = [24, 1]


class AgendaTopic(Base):
    """One topic of a group's formal agenda ("formal gündem"), in the mentors' order."""

    __tablename__ = "agenda_topics"
    __table_args__ = (Index("ix_agenda_topics_group_position", "group_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # The group's work plan, not something about a person: kept when its author leaves.
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    covered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GroupSession(Base):
    """A planned group session; `version` grows each time it is moved."""

    __tablename__ = "group_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'cancelled')", name="status"),
        Index("ix_group_sessions_group_starts", "group_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the group meets (a room or an online link): organisational, like the agenda.
    place: Mapped[str] = mapped_column(String(300))
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_topics.id", ondelete="SET NULL")
    )
    # Hours before the start at which reminders go out, e.g. [24, 1].
    reminder_hours: Mapped[list[int]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The decisions of the session (E.1.6).
    minutes: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grows each time the minutes are saved: an acknowledgement names the version it read.
    minutes_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    minutes_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class SessionRsvp(Base):
    """A member's latest answer to a session invitation."""

    __tablename__ = "session_rsvps"
    __table_args__ = (CheckConstraint("answer IN ('yes', 'no', 'maybe')", name="answer"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionAttendance(Base):
    """Who was at a held session, as a mentor of the group marked it."""

    __tablename__ = "session_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionFeedback(Base):
    """An attendee's feedback on a session (E.6.3), for the impact report."""

    __tablename__ = "session_feedback"
    __table_args__ = (
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness"),
        CheckConstraint("spoke_freely BETWEEN 1 AND 5", name="spoke_freely"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    usefulness: Mapped[int] = mapped_column(SmallInteger)
    # "I could speak freely in the session" (1 = not at all, 5 = fully); None until answered.
    spoke_freely: Mapped[int | None] = mapped_column(SmallInteger)
    takeaway: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionMinutesAck(Base):
    """A member read the minutes of a session (E.1.6): the version they acknowledged, and when."""

    __tablename__ = "session_minutes_acks"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    minutes_version: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
