"""Joining the programme: from an invite code, through consent, to a role in a group.

Nothing about a newcomer is stored before they accept the KVKK notice: the
language they chose and their invite code travel with the conversation
(in the buttons), not in the database. A refusal is recorded without any
personal data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import exists, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import demo
from mentoring.joining.invites import InviteStatus, check_invite
from mentoring.privacy import explicit
from mentoring.privacy import notice as notices
from mentoring.privacy.consent import NOTICE_VERSION, Standing
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Invite,
    InviteRedemption,
    Membership,
    Person,
    Programme,
    Role,
)
from storage.reference_cache import cached, peek
from storage.repositories import people as people_repo


@dataclass(frozen=True)
class Newcomer:
    """Who is knocking, as the channel describes them."""

    channel: str
    external_user_id: str
    chat_id: str
    profile_name: str
    locale: str


@dataclass(frozen=True)
class RoleView:
    role: Role
    programme_id: int
    programme_name: str
    group_id: int | None
    group_name: str | None


@dataclass(frozen=True)
class MemberView:
    """A member as the conversation needs them: name, language, zone and roles."""

    person_id: int
    display_name: str
    locale: str
    timezone: str
    roles: tuple[RoleView, ...]
    consent_version: str | None  # the accepted notice's version; None once withdrawn
    consent: Standing | None = None
    blocked: bool = False  # the sender found this account had blocked the bot

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(view.role for view in self.roles)

    @property
    def consent_is_current(self) -> bool:
        if self.consent is not None:
            return self.consent.is_current
        return self.consent_version == NOTICE_VERSION


class StartOutcome(enum.Enum):
    NO_CODE = "no_code"  # a stranger without a code
    INVALID = "invalid"  # the code is unknown, expired, used up or revoked
    NEEDS_CONSENT = "needs_consent"  # a valid code: ask language, then consent
    JOINED = "joined"  # a member used a new code and got one more role
    MEMBER = "member"  # a member; nothing changed


@dataclass(frozen=True)
class StartResult:
    outcome: StartOutcome
    member: MemberView | None = None
    invite_status: InviteStatus | None = None
    new_role: RoleView | None = None


class AcceptOutcome(enum.Enum):
    JOINED = "joined"
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"


@dataclass(frozen=True)
class AcceptResult:
    outcome: AcceptOutcome
    member: MemberView | None = None
    invite_status: InviteStatus | None = None
    new_role: RoleView | None = None


async def member_view(session: AsyncSession, channel: str, external_user_id: str) -> MemberView | None:
    """The member behind a channel account (None for a stranger); read once, then cached."""

    async def load() -> MemberView | None:
        found = await people_repo.person_and_identity(session, channel, external_user_id)
        if found is None:
            return None
        person, identity = found
        return replace(await _view_of(session, person), blocked=identity.blocked_at is not None)

    return await cached(session, _member_key(channel, external_user_id), load)


async def known_member(
    sessions: async_sessionmaker[AsyncSession], channel: str, external_user_id: str
) -> MemberView | None:
    """The member behind a channel account, for callers outside a unit of work: from the
    cache when it holds them, else read in a session of its own."""
    found, member = peek(sessions, _member_key(channel, external_user_id))
    if found:
        return member  # type: ignore[no-any-return]
    async with sessions() as session:
        return await member_view(session, channel, external_user_id)


async def reachable_again(session: AsyncSession, channel: str, external_user_id: str) -> bool:
    """The member wrote, so they no longer block the bot: prompts and digests may go to them again."""
    return await people_repo.clear_blocked(session, channel, external_user_id) > 0


def _member_key(channel: str, external_user_id: str) -> tuple[str, str, str]:
    return ("member", channel, external_user_id)


async def _view_of(session: AsyncSession, person: Person) -> MemberView:
    memberships = await people_repo.active_memberships(session, person.id)
    consent = await people_repo.latest_consent(session, person.id)
    due = await notices.due_for(session, person.id)
    abroad = await explicit.given(session, person.id, explicit.ABROAD) if due is not None else None
    return MemberView(
        person_id=person.id,
        display_name=person.display_name,
        locale=person.locale,
        timezone=person.timezone,
        roles=tuple(_role_view(m, p, g) for m, p, g in memberships),
        consent_version=(
            consent.notice_version if consent is not None and consent.withdrawn_at is None else None
        ),
        consent=Standing(
            person_id=person.id, locale=person.locale, timezone=person.timezone,
            version=consent.notice_version if consent else None,
            accepted_at=consent.accepted_at if consent else None,
            withdrawn_at=consent.withdrawn_at if consent else None,
            notice=due, abroad=abroad,
        ),
    )


def _role_view(membership: Membership, programme: Programme, group: Group | None) -> RoleView:
    return RoleView(
        role=Role(membership.role),
        programme_id=programme.id,
        programme_name=programme.name,
        group_id=group.id if group else None,
        group_name=group.name if group else None,
    )


async def start(
    session: AsyncSession, channel: str, external_user_id: str, code: str | None, now: datetime
) -> StartResult:
    """What `/start [code]` means for this person right now."""
    member = await member_view(session, channel, external_user_id)
    if member is None:
        if not code:
            return StartResult(StartOutcome.NO_CODE)
        status, _ = await check_invite(session, code, now)
        if status is not InviteStatus.VALID:
            return StartResult(StartOutcome.INVALID, invite_status=status)
        return StartResult(StartOutcome.NEEDS_CONSENT, invite_status=status)
    if not code:
        return StartResult(StartOutcome.MEMBER, member=member)
    status, invite = await check_invite(session, code, now, for_update=True)
    if invite is not None and _holds(member, invite):
        return StartResult(StartOutcome.MEMBER, member=member)
    if status is not InviteStatus.VALID or invite is None:
        return StartResult(StartOutcome.INVALID, member=member, invite_status=status)
    person = await session.get(Person, member.person_id)
    assert person is not None
    new_role = await _redeem(session, invite, person, now)
    if new_role is None:
        return StartResult(StartOutcome.INVALID, member=member, invite_status=InviteStatus.USED_UP)
    return StartResult(StartOutcome.JOINED, member=await _view_of(session, person), new_role=new_role)


def _holds(member: MemberView, invite: Invite) -> bool:
    return any(
        view.role.value == invite.role
        and view.programme_id == invite.programme_id
        and view.group_id == invite.group_id
        for view in member.roles
    )


async def accept(
    session: AsyncSession, newcomer: Newcomer, code: str, now: datetime,
    *, default_timezone: str = "Europe/Istanbul",
) -> AcceptResult:
    """The newcomer accepted the current notice: create them and bind them to the invite's role."""
    existing = await member_view(session, newcomer.channel, newcomer.external_user_id)
    if existing is not None:
        # A second tap on an old "accept" button, or a member who opened a new link.
        return AcceptResult(AcceptOutcome.ALREADY_MEMBER, member=existing)
    status, invite = await check_invite(session, code, now, for_update=True)
    if status is not InviteStatus.VALID or invite is None:
        return AcceptResult(AcceptOutcome.INVALID, invite_status=status)
    programme = await session.get(Programme, invite.programme_id)
    group = await session.get(Group, invite.group_id) if invite.group_id else None
    assert programme is not None
    person = Person(
        display_name=(invite.invitee_name or newcomer.profile_name or "?")[:200],
        locale=newcomer.locale,
        timezone=(group.timezone if group and group.timezone else None)
        or programme.timezone
        or default_timezone,
        province_id=invite.province_id or (group.province_id if group else None),
        created_at=now,
    )
    session.add(person)
    await session.flush()
    new_role = await _redeem(session, invite, person, now)
    if new_role is None:
        # Someone else took the last use between our check and our update.
        await session.delete(person)
        return AcceptResult(AcceptOutcome.INVALID, invite_status=InviteStatus.USED_UP)
    session.add_all([
        ChannelIdentity(
            person_id=person.id, channel=newcomer.channel,
            external_user_id=newcomer.external_user_id, chat_id=newcomer.chat_id, created_at=now,
        ),
        ConsentRecord(
            person_id=person.id, invite_id=invite.id, notice_version=await _version_for(session, invite),
            accepted_at=now,
        ),
    ])
    await session.flush()
    return AcceptResult(AcceptOutcome.JOINED, member=await _view_of(session, person), new_role=new_role)


