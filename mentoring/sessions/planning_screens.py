"""/session as a conversation any channel can hold: planning or moving a session step by step.

group -> day -> time -> place -> topic (`mentoring.sessions.planning` keeps where the
mentor stands, flow "session_plan", so typed answers and a restart continue it).
Buttons: `ses:grp:<group>`, `ses:d:<yyyymmdd>`, `ses:t:<hhmm>`, `ses:tp:<topic or 0>`,
`ses:stop` (written and read by `mentoring.sessions.buttons.SESSIONS`). Refusals raise
`DomainError`s, worded once in `mentoring.refusals`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.button_data import Pressed as Button
from mentoring.dates import example
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Moment,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
)
from mentoring.sessions import planning
from mentoring.sessions.buttons import SESSIONS
from mentoring.sessions.cards import named, typed_text, with_card
from mentoring.sessions.planning import Prompt

AWAITS = Awaits(Expect.TEXT, planning.FLOW)
DAYS_PER_ROW = 4
TOPIC_LABEL_MAX = 60
ACTIONS = ("grp", "d", "t", "tp", "stop")


def _stop() -> list[Choice]:
    return [Choice(SESSIONS.encode("stop"), Text("Stop planning"))]


def prompt_screen(prompt: Prompt, reader_zone: str) -> Screen:
    """The question of the step the mentor is at, or what was done (planned or moved)."""
    if prompt.step == "group":
        return Screen(
            Text("Which group is the session for?"),
            [[named(SESSIONS.encode("grp", group=gid), name)] for gid, name in prompt.groups],
            replace=True,
        )
    if prompt.step == "date":
        intro = (Text("New time for the session of {group}.", group=prompt.group_name) if prompt.moving
                 else Text("Planning a group mentoring session for {group}.", group=prompt.group_name))
        days = [Choice(SESSIONS.encode("d", day=day), Moment(day, style="EEE d MMM")) for day in prompt.days]
        return Screen(
            Lines(intro, Text("On which day? Choose below, or type one: for example {example}, “31 December”, "
                              "“tomorrow” or a weekday.", example=example(prompt.days[0])), sep="\n\n"),
            [*(days[i:i + DAYS_PER_ROW] for i in range(0, len(days), DAYS_PER_ROW)), _stop()],
            awaits=AWAITS, replace=True,
        )
    if prompt.step == "time":
        slots = [Choice(SESSIONS.encode("t", at=planning.parse_time(slot)), Raw(slot)) for slot in planning.TIME_SLOTS]
        return Screen(
            Text("At what time (the group's local time)? Choose below or type it as HH:MM."),
            [slots, _stop()], awaits=AWAITS, replace=True,
        )
    if prompt.step == "place":
        return Screen(Text("Where will the group meet? Send the place or the online link."), [_stop()],
                      awaits=AWAITS, replace=True)
    if prompt.step == "topic":
        return Screen(
            Text("Which agenda topic will the session work on?"),
            [*([named(SESSIONS.encode("tp", topic=tid), title, TOPIC_LABEL_MAX)] for tid, title in prompt.topics),
             [Choice(SESSIONS.encode("tp", topic=0), Text("No particular topic"))]],
            replace=True,
        )
    assert prompt.view is not None
    if prompt.step == "moved":
        return Screen(with_card(Text("The session has been moved; everyone will be told."), prompt.view, reader_zone),
                      replace=True)
    invited: Words = Plural("Invitations go out to {count} member.", "Invitations go out to {count} members.",
                            prompt.invited, count=prompt.invited)
    return Screen(with_card(Text("The session is planned."), prompt.view, reader_zone, invited), replace=True)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/session: which group (if the mentor has several), then the day."""
    return Reply(prompt_screen(await planning.begin(session, member, now), member.timezone))


async def press(session: AsyncSession, member: MemberView, button: Button, now: datetime) -> Reply:
    """A group, day, time, topic or stop button (read by `screens.press`)."""
    if button.action == "stop":
        await planning.stop(session, member)
        return Reply(Screen(Text("Planning stopped."), replace=True))
    if button.action == "grp":
        prompt = await planning.begin(session, member, now, button["group"])
    elif button.action == "d":
        prompt = await planning.give_date(session, member, button["day"], now)
    elif button.action == "t":
        prompt = await planning.give_time(session, member, button["at"], now)
    else:
        prompt = await planning.give_topic(session, member, button["topic"] or None, now)
    return Reply(prompt_screen(prompt, member.timezone))


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A typed day, time or place; a wrong one is explained and the step stays open."""
    text = typed_text(given)
    step = await planning.current_step(session, member)
    if step == "topic":
        return Reply(Screen(Text("Please choose a topic with the buttons above.")))
    if step == "date":
        prompt = await planning.give_typed_date(session, member, text, now)
    elif step == "time":
        prompt = await planning.give_time(session, member, planning.parse_time(text), now)
    elif step == "place":
        prompt = await planning.give_place(session, member, text, now)
    else:
        raise DomainError("stale")
    return Reply(prompt_screen(prompt, member.timezone))
