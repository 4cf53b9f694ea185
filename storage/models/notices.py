"""The KVKK notice of each programme and the explicit consents people give (issue #15).

`privacy_notices`: a programme's notice (aydınlatma metni) fields, one row per
version; the newest row is the version in force. Rows are only ever added, so a
consent record can always name the exact text a person read.

`explicit_consents`: each decision on one purpose that needs explicit consent
(açık rıza), one row per decision, only ever added: the newest row per person
and purpose is in force; the older ones are the record of given, declined and
withdrawn consents that KVKK asks the controller to be able to show.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

CONSENT_PURPOSES = ("abroad", "media")


class PrivacyNotice(Base):
    __tablename__ = "privacy_notices"
    __table_args__ = (Index("ix_privacy_notices_programme", "programme_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    # The data controller (veri sorumlusu) and how to reach it.
    institution: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500))
    contact: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    kep: Mapped[str | None] = mapped_column(String(200))
    # Appropriate safeguards for transfers abroad (KVKK art. 9), e.g. standard contractual clauses
    # notified to the Authority; when empty, transfer through the messaging platform needs explicit consent.
    transfer_safeguard: Mapped[str | None] = mapped_column(String(500))
    # The retention period in force when this version was issued (RETENTION_DAYS_AFTER_PROGRAMME).
    retention_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExplicitConsent(Base):
    __tablename__ = "explicit_consents"
    __table_args__ = (
        CheckConstraint("purpose IN ('abroad', 'media')", name="purpose"),
        Index("ix_explicit_consents_person_purpose", "person_id", "purpose", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    given: Mapped[bool]
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
