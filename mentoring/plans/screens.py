"""/plan as a conversation any channel can hold: what each step says, offers and waits for.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers the command (the plan at a glance), `press` a
plan button (priority areas, goal pages, a goal's status, sharing and note, the
goal form's buttons, the self-assessment), `answer` the typed answer the goal
form or a goal's note waits for. `baseline_offer` is what a new mentee is
offered after the welcome.

Buttons carry what they show or change (`plan:st:<goal>:done`), written and
read by `mentoring.plans.buttons.PLAN`; every press is checked again by the
rules (the person's own goal, the step the form is at), so stale or forged
buttons change nothing. The typed answer waited for is the person's
conversation row (flows "plan_goal" and "plan_note"), so a restart continues.
Refusals raise `DomainError`s, worded once in `mentoring.refusals`. The goal
screens are in `mentoring.plans.goal_screens`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import button_data, conversation
from mentoring.access import AccessDenied
from mentoring.dates import local_today
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.plans import assessment, mentor_view
from mentoring.plans import rules as plans
from mentoring.plans.areas import Area, programme_areas
from mentoring.plans.buttons import PLAN
from mentoring.plans.goal_screens import (
    area_question,
    area_short,
    area_title,
    cancelled,
    due_question,
    form_question,
    goal_area,
    goal_card,
    goal_saved,
    goals_page,
    note_question,
)
from mentoring.plans.view import PlanOverview, overview
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Choice,
    Input,
    Lines,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    button_of,
)
from storage.models.plans import PlanGoal

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]
# The flows whose typed answers `answer` takes.
FLOWS = (plans.GOAL_FLOW, plans.NOTE_FLOW)
CHECK = "✓"


# ----------------------------------------------------------------------------- words


def _marked(mark: str | None, words: Words) -> Words:
    return Lines(Raw(mark), words, sep=" ") if mark else words


def area_choice(area: Area, locale: str, chosen: bool) -> Choice:
    """The button that chooses or un-chooses an area, ticked when chosen."""
    mark = CHECK if chosen else None
    short = area_short(area, locale, SHORT_LABEL_MAX - (len(CHECK) + 1 if mark else 0))
    short = _marked(mark, short) if short is not None else None
    return Choice(PLAN.encode("a", area=area.key), _marked(mark, area_title(area, locale)), short=short)


# ----------------------------------------------------------------------------- screens


def menu_choice() -> Choice:
    return Choice(PLAN.encode("menu"), Text("My development plan"))


def plan_overview(view: PlanOverview, locale: str) -> Screen:
    """The plan at a glance: the chosen areas, how many goals are done, and where to go from here."""
    done = sum(goal.status == "done" for goal in view.goals)
    count = len(view.goals)
    areas: list[Words] = [Lines(Raw("•"), area_title(area, locale), sep=" ") for area in view.chosen_areas]
    rows = [[Choice(PLAN.encode("areas"), Text("Priority areas"))],
            [Choice(PLAN.encode("l", page=0), Text("My goals")), Choice(PLAN.encode("new"), Text("New goal"))]]
    if view.baseline.next_area is not None:
        rows.append([Choice(PLAN.encode("sa_go", stage="baseline"), Text("Self-assessment"))])
    return Screen(
        Lines(Text("Your development plan"), Raw(""), Text("Priority development areas:"),
              *(areas or [Text("(none chosen yet)")]), Raw(""),
              Plural("{count} goal, {done} done", "{count} goals, {done} done", count, count=count, done=done)),
        rows,
        replace=True,
    )


def area_list(areas: tuple[Area, ...], chosen: set[str], locale: str) -> Screen:
    """The programme's areas, each a button that chooses or un-chooses it."""
    return Screen(
        Text("Which areas do you want to develop first? Tap to choose or un-choose; choose as many as "
             "you like."),
        [*([area_choice(area, locale, area.key in chosen)] for area in areas),
         [Choice(PLAN.encode("menu"), Text("Done"))]],
        replace=True,
    )


def assessment_question(progress: assessment.Progress, locale: str) -> Screen:
    """One self-assessment statement (an outcome or a skill, agree 1-5), or the thanks at the end."""
    item = progress.next_area
    if item is None:
        return Screen(Text("Thank you! Your self-assessment is saved."), [[menu_choice()]], replace=True)
    statement = assessment.STATEMENTS.get(item.key)
    return Screen(
        Lines(Text("Self-assessment ({number} of {total})", number=progress.answered + 1, total=progress.total),
              Raw(""), Text("“{statement}”", statement=Text(statement)) if statement else area_title(item, locale),
              Raw(""),
              Text("How much do you agree? 1 = strongly disagree, 5 = strongly agree.")),
        [[Choice(PLAN.encode("sa", stage=progress.stage, area=item.key, score=score), Raw(str(score)))
          for score in range(1, 6)]],
        replace=True,
    )


