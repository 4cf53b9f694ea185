"""Pairing the mentees of a group into peer partners (pairs, or a trio when the number is odd).

Only the group's mentors and the programme's coordinators pair. Changing a
pair ends the old one (`ended_at`) and starts a new one, so history stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import AccessDenied, coordinated_programmes, may_manage_group, mentored_groups
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from storage.models import Group, Membership, Person, Role
from storage.models.peers import PeerPair, PeerPairMember


@dataclass(frozen=True)
class Mentee:
    person_id: int
    name: str


@dataclass(frozen=True)
class Pair:
    pair_id: int
    members: tuple[Mentee, ...]
    former: int = 0  # members who erased their data: shown as "a former member", never by name

    @property
    def is_trio(self) -> bool:
        return len(self.members) + self.former >= 3


@dataclass(frozen=True)
class GroupPairs:
    group_id: int
    group_name: str
    pairs: tuple[Pair, ...]
    unpaired: tuple[Mentee, ...]

    @property
    def mentees(self) -> tuple[Mentee, ...]:
        return tuple(m for pair in self.pairs for m in pair.members) + self.unpaired


async def managed_groups(session: AsyncSession, member: MemberView) -> list[Group]:
    """Groups whose pairs this person may set: those they mentor and those of programmes they coordinate."""
    mentored, programmes = mentored_groups(member), coordinated_programmes(member)
    if not mentored and not programmes:
        return []
    return list((await session.scalars(select(Group).where(
        Group.id.in_(mentored) | Group.programme_id.in_(programmes)).order_by(Group.id))).all())


async def managed_group(session: AsyncSession, member: MemberView, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    if group is None or not may_manage_group(member, group.id, group.programme_id):
        raise AccessDenied("pairs")
    return group


async def group_mentees(session: AsyncSession, group_id: int) -> list[Mentee]:
    rows = await session.execute(
        select(Person.id, Person.display_name).join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group_id, Membership.role == Role.MENTEE.value,
               Membership.left_at.is_(None))
        .order_by(Membership.joined_at, Membership.id)
    )
    return [Mentee(pid, name) for pid, name in rows.all()]


async def group_pairs(session: AsyncSession, group: Group) -> GroupPairs:
    mentees = await group_mentees(session, group.id)
    by_id = {m.person_id: m for m in mentees}
    rows = (await session.execute(
        select(PeerPair.id, PeerPairMember.person_id, Person.erased_at)
        .join(PeerPairMember, PeerPairMember.pair_id == PeerPair.id)
        .join(Person, Person.id == PeerPairMember.person_id)
        .where(PeerPair.group_id == group.id, PeerPair.ended_at.is_(None))
        .order_by(PeerPair.id, PeerPairMember.id)
    )).all()
    members: dict[int, list[Mentee]] = {}
    former: dict[int, int] = {}
    for pair_id, person_id, erased_at in rows:
        if person_id in by_id:
            members.setdefault(pair_id, []).append(by_id[person_id])
        elif erased_at is not None:
            former[pair_id] = former.get(pair_id, 0) + 1
    paired = {m.person_id for group_members in members.values() for m in group_members}
    return GroupPairs(group.id, group.name,
                      tuple(Pair(pid, tuple(ms), former.get(pid, 0)) for pid, ms in members.items()),
                      tuple(m for m in mentees if m.person_id not in paired))


async def _create(session: AsyncSession, group_id: int, person_ids: list[int], by: int, now: datetime) -> None:
    pair = PeerPair(group_id=group_id, created_by=by, created_at=now)
    session.add(pair)
    await session.flush()
    session.add_all(PeerPairMember(pair_id=pair.id, person_id=pid) for pid in person_ids)
    await _announce(session, pair.id, person_ids, now)


async def _announce(session: AsyncSession, pair_id: int, person_ids: list[int], now: datetime) -> None:
    """Tell each new partner who their partner is (through the outbox, once per pair and person)."""
    people = {p.id: p for p in (await session.scalars(select(Person).where(Person.id.in_(person_ids)))).all()}
    messages = []
    for pid in person_ids:
        tr = translator(people[pid].locale)
        others = tuple(other for other in person_ids if other != pid)
        names = ", ".join(people[other].display_name for other in others)
        if len(others) > 1:  # a trio
            text = tr.gettext("You are in a peer trio with {names}. Send /partner to see the goals they "
                              "share with you and this week's check-in.").format(names=names)
        else:
            text = tr.gettext("You have a new peer partner: {names}. Send /partner to see the goals they "
                              "share with you and this week's check-in.").format(names=names)
        messages.append(Outgoing(f"peer-pair:{pair_id}:{pid}", "peer_pair", text, now, person_id=pid,
                                 mentions=others))
    await enqueue(session, messages, now)


async def _end(session: AsyncSession, pair_ids: list[int], now: datetime) -> None:
    for pair in (await session.scalars(select(PeerPair).where(PeerPair.id.in_(pair_ids)))).all():
        pair.ended_at = now


async def auto_pair(session: AsyncSession, group: Group, by: int, now: datetime) -> GroupPairs:
    """Pair the unpaired mentees in joining order; an odd one out makes a trio."""
    current = await group_pairs(session, group)
    left = [m.person_id for m in current.unpaired]
    if len(left) == 1:
        duo = next((p for p in reversed(current.pairs) if len(p.members) == 2), None)
        if duo is None:
            raise DomainError("nobody_to_pair")
        # The odd one joins an existing pair: that pair ends and a trio starts.
        await _end(session, [duo.pair_id], now)
        left = [m.person_id for m in duo.members] + left
    elif not left:
        raise DomainError("nobody_to_pair")
    groups = [left[i:i + 2] for i in range(0, len(left), 2)]
    if len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    for person_ids in groups:
        await _create(session, group.id, person_ids, by, now)
    await session.flush()
    return await group_pairs(session, group)


async def make_pair(session: AsyncSession, group: Group, person_ids: list[int], by: int,
                    now: datetime) -> GroupPairs:
    """Pair two or three mentees by hand; their current pairs end (kept as history)."""
    chosen = list(dict.fromkeys(person_ids))
    current = await group_pairs(session, group)
    if not 2 <= len(chosen) <= 3 or not set(chosen) <= {m.person_id for m in current.mentees}:
        raise DomainError("stale")
    await _end(session, [p.pair_id for p in current.pairs
                         if {m.person_id for m in p.members} & set(chosen)], now)
    await _create(session, group.id, chosen, by, now)
    await session.flush()
    return await group_pairs(session, group)


async def end_pair(session: AsyncSession, member: MemberView, pair_id: int, now: datetime) -> GroupPairs:
    pair = await session.get(PeerPair, pair_id)
    if pair is None:
        raise DomainError("stale")
    group = await managed_group(session, member, pair.group_id)
    if pair.ended_at is not None:
        raise DomainError("stale")
    pair.ended_at = now
    await session.flush()
    return await group_pairs(session, group)
