"""Resources mentors and coordinators share with a group or a whole programme (issue #14, point 7).

A resource is a link, a note or a document (kept by the channel's file
reference, like a reflection's photos, with the channel it is valid on). It
belongs to a programme and, when shared with one group, to that group. Its
sharer is `person_id` (erasing the sharer keeps the resource, clears the note,
a personal text, and their name then shows as erased). Mentees mark a resource useful once each (`resource_marks`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

KINDS = ("link", "note", "document")
TITLE_MAX = 100
NOTE_MAX = 1000
URL_MAX = 2048


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint("kind IN ('link', 'note', 'document')", name="kind"),
        Index("ix_resources_programme_group", "programme_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    # None: shared with the whole programme.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # Who shared it. CASCADE like every `person_id` (tests/unit/privacy/test_privacy_scope.py): a person's
    # row is never deleted (erasure keeps it, renamed), so the resource outlives its sharer's erasure.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    url: Mapped[str | None] = mapped_column(String(URL_MAX))
    # At most 1,000 characters; cleared with its author.
    note: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # A document: the channel's file reference, its name, and the channel it is valid on.
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_name: Mapped[str | None] = mapped_column(String(256))
    file_channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResourceMark(Base):
    """A mentee found a resource useful (one row per mentee and resource)."""

    __tablename__ = "resource_marks"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
