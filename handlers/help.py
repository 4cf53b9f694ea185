"""/help and /language on Telegram.

Only the adapter: what they say and offer is `mentoring.help.screens`. Two things
stay here: people who have not joined get the language buttons (and, once they
press one, how to join in that language), and a member's command menu follows
their new language.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import refuse_button
from handlers.common import run_step
from handlers.menus import set_person_menu
from handlers.render import input_of, show
from handlers.replies import edit_or_reply
from handlers.texts import no_code_text
from mentoring.help import screens
from mentoring.help.buttons import LANGUAGE
from mentoring.i18n import translator
from mentoring.screens import Input, Reply

CALLBACK_PATTERN = rf"^{LANGUAGE.prefix}:"


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands of the person's roles (a stranger is told how to join)."""
    await run_step(update, context, screens.commands)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.languages, stranger=_offer_languages)


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member = await run_step(update, context, screens.choose, stranger=_stranger_chose)
    locale = screens.chosen_locale(input_of(update))
    if member is not None and locale is not None and update.effective_chat is not None:
        await set_person_menu(context.bot, update.effective_chat.id, replace(member, locale=locale))


async def _offer_languages(update: Update, context: ContextTypes.DEFAULT_TYPE, given: Input) -> None:
    """A stranger may choose a language too, asked in their Telegram client's."""
    await show(update, context, Reply(screens.languages_screen()))


async def _stranger_chose(update: Update, context: ContextTypes.DEFAULT_TYPE, given: Input) -> None:
    """Strangers have nothing stored, so the choice only shapes this answer: how to join."""
    locale = screens.chosen_locale(given)
    if locale is None or update.callback_query is None:
        await refuse_button(update, context)
        return
    await update.callback_query.answer()
    await edit_or_reply(update, no_code_text(translator(locale)))
