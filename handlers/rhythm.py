"""/rhythm: a group's mentors set when reflections and check-ins open, for how long, and reminders.

Callback data: `rhy:<group>` shows a group's rhythm, `rhy:<group>:<setting>`
its options, `rhy:<group>:<setting>:<option>` applies one. Every press is
checked again (mentor of that group, a known option), so stale or forged
buttons change nothing.
"""

from __future__ import annotations

from datetime import time

from babel.dates import format_time
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.buttons import pressed
from handlers.common import load_member, refuse, tell_stranger
from handlers.replies import edit_or_reply
from handlers.services import services
from mentoring import scheduling
from mentoring.access import AccessDenied, mentored_groups
from mentoring.button_data import RHYTHM
from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator, translator
from mentoring.scheduling import SETTINGS, GroupRhythm, option_code

CALLBACK_PATTERN = rf"^{RHYTHM.prefix}:"

_LABELS = {
    "rd": N_("Reflection day"), "rt": N_("Reflection time"), "ro": N_("Reflection open for"),
    "cd": N_("Check-in day"), "ct": N_("Check-in time"), "co": N_("Check-in open for"),
    "ra": N_("First reminder"), "rb": N_("Last reminder"),
}


def clock_time(tr: Translator, at: time) -> str:
    """A local wall time ("22:00", "10:00 PM") in the reader's language."""
    return format_time(at, "short", locale=tr.locale)


def _weekday(tr: Translator, weekday: int) -> str:
    return str(tr.babel_locale.days["format"]["wide"][weekday])


def _hours(tr: Translator, hours: int) -> str:
    return tr.ngettext("{n} hour", "{n} hours", hours).format(n=hours)


def option_label(tr: Translator, code: str, value: int | time | None) -> str:
    _ = tr.gettext
    if value is None:
        return _("Off")
    if isinstance(value, time):
        return clock_time(tr, value)
    if code in ("rd", "cd"):
        return _weekday(tr, value)
    if code == "ra":
        return tr.ngettext("{n} hour after opening", "{n} hours after opening", value).format(n=value)
    if code == "rb":
        return tr.ngettext("{n} hour before closing", "{n} hours before closing", value).format(n=value)
    return _hours(tr, value)


def rhythm_text(tr: Translator, view: GroupRhythm, note: str | None = None) -> str:
    _ = tr.gettext
    r = view.rhythm
    lines = [note, ""] if note else []
    lines += [
        _("Weekly rhythm of group {group}").format(group=view.group_name),
        _("Reflection (yansıtma): opens on {day} at {time} and stays open for {hours}.").format(
            day=_weekday(tr, r.reflection_weekday), time=clock_time(tr, r.reflection_time),
            hours=_hours(tr, r.reflection_open_hours)),
        _("Peer partner check-in: opens on {day} at {time} and stays open for {hours}.").format(
            day=_weekday(tr, r.checkin_weekday), time=clock_time(tr, r.checkin_time),
            hours=_hours(tr, r.checkin_open_hours)),
        _("First reminder: {when}").format(when=option_label(tr, "ra", r.reminder_after_hours)),
        _("Last reminder: {when}").format(when=option_label(tr, "rb", r.reminder_before_close_hours)),
        "",
        _("Reminders go only to those who have not answered yet. Times are the group's local time "
          "({zone}); everyone sees them in their own time zone.").format(zone=view.timezone),
    ]
    return "\n".join(lines)


def _rhythm_buttons(tr: Translator, group_id: int) -> InlineKeyboardMarkup:
    codes = list(_LABELS)
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(tr.gettext(_LABELS[code]), callback_data=RHYTHM.encode("setting", group=group_id, setting=code))
         for code in codes[i:i + 2]]
        for i in range(0, len(codes), 2)
    ])


def _option_buttons(tr: Translator, group_id: int, code: str) -> InlineKeyboardMarkup:
    options = [
        InlineKeyboardButton(option_label(tr, code, value), callback_data=RHYTHM.encode(
            "option", group=group_id, setting=code, option=option_code(value)))
        for value in SETTINGS[code].options
    ]
    rows = [options[i:i + 2] for i in range(0, len(options), 2)]
    rows.append([InlineKeyboardButton(tr.gettext("Back"), callback_data=RHYTHM.encode("show", group=group_id))])
    return InlineKeyboardMarkup(rows)


async def rhythm_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the rhythm of the mentor's group, or let them pick one of their groups."""
    assert update.effective_message is not None
    async with services(context).sessions.begin() as session:
        member = await load_member(session, update)
        groups = mentored_groups(member) if member else []
        view = await scheduling.group_rhythm(session, member, groups[0]) if member and len(groups) == 1 else None
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator(member.locale)
    if not groups:
        await refuse(update, tr, tr.gettext("Only a group's mentors can set its weekly rhythm."))
        return
    if view is not None:
        await update.effective_message.reply_text(rhythm_text(tr, view), reply_markup=_rhythm_buttons(tr, view.group_id))
        return
    names = {role.group_id: role.group_name for role in member.roles if role.group_id in groups}
    await update.effective_message.reply_text(
        tr.gettext("Which group's rhythm?"),
        reply_markup=InlineKeyboardMarkup([
            [InlineKeyboardButton(names[group_id] or str(group_id), callback_data=RHYTHM.encode("show", group=group_id))]
            for group_id in groups
        ]),
    )


async def rhythm_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a group's rhythm or a setting's options, or apply an option."""
    query = update.callback_query
    button = await pressed(update, context, RHYTHM)
    if query is None or button is None:
        return
    group_id = button["group"]
    code, option = button.values.get("setting", ""), button.values.get("option", "")
    async with services(context).sessions.begin() as session:
        member = await load_member(session, update)
        view = error = None
        if member is not None:
            try:
                if option:
                    view = await scheduling.change_rhythm(session, member, group_id, code, option)
                else:
                    view = await scheduling.group_rhythm(session, member, group_id)
            except DomainError as exc:
                error = exc
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator(member.locale)
    if view is None:
        refusal = tr.gettext("Only a group's mentors can set its weekly rhythm.") if isinstance(
            error, AccessDenied) else tr.gettext("This button is no longer active.")
        await refuse(update, tr, refusal)
        return
    await query.answer()
    if code and not option:
        await edit_or_reply(update, tr.gettext("{setting}:").format(setting=tr.gettext(_LABELS[code])),
                            _option_buttons(tr, view.group_id, code))
        return
    note = tr.gettext("Saved. A window that has already opened stays as it was.") if option else None
    await edit_or_reply(update, rhythm_text(tr, view, note), _rhythm_buttons(tr, view.group_id))


def handlers() -> list[BaseHandler]:
    """/rhythm and its buttons."""
    return [
        CommandHandler("rhythm", rhythm_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(rhythm_button, pattern=CALLBACK_PATTERN),
    ]
