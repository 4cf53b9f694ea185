"""/help and /language."""

from __future__ import annotations

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.buttons import pressed
from handlers.commands import commands_for
from handlers.menus import set_person_menu
from handlers.replies import edit_or_reply
from handlers.services import CHANNEL, services, translator_for, user_key
from handlers.texts import command_lines, no_code_text
from mentoring import joining
from mentoring.button_data import LANGUAGE
from mentoring.i18n import SUPPORTED_LOCALES, translator

CALLBACK_PATTERN = rf"^{LANGUAGE.prefix}:"


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands of the person's roles."""
    assert update.effective_message is not None
    async with services(context).sessions.begin() as session:
        member = await joining.member_view(session, CHANNEL, user_key(update))
    tr = translator_for(update, context, member)
    if member is None:
        await update.effective_message.reply_text(no_code_text(tr))
        return
    _ = tr.gettext
    await update.effective_message.reply_text(
        "\n".join([_("What you can do:"), command_lines(tr, commands_for(member.role_set))])
    )


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the supported languages as buttons."""
    assert update.effective_message is not None
    async with services(context).sessions.begin() as session:
        member = await joining.member_view(session, CHANNEL, user_key(update))
    tr = translator_for(update, context, member)
    buttons = [
        InlineKeyboardButton(Locale.parse(code).display_name.capitalize(), callback_data=LANGUAGE.encode("choose", locale=code))
        for code in SUPPORTED_LOCALES
    ]
    await update.effective_message.reply_text(
        tr.gettext("Which language should I use?"), reply_markup=InlineKeyboardMarkup([buttons])
    )


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switch a member's language (and their command menu)."""
    query = update.callback_query
    button = await pressed(update, context, LANGUAGE)
    if query is None or button is None:
        return
    locale = button["locale"]
    async with services(context).sessions.begin() as session:
        member = await joining.member_view(session, CHANNEL, user_key(update))
        if member is not None:
            await joining.set_locale(session, member.person_id, locale)
            member = await joining.member_view(session, CHANNEL, user_key(update))
    await query.answer()
    tr = translator(locale)
    if member is None:
        # Strangers have nothing stored, so the choice only shapes this answer.
        await edit_or_reply(update, no_code_text(tr))
        return
    await edit_or_reply(update, tr.gettext("From now on I will write to you in English."))
    assert update.effective_chat is not None
    await set_person_menu(context.bot, update.effective_chat.id, member)
