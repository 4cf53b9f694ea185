"""The console's participation dashboard: per programme week, for a programme (a province, a group)
or for a mentor's own group.

Three measures per week, each "done / of":
- reflections submitted / the mentees;
- peer check-ins answered (completed) / the mentees in an active peer pair;
- mentees present at held group sessions / the mentees of the groups that held one that week
  (attendance counts mentees, as the coordinators' report does).
The people are the groups' current members (left_at empty), as in the report. Weeks are the
programme's (mentoring.todos.due.programme_week; a session's week is that of its start).

And who cannot be reached, by reason (the first that applies): consent withdrawn or transfer abroad
refused (mentoring.privacy.consent), blocked the bot on every channel, no channel at all, paused.

Coordinators see every count through the small-cell rule (mentoring/reports/cells.py): a count of
1 or 2 people reads "<3", a share drawn from fewer than SMALL_CELL people (or revealing such a
count) reads "—" and draws no bar. A group's mentors see their group's real counts, and the names
of the mentees who cannot be reached because they blocked the bot or have no chat with it (what
their weekly digest already tells them, FlagKind.UNREACHABLE); other reasons as counts only.
Figures only: no text is read. Every view is audited (`console.dashboard`, ids only); a refusal
writes nothing. A fixed number of grouped queries whatever the size of the programme.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied, is_coordinator_of, is_mentor_of
from mentoring.console.views import REFUSED
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.privacy.consent import withdrawn_among
from mentoring.reports.cells import small_count, too_few, too_few_for_average
from mentoring.todos.due import programme_week
from storage.models import ChannelIdentity, Group, Membership, Person, Programme, Province, Role
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.reflections import Reflection
from storage.models.sessions import GroupSession, SessionAttendance

VIEWED = "console.dashboard"
WEEKS_SHOWN = 8

MEASURES = ("reflections", "checkins", "attendance")
MEASURE_WORDS = {
    "reflections": N_("Reflections sent / mentees"),
    "checkins": N_("Peer check-ins done / mentees with a partner"),
    "attendance": N_("Present at group sessions / mentees of the groups that met"),
}
# Why someone cannot be reached, in the order they are tested.
REASONS = ("consent", "blocked", "no_channel", "paused")
REASON_WORDS = {
    "consent": N_("Consent withdrawn, or transfer abroad refused"),
    "blocked": N_("Blocked the bot"),
    "no_channel": N_("No chat with the bot"),
    "paused": N_("Paused messages"),
}
NAMED_REASONS = frozenset({"blocked", "no_channel"})  # the digest names these mentees to their mentors


@dataclass(frozen=True)
class Cell:
    done: int
    of: int
    shown_done: str  # as the reader may see it ("<3" for a coordinator)
    shown_of: str
    share: float | None  # 0..1; None when there is no one to count, or when it is hidden
    hidden: bool  # the share would tell about fewer than SMALL_CELL people: "—", and no bar


def _cell(done: int, of: int, suppress: bool) -> Cell:
    if not suppress:
        return Cell(done, of, str(done), str(of), done / of if of else None, False)
    hidden = bool(of) and (too_few(done) or too_few_for_average(of))
    return Cell(done, of, small_count(done), small_count(of), None if hidden or not of else done / of, hidden)


@dataclass(frozen=True)
class WeekRow:
    week: int
    cells: dict[str, Cell]  # measure -> its cell


@dataclass(frozen=True)
class Unreachable:
    reason: str
    count: str  # as the reader may see it
    names: tuple[str, ...]  # for a group's mentors, only for NAMED_REASONS


@dataclass(frozen=True)
class Option:
    id: int
    name: str


@dataclass(frozen=True)
class Dashboard:
    programme_id: int
    programme_name: str
    group_id: int | None  # the group of a mentor's dashboard, or the group filter
    group_name: str | None
    province_id: int | None
    mentor: bool  # real counts (a group's mentor) or the small-cell rule (coordinators)
    week: int
    rows: tuple[WeekRow, ...]
    unreachable: tuple[Unreachable, ...]
    provinces: tuple[Option, ...]  # the filters a coordinator may choose
    groups: tuple[Option, ...]


async def programme_dashboard(session: AsyncSession, person: MemberView, programme_id: int, now: datetime,
                              province_id: int | None = None, group_id: int | None = None) -> Dashboard:
    """A programme's dashboard for its coordinators, optionally for one province or one group."""
    programme = await session.get(Programme, programme_id)
    if programme is None or not is_coordinator_of(person, programme_id):
        raise AccessDenied(REFUSED)
    all_groups = (await session.execute(
        select(Group.id, Group.name, Group.province_id, Province.name)
        .outerjoin(Province, Province.id == Group.province_id)
        .where(Group.programme_id == programme_id).order_by(Group.name, Group.id)
    )).all()
    chosen = [gid for gid, _name, pid, _p in all_groups
              if (province_id is None or pid == province_id) and (group_id is None or gid == group_id)]
    names = {gid: name for gid, name, _pid, _p in all_groups}
    provinces = sorted({(pid, pname) for _g, _n, pid, pname in all_groups if pid is not None},
                       key=lambda item: item[1])
    board = await _dashboard(session, programme, chosen, now, mentor=False)
    await audit.record(session, person.person_id, VIEWED,
                       details={"programme": programme_id, "province": province_id, "group": group_id}, now=now)
    return Dashboard(programme.id, programme.name, group_id, names.get(group_id) if group_id else None,
                     province_id, False, board[0], board[1], board[2],
                     tuple(Option(pid, pname) for pid, pname in provinces),
                     tuple(Option(gid, name) for gid, name, _pid, _p in all_groups))


