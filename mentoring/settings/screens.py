"""/settings as a conversation any channel can hold: what each step says, offers and waits for.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers the command, `press` a settings button,
`answer` the typed zone, hours or leave day a question waits for.

Buttons carry what they change (`set:tz:Europe/Berlin`, `set:q:2200-0800`,
written and read by `mentoring.settings.buttons.SETTINGS`); the typed question
waiting is kept in the database (conversation flow "settings", its step names
the question), so a restart in between loses nothing. Refusals raise
`DomainError`s, worded once in `mentoring.refusals`; a typed answer the rules
cannot take is answered with those words and the question stays open.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import button_data, conversation
from mentoring.dates import typed_day_hint
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Moment,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    Zone,
    button_of,
)
from mentoring.settings.buttons import SETTINGS
from mentoring.settings.rules import (
    COMMON_ZONES,
    QUIET_PRESETS,
    PersonalSettings,
    leave_through,
    parse_leave_day,
    parse_quiet_hours,
    pause_for_a_week,
    resume,
    search_timezones,
    set_quiet_hours,
    set_timezone,
    settings_of,
    today_of,
)

logger = logging.getLogger(__name__)

FLOW = "settings"
# The questions a typed answer is waited for under (the conversation step).
TIMEZONE, QUIET, LEAVE = "timezone", "quiet", "leave"
# A zone name, hours or a date is short; anything longer is a mistake, not an answer.
LONGEST_ANSWER = 64
AWAITS = Awaits(Expect.TEXT, FLOW)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]
_Change = Callable[[AsyncSession, int], Awaitable[PersonalSettings]]


# ----------------------------------------------------------------------------- screens


def back() -> Choice:
    return Choice(SETTINGS.encode("menu"), Text("Back"))


def menu(view: PersonalSettings, now: datetime, note: Words | None = None) -> Screen:
    """The person's settings, with a button for each change (after a change, `note` says which)."""
    zone = view.timezone
    if view.paused_at(now):
        assert view.paused_until is not None
        paused: Words = Text("Paused: no prompts or reminders until {day}, {time}.",
                             day=Moment(view.paused_until, zone, show="date"),
                             time=Moment(view.paused_until, zone, show="time"))
    else:
        paused = Text("Not paused: you get this week's prompts and reminders.")
    rows = [
        [Choice(SETTINGS.encode("tz"), Text("Time zone")),
         Choice(SETTINGS.encode("quiet"), Text("Quiet hours"))],
        [Choice(SETTINGS.encode("pause"), Text("Pause for a week")),
         Choice(SETTINGS.encode("leave"), Text("On leave until…"), short=Text("On leave"))],
    ]
    if view.paused_at(now):
        rows.append([Choice(SETTINGS.encode("resume"), Text("Resume now"))])
    return Screen(
        Lines(
            note, Raw("") if note is not None else None,
            Text("Your settings"),
            Text("Time zone: {zone} (it is {time} there now)", zone=Zone(zone), time=Moment(now, zone, show="time")),
            Text("Quiet hours: {start}–{end}. Prompts and reminders wait until they end.",
                 start=Moment(view.quiet_start), end=Moment(view.quiet_end)),
            paused,
        ),
        rows,
        replace=True,
    )


def _zone_buttons(names: Sequence[str]) -> list[list[Choice]]:
    """Zones as buttons named by their city in the reader's language ("İstanbul"), two a row."""
    buttons = [Choice(SETTINGS.encode("zone", zone=zone), Zone(zone), short=Zone(zone, most=SHORT_LABEL_MAX))
               for zone in names]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def found_zones(names: Sequence[str]) -> Screen:
    """What a typed search found, when it found more than one: choose, or type again."""
    return Screen(Text("Which one do you mean? Choose below or type another city."),
                  [*_zone_buttons(names), [back()]], awaits=AWAITS)


def zones() -> Screen:
    """The common zones as buttons (most likely first), and a way to find any other by its city."""
    return Screen(
        Text("Choose your time zone:"),
        [*_zone_buttons(COMMON_ZONES),
         [Choice(SETTINGS.encode("type", question=TIMEZONE), Text("Type another city"),
                 short=Text("Other city"))],
         [back()]],
        replace=True,
    )


def _hours(start: time, end: time) -> Words:
    return Lines(Moment(start), Moment(end), sep="–")


