"""Worries about a child that a member raised (issue #15: the safeguarding path).

One row per group whose mentors were told. The note is what the person wrote
(personal: cleared by /forgetme and by retention, with the person); the row
itself stays as a figure (coordinators see only how many worries were raised).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class SafeguardingConcern(Base):
    __tablename__ = "safeguarding_concerns"
    __table_args__ = (Index("ix_safeguarding_concerns_group_created", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # Optional, at most 500 characters, asked without names; cleared with the person.
    note: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
