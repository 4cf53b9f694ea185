"""Reading what the digest needs for a batch of groups: a fixed number of queries per batch.

Every query filters by the batch's group ids (and a week range), never by one
mentee or one week, so the number of queries does not grow with the size of a
group or the length of the programme (bench/digest.py measures it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, Membership, Person, Role
from storage.models.feedback import FeedbackMessage
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanArea, PlanAreaChoice
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import AgendaTopic, GroupSession, SessionRsvp
from storage.models.todos import Todo, TodoReason

CONFIDENCE_KEY = "confidence"
TO_MENTORS_KEY = "to_mentors"
QUOTE_CHARS = 200
REASON_WEEKS = 4  # "the same reason twice" and the top reasons look this many weeks back
REPLY_WEEKS = REASON_WEEKS  # reflections without a reply are counted this many weeks back


@dataclass(frozen=True)
class Target:
    """One group's digest to build: which week, and the programme's frame."""

    group_id: int
    group_name: str
    programme_id: int
    week: int
    weeks_total: int | None


@dataclass
class Gathered:
    """Rows of a batch, keyed by group (and person) for building the digests."""

    mentees: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    mentors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # group -> week -> (reflections, average confidence)
    trend: dict[int, dict[int, tuple[int, float | None]]] = field(default_factory=lambda: defaultdict(dict))
    # (group, person, week) -> confidence (None: reflected without one)
    reflected: dict[tuple[int, int, int], int | None] = field(default_factory=dict)
    # group -> [(week, person, question key, text)]
    texts: dict[int, list[tuple[int, int, str, str]]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[int, dict[int, set[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    # (group, week) -> pair -> {person: talked}
    checkins: dict[tuple[int, int], dict[int, dict[int, str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    todos: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # person -> done, open, overdue
    reasons: dict[int, list[tuple[int, str, int]]] = field(default_factory=lambda: defaultdict(list))
    areas: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    area_titles: dict[int, dict[str, tuple[str, str | None]]] = field(default_factory=dict)
    reachable: set[int] = field(default_factory=set)
    sessions: dict[int, tuple[GroupSession, str | None]] = field(default_factory=dict)
    rsvps: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    next_topics: dict[int, str] = field(default_factory=dict)
    # group -> [(week, person)] of submitted reflections no mentor has replied to (mentoring/feedback)
    unreplied: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))


def _current(role: Role, groups: Sequence[int]):  # type: ignore[no-untyped-def]
    return and_(Membership.group_id.in_(groups), Membership.role == role.value, Membership.left_at.is_(None))


async def gather(session: AsyncSession, targets: Sequence[Target], now: datetime) -> Gathered:
    """All rows for the targets' digests, in the same fixed set of queries whatever the batch holds."""
    got = Gathered()
    groups = [t.group_id for t in targets]
    first = min(t.week for t in targets) - REASON_WEEKS
    last = max(t.week for t in targets)
    await _people(session, groups, got)
    await _reflections(session, groups, first, last, got)
    await _peers(session, groups, first, last, got)
    await _todos(session, groups, first, last, now, got)
    await _areas(session, groups, {t.programme_id for t in targets}, got)
    await _reachability(session, groups, got)
    await _sessions(session, groups, now, got)
    await _unreplied(session, groups, first, last, got)
    return got


async def _unreplied(session: AsyncSession, groups: list[int], first: int, last: int, got: Gathered) -> None:
    replied = exists().where(FeedbackMessage.reflection_id == Reflection.id)
    rows = await session.execute(
        select(Reflection.group_id, Reflection.week, Reflection.person_id)
        .where(Reflection.group_id.in_(groups), Reflection.submitted_at.is_not(None),
               Reflection.week > first, Reflection.week <= last, ~replied)
    )
    for group_id, week, person_id in rows:
        got.unreplied[group_id].append((week, person_id))


async def _people(session: AsyncSession, groups: list[int], got: Gathered) -> None:
    rows = await session.execute(
        select(Membership.group_id, Membership.role, Person.id, Person.display_name)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id.in_(groups), Membership.left_at.is_(None))
        .order_by(Membership.group_id, Person.display_name, Person.id)
    )
    for group_id, role, person_id, name in rows:
        if role == Role.MENTEE.value:
            got.mentees[group_id].append((person_id, name))
        elif role == Role.MENTOR.value:
            got.mentors[group_id].append(person_id)


def _confidence_join():  # type: ignore[no-untyped-def]
    return and_(
        ReflectionAnswer.reflection_id == Reflection.id,
        ReflectionAnswer.question_key == CONFIDENCE_KEY,
        ReflectionAnswer.skipped.is_(False),
    )


async def _reflections(session: AsyncSession, groups: list[int], first: int, last: int, got: Gathered) -> None:
    submitted = and_(Reflection.group_id.in_(groups), Reflection.submitted_at.is_not(None))
    trend = await session.execute(
        select(Reflection.group_id, Reflection.week, func.count(Reflection.id), func.avg(ReflectionAnswer.scale_value))
        .outerjoin(ReflectionAnswer, _confidence_join())
        .where(submitted, Reflection.week <= last)
        .group_by(Reflection.group_id, Reflection.week)
    )
    for group_id, week, count, average in trend:
        got.trend[group_id][week] = (count, float(average) if average is not None else None)
    recent = await session.execute(
        select(Reflection.group_id, Reflection.person_id, Reflection.week, ReflectionAnswer.scale_value)
        .outerjoin(ReflectionAnswer, _confidence_join())
        .where(submitted, Reflection.week.between(first, last))
    )
    for group_id, person_id, week, confidence in recent:
        got.reflected[(group_id, person_id, week)] = confidence
    # Texts the mentees let mentors read: never from a "numbers only" reflection.
    texts = await session.execute(
        select(Reflection.group_id, Reflection.week, Reflection.person_id, ReflectionAnswer.question_key,
               func.substr(ReflectionAnswer.text, 1, QUOTE_CHARS + 1))
        .join(ReflectionAnswer, ReflectionAnswer.reflection_id == Reflection.id)
        .where(submitted, Reflection.week.between(last - 1, last), Reflection.numbers_only.is_(False),
               ReflectionAnswer.kind == "text", ReflectionAnswer.text.is_not(None), ReflectionAnswer.text != "")
        .order_by(Reflection.group_id, Reflection.id, ReflectionAnswer.id)
    )
    for group_id, week, person_id, key, text in texts:
        got.texts[group_id].append((week, person_id, key, text))


