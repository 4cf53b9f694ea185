"""/start and the join buttons on Telegram: invite code -> language -> KVKK notice and consent -> welcome.

Only the adapter: what is said and offered, and in which order, is
`mentoring.joining.screens`. A newcomer is not a member yet, so the steps take
the `Visitor` the update names; `finish` shows a step's outcome and does what
only Telegram does after it (the member's command menu, the baseline offer,
dropping an erased person's menu).
"""

from __future__ import annotations

import logging

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers.common import run_action, tell_stranger
from handlers.menus import set_person_menu
from handlers.plans import offer_baseline
from handlers.render import input_of, show
from handlers.services import CHANNEL, services, translator_for, user_key
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining import screens
from mentoring.joining.buttons import JOIN
from mentoring.joining.screens import Outcome, Visitor, VisitorStep
from mentoring.refusals import refused

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{JOIN.prefix}:"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Join with an invite code, or show a member where they stand."""
    await _run(update, context, screens.start)


async def join_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The language and consent buttons of the join flow."""
    await _run(update, context, screens.press)


async def _run(update: Update, context: ContextTypes.DEFAULT_TYPE, step: VisitorStep) -> None:
    """A joining step for whoever wrote or pressed, in one transaction; a refusal changes nothing."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    visitor = Visitor(CHANNEL, user_key(update), str(chat.id), user.full_name)
    svc = services(context)
    try:
        async with svc.sessions.begin() as session:
            outcome = await step(
                session, visitor, input_of(update), svc.clock.now(), default_timezone=svc.default_timezone
            )
    except DomainError as error:
        await show(update, context, refused(error))
        return
    await finish(update, context, outcome)


async def run_outcome(update: Update, context: ContextTypes.DEFAULT_TYPE, step: screens.MemberStep) -> None:
    """Like `handlers.common.run_step`, for a member's step whose outcome asks for more than a reply."""
    given = input_of(update)
    member, result = await run_action(update, context, lambda session, member, now: step(session, member, given, now))
    if member is None or result is None:
        await tell_stranger(update, context)
    elif isinstance(result, DomainError):
        await show(update, context, refused(result), translator(member.locale))
    else:
        await finish(update, context, result)


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    """Show the outcome in its language, then what only Telegram does: menus and the baseline offer."""
    tr = translator(outcome.locale) if outcome.locale else translator_for(update, context, None)
    await show(update, context, outcome.reply, tr)
    chat = update.effective_chat
    if chat is None:
        return
    if outcome.menu_for is not None:
        await set_person_menu(context.bot, chat.id, outcome.menu_for)
    if outcome.baseline_for is not None:
        await offer_baseline(update, context, outcome.baseline_for)
    if outcome.menu_gone:
        try:
            await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat.id))
        except TelegramError:
            logger.warning("Could not reset the command menu of an erased person", exc_info=True)
