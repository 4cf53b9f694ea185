"""Objections and correction requests about automated results (issue #15, rights in chat).

A person may object to a flag the weekly digest raises about them (art. 11(g)
KVKK) or ask for a correction; the programme's coordinators answer within 30
days (art. 13). The request and the answer are the person's words and the
coordinator's reply about them: both personal (cleared with the person and by
retention, with the programme); the row itself (dates, the flag's kind) stays as a record that a
request was made and answered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class Objection(Base):
    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_programme_due", "programme_id", "answered_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    # The group and week of the flag objected to; NULL for "something else".
    flag_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    flag_kind: Mapped[str | None] = mapped_column(String(32))
    flag_week: Mapped[int | None] = mapped_column(Integer)
    # What the person wrote (at most 500 characters, asked without names).
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # The day the answer is due: the day of the request in the person's zone + 30 days.
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text, info={"personal": True})
