"""/start and the join flow: invite code -> language -> KVKK notice and consent -> welcome.

Until the person accepts, nothing about them is stored: the code and the chosen
language ride in the callback data of the buttons.
"""

from __future__ import annotations

import logging
import re

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.buttons import pressed
from handlers.commands import commands_for
from handlers.menus import set_person_menu
from handlers.plan import offer_baseline
from handlers.replies import edit_or_reply
from handlers.services import CHANNEL, services, translator_for, user_key
from handlers.texts import command_lines, invalid_invite_text, no_code_text, role_line, status_text
from mentoring.button_data import JOIN
from mentoring.i18n import SUPPORTED_LOCALES, Translator, translator
from mentoring.joining import rules as joining
from mentoring.joining.invites import InviteStatus
from mentoring.joining.rules import AcceptOutcome, MemberView, Newcomer, RoleView, StartOutcome
from storage.models import Role

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = r"^join:"
# Invite codes are short and plain; anything else is not worth a database look-up.
_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")


def _code_from_args(args: list[str] | None) -> str | None:
    if not args:
        return None
    return args[0].strip()


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Join with an invite code, or show a member where they stand."""
    assert update.effective_message is not None
    code = _code_from_args(context.args)
    svc = services(context)
    if code is not None and not _CODE_SHAPE.match(code):
        async with svc.sessions.begin() as session:
            member = await joining.member_view(session, CHANNEL, user_key(update))
        await update.effective_message.reply_text(
            invalid_invite_text(translator_for(update, context, member), None)
        )
        return
    async with svc.sessions.begin() as session:
        result = await joining.start(session, CHANNEL, user_key(update), code, svc.clock.now())
    tr = translator_for(update, context, result.member)
    message = update.effective_message
    match result.outcome:
        case StartOutcome.NO_CODE:
            await message.reply_text(no_code_text(tr))
        case StartOutcome.INVALID:
            text = invalid_invite_text(tr, result.invite_status)
            if result.member is not None:
                text += "\n\n" + status_text(tr, result.member)
            await message.reply_text(text)
        case StartOutcome.NEEDS_CONSENT:
            assert code is not None
            await message.reply_text(_language_question(), reply_markup=_language_buttons(code))
        case StartOutcome.JOINED:
            assert result.member is not None and result.new_role is not None
            await _welcome(update, context, tr, result.member, result.new_role)
        case StartOutcome.MEMBER:
            assert result.member is not None
            await message.reply_text(status_text(tr, result.member))


def _language_question() -> str:
    # The newcomer has not chosen yet, so ask in both languages at once.
    return "\n".join(
        translator(locale).gettext("Welcome to Narbot! Please choose your language.")
        for locale in SUPPORTED_LOCALES
    )


def _language_buttons(code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(
            Locale.parse(locale).display_name.capitalize(), callback_data=f"join:lang:{locale}:{code}"
        )
        for locale in SUPPORTED_LOCALES
    ]])


def notice_text(tr: Translator) -> str:
    _ = tr.gettext
    return _(
        "Before we start: your personal data (KVKK, Law No. 6698)\n\n"
        "Narbot is run by the coordinators of the group mentoring programme for care "
        "workers of children's homes. To accompany you between group sessions it stores: "
        "your name, your Telegram account number, your language and time zone, your group "
        "and role, and what you write to it (reflections, to-dos, your development plan, "
        "check-ins with your peer partner, session replies).\n\n"
        "Who sees what: your mentors see what you share with the group's mentoring; "
        "coordinators see numbers and statuses only, never the texts of your reflections. "
        "Nothing is shared outside the programme.\n\n"
        "How long: for the duration of the programme and a set period after it ends, then "
        "your texts are deleted and only anonymous figures are kept.\n\n"
        "Your rights: send /mydata at any time to receive everything stored about you, and "
        "/forgetme to have it erased. Under /mydata you can also withdraw your consent; Narbot "
        "then stops writing to you. For corrections or questions, ask your programme "
        "coordinator.\n\n"
        "Do you give your explicit consent to this processing?"
    )


def _consent_buttons(tr: Translator, locale: str, code: str) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("I agree"), callback_data=f"join:yes:{locale}:{code}")],
        [InlineKeyboardButton(_("I do not agree"), callback_data=f"join:no:{locale}:{code}")],
    ])


async def _welcome(
    update: Update, context: ContextTypes.DEFAULT_TYPE, tr: Translator, member: MemberView, new_role: RoleView
) -> None:
    """Welcome a new member, give them their menu, and (mentees) offer the baseline self-assessment."""
    assert update.effective_chat is not None
    await update.effective_chat.send_message(welcome_text(tr, member, new_role))
    await set_person_menu(context.bot, update.effective_chat.id, member)
    if new_role.role is Role.MENTEE:
        await offer_baseline(update, context, member)


def welcome_text(tr: Translator, member: MemberView, new_role: RoleView) -> str:
    _ = tr.gettext
    what_happens = {
        Role.MENTEE: _(
            "Between group sessions I will ask you a few short questions each week about what "
            "you tried with the children, help you keep your to-do list and development plan, "
            "check in with your peer partner and remind you of the next session."
        ),
        Role.MENTOR: _(
            "Each week I will send you a digest of your group: who answered, who is stuck and "
            "why, and what to bring to the next session."
        ),
        Role.COORDINATOR: _(
            "You can set up groups, invite people, send announcements and read the "
            "programme's numbers."
        ),
    }[new_role.role]
    return "\n".join([
        _("Welcome, {name}!").format(name=member.display_name),
        _("You have joined as: {role}.").format(role=role_line(tr, new_role)),
        "",
        what_happens,
        "",
        _("Commands you can use:"),
        command_lines(tr, commands_for(member.role_set)),
    ])


async def join_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle the language and consent buttons of the join flow."""
    query = update.callback_query
    button = await pressed(update, context, JOIN)
    if query is None or button is None:
        return
    action, locale, code = button.action, button["locale"], button["code"]
    tr = translator(locale)
    svc = services(context)
    now = svc.clock.now()
    if action == "lang":
        async with svc.sessions.begin() as session:
            result = await joining.start(session, CHANNEL, user_key(update), code, now)
        await query.answer()
        if result.outcome is StartOutcome.NEEDS_CONSENT:
            await edit_or_reply(update, notice_text(tr), _consent_buttons(tr, locale, code))
        else:
            await _stale_join(update, context, tr, result.member, result.invite_status)
        return
    if action == "no":
        async with svc.sessions.begin() as session:
            status = await joining.decline(session, code, now)
        await query.answer()
        if status is InviteStatus.UNKNOWN:
            # No such invite (a forged button): nothing was noted, so say only that the code is wrong.
            await edit_or_reply(update, invalid_invite_text(tr, status))
            return
        await edit_or_reply(update, _declined_text(tr, code))
        logger.info("Join consent declined")
        return
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    newcomer = Newcomer(
        channel=CHANNEL,
        external_user_id=str(user.id),
        chat_id=str(update.effective_chat.id),
        profile_name=user.full_name,
        locale=locale,
    )
    async with svc.sessions.begin() as session:
        accepted = await joining.accept(
            session, newcomer, code, now, default_timezone=svc.default_timezone
        )
    await query.answer()
    if accepted.outcome is AcceptOutcome.JOINED:
        assert accepted.member is not None and accepted.new_role is not None
        logger.info("Person %s joined as %s", accepted.member.person_id, accepted.new_role.role.value)
        await edit_or_reply(update, tr.gettext("Thank you. Your consent has been recorded."))
        await _welcome(update, context, tr, accepted.member, accepted.new_role)
    else:
        await _stale_join(update, context, tr, accepted.member, accepted.invite_status)


async def _stale_join(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    tr: Translator,
    member: MemberView | None,
    status: InviteStatus | None,
) -> None:
    """An old join button: the person already joined, or the code stopped being valid."""
    if member is not None:
        tr = translator(member.locale)
        await edit_or_reply(update, tr.gettext("You have already joined.") + "\n\n" + status_text(tr, member))
    else:
        await edit_or_reply(update, invalid_invite_text(tr, status))


def _declined_text(tr: Translator, code: str) -> str:
    _ = tr.gettext
    return _(
        "You did not give consent, so nothing about you has been stored. Only the fact that "
        "this invite was declined has been noted.\n\n"
        "If you change your mind, open your invite link again or send /start {code}."
    ).format(code=code)
