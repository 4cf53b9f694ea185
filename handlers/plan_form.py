"""The goal form (what, how you will know, by when) and the goal note, as typed answers.

Each step is stored as the person's conversation state (flow "plan_goal" or
"plan_note") in the same transaction as the answer, so a restart continues.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from handlers.inputs import register_input
from handlers.plan_common import perform, show
from handlers.plan_views import Rows, due_question, goal_view
from mentoring import conversation
from mentoring.button_data import PLAN
from mentoring.conversation import Waiting
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.plans import rules as plans
from storage.models.plans import PlanGoal


def step_question(tr: Translator, step: str) -> tuple[str, Rows]:
    _ = tr.gettext
    cancel = [[Button(_("Cancel"), PLAN.encode("cancel"))]]
    if step == "what":
        return _("New goal, step 1 of 3: what do you want to achieve? Write it in a sentence or two "
                 "(at most {most} characters).").format(most=plans.MAX_TEXT), cancel
    if step == "measure":
        return _("Step 2 of 3: how will you know you have achieved it?"), cancel
    return _("Type the date as DD.MM.YYYY, for example 31.01.2027."), cancel


async def new_goal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start the goal form."""
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        await plans.start_goal(session, await plans.plan_context(session, member), now)

    if (done := await perform(update, context, action)) is not None:
        await show(update, *step_question(done[0], "what"))


async def goal_input(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView,
                     state: Waiting) -> None:
    """A typed answer to the goal form's current step."""
    text = update.effective_message.text if update.effective_message else None
    step = state.step

    async def action(session: AsyncSession, member: MemberView, now: datetime):
        ctx = await plans.plan_context(session, member)
        if step in ("due", "date"):  # at the buttons a typed date is welcome too
            return ctx, await plans.choose_due(session, ctx, "date", text or "", now)
        return ctx, await plans.goal_text(session, ctx, step, text, now)

    if (done := await perform(update, context, action)) is None:
        return
    tr, (ctx, outcome) = done
    if isinstance(outcome, PlanGoal):
        await goal_saved(update, tr, outcome)
    elif outcome == "due":
        await show(update, *due_question(tr, ctx))
    else:
        await show(update, *step_question(tr, outcome))


async def goal_saved(update: Update, tr: Translator, goal: PlanGoal) -> None:
    text, rows = goal_view(tr, goal)
    await show(update, tr.gettext("Your goal is saved.") + "\n\n" + text, rows)


async def due_button(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    """The form's last step: a due date from a button (or a wait for a typed date)."""
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        return await plans.choose_due(session, await plans.plan_context(session, member), kind, None, now)

    if (done := await perform(update, context, action)) is None:
        return
    tr, goal = done
    if goal is None:
        await show(update, *step_question(tr, "date"))
    else:
        await goal_saved(update, tr, goal)


async def cancel_form(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the goal form (or the note) without saving."""
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        await conversation.clear(session, member.person_id, plans.GOAL_FLOW)
        await conversation.clear(session, member.person_id, plans.NOTE_FLOW)

    if (done := await perform(update, context, action)) is not None:
        await show(update, done[0].gettext("Nothing was saved."), [])


async def note_input(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView,
                     state: Waiting) -> None:
    """The typed note of a goal."""
    text = update.effective_message.text if update.effective_message else None
    goal_id = int(state.data["goal_id"])

    async def action(session: AsyncSession, member: MemberView, now: datetime):
        return await plans.save_note(session, await plans.plan_context(session, member), goal_id, text, now)

    if (done := await perform(update, context, action)) is not None:
        await show(update, *goal_view(*done))


register_input(plans.GOAL_FLOW, goal_input)
register_input(plans.NOTE_FLOW, note_input)
