"""The coordinators' report: a programme at a glance, in total and per province.

Groups, people (mentees, mentors, and how many the bot cannot reach), the groups
outside the programme's planned shape (mentoring.group_shape), weekly
participation (reflections submitted against mentees) over the last weeks, and
sessions held with their attendance. Counts only, in a fixed number of grouped
queries whatever the size of the programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import offload
from mentoring.delivery import reachable
from mentoring.group_shape import Shape
from mentoring.safeguarding.rules import worries_count
from mentoring.todos.due import programme_week
from storage.models import Group, Membership, Programme, Province, Role
from storage.models.reflections import Reflection
from storage.models.sessions import GroupSession, SessionAttendance

# The window of the coordinator's count of worries about a child.
WORRY_DAYS = 30

WEEKS_SHOWN = 4
NO_PROVINCE = 0

@dataclass
class Figures:
    """The figures of a set of groups (a province, or the programme)."""

    province_id: int
    name: str
    groups: int = 0
    mentees: int = 0
    mentors: int = 0
    unreachable: int = 0
    submitted: dict[int, int] = field(default_factory=dict)  # week -> reflections submitted
    sessions_held: int = 0
    attended: int = 0  # mentee attendances at held sessions
    expected: int = 0  # held sessions x the group's mentees
    attending: int = 0  # mentees of the groups that held sessions (the people behind the attendance rate)

    def add(self, other: Figures) -> None:
        self.groups += other.groups
        self.mentees += other.mentees
        self.mentors += other.mentors
        self.unreachable += other.unreachable
        for week, count in other.submitted.items():
            self.submitted[week] = self.submitted.get(week, 0) + count
        self.sessions_held += other.sessions_held
        self.attended += other.attended
        self.expected += other.expected
        self.attending += other.attending


@dataclass
class Overview:
    programme_id: int
    programme_name: str
    week: int
    weeks: list[int]
    total: Figures
    provinces: list[Figures]
    groups: dict[int, Figures] = field(default_factory=dict)  # group id -> its own figures
    # Worries about a child raised in the last WORRY_DAYS: a count of events, never who or what.
    worries: int = 0
    names: dict[int, str] = field(default_factory=dict)  # group id -> its name

    def outside_shape(self, province_id: int | None = None) -> list[tuple[str, Shape]]:
        """The groups (of a province, or all) whose active members are outside the planned shape, by name."""
        found = [
            (self.names.get(gid, ""), Shape(figures.mentees, figures.mentors))
            for gid, figures in self.groups.items()
            if province_id is None or figures.province_id == province_id
        ]
        return sorted((item for item in found if item[1].off), key=lambda item: item[0])

    def province(self, province_id: int) -> Figures | None:
        return next((p for p in self.provinces if p.province_id == province_id), None)


async def programme_overview(session: AsyncSession, programme_id: int, now: datetime) -> Overview | None:
    programme = await session.get(Programme, programme_id)
    if programme is None:
        return None
    week = programme_week(programme, now)
    weeks = list(range(max(1, week - WEEKS_SHOWN + 1), week + 1))
    groups = (await session.execute(
        select(Group.id, Group.province_id, Province.name, Group.name)
        .outerjoin(Province, Province.id == Group.province_id)
        .where(Group.programme_id == programme_id)
    )).all()
    by_group = {gid: Figures(pid or NO_PROVINCE, name or "", groups=1) for gid, pid, name, _group in groups}
    # Reachability beside each member, in the same query. The programme's ids as bind parameters
    # held the loop ~100 ms at 28,000 members, and asyncpg refuses more than 32,767 of them.
    members = (await session.execute(
        select(Membership.group_id, Membership.role, reachable(Membership.person_id))
        .where(Membership.programme_id == programme_id, Membership.group_id.is_not(None),
               Membership.left_at.is_(None))
    )).all()
    mentee_count: dict[int, int] = {}
    turns = offload.Turns()  # tens of thousands of members: the loop answers people meanwhile
    for gid, role, can_reach in members:
        await turns.take()
        figures = by_group[gid]
        if role == Role.MENTEE.value:
            figures.mentees += 1
            mentee_count[gid] = mentee_count.get(gid, 0) + 1
        else:
            figures.mentors += 1
        figures.unreachable += not can_reach
    for gid, wk, count in await session.execute(
        select(Reflection.group_id, Reflection.week, func.count())
        .join(Group, Group.id == Reflection.group_id)
        .where(Group.programme_id == programme_id, Reflection.week.in_(weeks),
               Reflection.submitted_at.is_not(None))
        .group_by(Reflection.group_id, Reflection.week)
    ):
        by_group[gid].submitted[wk] = count
    await _sessions(session, programme_id, now, by_group, mentee_count)
    provinces: dict[int, Figures] = {}
    total = Figures(NO_PROVINCE, programme.name)
    for figures in by_group.values():
        provinces.setdefault(figures.province_id, Figures(figures.province_id, figures.name)).add(figures)
        total.add(figures)
    ordered = sorted(provinces.values(), key=lambda f: (f.province_id == NO_PROVINCE, f.name))
    worries = await worries_count(session, programme_id, now - timedelta(days=WORRY_DAYS))
    return Overview(programme.id, programme.name, week, weeks, total, ordered, by_group, worries,
                    names={gid: group_name for gid, _pid, _province, group_name in groups})


async def _sessions(session: AsyncSession, programme_id: int, now: datetime,
                    by_group: dict[int, Figures], mentee_count: dict[int, int]) -> None:
    """Sessions held (planned, started before now) and the mentees marked present."""
    held = (
        GroupSession.status == "planned", GroupSession.starts_at <= now, Group.programme_id == programme_id,
    )
    for gid, count in await session.execute(
        select(GroupSession.group_id, func.count()).join(Group, Group.id == GroupSession.group_id)
        .where(*held).group_by(GroupSession.group_id)
    ):
        by_group[gid].sessions_held = count
        by_group[gid].expected = count * mentee_count.get(gid, 0)
        by_group[gid].attending = mentee_count.get(gid, 0)
    for gid, count in await session.execute(
        select(GroupSession.group_id, func.count())
        .join(Group, Group.id == GroupSession.group_id)
        .join(SessionAttendance, SessionAttendance.session_id == GroupSession.id)
        .join(Membership, and_(Membership.person_id == SessionAttendance.person_id,
                               Membership.group_id == GroupSession.group_id,
                               Membership.role == Role.MENTEE.value))
        .where(*held).group_by(GroupSession.group_id)
    ):
        by_group[gid].attended = count
