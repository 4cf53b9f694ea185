"""The development plan ("gelişim planı"): chosen priority areas and SMART goals.

Only the mentee changes their own plan; a partner sees the goals marked as
shared (`shared_goals`). The goal form's draft lives in the person's
conversation state (flow "plan_goal"), so a restart continues the form.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation, dates
from mentoring.access import AccessDenied, may_change_goal, mentee_groups, require
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, buttons_of
from mentoring.plans.areas import Area, programme_areas
from storage.models import Programme, Role
from storage.models.plans import GOAL_STATUSES, PlanAreaChoice, PlanGoal

GOAL_FLOW = "plan_goal"
NOTE_FLOW = "plan_note"
MAX_TEXT = 500  # what / how they will know / note: short enough for a phone, and a page of goals
MAX_GOALS = 30
DUE_KINDS = ("2w", "1m", "end", "date")


@dataclass(frozen=True)
class PlanContext:
    """The plan a mentee works on: theirs, in their programme."""

    member: MemberView
    programme_id: int
    tz: ZoneInfo
    ends_on: date | None

    @property
    def person_id(self) -> int:
        return self.member.person_id


async def plan_context(session: AsyncSession, member: MemberView) -> PlanContext:
    """The mentee's plan context; only mentees have a development plan."""
    programme_id = next((v.programme_id for v in member.roles if v.role is Role.MENTEE), None)
    if programme_id is None or not mentee_groups(member):
        raise AccessDenied("plan")
    programme = await session.get(Programme, programme_id)
    assert programme is not None
    return PlanContext(member, programme_id, ZoneInfo(member.timezone), programme.ends_on)


# --- priority areas -------------------------------------------------------------------

async def chosen_area_keys(session: AsyncSession, ctx: PlanContext) -> set[str]:
    return set((await session.scalars(select(PlanAreaChoice.area_key).where(
        PlanAreaChoice.person_id == ctx.person_id, PlanAreaChoice.programme_id == ctx.programme_id,
    ))).all())


async def toggle_area(session: AsyncSession, ctx: PlanContext, key: str, now: datetime) -> tuple[Area, ...]:
    """Choose or un-choose a priority area of the programme's list; returns the list."""
    areas = await programme_areas(session, ctx.programme_id)
    if key not in {area.key for area in areas}:
        raise DomainError("stale")
    if key in await chosen_area_keys(session, ctx):
        await session.execute(delete(PlanAreaChoice).where(
            PlanAreaChoice.person_id == ctx.person_id, PlanAreaChoice.programme_id == ctx.programme_id,
            PlanAreaChoice.area_key == key,
        ))
    else:
        session.add(PlanAreaChoice(person_id=ctx.person_id, programme_id=ctx.programme_id,
                                   area_key=key, chosen_at=now))
    await session.flush()
    return areas


# --- goals ----------------------------------------------------------------------------

def check_text(text: str | None) -> str:
    """A goal text as typed: not empty, not over the limit (DomainError says which)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("text_expected")
    if len(cleaned) > MAX_TEXT:
        raise DomainError("goal_too_long", most=MAX_TEXT, length=len(cleaned))
    return cleaned


async def chosen_areas(session: AsyncSession, ctx: PlanContext) -> list[Area]:
    """The person's chosen areas, in the programme's order (choices of areas no longer listed drop out)."""
    chosen = await chosen_area_keys(session, ctx)
    return [area for area in await programme_areas(session, ctx.programme_id) if area.key in chosen]


async def start_goal(session: AsyncSession, ctx: PlanContext, now: datetime) -> list[Area]:
    """Open the goal form. With two or more chosen areas it first asks which one the goal serves (the
    areas returned); with one the goal belongs to it; with none it is "other" (an empty list: ask "what")."""
    if await session.scalar(select(func.count()).select_from(PlanGoal).where(
            PlanGoal.person_id == ctx.person_id, PlanGoal.programme_id == ctx.programme_id)) >= MAX_GOALS:
        raise DomainError("too_many_goals", most=MAX_GOALS)
    areas = await chosen_areas(session, ctx)
    if len(areas) > 1:
        await conversation.expect(session, ctx.person_id, GOAL_FLOW, "area", now)
        return areas
    await conversation.expect(session, ctx.person_id, GOAL_FLOW, "what", now,
                              {"area": areas[0].key} if areas else None)
    return []


async def choose_goal_area(session: AsyncSession, ctx: PlanContext, key: str, now: datetime) -> None:
    """The area the new goal serves, one of the person's chosen areas; then the form asks "what"."""
    state = await conversation.pending(session, ctx.person_id)
    if state is None or state.flow != GOAL_FLOW or state.step != "area":
        raise DomainError("stale")
    if key not in {area.key for area in await chosen_areas(session, ctx)}:
        raise DomainError("stale")
    await conversation.expect(session, ctx.person_id, GOAL_FLOW, "what", now, {"area": key})


