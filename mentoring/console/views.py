"""What the web console shows a member, and whether they may see it (rules: mentoring/access.py).

- Home: who you are, the programmes you coordinate and the groups you mentor.
- A programme: its groups with their active mentees and mentors and the group-shape
  warnings (mentoring/group_shape.py), 50 to a page, filtered by province and searched by
  name (a programme may have thousands). Its coordinators see every group, counts
  through the small-cell rule as in their reports; a mentor sees only the groups
  they mentor in it; anyone else is refused (`AccessDenied("console")`).
- A group: its counts, shape and next sessions; for its mentors and the programme's
  coordinators (figures only: coordinators never see texts, not even a session's place).

Every page about a programme or group is audited when it is shown (ids only), in the
transaction that read it; a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import (
    AccessDenied,
    coordinated_programmes,
    is_coordinator_of,
    is_mentor_of,
    may_open_console,
    may_see_group_figures,
    mentored_groups,
    require,
)
from mentoring.group_shape import Shape, off_words
from mentoring.joining.rules import MemberView, view_of_person
from mentoring.reports.cells import small_count
from mentoring.screens import Words
from mentoring.text import search_key
from storage.models import Group, Membership, Programme, Province, Role
from storage.models.sessions import GroupSession

REFUSED = "console"
PROGRAMME_VIEWED = "console.programme"
GROUP_VIEWED = "console.group"
NEXT_SESSIONS = 5
GROUPS_PER_PAGE = 50  # a programme may have thousands of groups: its page lists them 50 at a time
FIND_MAX = 200


async def member(session: AsyncSession, person_id: int) -> MemberView | None:
    """The person as the console sees them now: None unless they may open it (a mentor or
    coordinator whose consent is current)."""
    found = await view_of_person(session, person_id)
    if found is None or not found.consent_is_current or not may_open_console(found):
        return None
    return found


@dataclass(frozen=True)
class Place:
    """A programme or group on the home page: its id and name."""

    id: int
    name: str
    programme_id: int
    programme_name: str


@dataclass(frozen=True)
class Home:
    name: str
    programmes: tuple[Place, ...]  # coordinated
    groups: tuple[Place, ...]  # mentored


def home(person: MemberView) -> Home:
    coordinated = set(coordinated_programmes(person))
    programmes: dict[int, Place] = {}
    groups: dict[int, Place] = {}
    for role in person.roles:
        if role.programme_id in coordinated and role.programme_id not in programmes:
            programmes[role.programme_id] = Place(role.programme_id, role.programme_name,
                                                  role.programme_id, role.programme_name)
        if role.group_id is not None and role.group_id in mentored_groups(person):
            groups[role.group_id] = Place(role.group_id, role.group_name or "", role.programme_id,
                                          role.programme_name)
    return Home(person.display_name, tuple(programmes.values()), tuple(groups.values()))


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    mentees: str  # as the reader may see the count ("<3" for a coordinator)
    mentors: str
    off: Words | None  # what is outside the planned shape; None when it fits


@dataclass(frozen=True)
class ProgrammePage:
    id: int
    name: str
    coordinator: bool
    groups: tuple[GroupRow, ...]  # this page's groups
    total: int = 0  # groups matching the filter, on every page
    page: int = 1
    pages: int = 1
    province: int | None = None  # the filter: groups of this province only
    find: str = ""  # the search: groups whose name holds this (mentoring.text.search_key)
    provinces: tuple[tuple[int, str], ...] = ()  # the provinces the programme's groups are in


def _shown(person: MemberView, group_id: int, programme_id: int):
    """How counts read for this reader: a group's mentor the numbers, a coordinator the small-cell rule."""
    return str if is_mentor_of(person, group_id) else small_count


async def _page_of_groups(session: AsyncSession, programme_id: int, mine: set[int] | None, province: int | None,
                          find: str, page: int) -> tuple[list[tuple[int, str]], int]:
    """One page of the programme's groups (by id) that match, and how many match in all.

    Without a search the database pages; a search folds every name of the programme (a few
    thousand at most) with `search_key`, which SQL cannot do on both databases.
    """
    where = [Group.programme_id == programme_id]
    if mine is not None:
        where.append(Group.id.in_(sorted(mine)))
    if province is not None:
        where.append(Group.province_id == province)
    if not search_key(find):
        total = int(await session.scalar(select(func.count(Group.id)).where(*where)) or 0)
        rows = await session.execute(select(Group.id, Group.name).where(*where).order_by(Group.id)
                                     .offset((page - 1) * GROUPS_PER_PAGE).limit(GROUPS_PER_PAGE))
        return [(gid, name) for gid, name in rows.all()], total
    key = search_key(find)
    rows = await session.execute(select(Group.id, Group.name).where(*where).order_by(Group.id))
    matching = [(gid, name) for gid, name in rows.all() if key in search_key(name)]
    start = (page - 1) * GROUPS_PER_PAGE
    return matching[start:start + GROUPS_PER_PAGE], len(matching)


