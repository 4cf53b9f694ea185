"""The closing sequence's rules: the window, each step's record, the mentee's progress summary, suggestions.

The window: a programme with an end date opens its closing sequence on the first day of its last two
weeks (`ends_on - 13 days`, in the programme's zone) and keeps it open for `GRACE_DAYS` after the end
date, so a mentee can finish late. The offer goes out only while the programme runs (mentoring.closing.offers).

A mentee's place is `closing_progress.step`, an index into `STEPS`; each step is stored when answered
and every step can be skipped, so /closing (or the offer's button) always continues where they were.
Buttons carry the step they belong to: a press for another step changes nothing ("stale").
The end self-assessment is the plan's own (`mentoring.plans.assessment`, stage "end"): answered here or
from the plan's end-of-programme prompt, it is the same scores, and a finished one is passed over.
Texts and names are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
from mentoring.calendar import week_of
from mentoring.closing.buttons import CLOSING
from mentoring.dates import local_today
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.plans import assessment
from mentoring.plans.rules import PlanContext
from storage.models import Membership, Person, Programme, Role
from storage.models.closing import (
    PAIR_CHOICES,
    TEXT_MAX,
    ClosingAnswer,
    ClosingProgress,
    ClosingRecommendation,
    ClosingSurvey,
)
from storage.models.plans import PlanGoal
from storage.models.reflections import Reflection
from storage.models.sessions import GroupSession, SessionAttendance
from storage.models.todos import Todo

logger = logging.getLogger(__name__)

WINDOW_DAYS = 14  # the last two weeks, the end date included
GRACE_DAYS = 14  # how long after the end date the sequence can still be finished
RECOMMENDATIONS_MAX = 3  # the mentee's own
SUGGESTION_KIND = "closing_suggestion"

ASSESS, SUMMARY, RECS, PAIR = "assess", "summary", "recs", "pair"
REFLECTION_QUESTIONS = ("r1", "r2", "r3")
SURVEY_QUESTIONS = ("fac", "cli", "prs")
NOTE = "note"
STEPS = (ASSESS, *REFLECTION_QUESTIONS, SUMMARY, RECS, PAIR, *SURVEY_QUESTIONS, NOTE)
SURVEY_COLUMNS = {"fac": "facilitation", "cli": "climate", "prs": "pairs"}


@dataclass(frozen=True)
class Window:
    opens_on: date
    ends_on: date
    closes_on: date  # the last day the sequence can still be finished

    def state(self, today: date) -> str:
        if today < self.opens_on:
            return "not_yet"
        return "open" if today <= self.closes_on else "over"


def window_of(ends_on: date | None) -> Window | None:
    if ends_on is None:
        return None
    return Window(ends_on - timedelta(days=WINDOW_DAYS - 1), ends_on, ends_on + timedelta(days=GRACE_DAYS))


@dataclass(frozen=True)
class Context:
    """A mentee in the programme whose closing they are in."""

    member: MemberView
    programme_id: int
    group_id: int
    starts_on: date
    window: Window | None
    today: date

    @property
    def person_id(self) -> int:
        return self.member.person_id

    @property
    def state(self) -> str:
        return "no_end" if self.window is None else self.window.state(self.today)

    def plan(self) -> PlanContext:
        return PlanContext(self.member, self.programme_id, ZoneInfo(self.member.timezone),
                           self.window.ends_on if self.window else None)


async def context(session: AsyncSession, member: MemberView, now: datetime) -> Context:
    """The mentee's closing context: their group whose window is open, else their first group."""
    views = [v for v in member.roles if v.role is Role.MENTEE and v.group_id is not None]
    if not views:
        raise access.AccessDenied("closing")
    found: list[Context] = []
    for view in views:
        programme = await session.get(Programme, view.programme_id)
        assert programme is not None and view.group_id is not None
        today = local_today(now, programme.timezone)
        found.append(Context(member, programme.id, view.group_id, programme.starts_on or today,
                             window_of(programme.ends_on), today))
    return next((ctx for ctx in found if ctx.state == "open"), found[0])


async def progress(session: AsyncSession, ctx: Context, now: datetime) -> ClosingProgress:
    """The mentee's place in the sequence (made at the first visit); steps already done are passed over."""
    row = await session.scalar(select(ClosingProgress).where(
        ClosingProgress.person_id == ctx.person_id, ClosingProgress.programme_id == ctx.programme_id))
    if row is None:
        row = ClosingProgress(person_id=ctx.person_id, programme_id=ctx.programme_id, group_id=ctx.group_id,
                              step=0, started_at=now)
        session.add(row)
        await session.flush()
        logger.info("Person %s started the closing of programme %s", ctx.person_id, ctx.programme_id)
    if row.step == 0 and (await assessment.progress(session, ctx.plan(), "end")).next_area is None:
        row.step = 1  # the end self-assessment was done from the plan's prompt
    return row


