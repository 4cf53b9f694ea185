"""/partner: who the peer partner is, their shared goals, and the weekly check-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import partner_pairs
from handlers.buttons import pressed
from handlers.plan_common import markup, perform, show
from handlers.plan_views import Rows, short
from mentoring.access import AccessDenied, mentee_groups
from mentoring.button_data import CHECKIN
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.peers import rules as peers
from storage.models.peers import PeerCheckin

CALLBACK_PATTERN = rf"^{CHECKIN.prefix}:"
# Keeps /partner under Telegram's 4096 characters and 100 buttons even for a trio with long plans.
SHOWN_GOALS = 10


def partner_text(tr: Translator, view: peers.PartnerView) -> str:
    _ = tr.gettext
    pair = view.partnership
    if pair is None:
        return _("You do not have a peer partner yet; your mentors will pair you.")
    lines = [tr.ngettext("Your peer partner:", "Your peer partners:", len(pair.partners))]
    for person_id, name in pair.partners:
        lines += ["", f"👤 {name}"]
        goals = pair.shared[person_id]
        if goals:
            lines.append(_("Goals shared with you:"))
            lines += [f"• {short(goal.what, 150)}" for goal in goals[:SHOWN_GOALS]]
            if len(goals) > SHOWN_GOALS:
                more = len(goals) - SHOWN_GOALS
                lines.append(tr.ngettext("… and {count} more goal", "… and {count} more goals", more).format(count=more))
        else:
            lines.append(_("No goals shared with you yet."))
    return "\n".join(lines)


async def partner_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the peer partner(s) and offer this week's check-in when it is open."""
    async def action(session: AsyncSession, member: MemberView, now: datetime) -> peers.PartnerView:
        if not mentee_groups(member):
            raise AccessDenied("partner")
        return await peers.partner_view(session, member.person_id, member.timezone, now)

    if (done := await perform(update, context, action)) is None:
        return
    tr, view = done
    await show(update, partner_text(tr, view), [])
    if view.window is None or view.partnership is None or (view.answer and view.answer.completed_at):
        return
    if view.answer is None:
        text, rows = peers.checkin_prompt(tr, view.window.week, view.window.closes_at, view.tz)
    else:  # begun but not finished: continue where they were
        text, rows = _next_step(tr, view.answer, view.partnership)
    assert update.effective_chat is not None
    await update.effective_chat.send_message(text, reply_markup=markup(rows))


def support_question(tr: Translator, week: int, pair: peers.Partnership) -> tuple[str, Rows]:
    _ = tr.gettext
    rows = [[Button(short(goal.what, 40), CHECKIN.encode("g", week=week, goal=goal.id))]
            for goals in pair.shared.values() for goal in goals[:SHOWN_GOALS]]
    rows.append([Button(_("Something else"), CHECKIN.encode("g", week=week, goal=0))])
    return _("Good! Which part of their plan did you support?"), rows


def usefulness_question(tr: Translator, week: int) -> tuple[str, Rows]:
    return (tr.gettext("How useful was your talk? 1 = not much, 5 = very useful."),
            [[Button(str(score), CHECKIN.encode("u", week=week, score=score)) for score in range(1, 6)]])


async def checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The check-in's buttons: talked or not, which goal was supported, how useful."""
    button = await pressed(update, context, CHECKIN)
    if button is None:
        return
    step, week = button.action, button["week"]

    async def action(session: AsyncSession, member: MemberView, now: datetime):
        if step == "t":
            return await peers.answer_talked(session, member.person_id, week, button["talked"], now)
        if step == "g":
            return await peers.answer_support(session, member.person_id, week, button["goal"] or None, now)
        return await peers.answer_usefulness(session, member.person_id, week, button["score"], now)

    if (done := await perform(update, context, action)) is None:
        return
    tr, (answer, pair) = done
    await show(update, *_next_step(tr, answer, pair))


def _next_step(tr: Translator, answer: PeerCheckin, pair: peers.Partnership) -> tuple[str, Rows]:
    _ = tr.gettext
    if answer.completed_at is not None:
        if answer.talked == "yes":
            return _("Thank you! Your check-in is saved."), []
        return _("Thank you, noted. Try to reach your partner before the next group session."), []
    if answer.supported_goal_id is None and not answer.supported_other:
        return support_question(tr, answer.week, pair)
    return usefulness_question(tr, answer.week)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("partner", partner_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(checkin_button, pattern=CALLBACK_PATTERN),
        *partner_pairs.handlers(),
    ]