def assessment_offer(stage: str) -> Screen:
    """The offer of a self-assessment (stage "baseline" or "end") with its start button."""
    count = len(assessment.INSTRUMENT)
    if stage == "baseline":
        words = Text("Before you start: a short self-assessment. You will read {count} sentences about the "
                     "programme's aims and your skills; for each, say how much you agree, from 1 (strongly "
                     "disagree) to 5 (strongly agree). It takes two or three minutes; at the end of the "
                     "programme you will see how far you have come.", count=count)
    elif stage == "end":
        words = Text("The programme is ending: please answer the same {count} sentences once more, from 1 "
                     "(strongly disagree) to 5 (strongly agree). Comparing with your first answers shows "
                     "how far you have come.", count=count)
    else:
        raise ValueError(stage)
    return Screen(words, [[Choice(PLAN.encode("sa_go", stage=stage), Text("Start the self-assessment"),
                                  short=Text("Self-assessment"))]])


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/plan: the mentee's plan at a glance (anyone else is refused: only mentees have a plan)."""
    return Reply(plan_overview(await overview(session, member, now), member.locale))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A plan button. Data it does not carry is refused as stale and changes nothing."""
    button = button_of(given, PLAN)
    return await _PRESSES[button.action](session, member, button, now)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed answer to the goal form's question or a goal's note; a wrong one changes nothing."""
    ctx = await plans.plan_context(session, member)
    state = await conversation.pending(session, member.person_id)
    if state is None or state.flow not in FLOWS:
        raise DomainError("stale")
    text = given.text if isinstance(given, Typed) else None
    if state.flow == plans.NOTE_FLOW:
        goal = await plans.save_note(session, ctx, int(state.data["goal_id"]), text, now)
        return Reply(goal_card(goal, area=await _area_of(session, ctx, goal)))
    if state.step in ("due", "date"):  # at the buttons a typed date is welcome too
        goal = await plans.choose_due(session, ctx, "date", text or "", now)
        assert goal is not None  # a typed date finishes the form or is refused
        return Reply(goal_saved(goal, await _area_of(session, ctx, goal)))
    following = await plans.goal_text(session, ctx, state.step, text, now)
    return Reply(due_question(ctx) if following == "due" else form_question(following))


async def baseline_offer(session: AsyncSession, member: MemberView, now: datetime) -> Screen | None:
    """After a mentee's welcome: the baseline self-assessment, unless it is done (None: nothing to offer)."""
    try:
        ctx = await plans.plan_context(session, member)
    except AccessDenied:  # not a mentee: no plan, nothing to offer
        return None
    progress = await assessment.progress(session, ctx, "baseline")
    return assessment_offer("baseline") if progress.next_area is not None else None


# ----------------------------------------------------------------------------- one per button

_Press = Callable[[AsyncSession, MemberView, button_data.Pressed, datetime], Awaitable[Reply]]


async def _menu(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(plan_overview(await overview(session, member, now), member.locale))


async def _areas(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    ctx = await plans.plan_context(session, member)
    if button.action == "a":
        areas = await plans.toggle_area(session, ctx, button["area"], now)
    else:
        areas = await programme_areas(session, ctx.programme_id)
    return Reply(area_list(areas, await plans.chosen_area_keys(session, ctx), member.locale))


async def _area_of(session: AsyncSession, ctx: plans.PlanContext, goal: PlanGoal) -> Words | None:
    return goal_area(goal, await programme_areas(session, ctx.programme_id), ctx.member.locale)


async def _goals(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    ctx = await plans.plan_context(session, member)
    return Reply(goals_page(await plans.goals(session, ctx), button["page"],
                            await programme_areas(session, ctx.programme_id), member.locale))


async def _goal(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    ctx = await plans.plan_context(session, member)
    if button.action == "st":
        goal = await plans.set_status(session, ctx, button["goal"], button["status"], now)
    elif button.action == "sh":
        goal = await plans.set_shared(session, ctx, button["goal"], button["shared"], now)
    else:
        goal = await plans.own_goal(session, ctx, button["goal"])
    return Reply(goal_card(goal, area=await _area_of(session, ctx, goal)))


async def _note(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await plans.start_note(session, await plans.plan_context(session, member), button["goal"], now)
    return Reply(note_question())


async def _new_goal(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    areas = await plans.start_goal(session, await plans.plan_context(session, member), now)
    return Reply(area_question(areas, member.locale) if areas else form_question("what"))


async def _goal_area(session: AsyncSession, member: MemberView, button: button_data.Pressed,
                     now: datetime) -> Reply:
    await plans.choose_goal_area(session, await plans.plan_context(session, member), button["area"], now)
    return Reply(form_question("what"))


async def _mentee_plan(session: AsyncSession, member: MemberView, button: button_data.Pressed,
                       now: datetime) -> Reply:
    """A mentor: a mentee's plan (areas, baseline, the goals they share with mentors); others refused."""
    found = await mentor_view.mentee_plan(session, member, button["group"], button["person"], now)
    return Reply(mentor_view.plan_screen(found, member.locale))


async def _due(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    ctx = await plans.plan_context(session, member)
    goal = await plans.choose_due(session, ctx, button["kind"], None, now)
    if goal is None:
        return Reply(form_question("date", local_today(now, ctx.tz)))
    return Reply(goal_saved(goal, await _area_of(session, ctx, goal)))


async def _cancel(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    """Leave the goal form (or the note) without saving."""
    await conversation.clear(session, member.person_id, plans.GOAL_FLOW)
    await conversation.clear(session, member.person_id, plans.NOTE_FLOW)
    return Reply(cancelled())


async def _assess(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    ctx = await plans.plan_context(session, member)
    stage = button["stage"]
    if button.action == "sa_go":  # the next question
        progress = await assessment.progress(session, ctx, stage)
    else:
        progress = await assessment.record(session, ctx, stage, button["area"], button["score"], now)
    return Reply(assessment_question(progress, member.locale))


_PRESSES: dict[str, _Press] = {
    "menu": _menu,
    "areas": _areas,
    "a": _areas,
    "l": _goals,
    "g": _goal,
    "st": _goal,
    "sh": _goal,
    "n": _note,
    "new": _new_goal,
    "ga": _goal_area,
    "m": _mentee_plan,
    "due": _due,
    "cancel": _cancel,
    "sa_go": _assess,
    "sa": _assess,
}