def step_name(row: ClosingProgress) -> str | None:
    return STEPS[row.step] if row.step < len(STEPS) else None


def _check(row: ClosingProgress, step: int, *names: str) -> None:
    if row.step != step or (names and step_name(row) not in names):
        raise DomainError("stale")


def _advance(row: ClosingProgress, now: datetime) -> None:
    row.step += 1
    if row.step >= len(STEPS) and row.finished_at is None:
        row.finished_at = now
        logger.info("Person %s finished the closing of programme %s", row.person_id, row.programme_id)


def skip(row: ClosingProgress, step: int, now: datetime) -> None:
    _check(row, step)
    _advance(row, now)


async def score_area(session: AsyncSession, ctx: Context, row: ClosingProgress, step: int, area_key: str,
                     score: int, now: datetime) -> assessment.Progress:
    """One area of the end self-assessment; the step ends with the last area."""
    _check(row, step, ASSESS)
    done = await assessment.record(session, ctx.plan(), "end", area_key, score, now)
    if done.next_area is None:
        _advance(row, now)
    return done


def _text(text: str) -> str:
    written = text.strip()
    if not written:
        raise DomainError("empty_text")
    if len(written) > TEXT_MAX:
        raise DomainError("text_too_long", limit=TEXT_MAX, length=len(written))
    return written


async def answer_text(session: AsyncSession, ctx: Context, row: ClosingProgress, text: str,
                      now: datetime) -> None:
    """A typed answer to the step that waits for one: a reflection question, a recommendation, the note."""
    name = step_name(row)
    written = _text(text)
    if name in REFLECTION_QUESTIONS:
        session.add(ClosingAnswer(person_id=ctx.person_id, programme_id=ctx.programme_id, question=name,
                                  text=written, answered_at=now))
        _advance(row, now)
    elif name == RECS:
        if len(await own_recommendations(session, ctx)) >= RECOMMENDATIONS_MAX:
            raise DomainError("stale")
        session.add(ClosingRecommendation(mentee_id=ctx.person_id, programme_id=ctx.programme_id,
                                          person_id=ctx.person_id, text=written, created_at=now))
        await session.flush()
        if len(await own_recommendations(session, ctx)) >= RECOMMENDATIONS_MAX:
            _advance(row, now)
    elif name == NOTE:
        survey = await _survey(session, ctx, now)
        survey.comment = written
        _advance(row, now)
    else:
        raise DomainError("stale")
    await session.flush()


async def choose_pair(row: ClosingProgress, step: int, choice: str, now: datetime) -> None:
    _check(row, step, PAIR)
    if choice not in PAIR_CHOICES:
        raise DomainError("stale")
    row.pair_choice = choice
    _advance(row, now)


async def _survey(session: AsyncSession, ctx: Context, now: datetime) -> ClosingSurvey:
    survey = await session.scalar(select(ClosingSurvey).where(
        ClosingSurvey.person_id == ctx.person_id, ClosingSurvey.programme_id == ctx.programme_id))
    if survey is None:
        survey = ClosingSurvey(person_id=ctx.person_id, programme_id=ctx.programme_id, group_id=ctx.group_id,
                               answered_at=now)
        session.add(survey)
    survey.answered_at = now
    return survey


async def score_survey(session: AsyncSession, ctx: Context, row: ClosingProgress, step: int, score: int,
                       now: datetime) -> None:
    _check(row, step, *SURVEY_QUESTIONS)
    name = step_name(row)
    assert name is not None
    survey = await _survey(session, ctx, now)
    setattr(survey, SURVEY_COLUMNS[name], score)
    _advance(row, now)
    await session.flush()


# ----------------------------------------------------------------------------- recommendations


@dataclass(frozen=True)
class Recommendation:
    text: str
    author: str | None  # a mentor's name; None: the mentee's own


async def own_recommendations(session: AsyncSession, ctx: Context) -> list[str]:
    return [text or "" for text in (await session.scalars(
        select(ClosingRecommendation.text).where(
            ClosingRecommendation.mentee_id == ctx.person_id, ClosingRecommendation.programme_id == ctx.programme_id,
            ClosingRecommendation.person_id == ctx.person_id).order_by(ClosingRecommendation.id))).all()]


