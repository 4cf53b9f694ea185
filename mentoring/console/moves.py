"""Moving a mentee or mentor to another group of the same programme (the web console).

Only the programme's coordinators move people. The move form lists the group's active
mentees and mentors and the programme's other groups (found by name: a programme may have
thousands), and before anything is written shows both groups' shape as it WOULD be after
the move (mentoring/group_shape.py; counts through the small-cell rule, as coordinators
read every count). The move itself, in one transaction:

- the old membership ends (`left_at`) and a new one starts in the other group (a membership
  the person once had there is opened again: memberships are unique per person, group and role);
- a mentee's current peer pair in the old group ends (mentoring/peers: `ended_at`), and the
  partners left without one are told their mentors will pair them again;
- the person is told where they are now, and the mentors of both groups who they lost or
  gained, each in their own language, through the outbox (kind `group_move`);
- it is audited (ids only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied, is_coordinator_of
from mentoring.console.admin import REFUSED, FormProblems
from mentoring.group_shape import Shape, off_words
from mentoring.i18n import N_, translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from mentoring.reports.cells import small_count
from mentoring.screens import Text, Words
from mentoring.text import search_key
from storage.models import Group, Membership, Person, Programme, Role
from storage.models.peers import PeerPair, PeerPairMember

MOVE_FORM_VIEWED = "console.move_form"
PERSON_MOVED = "console.person_moved"
KIND = "group_move"
TARGETS_SHOWN = 50  # other groups offered at once; a name narrows them down
MOVABLE = (Role.MENTEE.value, Role.MENTOR.value)

NO_PERSON = Text("Please choose a mentee or mentor of this group.")
NO_TARGET = Text("Please choose another group of this programme.")
ALREADY_THERE = Text("This person is already in that group.")

YOU_MOVED = N_("You are now in group {group} of {programme} (before: group {old}). "
                "Your coordinator moved you.")
YOUR_PAIR_ENDED = N_("Your peer pair in group {old} has ended; the mentors of your new group will pair you again.")
PARTNER_LEFT = N_("Your peer partner has moved to another group, so your pair has ended. "
                  "Your mentors will pair you again.")
HAS_LEFT = N_("{name} has moved from your group {old} to group {group}.")
HAS_JOINED = N_("{name} has joined your group {group} (moved from group {old}).")


@dataclass(frozen=True)
class Movable:
    person_id: int
    name: str
    role: str  # "mentee" or "mentor"


@dataclass(frozen=True)
class Target:
    id: int
    name: str


@dataclass(frozen=True)
class After:
    """A group's shape as it would be after the move, as the coordinator reads counts."""

    group_id: int
    name: str
    mentees: str
    mentors: str
    off: Words | None


@dataclass(frozen=True)
class MovePage:
    group_id: int
    group_name: str
    programme_id: int
    programme_name: str
    members: tuple[Movable, ...]
    targets: tuple[Target, ...]
    more_targets: int  # other groups matching `find` that are not offered
    find: str
    person: str  # the chosen person's id, as typed
    to: str  # the chosen group's id
    after: tuple[After, ...] = ()  # both groups after the move (a preview), once both are chosen
    problems: dict[str, Words] = field(default_factory=dict)


async def _coordinated_group(session: AsyncSession, reader: MemberView, group_id: int) -> tuple[Group, Programme]:
    group = await session.get(Group, group_id)
    if group is None or not is_coordinator_of(reader, group.programme_id):
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    return group, programme


async def _members(session: AsyncSession, group_id: int) -> tuple[Movable, ...]:
    rows = await session.execute(
        select(Person.id, Person.display_name, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group_id, Membership.left_at.is_(None), Membership.role.in_(MOVABLE),
               Person.erased_at.is_(None))
        .order_by(Membership.role.desc(), Person.display_name, Person.id)
    )
    return tuple(Movable(pid, name, role) for pid, name, role in rows.all())