async def _peers(session: AsyncSession, groups: list[int], first: int, last: int, got: Gathered) -> None:
    pairs = await session.execute(
        select(PeerPair.group_id, PeerPair.id, PeerPairMember.person_id)
        .join(PeerPairMember, PeerPairMember.pair_id == PeerPair.id)
        .where(PeerPair.group_id.in_(groups), PeerPair.ended_at.is_(None))
    )
    for group_id, pair_id, person_id in pairs:
        got.pairs[group_id][pair_id].add(person_id)
    checkins = await session.execute(
        select(PeerCheckin.group_id, PeerCheckin.week, PeerCheckin.pair_id, PeerCheckin.person_id, PeerCheckin.talked)
        .where(PeerCheckin.group_id.in_(groups), PeerCheckin.week.between(last - 1, last))
    )
    for group_id, week, pair_id, person_id, talked in checkins:
        got.checkins[(group_id, week)][pair_id][person_id] = talked


async def _todos(session: AsyncSession, groups: list[int], first: int, last: int, now: datetime,
                 got: Gathered) -> None:
    is_open = Todo.status == "open"
    counts = await session.execute(
        select(
            Todo.person_id,
            func.sum(case((Todo.status == "done", 1), else_=0)),
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((and_(is_open, Todo.due_at.is_not(None), Todo.due_at <= now), 1), else_=0)),
        )
        .where(Todo.group_id.in_(groups))
        .group_by(Todo.person_id)
    )
    for person_id, done, open_, overdue in counts:
        got.todos[person_id] = (int(done or 0), int(open_ or 0), int(overdue or 0))
    reasons = await session.execute(
        select(TodoReason.group_id, TodoReason.person_id, TodoReason.reason, TodoReason.week)
        .where(TodoReason.group_id.in_(groups), TodoReason.week.between(first + 1, last))
        .order_by(TodoReason.id)
    )
    for group_id, person_id, reason, week in reasons:
        got.reasons[group_id].append((person_id, reason, week))


async def _areas(session: AsyncSession, groups: list[int], programmes: set[int], got: Gathered) -> None:
    chosen = await session.execute(
        select(Membership.group_id, PlanAreaChoice.area_key, func.count(PlanAreaChoice.id))
        .join(PlanAreaChoice, and_(PlanAreaChoice.person_id == Membership.person_id,
                                   PlanAreaChoice.programme_id == Membership.programme_id))
        .where(_current(Role.MENTEE, groups))
        .group_by(Membership.group_id, PlanAreaChoice.area_key)
    )
    for group_id, key, count in chosen:
        got.areas[group_id].append((key, count))
    own = await session.execute(
        select(PlanArea.programme_id, PlanArea.key, PlanArea.title_en, PlanArea.title_tr)
        .where(PlanArea.programme_id.in_(programmes))
    )
    for programme_id, key, title_en, title_tr in own:
        got.area_titles.setdefault(programme_id, {})[key] = (title_en, title_tr)


async def _reachability(session: AsyncSession, groups: list[int], got: Gathered) -> None:
    """Who can be written to (the same rule as `mentoring.delivery.unreachable_people`, for a batch)."""
    mentees = select(Membership.person_id).where(_current(Role.MENTEE, groups))
    got.reachable = set(await session.scalars(
        select(ChannelIdentity.person_id).where(
            ChannelIdentity.person_id.in_(mentees), ChannelIdentity.blocked_at.is_(None),
        )
    ))


async def _sessions(session: AsyncSession, groups: list[int], now: datetime, got: Gathered) -> None:
    planned = await session.execute(
        select(GroupSession, AgendaTopic.title)
        .outerjoin(AgendaTopic, AgendaTopic.id == GroupSession.topic_id)
        .where(GroupSession.group_id.in_(groups), GroupSession.status == "planned", GroupSession.starts_at > now)
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc())
    )
    for found, title in planned:  # latest first, so the earliest one is kept
        got.sessions[found.group_id] = (found, title)
    ids = [found.id for found, _ in got.sessions.values()]
    if ids:
        for session_id, person_id, answer in await session.execute(
            select(SessionRsvp.session_id, SessionRsvp.person_id, SessionRsvp.answer)
            .where(SessionRsvp.session_id.in_(ids))
        ):
            got.rsvps[session_id][person_id] = answer
    topics = await session.execute(
        select(AgendaTopic.group_id, AgendaTopic.title)
        .where(AgendaTopic.group_id.in_(groups), AgendaTopic.covered_at.is_(None))
        .order_by(AgendaTopic.group_id, AgendaTopic.position.desc(), AgendaTopic.id.desc())
    )
    for group_id, title in topics:  # last wins: the first open topic of each group
        got.next_topics[group_id] = title
