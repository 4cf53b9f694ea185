"""/settings: a person's time zone, quiet hours, a week's pause or a leave (and /rhythm, in handlers.rhythm).

Buttons carry what they change (`set:tz:Europe/Berlin`, `set:q:2200-0800`); a
typed zone, hours or leave date is waited for in the database
(conversation flow "settings"), so a restart in between loses nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import rhythm
from handlers.buttons import pressed
from handlers.common import load_member, refuse, tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.rhythm import clock_time
from handlers.services import services
from mentoring import conversation
from mentoring import settings as personal
from mentoring.button_data import SETTINGS, Pressed
from mentoring.errors import DomainError
from mentoring.i18n import Translator, translator
from mentoring.joining import MemberView
from mentoring.settings import COMMON_ZONES, QUIET_PRESETS, PersonalSettings
from storage.models import ConversationState

FLOW = "settings"
CALLBACK_PATTERN = rf"^{SETTINGS.prefix}:"
# A zone name, hours or a date is short; anything longer is a mistake, not an answer.
LONGEST_ANSWER = 64


def _settings_text(tr: Translator, view: PersonalSettings, now: datetime, note: str | None = None) -> str:
    _ = tr.gettext
    zone = ZoneInfo(view.timezone)
    lines = [note, ""] if note else []
    lines += [
        _("Your settings"),
        _("Time zone: {zone} (it is {time} there now)").format(zone=view.timezone, time=tr.time(now, zone)),
        _("Quiet hours: {start}–{end}. Prompts and reminders wait until they end.").format(
            start=clock_time(tr, view.quiet_start), end=clock_time(tr, view.quiet_end)),
    ]
    if view.paused_at(now):
        assert view.paused_until is not None
        lines.append(_("Paused: no prompts or reminders until {day}, {time}.").format(
            day=tr.date(view.paused_until.astimezone(zone).date()), time=tr.time(view.paused_until, zone)))
    else:
        lines.append(_("Not paused: you get this week's prompts and reminders."))
    return "\n".join(lines)


def _settings_buttons(tr: Translator, view: PersonalSettings, now: datetime) -> InlineKeyboardMarkup:
    _ = tr.gettext
    rows = [
        [InlineKeyboardButton(_("Time zone"), callback_data=SETTINGS.encode("tz")),
         InlineKeyboardButton(_("Quiet hours"), callback_data=SETTINGS.encode("quiet"))],
        [InlineKeyboardButton(_("Pause for a week"), callback_data=SETTINGS.encode("pause")),
         InlineKeyboardButton(_("On leave until…"), callback_data=SETTINGS.encode("leave"))],
    ]
    if view.paused_at(now):
        rows.append([InlineKeyboardButton(_("Resume now"), callback_data=SETTINGS.encode("resume"))])
    return InlineKeyboardMarkup(rows)


def _back(tr: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(tr.gettext("Back"), callback_data=SETTINGS.encode("menu"))]


def _zone_buttons(tr: Translator) -> InlineKeyboardMarkup:
    zones = [InlineKeyboardButton(zone, callback_data=SETTINGS.encode("zone", zone=zone)) for zone in COMMON_ZONES]
    rows = [zones[i:i + 2] for i in range(0, len(zones), 2)]
    rows.append([InlineKeyboardButton(tr.gettext("Type another zone"), callback_data=SETTINGS.encode("type", question="timezone"))])
    return InlineKeyboardMarkup([*rows, _back(tr)])


def _quiet_buttons(tr: Translator) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(f"{clock_time(tr, start)}–{clock_time(tr, end)}",
                                  callback_data=SETTINGS.encode("hours", hours=(start, end)))]
            for start, end in QUIET_PRESETS]
    rows.append([InlineKeyboardButton(tr.gettext("Type other hours"), callback_data=SETTINGS.encode("type", question="quiet"))])
    return InlineKeyboardMarkup([*rows, _back(tr)])


def _question(tr: Translator, step: str, today: date) -> str:
    _ = tr.gettext
    if step == "timezone":
        return _("Type the name of your time zone, for example Europe/Berlin or Asia/Tbilisi.")
    if step == "quiet":
        return _("Type your quiet hours as start and end, for example 22:00-08:00.")
    return _("Up to which day are you on leave? Type the date, for example {day}.").format(
        day=today.strftime("%d.%m.%Y"))


def error_text(tr: Translator, error: DomainError) -> str:
    _ = tr.gettext
    if error.code == "unknown_timezone":
        return _("I do not know the time zone {zone}. Use a name such as Europe/Istanbul.").format(
            zone=error.values.get("timezone", ""))
    return {
        "bad_quiet_hours": _("I could not read those hours. Write them like 22:00-08:00 "
                             "(start and end must differ)."),
        "bad_date": _("I could not read that date. Write it like 31.12.2026."),
        "date_in_past": _("That day has already passed. Please give today or a later day."),
        "date_too_far": _("A leave can be set for up to a year ahead."),
    }.get(error.code, _("That did not work. Please try again."))


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the person's settings with buttons to change them."""
    assert update.effective_message is not None
    svc = services(context)
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        view = await personal.settings_of(session, member.person_id) if member else None
    if member is None or view is None:
        await tell_stranger(update, context)
        return
    tr, now = translator(member.locale), svc.clock.now()
    await update.effective_message.reply_text(
        _settings_text(tr, view, now), reply_markup=_settings_buttons(tr, view, now))