async def group_dashboard(session: AsyncSession, person: MemberView, group_id: int, now: datetime) -> Dashboard:
    """A group's dashboard for its mentors: the real counts, as in their digest."""
    group = await session.get(Group, group_id)
    if group is None or not is_mentor_of(person, group_id):
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    week, rows, unreachable = await _dashboard(session, programme, [group_id], now, mentor=True)
    await audit.record(session, person.person_id, VIEWED,
                       details={"programme": programme.id, "group": group_id}, now=now)
    return Dashboard(programme.id, programme.name, group.id, group.name, None, True, week, rows, unreachable,
                     (), ())


async def _dashboard(session: AsyncSession, programme: Programme, groups: list[int], now: datetime, *,
                     mentor: bool) -> tuple[int, tuple[WeekRow, ...], tuple[Unreachable, ...]]:
    week = programme_week(programme, now)
    weeks = list(range(max(1, week - WEEKS_SHOWN + 1), week + 1))
    members = (await session.execute(
        select(Membership.group_id, Membership.person_id, Membership.role, Person.display_name)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id.in_(groups), Membership.left_at.is_(None),
               Membership.role.in_((Role.MENTEE.value, Role.MENTOR.value)))
    )).all() if groups else []
    mentees: dict[int, set[int]] = defaultdict(set)
    for gid, pid, role, _name in members:
        if role == Role.MENTEE.value:
            mentees[gid].add(pid)
    every_mentee = set().union(*mentees.values()) if mentees else set()
    done: dict[str, dict[int, int]] = {measure: defaultdict(int) for measure in MEASURES}
    of: dict[str, dict[int, int]] = {measure: defaultdict(int) for measure in MEASURES}
    if groups:
        for _gid, wk, count in await session.execute(
            select(Reflection.group_id, Reflection.week, func.count(func.distinct(Reflection.person_id)))
            .where(Reflection.group_id.in_(groups), Reflection.week.in_(weeks),
                   Reflection.submitted_at.is_not(None), Reflection.person_id.in_(every_mentee))
            .group_by(Reflection.group_id, Reflection.week)
        ):
            done["reflections"][wk] += count
        partnered = set(await session.scalars(
            select(PeerPairMember.person_id).join(PeerPair, PeerPair.id == PeerPairMember.pair_id)
            .where(PeerPair.group_id.in_(groups), PeerPair.ended_at.is_(None))
        )) & every_mentee
        for wk, count in await session.execute(
            select(PeerCheckin.week, func.count(func.distinct(PeerCheckin.person_id)))
            .where(PeerCheckin.group_id.in_(groups), PeerCheckin.week.in_(weeks),
                   PeerCheckin.completed_at.is_not(None), PeerCheckin.person_id.in_(partnered))
            .group_by(PeerCheckin.week)
        ):
            done["checkins"][wk] += count
        met: dict[int, set[int]] = defaultdict(set)  # week -> groups that held a session
        present: dict[int, set[int]] = defaultdict(set)  # week -> mentees present at one
        for gid, starts_at, attendee in await session.execute(
            select(GroupSession.group_id, GroupSession.starts_at, SessionAttendance.person_id)
            .outerjoin(SessionAttendance, SessionAttendance.session_id == GroupSession.id)
            .where(GroupSession.group_id.in_(groups), GroupSession.status == "planned",
                   GroupSession.starts_at <= now)
        ):
            wk = programme_week(programme, starts_at)
            met[wk].add(gid)
            if attendee in mentees[gid]:
                present[wk].add(attendee)
        for wk in weeks:
            of["reflections"][wk] = len(every_mentee)
            of["checkins"][wk] = len(partnered)
            of["attendance"][wk] = sum(len(mentees[gid]) for gid in met.get(wk, ()))
            done["attendance"][wk] = len(present.get(wk, ()))
    rows = tuple(
        WeekRow(wk, {measure: _cell(done[measure][wk], of[measure][wk], not mentor) for measure in MEASURES})
        for wk in weeks
    )
    return week, rows, await _unreachable(session, members, every_mentee, now, mentor=mentor)


async def _unreachable(session: AsyncSession, members, mentees: set[int], now: datetime, *,  # type: ignore[no-untyped-def]
                       mentor: bool) -> tuple[Unreachable, ...]:
    people = {pid: name for _gid, pid, _role, name in members}
    if not people:
        return tuple(Unreachable(reason, "0", ()) for reason in REASONS)
    withdrawn = await withdrawn_among(session, set(people))
    identities: dict[int, list[bool]] = defaultdict(list)  # person -> blocked? per identity
    for pid, blocked_at in await session.execute(
        select(ChannelIdentity.person_id, ChannelIdentity.blocked_at).where(ChannelIdentity.person_id.in_(people))
    ):
        identities[pid].append(blocked_at is not None)
    paused = set(await session.scalars(
        select(Person.id).where(Person.id.in_(people), Person.paused_until.is_not(None),
                                Person.paused_until > now)
    ))
    found: dict[str, list[int]] = {reason: [] for reason in REASONS}
    for pid in people:
        if pid in withdrawn:
            found["consent"].append(pid)
        elif identities.get(pid) and all(identities[pid]):
            found["blocked"].append(pid)
        elif not identities.get(pid):
            found["no_channel"].append(pid)
        elif pid in paused:
            found["paused"].append(pid)
    result = []
    for reason in REASONS:
        ids = found[reason]
        named = mentor and reason in NAMED_REASONS
        names = tuple(sorted(people[pid] for pid in ids if pid in mentees)) if named else ()
        result.append(Unreachable(reason, str(len(ids)) if mentor else small_count(len(ids)), names))
    return tuple(result)