async def _version_for(session: AsyncSession, invite: Invite) -> str:
    """The notice version a newcomer with this invite reads: its programme's."""
    found = await notices.current(session, invite.programme_id)
    return notices.version_of(found.id if found is not None else None)


async def _redeem(session: AsyncSession, invite: Invite, person: Person, now: datetime) -> RoleView | None:
    """Count one use of the invite and give the person its role; None when it ran out."""
    # A conditional UPDATE is atomic on SQLite and PostgreSQL alike, so two
    # people cannot both take the last use of a code.
    taken = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite.id,
            (Invite.max_uses.is_(None)) | (Invite.use_count < Invite.max_uses),
        )
        .values(use_count=Invite.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    await session.refresh(invite)
    membership = Membership(
        person_id=person.id, programme_id=invite.programme_id, group_id=invite.group_id,
        role=invite.role, joined_at=now,
    )
    session.add_all([
        membership,
        InviteRedemption(invite_id=invite.id, person_id=person.id, redeemed_at=now),
    ])
    await session.flush()
    programme = await session.get(Programme, invite.programme_id)
    group = await session.get(Group, invite.group_id) if invite.group_id else None
    assert programme is not None
    await demo.pair_newcomer(session, programme, invite.group_id, invite.role, person.id, now)
    return _role_view(membership, programme, group)


async def decline(session: AsyncSession, code: str, now: datetime) -> InviteStatus:
    """Record only that the current notice was refused for this invite, and when: once.

    A refusal carries no person, so all a record can say is "this invite's notice
    was refused". It is written once per invite and notice version (the first
    refusal); pressing "I do not agree" again, or on another copy of the notice,
    adds nothing. A code that names no invite writes nothing at all.
    """
    # On PostgreSQL the invite's row lock serialises two refusals of one invite;
    # on SQLite the single INSERT ... WHERE NOT EXISTS below is atomic.
    status, invite = await check_invite(session, code, now, for_update=True)
    if invite is None:
        return status
    version = await _version_for(session, invite)
    refused_before = exists().where(
        ConsentRecord.invite_id == invite.id,
        ConsentRecord.person_id.is_(None),
        ConsentRecord.declined_at.is_not(None),
        ConsentRecord.notice_version == version,
    )
    await session.execute(
        insert(ConsentRecord).from_select(
            ["invite_id", "notice_version", "declined_at"],
            select(
                literal(invite.id, ConsentRecord.invite_id.type),
                literal(version, ConsentRecord.notice_version.type),
                literal(now, ConsentRecord.declined_at.type),
            ).where(~refused_before),
        )
    )
    return status


async def set_locale(session: AsyncSession, person_id: int, locale: str) -> None:
    person = await session.get(Person, person_id)
    if person is not None:
        person.locale = locale
        await session.flush()


async def view_of_person(session: AsyncSession, person_id: int) -> MemberView | None:
    """The member as this session sees them now, around the cache (for a step that has just written)."""
    person = await session.get(Person, person_id)
    return await _view_of(session, person) if person is not None else None