async def _targets(session: AsyncSession, group: Group, find: str) -> tuple[tuple[Target, ...], int]:
    rows = (await session.execute(select(Group.id, Group.name).where(
        Group.programme_id == group.programme_id, Group.id != group.id).order_by(Group.name, Group.id))).all()
    key = search_key(find)
    matching = [Target(gid, name) for gid, name in rows if key in search_key(name)]
    return tuple(matching[:TARGETS_SHOWN]), max(0, len(matching) - TARGETS_SHOWN)


async def _counts(session: AsyncSession, group_ids: list[int]) -> dict[int, Shape]:
    rows = await session.execute(
        select(Membership.group_id,
               func.count(Membership.id).filter(Membership.role == Role.MENTEE.value),
               func.count(Membership.id).filter(Membership.role == Role.MENTOR.value))
        .where(Membership.group_id.in_(group_ids), Membership.left_at.is_(None)).group_by(Membership.group_id))
    found = {gid: Shape(int(mentees), int(mentors)) for gid, mentees, mentors in rows.all()}
    return {gid: found.get(gid, Shape(0, 0)) for gid in group_ids}


def _after(group_id: int, name: str, shape: Shape) -> After:
    return After(group_id, name, small_count(shape.mentees), small_count(shape.mentors),
                 off_words(shape, small_count))


async def _checked(session: AsyncSession, group: Group, values: dict[str, str], *, lock: bool = False
                   ) -> tuple[Membership, Group]:
    """The membership to end and the group to move to, or every problem by its field.

    `lock`: the membership row is locked (PostgreSQL) until the move commits, so two coordinators
    moving the same person at once cannot both end it: the second waits, then finds it ended."""
    problems: dict[str, Words] = {}
    membership = None
    if values["person"].isdigit():
        query = select(Membership).join(Person, Person.id == Membership.person_id).where(
            Membership.group_id == group.id, Membership.left_at.is_(None), Membership.role.in_(MOVABLE),
            Membership.person_id == int(values["person"]), Person.erased_at.is_(None),
        ).limit(1)
        membership = await session.scalar(query.with_for_update(of=Membership) if lock else query)
    if membership is None:
        problems["person"] = NO_PERSON
    target = await session.get(Group, int(values["to"])) if values["to"].isdigit() else None
    if target is None or target.programme_id != group.programme_id or target.id == group.id:
        problems["to"] = NO_TARGET
    elif membership is not None and await session.scalar(select(Membership.id).where(
            Membership.person_id == membership.person_id, Membership.group_id == target.id,
            Membership.left_at.is_(None)).limit(1)) is not None:
        problems["to"] = ALREADY_THERE
    if problems:
        raise FormProblems(problems, values)
    assert membership is not None and target is not None
    return membership, target


async def move_page(session: AsyncSession, reader: MemberView, group_id: int, values: dict[str, str],
                    now: datetime, problems: dict[str, Words] | None = None) -> MovePage:
    """The move form; with a person and a group chosen, both groups' shape after the move."""
    group, programme = await _coordinated_group(session, reader, group_id)
    members = await _members(session, group.id)
    targets, more = await _targets(session, group, values.get("find", ""))
    after: tuple[After, ...] = ()
    found = dict(problems or {})
    if not found and values.get("person") and values.get("to"):
        try:
            membership, target = await _checked(session, group, values)
        except FormProblems as checked:
            found = checked.problems
        else:
            shapes = await _counts(session, [group.id, target.id])
            mentee = membership.role == Role.MENTEE.value
            old, new = shapes[group.id], shapes[target.id]
            after = (_after(group.id, group.name, Shape(old.mentees - mentee, old.mentors - (not mentee))),
                     _after(target.id, target.name, Shape(new.mentees + mentee, new.mentors + (not mentee))))
            if all(t.id != target.id for t in targets):
                targets = (*targets, Target(target.id, target.name))
    await audit.record(session, reader.person_id, MOVE_FORM_VIEWED,
                       details={"group": group.id, "programme": programme.id}, now=now)
    return MovePage(group.id, group.name, programme.id, programme.name, members, targets, more,
                    values.get("find", ""), values.get("person", ""), values.get("to", ""), after, found)


