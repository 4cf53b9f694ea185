"""The core schema: programmes, groups, people, roles, invites and consent.

A person is not a Telegram account: `ChannelIdentity` ties a person to a chat
on one channel, so a second channel can reach the same person later.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class Role(str, enum.Enum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"


ROLE_VALUES = tuple(role.value for role in Role)
_ROLE_CHECK = "role IN ('mentee', 'mentor', 'coordinator')"


class Province(Base):
    """One of Turkey's 81 provinces, keyed by its licence-plate code."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # ASCII-folded, lower-case name, so "ISTANBUL", "istanbul" and "İstanbul" match.
    search_key: Mapped[str] = mapped_column(String(64), unique=True)


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Istanbul")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("programme_id", "name", name="uq_groups_programme_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="tr")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Istanbul")
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    # Nothing non-urgent is sent between these local times (wraps past midnight).
    quiet_hours_start: Mapped[time] = mapped_column(Time, default=time(22, 0))
    quiet_hours_end: Mapped[time] = mapped_column(Time, default=time(8, 0))
    # A week's pause or a leave: no prompts or reminders until then.
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # /forgetme: only figures remain


class ChannelIdentity(Base):
    """Where a person is reached: one account on one channel (Telegram or WhatsApp)."""

    __tablename__ = "channel_identities"
    __table_args__ = (
        UniqueConstraint("channel", "external_user_id", name="uq_channel_identities_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    external_user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    # Set when the channel says the person blocked the bot; nothing is sent then.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person last wrote on this channel: WhatsApp takes free-form messages only
    # within 24 hours of it (outside, the sender uses an approved template).
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    """A person's role: mentee or mentor of a group, or coordinator of a programme."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(_ROLE_CHECK, name="role"),
        CheckConstraint(
            "(role = 'coordinator' AND group_id IS NULL) OR "
            "(role <> 'coordinator' AND group_id IS NOT NULL)",
            name="scope",
        ),
        UniqueConstraint("person_id", "programme_id", "group_id", "role", name="uq_memberships_role"),
        Index("ix_memberships_group_role", "group_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invite(Base):
    """A code that lets someone join in a role; from a roster it also carries their name."""

    __tablename__ = "invites"
    __table_args__ = (
        CheckConstraint(_ROLE_CHECK, name="role"),
        CheckConstraint("max_uses IS NULL OR max_uses > 0", name="max_uses"),
        CheckConstraint(
            "(role = 'coordinator' AND group_id IS NULL) OR "
            "(role <> 'coordinator' AND group_id IS NOT NULL)",
            name="scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    invitee_name: Mapped[str | None] = mapped_column(String(200))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    # NULL means any number of people may use the code (a group's shared link).
    max_uses: Mapped[int | None] = mapped_column(Integer)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InviteRedemption(Base):
    """Who used an invite, and when."""

    __tablename__ = "invite_redemptions"
    __table_args__ = (UniqueConstraint("invite_id", "person_id", name="uq_invite_redemptions_use"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invites.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentRecord(Base):
    """A decision on one version of the KVKK notice.

    A refusal is kept without a person (only the invite and the time), because
    someone who declined must not leave personal data behind.
    """

    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint(
            "(accepted_at IS NOT NULL AND person_id IS NOT NULL AND declined_at IS NULL) OR "
            "(declined_at IS NOT NULL AND person_id IS NULL AND accepted_at IS NULL)",
            name="decision",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    notice_version: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