async def programme(session: AsyncSession, person: MemberView, programme_id: int, now: datetime, *,
                    page: int = 1, province: int | None = None, find: str = "") -> ProgrammePage:
    """A programme's groups, GROUPS_PER_PAGE to a page, filtered by province and searched by name."""
    found = await session.get(Programme, programme_id)
    coordinator = is_coordinator_of(person, programme_id)
    mine = {role.group_id for role in person.roles if role.programme_id == programme_id} & set(mentored_groups(person))
    require(found is not None and (coordinator or bool(mine)), REFUSED)
    assert found is not None
    find = " ".join(find.split())[:FIND_MAX]
    page = max(1, page)
    listed, total = await _page_of_groups(session, programme_id, None if coordinator else mine, province, find, page)
    pages = max(1, -(-total // GROUPS_PER_PAGE))
    if page > pages:  # past the end (the filter narrowed): the last page
        page = pages
        listed, total = await _page_of_groups(session, programme_id, None if coordinator else mine, province,
                                              find, page)
    counts = {gid: (int(mentees), int(mentors)) for gid, mentees, mentors in (await session.execute(
        select(Membership.group_id,
               func.count(Membership.id).filter(Membership.role == Role.MENTEE.value),
               func.count(Membership.id).filter(Membership.role == Role.MENTOR.value))
        .where(Membership.group_id.in_([gid for gid, _ in listed]), Membership.left_at.is_(None))
        .group_by(Membership.group_id))).all()}
    rows = []
    for gid, name in listed:
        mentees, mentors = counts.get(gid, (0, 0))
        shown = _shown(person, gid, programme_id)
        rows.append(GroupRow(gid, name, shown(mentees), shown(mentors), off_words(Shape(mentees, mentors), shown)))
    places = (await session.execute(
        select(Province.id, Province.name).where(Province.id.in_(
            select(Group.province_id).where(Group.programme_id == programme_id,
                                            *([] if coordinator else [Group.id.in_(sorted(mine))])))
        ).order_by(Province.search_key))).all()
    await audit.record(session, person.person_id, PROGRAMME_VIEWED,
                       details={"programme": programme_id, "groups": len(rows)}, now=now)
    return ProgrammePage(found.id, found.name, coordinator, tuple(rows), total, page, pages, province, find,
                         tuple((pid, pname) for pid, pname in places))


@dataclass(frozen=True)
class SessionRow:
    starts_at: datetime
    place: str | None  # for the group's mentors only


@dataclass(frozen=True)
class GroupPage:
    id: int
    name: str
    programme_id: int
    programme_name: str
    mentees: str
    mentors: str
    members: str
    off: Words | None
    sessions: tuple[SessionRow, ...]
    mentor: bool = False  # the reader mentors it (their dashboard is linked)
    coordinator: bool = False  # the reader coordinates its programme (its forms are linked)


async def group(session: AsyncSession, person: MemberView, group_id: int, now: datetime) -> GroupPage:
    found = await session.get(Group, group_id)
    if found is None or not may_see_group_figures(person, group_id, found.programme_id):
        raise AccessDenied(REFUSED)
    programme_row = await session.get(Programme, found.programme_id)
    assert programme_row is not None
    counts = (await session.execute(
        select(func.count(Membership.id).filter(Membership.role == Role.MENTEE.value),
               func.count(Membership.id).filter(Membership.role == Role.MENTOR.value))
        .where(Membership.group_id == group_id, Membership.left_at.is_(None))
    )).one()
    mentees, mentors = int(counts[0]), int(counts[1])
    mentor = is_mentor_of(person, group_id)
    shown = _shown(person, group_id, found.programme_id)
    planned = (await session.scalars(
        select(GroupSession)
        .where(GroupSession.group_id == group_id, GroupSession.status == "planned", GroupSession.starts_at >= now)
        .order_by(GroupSession.starts_at).limit(NEXT_SESSIONS)
    )).all()
    await audit.record(session, person.person_id, GROUP_VIEWED,
                       details={"group": group_id, "programme": found.programme_id}, now=now)
    return GroupPage(
        found.id, found.name, programme_row.id, programme_row.name, shown(mentees), shown(mentors),
        shown(mentees + mentors), off_words(Shape(mentees, mentors), shown),
        tuple(SessionRow(s.starts_at, s.place if mentor else None) for s in planned), mentor,
        is_coordinator_of(person, found.programme_id),
    )
