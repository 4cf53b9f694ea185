"""The mentors' progress report ("mentorluk ilerleme raporu", standard E.5.6), per mentee.

For each mentee of a group: development-plan goals by status, to-dos done, open
and not done (with the reason codes), reflections submitted, and the trend of
the weekly confidence answer (1-5). Only figures and statuses: no text a mentee
wrote is read here, so the report is safe for every reader who may see the group.
The mid-programme and end reports are queued to the mentors by
`plan_progress_reports` (called by the scheduler).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.i18n import translator
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.reports.buttons import REPORTS
from mentoring.todos.due import programme_start, programme_week
from storage.models import Group, Membership, Person, Programme, Role
from storage.models.plans import PlanGoal
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.todos import Todo, TodoReason

CONFIDENCE_KEY = "confidence"  # the default question set's 1-5 confidence question
STAGES = ("mid", "end")
REPORT_HOUR = time(10, 0)  # local time the stage's report is queued for
LATE_LIMIT = timedelta(days=14)  # a stage missed by longer than this is not sent any more
DEFAULT_LENGTH = timedelta(weeks=26)  # a programme without an end date runs about 6 months


@dataclass
class MenteeProgress:
    person_id: int
    name: str
    goals: Counter[str] = field(default_factory=Counter)  # status -> count
    todos: Counter[str] = field(default_factory=Counter)  # status -> count
    reasons: Counter[str] = field(default_factory=Counter)  # reason code -> count
    reflections: int = 0
    confidence: list[tuple[int, int]] = field(default_factory=list)  # (week, 1-5), oldest first

    @property
    def confidence_change(self) -> int | None:
        if len(self.confidence) < 2:
            return None
        return self.confidence[-1][1] - self.confidence[0][1]


@dataclass
class GroupProgress:
    group_id: int
    group_name: str
    programme_id: int
    week: int  # the programme week the report is made in
    mentees: list[MenteeProgress]


async def group_progress(session: AsyncSession, group_id: int, now: datetime) -> GroupProgress | None:
    """The progress of every current mentee of the group (None for an unknown group)."""
    row = (await session.execute(
        select(Group, Programme).join(Programme, Programme.id == Group.programme_id).where(Group.id == group_id)
    )).first()
    if row is None:
        return None
    group, programme = row
    people = (await session.execute(
        select(Person.id, Person.display_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group_id, Membership.role == Role.MENTEE.value,
               Membership.left_at.is_(None))
        .order_by(Person.display_name, Person.id)
    )).all()
    mentees = {pid: MenteeProgress(pid, name) for pid, name in people}
    ids = list(mentees)
    if ids:
        await _fill(session, mentees, ids, group_id, programme.id)
    return GroupProgress(group_id, group.name, programme.id, programme_week(programme, now), list(mentees.values()))


async def _fill(session: AsyncSession, mentees: dict[int, MenteeProgress], ids: list[int],
                group_id: int, programme_id: int) -> None:
    """Five grouped queries for the whole group (never one per mentee)."""
    goals = await session.execute(
        select(PlanGoal.person_id, PlanGoal.status, func.count())
        .where(PlanGoal.person_id.in_(ids), PlanGoal.programme_id == programme_id)
        .group_by(PlanGoal.person_id, PlanGoal.status)
    )
    for pid, status, count in goals:
        mentees[pid].goals[status] = count
    todos = await session.execute(
        select(Todo.person_id, Todo.status, func.count())
        .where(Todo.person_id.in_(ids), Todo.group_id == group_id)
        .group_by(Todo.person_id, Todo.status)
    )
    for pid, status, count in todos:
        mentees[pid].todos[status] = count
    reasons = await session.execute(
        select(TodoReason.person_id, TodoReason.reason, func.count())
        .where(TodoReason.person_id.in_(ids), TodoReason.group_id == group_id)
        .group_by(TodoReason.person_id, TodoReason.reason)
    )
    for pid, reason, count in reasons:
        mentees[pid].reasons[reason] = count
    submitted = await session.execute(
        select(Reflection.person_id, func.count())
        .where(Reflection.person_id.in_(ids), Reflection.group_id == group_id,
               Reflection.submitted_at.is_not(None))
        .group_by(Reflection.person_id)
    )
    for pid, count in submitted:
        mentees[pid].reflections = count
    confidence = await session.execute(
        select(Reflection.person_id, Reflection.week, ReflectionAnswer.scale_value)
        .join(ReflectionAnswer, ReflectionAnswer.reflection_id == Reflection.id)
        .where(Reflection.person_id.in_(ids), Reflection.group_id == group_id,
               Reflection.submitted_at.is_not(None), ReflectionAnswer.question_key == CONFIDENCE_KEY,
               ReflectionAnswer.scale_value.is_not(None))
        .order_by(Reflection.person_id, Reflection.week)
    )
    for pid, week, value in confidence:
        mentees[pid].confidence.append((week, value))


def progress_notice(locale: str, stage: str, group_name: str) -> tuple[str, str]:
    """The queued message that a stage's report is ready, and its button label, in the mentor's language."""
    tr = translator(locale)
    if stage == "mid":
        text = tr.gettext("The mid-programme progress report of {group} is ready.")
    else:
        text = tr.gettext("The end-of-programme progress report of {group} is ready, with the impact report.")
    return text.format(group=group_name), tr.gettext("Open the progress report")


def stage_moments(programme: Programme) -> dict[str, datetime]:
    """When the mid-programme and end reports fall due (UTC): the middle day and the last day, 10:00 local."""
    start = programme_start(programme)
    end = programme.ends_on or start + DEFAULT_LENGTH
    tz = ZoneInfo(programme.timezone)
    middle = start + (end - start) / 2

    def at(day: date) -> datetime:
        return datetime.combine(day, REPORT_HOUR, tzinfo=tz).astimezone(UTC)

    return {"mid": at(middle), "end": at(end)}


def due_stage(programme: Programme, now: datetime) -> str | None:
    """The stage whose report is due now (the latest one passed within LATE_LIMIT)."""
    due = None
    for stage, moment in stage_moments(programme).items():
        if moment <= now < moment + LATE_LIMIT:
            due = stage
    return due


async def plan_progress_reports(session: AsyncSession, now: datetime) -> int:
    """Queue the mid-programme and end progress reports to every mentor of every group; returns how many are new.

    Idempotent (key `progress:{group}:{stage}:{mentor}`), so the scheduler may call it every pass.
    """
    programmes = (await session.scalars(select(Programme))).all()
    stages = {p.id: stage for p in programmes if (stage := due_stage(p, now)) is not None}
    if not stages:
        return 0
    mentors = (await session.execute(
        select(Membership.group_id, Membership.programme_id, Person.id, Person.locale, Group.name)
        .join(Person, Person.id == Membership.person_id)
        .join(Group, Group.id == Membership.group_id)
        .where(Membership.programme_id.in_(list(stages)), Membership.role == Role.MENTOR.value,
               Membership.left_at.is_(None), Person.erased_at.is_(None))
    )).all()
    messages = []
    for group_id, programme_id, mentor_id, locale, group_name in mentors:
        stage = stages[programme_id]
        text, label = progress_notice(locale, stage, group_name)
        messages.append(Outgoing(
            idempotency_key=f"progress:{group_id}:{stage}:{mentor_id}", kind="progress_report",
            text=text, not_before=now, person_id=mentor_id,
            buttons=[[Button(label, REPORTS.encode("g", group=group_id, page=0))]],
        ))
    return await enqueue(session, messages, now)