def quiet_hours() -> Screen:
    """The usual quiet hours as buttons, and a way to type others."""
    return Screen(
        Text("Choose your quiet hours:"),
        [*([Choice(SETTINGS.encode("hours", hours=(start, end)), _hours(start, end))]
           for start, end in QUIET_PRESETS),
         [Choice(SETTINGS.encode("type", question=QUIET), Text("Type other hours"))],
         [back()]],
        replace=True,
    )


def question(step: str, today: date) -> Screen:
    """Ask for a typed zone, hours or last day of leave; Back (or any other button) drops the question."""
    if step == TIMEZONE:
        words = Text("Type the city whose time you keep, for example Berlin or Tbilisi.")
    elif step == QUIET:
        words = Text("Type your quiet hours as start and end, for example 22:00-08:00.")
    else:
        words = Lines(Text("Up to which day are you on leave?"), typed_day_hint(today), sep=" ")
    return Screen(words, [[back()]], awaits=AWAITS, replace=True)


def not_taken(error: DomainError) -> Screen:
    """A typed answer the rules refuse: why, and Back; the question stays open."""
    return Screen(refusal(error), [[back()]])


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/settings: the person's settings with buttons to change them."""
    return Reply(menu(await settings_of(session, member.person_id), now))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A settings button. Data it does not carry is refused as stale and changes nothing."""
    button = button_of(given, SETTINGS)
    # Any other button ends a typed question that was waiting.
    await conversation.clear(session, member.person_id, FLOW)
    return await _PRESSES[button.action](session, member.person_id, button, now)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed answer to a waiting question; a wrong one is explained and the question stays open."""
    pid = member.person_id
    state = await conversation.pending(session, pid)
    view = await settings_of(session, pid)
    if state is None or state.flow != FLOW:
        # Another button closed the question in the meantime: nothing waits for this.
        return Reply(menu(view, now))
    typed = AWAITS.accept(given)
    if not isinstance(typed, Typed):
        raise DomainError("text_expected")
    if len(typed.text) > LONGEST_ANSWER:
        raise DomainError("text_too_long", limit=LONGEST_ANSWER, length=len(typed.text))
    try:
        # Read before anything is written, so a refusal leaves nothing half done.
        if state.step == TIMEZONE and len(found := search_timezones(typed.text)) > 1:
            return Reply(found_zones(found))  # the question stays open: a city typed again is searched
        change = _change_for(state.step, typed.text, today_of(view, now))
    except DomainError as error:
        return Reply(not_taken(error))
    view = await change(session, pid)
    await conversation.clear(session, pid, FLOW)
    return Reply(menu(view, now, Text("Saved.")))


def _change_for(step: str, text: str, today: date) -> _Change:
    """What the typed answer changes; raises DomainError for one the rules cannot take."""
    if step == TIMEZONE:
        zone = search_timezones(text)[0]
        return lambda session, pid: set_timezone(session, pid, zone)
    if step == QUIET:
        start_at, end_at = parse_quiet_hours(text)
        return lambda session, pid: set_quiet_hours(session, pid, start_at, end_at)
    day = parse_leave_day(text, today)
    return lambda session, pid: leave_through(session, pid, day)


# ----------------------------------------------------------------------------- one per button

_Press = Callable[[AsyncSession, int, button_data.Pressed, datetime], Awaitable[Reply]]


async def _show_menu(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(menu(await settings_of(session, pid), now))


async def _choose_zone(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(zones())


async def _save_zone(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    view = await set_timezone(session, pid, button["zone"])
    return Reply(menu(view, now, Text("Time zone saved.")))


async def _choose_hours(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(quiet_hours())


async def _save_hours(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    start_at, end_at = button["hours"]
    view = await set_quiet_hours(session, pid, start_at, end_at)
    return Reply(menu(view, now, Text("Quiet hours saved.")))


async def _pause(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    view = await pause_for_a_week(session, pid, now)
    return Reply(menu(view, now, Text("Paused for a week.")))


async def _resume(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    view = await resume(session, pid)
    return Reply(menu(view, now, Text("Welcome back: prompts and reminders resume.")))


async def _ask(session: AsyncSession, pid: int, button: button_data.Pressed, now: datetime) -> Reply:
    step = LEAVE if button.action == "leave" else button["question"]
    view = await settings_of(session, pid)
    await conversation.expect(session, pid, FLOW, step, now)
    return Reply(question(step, today_of(view, now)))


_PRESSES: dict[str, _Press] = {
    "menu": _show_menu,
    "tz": _choose_zone,
    "zone": _save_zone,
    "quiet": _choose_hours,
    "hours": _save_hours,
    "pause": _pause,
    "resume": _resume,
    "leave": _ask,
    "type": _ask,
}