async def goal_text(session: AsyncSession, ctx: PlanContext, step: str, text: str | None, now: datetime) -> str:
    """Take the typed answer of the form's step; returns the next step ("measure" or "due")."""
    state = await conversation.pending(session, ctx.person_id)
    if state is not None and state.flow == GOAL_FLOW and state.step == "area":
        raise DomainError("goal_area_button")  # the area is chosen with a button
    if state is None or state.flow != GOAL_FLOW or state.step != step or step not in ("what", "measure"):
        raise DomainError("stale")
    cleaned = check_text(text)
    data = dict(state.data)
    if step == "what":
        data["what"] = cleaned
        await conversation.expect(session, ctx.person_id, GOAL_FLOW, "measure", now, data)
        return "measure"
    data["measure"] = cleaned
    await conversation.expect(session, ctx.person_id, GOAL_FLOW, "due", now, data)
    return "due"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_day(text: str | None, today: date) -> date:
    """A typed date (the forms `mentoring.dates.parse_day` reads: 31.01.2027, 31 Ocak, yarın, cuma)."""
    return dates.parse_day(text, today)


async def choose_due(session: AsyncSession, ctx: PlanContext, kind: str, typed: str | None,
                     now: datetime) -> PlanGoal | None:
    """Finish the form with a due date; `kind` "date" without a typed date waits for one (None)."""
    state = await conversation.pending(session, ctx.person_id)
    # A typed date is taken at the buttons as well as after "type a date".
    waiting = ("due", "date") if typed is not None else ("due",)
    if state is None or state.flow != GOAL_FLOW or state.step not in waiting or kind not in DUE_KINDS:
        raise DomainError("stale")
    today = now.astimezone(ctx.tz).date()
    if kind == "date" and typed is None:
        await conversation.expect(session, ctx.person_id, GOAL_FLOW, "date", now, state.data)
        return None
    if kind == "end" and ctx.ends_on is None:
        raise DomainError("stale")
    due = {"2w": lambda: today + timedelta(days=14), "1m": lambda: add_months(today, 1),
           "end": lambda: ctx.ends_on, "date": lambda: parse_day(typed, today)}[kind]()
    if due < today:
        raise DomainError("date_past")
    if due > today + timedelta(days=3 * 366):
        raise DomainError("goal_date_far")
    goal = PlanGoal(person_id=ctx.person_id, programme_id=ctx.programme_id, what=state.data["what"],
                    measure=state.data["measure"], due_kind=kind, due_on=due, status="not_started",
                    area_key=state.data.get("area"), shared=False, created_at=now, updated_at=now)
    session.add(goal)
    await conversation.clear(session, ctx.person_id, GOAL_FLOW)
    await session.flush()
    return goal


async def goals(session: AsyncSession, ctx: PlanContext) -> list[PlanGoal]:
    return list((await session.scalars(select(PlanGoal).where(
        PlanGoal.person_id == ctx.person_id, PlanGoal.programme_id == ctx.programme_id,
    ).order_by(PlanGoal.id))).all())


async def own_goal(session: AsyncSession, ctx: PlanContext, goal_id: int) -> PlanGoal:
    """One of the person's own goals; anyone else's (or a missing one) is refused."""
    goal = await session.get(PlanGoal, goal_id)
    require(goal is not None and may_change_goal(ctx.member, goal.person_id), "goal")
    assert goal is not None
    return goal


async def set_status(session: AsyncSession, ctx: PlanContext, goal_id: int, status: str,
                     now: datetime) -> PlanGoal:
    if status not in GOAL_STATUSES:
        raise DomainError("stale")
    goal = await own_goal(session, ctx, goal_id)
    goal.status, goal.updated_at = status, now
    goal.done_at = now if status == "done" else None
    await session.flush()
    return goal


async def set_shared(session: AsyncSession, ctx: PlanContext, goal_id: int, shared: bool,
                     now: datetime) -> PlanGoal:
    goal = await own_goal(session, ctx, goal_id)
    goal.shared, goal.updated_at = shared, now
    await session.flush()
    return goal


async def start_note(session: AsyncSession, ctx: PlanContext, goal_id: int, now: datetime) -> PlanGoal:
    goal = await own_goal(session, ctx, goal_id)
    await conversation.expect(session, ctx.person_id, NOTE_FLOW, "note", now, {"goal_id": goal.id})
    return goal


async def save_note(session: AsyncSession, ctx: PlanContext, goal_id: int, text: str | None,
                    now: datetime) -> PlanGoal:
    goal = await own_goal(session, ctx, goal_id)
    goal.note, goal.updated_at = check_text(text), now
    await conversation.clear(session, ctx.person_id, NOTE_FLOW)
    await session.flush()
    return goal


async def shared_goals(session: AsyncSession, person_id: int) -> list[PlanGoal]:
    """The goals a person marked as shared with their partner (what /partner shows)."""
    return list((await session.scalars(select(PlanGoal).where(
        PlanGoal.person_id == person_id, PlanGoal.shared.is_(True),
    ).order_by(PlanGoal.id))).all())


def self_assessment_prompt(tr: Translator, stage: str) -> tuple[str, list[list[Button]]]:
    """The offer of a self-assessment (stage "baseline" or "end") as an outbox message: its text and button.

    The words are the offer's screen (`mentoring.plans.screens.assessment_offer`), rendered for the outbox.
    """
    # Imported here: the screens build on this module.
    from mentoring.plans.screens import assessment_offer

    screen = assessment_offer(stage)
    return screen.text.render(tr), buttons_of(screen.choices, tr)