async def move(session: AsyncSession, reader: MemberView, group_id: int, values: dict[str, str],
               now: datetime) -> int:
    """Move the chosen person to the chosen group; returns that group's id."""
    group, programme = await _coordinated_group(session, reader, group_id)
    membership, target = await _checked(session, group, values, lock=True)
    person_id, role = membership.person_id, membership.role
    membership.left_at = now
    await session.flush()
    earlier = await session.scalar(select(Membership).where(
        Membership.person_id == person_id, Membership.programme_id == programme.id,
        Membership.group_id == target.id, Membership.role == role))
    if earlier is not None:  # back in a group they once left: the same row, open again
        earlier.left_at, earlier.joined_at = None, now
    else:
        session.add(Membership(person_id=person_id, programme_id=programme.id, group_id=target.id, role=role,
                               joined_at=now))
    partners: list[int] = []
    pair_ids: list[int] = []
    if role == Role.MENTEE.value:
        pairs = (await session.scalars(select(PeerPair).join(PeerPairMember, PeerPairMember.pair_id == PeerPair.id)
                                       .where(PeerPair.group_id == group.id, PeerPair.ended_at.is_(None),
                                              PeerPairMember.person_id == person_id))).all()
        for pair in pairs:
            pair.ended_at = now
            pair_ids.append(pair.id)
        if pair_ids:
            partners = list((await session.scalars(select(PeerPairMember.person_id).where(
                PeerPairMember.pair_id.in_(pair_ids), PeerPairMember.person_id != person_id))).all())
    await session.flush()
    entry = await audit.record(session, reader.person_id, PERSON_MOVED, person_id, details={
        "programme": programme.id, "from": group.id, "to": target.id, "pairs": pair_ids}, now=now)
    await session.flush()
    await _tell(session, entry.id, person_id, group, target, programme, partners, bool(pair_ids), now)
    return target.id


async def _tell(session: AsyncSession, move_id: int, person_id: int, old: Group, new: Group,
                programme: Programme, partners: list[int], pair_ended: bool, now: datetime) -> None:
    mentors = (await session.execute(select(Membership.person_id, Membership.group_id).where(
        Membership.group_id.in_([old.id, new.id]), Membership.role == Role.MENTOR.value,
        Membership.left_at.is_(None), Membership.person_id != person_id))).all()
    ids = {person_id, *partners, *(pid for pid, _ in mentors)}
    people = {p.id: p for p in (await session.scalars(select(Person).where(
        Person.id.in_(ids), Person.erased_at.is_(None)))).all()}
    moved = people.get(person_id)
    messages = []

    def out(to: int, text: str, mentions: tuple[int, ...] = ()) -> None:
        messages.append(Outgoing(f"group-move:{move_id}:{to}", KIND, text, now, person_id=to, mentions=mentions))

    if moved is not None:
        tr = translator(moved.locale)
        text = tr.gettext(YOU_MOVED).format(group=new.name, programme=programme.name, old=old.name)
        if pair_ended:
            text += "\n\n" + tr.gettext(YOUR_PAIR_ENDED).format(old=old.name)
        out(person_id, text)
    for pid in partners:
        if pid in people:
            out(pid, translator(people[pid].locale).gettext(PARTNER_LEFT))
    for pid, gid in mentors:
        if pid in people and moved is not None:
            words = HAS_LEFT if gid == old.id else HAS_JOINED
            out(pid, translator(people[pid].locale).gettext(words).format(
                name=moved.display_name, old=old.name, group=new.name), (person_id,))
    await enqueue(session, messages, now)
