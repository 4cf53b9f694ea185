"""The to-do list ("yapılacaklar listesi"): tasks from the sessions, and why some were not done.

A to-do belongs to one mentee. A mentor's assignment (to one mentee or the whole
group) creates one to-do per mentee, linked by `assignment_id`; such a to-do
cannot be deleted by the mentee. "Not done" is recorded as a reason row (what
the mentor needs to find out, occupational standard E.5.4), so a to-do that is
postponed and missed again keeps both reasons.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

TODO_STATUSES = ("open", "done", "not_done")
# none: no date; week: by the end of the programme week; session: before the next
# group session (its date is not known here); date: a date the person typed.
DUE_KINDS = ("none", "week", "session", "date")
# no_chance: did not try, no chance to; not_worked: tried it and it did not work (kept apart);
# shift: the shift pattern; children: the children's situation (a crisis, illness, school);
# team_support: support from the team or a manager was needed (issue #14, point 9).
REASON_CODES = (
    "no_time", "no_chance", "not_worked", "shift", "children", "team_support", "unclear", "needed_help", "other",
)
REASON_CHECK = "reason IN ({})".format(", ".join(f"'{code}'" for code in REASON_CODES))
TODO_TEXT_MAX = 500


class TodoAssignment(Base):
    """A to-do a mentor gave to one mentee or to the whole group."""

    __tablename__ = "todo_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    # SET NULL: the mentees keep their to-dos when the mentor's data is erased.
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    whole_group: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Todo(Base):
    __tablename__ = "todos"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'not_done')", name="status"),
        CheckConstraint("due_kind IN ('none', 'week', 'session', 'date')", name="due_kind"),
        Index("ix_todos_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # The mentee's group when the to-do was made (for the mentors' digest).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_kind: Mapped[str] = mapped_column(String(16), default="none")
    # The last local day (date and week kinds); due_at is the end of that day in UTC.
    due_on: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id", ondelete="SET NULL"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("todo_assignments.id", ondelete="SET NULL"), index=True
    )
    # The group session it was set in (issue #14, E.5.1), if any.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="SET NULL"), index=True
    )
    postponed_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    week: Mapped[int] = mapped_column(Integer)  # programme week it was made in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TodoReason(Base):
    """Why a to-do was not done: a code for the figures, an optional text for the mentors."""

    __tablename__ = "todo_reasons"
    __table_args__ = (
        CheckConstraint(REASON_CHECK, name="reason"),
        Index("ix_todo_reasons_group_week", "group_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    todo_id: Mapped[int] = mapped_column(ForeignKey("todos.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    week: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
