"""/plan: the development plan (priority areas, SMART goals, status) and the self-assessment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import plan_form
from handlers.buttons import pressed
from handlers.plan_common import markup, perform, show
from handlers.plan_views import areas_view, goal_view, goals_view, overview_view, question_view
from handlers.services import services, translator_for
from mentoring.access import AccessDenied
from mentoring.button_data import PLAN
from mentoring.joining.rules import MemberView
from mentoring.plans import assessment
from mentoring.plans import rules as plans
from mentoring.plans.areas import programme_areas
from mentoring.plans.view import overview

CALLBACK_PATTERN = rf"^{PLAN.prefix}:"


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the mentee's development plan at a glance."""
    if (done := await perform(update, context, overview)) is not None:
        await show(update, *overview_view(*done))


async def offer_baseline(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView) -> None:
    """Right after a mentee's welcome: offer the baseline self-assessment, unless it is done."""
    try:
        async with services(context).sessions.begin() as session:
            ctx = await plans.plan_context(session, member)
            progress = await assessment.progress(session, ctx, "baseline")
    except AccessDenied:  # not a mentee: no plan, nothing to offer
        return
    if progress.next_area is None or update.effective_chat is None:
        return
    text, rows = plans.self_assessment_prompt(translator_for(update, context, member), "baseline")
    await update.effective_chat.send_message(text, reply_markup=markup(rows))


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the plan: areas, goal pages, a goal's status, sharing, the form, the self-assessment."""
    button = await pressed(update, context, PLAN)
    if button is None:
        return
    action = button.action
    if action == "menu":
        await plan_command(update, context)
    elif action == "areas" or action == "a":
        await _areas(update, context, button["area"] if action == "a" else None)
    elif action == "l":
        await _goal_page(update, context, button["page"])
    elif action == "g":
        await _goal(update, context, button["goal"], action, None)
    elif action == "st":
        await _goal(update, context, button["goal"], action, button["status"])
    elif action == "sh":
        await _goal(update, context, button["goal"], action, button["shared"])
    elif action == "n":
        await _note(update, context, button["goal"])
    elif action == "new":
        await plan_form.new_goal(update, context)
    elif action == "due":
        await plan_form.due_button(update, context, button["kind"])
    elif action == "cancel":
        await plan_form.cancel_form(update, context)
    elif action == "sa_go":
        await _assessment(update, context, button["stage"], None, 0)
    else:  # "sa"
        await _assessment(update, context, button["stage"], button["area"], button["score"])


async def _areas(update: Update, context: ContextTypes.DEFAULT_TYPE, toggled: str | None) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        ctx = await plans.plan_context(session, member)
        if toggled is None:
            areas = await programme_areas(session, ctx.programme_id)
        else:
            areas = await plans.toggle_area(session, ctx, toggled, now)
        return areas, await plans.chosen_area_keys(session, ctx)

    if (done := await perform(update, context, action)) is not None:
        tr, (areas, chosen) = done
        await show(update, *areas_view(tr, areas, chosen))


async def _goal_page(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        return await plans.goals(session, await plans.plan_context(session, member))

    if (done := await perform(update, context, action)) is not None:
        await show(update, *goals_view(done[0], done[1], page))


async def _goal(update: Update, context: ContextTypes.DEFAULT_TYPE, goal_id: int, verb: str,
                value: str | bool | None) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        ctx = await plans.plan_context(session, member)
        if verb == "st" and isinstance(value, str):
            return await plans.set_status(session, ctx, goal_id, value, now)
        if verb == "sh" and isinstance(value, bool):
            return await plans.set_shared(session, ctx, goal_id, value, now)
        return await plans.own_goal(session, ctx, goal_id)

    if (done := await perform(update, context, action)) is not None:
        await show(update, *goal_view(*done))


async def _note(update: Update, context: ContextTypes.DEFAULT_TYPE, goal_id: int) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        return await plans.start_note(session, await plans.plan_context(session, member), goal_id, now)

    if (done := await perform(update, context, action)) is not None:
        tr = done[0]
        await show(update, tr.gettext("Write your note on this goal (at most {most} characters).").format(
            most=plans.MAX_TEXT), [])


async def _assessment(update: Update, context: ContextTypes.DEFAULT_TYPE, stage: str, key: str | None,
                      score: int) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        ctx = await plans.plan_context(session, member)
        if key is None:  # "go": the next question
            return await assessment.progress(session, ctx, stage)
        return await assessment.record(session, ctx, stage, key, score, now)

    if (done := await perform(update, context, action)) is not None:
        await show(update, *question_view(*done))


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("plan", plan_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(plan_button, pattern=CALLBACK_PATTERN),
    ]
