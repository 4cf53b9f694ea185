"""Where a member's input goes: every feature's ways in, in one table every channel reads.

A feature is entered three ways: a command (`/todo`), a press of one of its
buttons (the data's prefix, `todo:…`), or free input while one of its flows
waits for it (the person's `conversation_states` row). `route` finds the step
for an input; a channel adapter runs it for the member (in one transaction)
and shows the reply. The Telegram adapter registers one PTB handler per entry
here (tests/handlers/test_entries.py checks they agree); the WhatsApp adapter
routes through `route` directly (bot/whatsapp/conversation.py).

Joining is not here: a newcomer is not a member yet (`mentoring.joining.screens`
takes a `Visitor`). Nor is what only one channel does (Telegram's broadcast
progress message, its command menus).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.broadcasts import rules as broadcasts
from mentoring.broadcasts import screens as broadcast_screens
from mentoring.broadcasts.buttons import BROADCAST
from mentoring.conversation import Waiting
from mentoring.digest import screens as digest_screens
from mentoring.digest.buttons import DIGEST
from mentoring.errors import DomainError
from mentoring.help import screens as help_screens
from mentoring.help.buttons import LANGUAGE
from mentoring.joining import screens as joining_screens
from mentoring.joining.rules import MemberView
from mentoring.nudges import screens as nudge_screens
from mentoring.nudges.buttons import HELD
from mentoring.peers import pairs_screens
from mentoring.peers import screens as peer_screens
from mentoring.peers.buttons import CHECKIN, PAIRS
from mentoring.plans import screens as plan_screens
from mentoring.plans.buttons import PLAN
from mentoring.privacy import screens as privacy_screens
from mentoring.privacy.buttons import CONSENT, PRIVACY
from mentoring.reflection import screens as reflection_screens
from mentoring.reflection.buttons import REFLECTION
from mentoring.reports import screens as report_screens
from mentoring.reports.buttons import REPORTS
from mentoring.rhythm import screens as rhythm_screens
from mentoring.rhythm.buttons import RHYTHM
from mentoring.screens import Input, Pressed, Reply, Typed
from mentoring.sessions import (
    agenda,
    agenda_screens,
    followup,
    followup_screens,
    planning,
    planning_screens,
)
from mentoring.sessions import screens as session_screens
from mentoring.sessions.buttons import AGENDA, SESSIONS
from mentoring.settings import screens as settings_screens
from mentoring.settings.buttons import SETTINGS
from mentoring.todos import assign, assign_screens
from mentoring.todos import rules as todos
from mentoring.todos import screens as todo_screens
from mentoring.todos.buttons import ASSIGN, TODOS

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[object]]


async def _privacy_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    return (await privacy_screens.press(session, member, given, now)).reply


async def _consent_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    return (await privacy_screens.consent_press(session, member, given, now)).reply


# A command word, without its slash, to the step that answers it.
COMMANDS: Mapping[str, Step] = {
    "help": help_screens.commands,
    "language": help_screens.languages,
    "mydata": privacy_screens.mydata,
    "forgetme": privacy_screens.forgetme,
    "reflect": reflection_screens.start,
    "partner": peer_screens.start,
    "pairs": pairs_screens.start,
    "todo": todo_screens.start,
    "assign": assign_screens.start,
    "plan": plan_screens.start,
    "session": planning_screens.start,
    "sessions": session_screens.start,
    "agenda": agenda_screens.start,
    "settings": settings_screens.start,
    "rhythm": rhythm_screens.start,
    "broadcast": broadcast_screens.start,
    "digest": digest_screens.start,
    "report": report_screens.start,
    "export": report_screens.export,
}

# A button's prefix to the step that takes its presses.
BUTTONS: Mapping[str, Step] = {
    LANGUAGE.prefix: help_screens.choose,
    PRIVACY.prefix: _privacy_press,
    CONSENT.prefix: _consent_press,
    REFLECTION.prefix: reflection_screens.press,
    CHECKIN.prefix: peer_screens.press,
    PAIRS.prefix: pairs_screens.press,
    TODOS.prefix: todo_screens.press,
    ASSIGN.prefix: assign_screens.press,
    PLAN.prefix: plan_screens.press,
    SESSIONS.prefix: session_screens.press,
    AGENDA.prefix: agenda_screens.press,
    SETTINGS.prefix: settings_screens.press,
    RHYTHM.prefix: rhythm_screens.press,
    # Where the pressed summary is matters only to Telegram's live progress message.
    BROADCAST.prefix: broadcast_screens.press_at(None),
    DIGEST.prefix: digest_screens.press,
    REPORTS.prefix: report_screens.press,
    # A tapped WhatsApp template (a nudge): the held outbox message it stood for.
    HELD.prefix: nudge_screens.show,
}

# A waiting conversation flow to the step that takes the person's free input.
FLOWS: Mapping[str, Step] = {
    reflection_screens.FLOW: reflection_screens.answer,
    **{flow: todo_screens.answer for flow in todos.MY_FLOWS},
    assign.FLOW_ASSIGN: assign_screens.answer,
    **{flow: plan_screens.answer for flow in plan_screens.FLOWS},
    planning.FLOW: planning_screens.answer,
    followup.MINUTES_FLOW: followup_screens.minutes,
    followup.TAKEAWAY_FLOW: followup_screens.takeaway,
    agenda.ADD_FLOW: agenda_screens.title,
    settings_screens.FLOW: settings_screens.answer,
    broadcasts.FLOW: broadcast_screens.typed,
}


def command_of(given: Input) -> str | None:
    """The command a typed text starts with ("/todo", "/todo@narbot_bot", "/TODO extra"), or None."""
    if not isinstance(given, Typed) or not given.text.startswith("/"):
        return None
    word = given.text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower() or None


def route(given: Input, waiting: Waiting | None) -> Step:
    """The step that takes this input: a command's, a button's, the waiting flow's, or `unexpected`.

    A command always wins over a wait (typing /help in the middle of a question
    answers /help; the question stays open). Data no feature's prefix names goes
    to `unexpected`, like a message no flow waits for.
    """
    command = command_of(given)
    if command is not None:
        return COMMANDS.get(command, joining_screens.unexpected)
    if isinstance(given, Pressed):
        prefix = given.data.split(":", 1)[0]
        return BUTTONS.get(prefix, _stale_press)
    if waiting is not None and waiting.flow in FLOWS:
        return FLOWS[waiting.flow]
    return joining_screens.unexpected


async def _stale_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    raise DomainError("stale_button")
