"""/rhythm as a conversation any channel can hold: what each step says and offers.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers the command: the rhythm of the mentor's one
group, or a choice of their groups. `press` answers a rhythm button.

Buttons carry what they show or change (`rhy:<group>` a group's rhythm,
`rhy:<group>:<setting>` a setting's options, `rhy:<group>:<setting>:<option>`
applies one), written and read by `mentoring.rhythm.buttons.RHYTHM`. Every press is
checked again (a mentor of that group, an option of that setting), so stale or
forged buttons change nothing. Refusals raise `DomainError`s, worded once in
`mentoring.refusals`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import mentored_groups, require
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.rhythm.buttons import RHYTHM
from mentoring.rhythm.rules import SETTINGS, GroupRhythm, change_rhythm, group_rhythm, option_code
from mentoring.screens import (
    Choice,
    Input,
    Lines,
    Moment,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)

logger = logging.getLogger(__name__)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# Each setting's name, in the order its buttons are shown (two to a row).
LABELS: dict[str, str] = {
    "rd": N_("Reflection day"), "rt": N_("Reflection time"), "ro": N_("Reflection open for"),
    "cd": N_("Check-in day"), "ct": N_("Check-in time"), "co": N_("Check-in open for"),
    "ra": N_("First reminder"), "rb": N_("Last reminder"),
}
# Shorter names where the long one does not fit small buttons (WhatsApp: 20 characters).
SHORT_LABELS: dict[str, str] = {
    "ro": N_("Reflection length"), "cd": N_("Check-in weekday"), "ct": N_("Check-in hour"),
    "co": N_("Check-in length"),
}
PER_ROW = 2
# A Monday: weekday n is this day plus n days, written as its wide name ("Friday", "Cuma").
_MONDAY = date(2024, 1, 1)


# ----------------------------------------------------------------------------- words


def weekday(number: int) -> Moment:
    """A weekday (0 = Monday) by its name in the reader's language."""
    return Moment(_MONDAY + timedelta(days=number), style="EEEE")


def hours(count: int) -> Plural:
    return Plural("{n} hour", "{n} hours", count, n=count)


def option_label(code: str, value: int | time | None) -> Words:
    """How one option of the setting `code` reads: a day, a time, hours, or Off."""
    if value is None:
        return Text("Off")
    if isinstance(value, time):
        return Moment(value)
    if code in ("rd", "cd"):
        return weekday(value)
    if code == "ra":
        return Plural("{n} hour after opening", "{n} hours after opening", value, n=value)
    if code == "rb":
        return Plural("{n} hour before closing", "{n} hours before closing", value, n=value)
    return hours(value)


def short_option_label(code: str, value: int | time | None) -> Words | None:
    """A shorter label where the option's own does not fit small buttons (the reminders')."""
    if value is None or isinstance(value, time):
        return None
    if code == "ra":
        return Plural("{n} hour after", "{n} hours after", value, n=value)
    if code == "rb":
        return Plural("{n} hour before", "{n} hours before", value, n=value)
    return None


# ----------------------------------------------------------------------------- screens


def _rows(choices: list[Choice]) -> list[list[Choice]]:
    return [choices[i:i + PER_ROW] for i in range(0, len(choices), PER_ROW)]


def rhythm(view: GroupRhythm, note: Words | None = None) -> Screen:
    """A group's rhythm, with a button for each setting (after a change, `note` says so)."""
    r = view.rhythm
    return Screen(
        Lines(
            note, Raw("") if note is not None else None,
            Text("Weekly rhythm of group {group}", group=Raw(view.group_name)),
            Text("Reflection (yansıtma): opens on {day} at {time} and stays open for {hours}.",
                 day=weekday(r.reflection_weekday), time=Moment(r.reflection_time),
                 hours=hours(r.reflection_open_hours)),
            Text("Peer partner check-in: opens on {day} at {time} and stays open for {hours}.",
                 day=weekday(r.checkin_weekday), time=Moment(r.checkin_time),
                 hours=hours(r.checkin_open_hours)),
            Text("First reminder: {when}", when=option_label("ra", r.reminder_after_hours)),
            Text("Last reminder: {when}", when=option_label("rb", r.reminder_before_close_hours)),
            Raw(""),
            Text("Reminders go only to those who have not answered yet. Times are the group's local time "
                 "({zone}); everyone sees them in their own time zone.", zone=view.timezone),
        ),
        _rows([Choice(RHYTHM.encode("setting", group=view.group_id, setting=code), Text(label),
                      short=Text(SHORT_LABELS[code]) if code in SHORT_LABELS else None)
               for code, label in LABELS.items()]),
        replace=True,
    )


def options(group_id: int, code: str) -> Screen:
    """The fixed options of one setting, and Back to the group's rhythm."""
    choices = [
        Choice(RHYTHM.encode("option", group=group_id, setting=code, option=option_code(value)),
               option_label(code, value), short=short_option_label(code, value))
        for value in SETTINGS[code].options
    ]
    return Screen(
        Text("{setting}:", setting=Text(LABELS[code])),
        [*_rows(choices), [Choice(RHYTHM.encode("show", group=group_id), Text("Back"))]],
        replace=True,
    )


def groups(member: MemberView, group_ids: list[int]) -> Screen:
    """Which of the mentor's groups to show, one button each."""
    names = {role.group_id: role.group_name for role in member.roles if role.group_id in group_ids}
    return Screen(
        Text("Which group's rhythm?"),
        [[Choice(RHYTHM.encode("show", group=group_id), Raw(names.get(group_id) or str(group_id)))]
         for group_id in group_ids],
    )


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/rhythm: the rhythm of the mentor's group, or a choice of their groups."""
    group_ids = mentored_groups(member)
    require(bool(group_ids), "see_rhythm")
    if len(group_ids) == 1:
        return Reply(rhythm(await group_rhythm(session, member, group_ids[0])))
    return Reply(groups(member, group_ids))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Show a group's rhythm or a setting's options, or apply an option (and show the rhythm)."""
    button = button_of(given, RHYTHM)
    group_id = button["group"]
    if button.action == "option":
        view = await change_rhythm(session, member, group_id, button["setting"], button["option"])
        return Reply(rhythm(view, Text("Saved. A window that has already opened stays as it was.")))
    view = await group_rhythm(session, member, group_id)
    if button.action == "setting":
        return Reply(options(view.group_id, button["setting"]))
    return Reply(rhythm(view))