async def settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply a settings button; a stale or forged one changes nothing."""
    query = update.callback_query
    button = await pressed(update, context, SETTINGS)
    if query is None or button is None:
        return
    svc = services(context)
    now = svc.clock.now()
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        if member is not None:
            view, note, markup = await _apply(session, member, button, now)
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator(member.locale)
    if view is None:
        await refuse(update, tr, tr.gettext("This button is no longer active."))
        return
    await query.answer()
    if markup is not None:
        await edit_or_reply(update, note or "", markup)
    else:
        await edit_or_reply(update, _settings_text(tr, view, now, note), _settings_buttons(tr, view, now))


async def _apply(
    session: AsyncSession, member: MemberView, button: Pressed, now: datetime
) -> tuple[PersonalSettings | None, str | None, InlineKeyboardMarkup | None]:
    """One button's change: (settings after, a note or sub-question, sub-menu buttons or None)."""
    tr, pid = translator(member.locale), member.person_id
    _ = tr.gettext
    action = button.action
    # Any other button ends a typed question that was waiting.
    await conversation.clear(session, pid, FLOW)
    if action == "menu":
        return await personal.settings_of(session, pid), None, None
    if action == "tz":
        return await personal.settings_of(session, pid), _("Choose your time zone:"), _zone_buttons(tr)
    if action == "zone":
        return await personal.set_timezone(session, pid, button["zone"]), _("Time zone saved."), None
    if action == "quiet":
        return await personal.settings_of(session, pid), _("Choose your quiet hours:"), _quiet_buttons(tr)
    if action == "hours":
        start, end = button["hours"]
        return await personal.set_quiet_hours(session, pid, start, end), _("Quiet hours saved."), None
    if action == "pause":
        return await personal.pause_for_a_week(session, pid, now), _("Paused for a week."), None
    if action == "resume":
        return await personal.resume(session, pid), _("Welcome back: prompts and reminders resume."), None
    step = "leave" if action == "leave" else button["question"]
    view = await personal.settings_of(session, pid)
    await conversation.expect(session, pid, FLOW, step, now)
    today = now.astimezone(ZoneInfo(view.timezone)).date()
    return view, _question(tr, step, today), InlineKeyboardMarkup([_back(tr)])


async def typed_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: ConversationState
) -> None:
    """A typed zone, quiet hours or leave date; a wrong one is explained and the question stays open."""
    message = update.effective_message
    assert message is not None
    tr, svc = translator(member.locale), services(context)
    now = svc.clock.now()
    _ = tr.gettext
    text = message.text
    if text is None:
        await message.reply_text(_("Please type your answer as a text message."))
        return
    if len(text) > LONGEST_ANSWER:
        await message.reply_text(_("That is too long for an answer here (at most {limit} characters).").format(
            limit=LONGEST_ANSWER))
        return
    try:
        async with svc.sessions.begin() as session:
            if state.step == "timezone":
                view = await personal.set_timezone(session, member.person_id, text)
            elif state.step == "quiet":
                view = await personal.set_quiet_hours(session, member.person_id, *personal.parse_quiet_hours(text))
            else:
                view = await personal.leave_until(session, member.person_id, text, now)
            await conversation.clear(session, member.person_id, FLOW)
    except DomainError as error:
        await message.reply_text(error_text(tr, error), reply_markup=InlineKeyboardMarkup([_back(tr)]))
        return
    await message.reply_text(_settings_text(tr, view, now, _("Saved.")), reply_markup=_settings_buttons(tr, view, now))


register_input(FLOW, typed_answer)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(settings_button, pattern=CALLBACK_PATTERN),
        *rhythm.handlers(),
    ]