async def suggestions(session: AsyncSession, ctx: Context) -> list[Recommendation]:
    """The mentors' suggestions to the mentee, oldest first (an erased mentor's text is gone)."""
    rows = (await session.execute(
        select(ClosingRecommendation.text, Person.display_name)
        .join(Person, Person.id == ClosingRecommendation.person_id)
        .where(ClosingRecommendation.mentee_id == ctx.person_id,
               ClosingRecommendation.programme_id == ctx.programme_id,
               ClosingRecommendation.person_id != ctx.person_id, Person.erased_at.is_(None),
               ClosingRecommendation.text.is_not(None))
        .order_by(ClosingRecommendation.id)
    )).all()
    return [Recommendation(text or "", name) for text, name in rows]


@dataclass(frozen=True)
class Mentee:
    person_id: int
    name: str
    group_id: int
    programme_id: int


async def mentees_of(session: AsyncSession, member: MemberView) -> list[Mentee]:
    """The current mentees of the groups the member mentors."""
    groups = access.mentored_groups(member)
    if not groups:
        return []
    rows = (await session.execute(
        select(Person.id, Person.display_name, Membership.group_id, Membership.programme_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id.in_(groups), Membership.role == Role.MENTEE.value,
               Membership.left_at.is_(None), Person.erased_at.is_(None))
        .order_by(Person.display_name, Person.id)
    )).all()
    return [Mentee(*row) for row in rows]


async def mentee_for(session: AsyncSession, member: MemberView, person_id: int) -> Mentee:
    found = next((m for m in await mentees_of(session, member) if m.person_id == person_id), None)
    if found is None:
        raise access.AccessDenied("closing_suggest")
    return found


async def suggest(session: AsyncSession, member: MemberView, person_id: int, text: str, now: datetime) -> Mentee:
    """A mentor's suggestion to a mentee of their group: stored for the mentee's step, and told to them."""
    mentee = await mentee_for(session, member, person_id)
    access.require(access.is_mentor_of(member, mentee.group_id), "closing_suggest")
    written = _text(text)
    row = ClosingRecommendation(mentee_id=mentee.person_id, programme_id=mentee.programme_id,
                                person_id=member.person_id, text=written, created_at=now)
    session.add(row)
    await session.flush()
    locale = await session.scalar(select(Person.locale).where(Person.id == mentee.person_id)) or "tr"
    tr = translator(locale)
    await enqueue(session, [Outgoing(
        idempotency_key=f"closing-suggestion:{row.id}", kind=SUGGESTION_KIND,
        text=tr.gettext("💡 {name} suggested a way to go on after the programme. You will see it in your "
                        "closing steps (/closing).").format(name=member.display_name),
        not_before=now, person_id=mentee.person_id,
        buttons=[[Button(tr.gettext("Open the closing steps"), CLOSING.encode("go"),
                         tr.gettext("Closing steps"))]],
        mentions=(member.person_id,),
    )], now)
    logger.info("Mentor %s suggested a closing recommendation to person %s", member.person_id, mentee.person_id)
    return mentee


# ----------------------------------------------------------------------------- the progress summary


@dataclass(frozen=True)
class Summary:
    goals: int
    goals_done: int
    todos: int
    todos_done: int
    sessions_held: int
    sessions_attended: int
    reflections: int
    weeks: int


async def summary(session: AsyncSession, ctx: Context, now: datetime) -> Summary:
    """The mentee's own figures in this programme: computed, never stored."""
    goals = (await session.execute(
        select(func.count(), func.count().filter(PlanGoal.status == "done"))
        .where(PlanGoal.person_id == ctx.person_id, PlanGoal.programme_id == ctx.programme_id))).one()
    todos = (await session.execute(
        select(func.count(), func.count().filter(Todo.status == "done"))
        .where(Todo.person_id == ctx.person_id, Todo.group_id == ctx.group_id))).one()
    held = select(GroupSession.id).where(
        GroupSession.group_id == ctx.group_id, GroupSession.status == "planned",
        GroupSession.attendance_recorded_at.is_not(None), GroupSession.starts_at <= now)
    sessions_held = await session.scalar(select(func.count()).select_from(held.subquery())) or 0
    attended = await session.scalar(select(func.count(distinct(SessionAttendance.session_id))).where(
        SessionAttendance.person_id == ctx.person_id, SessionAttendance.session_id.in_(held))) or 0
    reflections = await session.scalar(select(func.count()).select_from(Reflection).where(
        Reflection.person_id == ctx.person_id, Reflection.group_id == ctx.group_id,
        Reflection.submitted_at.is_not(None))) or 0
    last = min(ctx.today, ctx.window.ends_on) if ctx.window else ctx.today
    weeks = max(week_of(ctx.starts_on, last), 1)
    return Summary(goals[0], goals[1], todos[0], todos[1], sessions_held, attended, reflections, weeks)
