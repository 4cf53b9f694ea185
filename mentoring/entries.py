"""Where a member's input goes: every feature's ways in, in one table every channel reads.

A feature is entered three ways: a command (`/todo`), a press of one of its
buttons (the data's prefix, `todo:…`), or free input while one of its flows
waits for it (the person's `conversation_states` row). `route` finds the step
for an input; a channel adapter runs it for the member (in one transaction)
and shows the reply. The Telegram adapter registers one PTB handler per entry
here (tests/handlers/test_entries.py checks they agree); the WhatsApp adapter
routes through `route` directly (bot/whatsapp/conversation.py).

`take` runs one input for a member as their conversation stands; every channel's
adapter calls it (Telegram through handlers.common.run_step). Around the step it
does two things every feature needs. A long paste the channel split into parts
(a text of the channel's longest length, `Typed.part`) is held in the wait and
joined with the part that follows within a few seconds (by the messages' own
dates), so the flow gets the whole answer, and refuses it whole when it is too
long; a held part never followed is given alone ("That was all", or before the
next input), so nothing is lost. And one flow waits at a time, said clearly: a
command or button of another feature while a flow waits pauses that flow (its
wait is dropped, so free text goes to what waits now) and the reply says so,
with one tap back (`PAUSES`).

Joining is not here: a newcomer is not a member yet (`mentoring.joining.screens`
takes a `Visitor`). Nor is what only one channel does (Telegram's broadcast
progress message, its command menus).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation, media_consent
from mentoring.broadcasts import rules as broadcasts
from mentoring.broadcasts import screens as broadcast_screens
from mentoring.broadcasts.buttons import BROADCAST
from mentoring.closing import screens as closing_screens
from mentoring.closing.buttons import CLOSING
from mentoring.console import screens as console_screens
from mentoring.conversation import PARTS, RESUME, Held, Waiting
from mentoring.digest import screens as digest_screens
from mentoring.digest.buttons import DIGEST
from mentoring.errors import DomainError
from mentoring.feedback import screens as feedback_screens
from mentoring.feedback.buttons import FEEDBACK
from mentoring.help import screens as help_screens
from mentoring.help.buttons import LANGUAGE
from mentoring.joining import screens as joining_screens
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome
from mentoring.nudges import screens as nudge_screens
from mentoring.nudges.buttons import HELD
from mentoring.objections import screens as objection_screens
from mentoring.objections.buttons import OBJECTIONS
from mentoring.peers import pairs_screens
from mentoring.peers import screens as peer_screens
from mentoring.peers.buttons import CHECKIN, PAIRS
from mentoring.plans import screens as plan_screens
from mentoring.plans.buttons import PLAN
from mentoring.privacy import consent_screens
from mentoring.privacy import screens as privacy_screens
from mentoring.privacy.buttons import CONSENT, OPTIN, PRIVACY
from mentoring.reflection import screens as reflection_screens
from mentoring.reflection.buttons import REFLECTION
from mentoring.reports import screens as report_screens
from mentoring.reports.buttons import REPORTS
from mentoring.resources import screens as resource_screens
from mentoring.resources.buttons import RESOURCES
from mentoring.rhythm import screens as rhythm_screens
from mentoring.rhythm.buttons import RHYTHM
from mentoring.safeguarding import screens as safeguarding_screens
from mentoring.safeguarding.buttons import SAFEGUARDING
from mentoring.screens import (
    Choice,
    Input,
    Lines,
    Photo,
    Pressed,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Voice,
    Words,
    button_of,
)
from mentoring.sessions import (
    agenda,
    agenda_screens,
    followup,
    followup_screens,
    planning,
    planning_screens,
    proposal_screens,
    proposals,
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
    return (await consent_screens.consent_press(session, member, given, now)).reply


async def optin_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Outcome:
    """An explicit consent's answer; for media, also what becomes of the voice note or photo held for it."""
    return await media_consent.answer(session, member, given, now, FLOWS)


async def _back_to(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """"Back to /todo" under a paused flow: the command that takes it up again, as if typed."""
    command = button_of(given, RESUME)["command"]
    return await COMMANDS[command](session, member, Typed(f"/{command}"), now)


async def _no_held_part(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    # `take` answers "That was all" while a part is held; without one the button is stale.
    raise DomainError("stale_button")


# A command word, without its slash, to the step that answers it.
COMMANDS: Mapping[str, Step] = {
    "help": help_screens.commands,
    "language": help_screens.languages,
    "mydata": privacy_screens.mydata,
    "privacy": consent_screens.privacy,
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
    "worry": safeguarding_screens.start,
    "resources": resource_screens.start,
    "closing": closing_screens.start,
    "console": console_screens.start,
}

# A button's prefix to the step that takes its presses.
BUTTONS: Mapping[str, Step] = {
    LANGUAGE.prefix: help_screens.choose,
    PRIVACY.prefix: _privacy_press,
    CONSENT.prefix: _consent_press,
    OPTIN.prefix: optin_press,
    REFLECTION.prefix: reflection_screens.press,
    CHECKIN.prefix: peer_screens.press,
    PAIRS.prefix: pairs_screens.press,
    TODOS.prefix: todo_screens.press,
    ASSIGN.prefix: assign_screens.press,
    PLAN.prefix: plan_screens.press,
    SESSIONS.prefix: session_screens.press,
    AGENDA.prefix: proposal_screens.press,
    SETTINGS.prefix: settings_screens.press,
    RHYTHM.prefix: rhythm_screens.press,
    # Where the pressed summary is matters only to Telegram's live progress message.
    BROADCAST.prefix: broadcast_screens.press_at(None),
    DIGEST.prefix: digest_screens.press,
    REPORTS.prefix: report_screens.press,
    SAFEGUARDING.prefix: safeguarding_screens.press,
    OBJECTIONS.prefix: objection_screens.press,
    FEEDBACK.prefix: feedback_screens.press,
    RESOURCES.prefix: resource_screens.press,
    CLOSING.prefix: closing_screens.press,
    # A tapped WhatsApp template (a nudge): the held outbox message it stood for.
    HELD.prefix: nudge_screens.show,
    # "That was all" under a held part of a long text (`take` gives the part to the waiting flow).
    PARTS.prefix: _no_held_part,
    # "Back to /todo" under the note that a flow was paused.
    RESUME.prefix: _back_to,
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
    proposals.PROPOSE_FLOW: proposal_screens.proposal_text,
    proposals.ACCEPT_FLOW: proposal_screens.accept_title,
    settings_screens.FLOW: settings_screens.answer,
    broadcasts.FLOW: broadcast_screens.typed,
    safeguarding_screens.FLOW: safeguarding_screens.answer,
    objection_screens.FLOW: objection_screens.answer,
    objection_screens.ANSWER_FLOW: objection_screens.coordinator_answer,
    feedback_screens.FLOW: feedback_screens.answer,
    resource_screens.FLOW: resource_screens.answer,
    closing_screens.FLOW: closing_screens.answer,
    closing_screens.SUGGEST_FLOW: closing_screens.suggestion,
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


# ----------------------------------------------------------------------------- take


def entry_of(given: Input) -> str | None:
    """How an input enters a feature: "/<command>", a button's prefix, or None for free input."""
    command = command_of(given)
    if command is not None:
        return "/" + command
    if isinstance(given, Pressed):
        return given.data.split(":", 1)[0]
    return None


# Entries that leave what waits as it is (typing /help in the middle of a question answers
# /help; the question stays open). Privacy's are here too: after an erasure nothing is "kept".
ASIDES = frozenset({
    "/help", "/language", LANGUAGE.prefix, CONSENT.prefix, HELD.prefix, PARTS.prefix,
    "/mydata", "/forgetme", "/privacy", PRIVACY.prefix, OPTIN.prefix, RESUME.prefix,
})

# Flows that keep a voice note or photo they are given: one needs the person's media consent first.
MEDIA_FLOWS = frozenset({reflection_screens.FLOW})

_TODO = frozenset({"/todo", "/assign", TODOS.prefix, ASSIGN.prefix})
_PLAN = frozenset({"/plan", PLAN.prefix})
_SESSION = frozenset({"/session", "/sessions", "/agenda", SESSIONS.prefix, AGENDA.prefix})
_SETTINGS = frozenset({"/settings", "/rhythm", SETTINGS.prefix, RHYTHM.prefix})

# A waiting flow to the entries of its own feature: they continue it; any other entry pauses it.
OWNERS: Mapping[str, frozenset[str]] = {
    reflection_screens.FLOW: frozenset({"/reflect", REFLECTION.prefix}),
    **{flow: _TODO for flow in (*todos.MY_FLOWS, assign.FLOW_ASSIGN)},
    **{flow: _PLAN for flow in plan_screens.FLOWS},
    **{flow: _SESSION for flow in (planning.FLOW, followup.MINUTES_FLOW, followup.TAKEAWAY_FLOW, agenda.ADD_FLOW,
                                                 proposals.PROPOSE_FLOW, proposals.ACCEPT_FLOW)},
    settings_screens.FLOW: _SETTINGS,
    broadcasts.FLOW: frozenset({"/broadcast", BROADCAST.prefix}),
    safeguarding_screens.FLOW: frozenset({"/worry", SAFEGUARDING.prefix}),
    **{flow: frozenset({OBJECTIONS.prefix}) for flow in (objection_screens.FLOW, objection_screens.ANSWER_FLOW)},
    feedback_screens.FLOW: frozenset({FEEDBACK.prefix}),
    resource_screens.FLOW: frozenset({"/resources", RESOURCES.prefix}),
    **{flow: frozenset({"/closing", CLOSING.prefix}) for flow in (closing_screens.FLOW, closing_screens.SUGGEST_FLOW)},
}

# What a paused flow is called and the one tap that goes back to it: (session, wait) -> (words, button).
Resume = Callable[[AsyncSession, Waiting], Awaitable[tuple[Words, Choice | None]]]


async def _reflection_paused(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    return (Text("Your reflection is paused; your answers so far are kept. "
                 "Tap “Back to the reflection” to go on where you were."),
            await reflection_screens.resume(session, waiting))


def _paused_with(command: str) -> Resume:
    async def paused(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
        back = Choice(RESUME.encode("c", command=command.lstrip("/")), Text("Back to {command}", command=command))
        return Text("What you were doing with {command} is paused. Tap “Back to {command}” to go back to it.",
                    command=command), back
    return paused


PAUSES: Mapping[str, Resume] = {
    reflection_screens.FLOW: _reflection_paused,
    **{flow: _paused_with("/todo") for flow in todos.MY_FLOWS},
    assign.FLOW_ASSIGN: _paused_with("/assign"),
    **{flow: _paused_with("/plan") for flow in plan_screens.FLOWS},
    planning.FLOW: _paused_with("/session"),
    followup.MINUTES_FLOW: _paused_with("/sessions"),
    followup.TAKEAWAY_FLOW: _paused_with("/sessions"),
    agenda.ADD_FLOW: _paused_with("/agenda"),
    proposals.PROPOSE_FLOW: _paused_with("/agenda"),
    proposals.ACCEPT_FLOW: _paused_with("/agenda"),
    settings_screens.FLOW: _paused_with("/settings"),
    broadcasts.FLOW: _paused_with("/broadcast"),
    safeguarding_screens.FLOW: safeguarding_screens.resume,
    objection_screens.FLOW: objection_screens.resume,
    objection_screens.ANSWER_FLOW: objection_screens.resume,
    feedback_screens.FLOW: feedback_screens.resume,
    resource_screens.FLOW: resource_screens.resume,
    closing_screens.FLOW: closing_screens.resume,
    closing_screens.SUGGEST_FLOW: closing_screens.resume,
}


def pauses(given: Input, waiting: Waiting | None) -> bool:
    """Whether this input takes the person away from the flow that waits (see `OWNERS`)."""
    entry = entry_of(given)
    return (
        waiting is not None
        and waiting.flow in FLOWS
        and entry is not None
        and entry not in ASIDES
        and entry not in OWNERS.get(waiting.flow, frozenset())
    )


async def take(
    session: AsyncSession, member: MemberView, given: Input, now: datetime, step: Step | None = None
) -> object:
    """Run one input for the member (`step`: the one the channel routed it to; `route`s if None).

    Joins the parts of a split text and pauses a flow another feature interrupts (the
    module's docstring says how); otherwise the step's own result, unchanged.
    """
    waiting = await conversation.waiting(session, member.person_id)
    step = step or route(given, waiting)
    earlier: list[Screen] = []
    held = conversation.held(waiting)
    if held is not None and waiting is not None:
        waiting = await conversation.release(session, member.person_id, waiting, now)
        flow_step = FLOWS.get(waiting.flow, joining_screens.unexpected)
        if _next_part(held, given, now):
            assert isinstance(given, Typed)
            given = dataclasses.replace(given, text=held.text + given.text)
            step = flow_step
        elif isinstance(given, Pressed) and given.data == PARTS.encode("all"):
            given, step = Typed(held.text), flow_step
        else:
            # Not the rest of it: the held text was a whole answer, given before this input.
            answered = await flow_step(session, member, Typed(held.text), now)
            if isinstance(answered, Reply):
                earlier = [dataclasses.replace(screen, replace=False) for screen in answered.screens]
            waiting = await conversation.waiting(session, member.person_id)
            if entry_of(given) is None:
                step = route(given, waiting)
    if isinstance(given, Typed) and given.part and entry_of(given) is None and waiting is not None \
            and waiting.flow in FLOWS:
        await conversation.hold(session, member.person_id, waiting, Held(given.text, given.sent_at or now), now)
        return Reply(*earlier, _holding(len(given.text)))
    if isinstance(given, (Voice, Photo)) and waiting is not None and waiting.flow in MEDIA_FLOWS \
            and step is FLOWS.get(waiting.flow):
        asked = await media_consent.held_for_consent(session, member, given, waiting, now)
        if asked is not None:
            return Reply(*earlier, *asked.screens)
    paused = waiting if pauses(given, waiting) else None
    result = await step(session, member, given, now)
    if not isinstance(result, Reply):
        return result
    if paused is not None:
        result = await _pause(session, member, paused, result)
    if earlier:
        result = Reply(*earlier, *result.screens, notice=result.notice)
    return result


def _next_part(held: Held, given: Input, now: datetime) -> bool:
    return isinstance(given, Typed) and entry_of(given) is None and held.followed_by(given.sent_at or now)


def _holding(length: int) -> Screen:
    return Screen(
        Text("I received a long text ({length} characters). Long texts arrive in parts, so I will put "
             "it together with the part that follows. If that was all, tap “That was all”.",
             length=length),
        [[Choice(PARTS.encode("all"), Text("That was all"))]],
    )


async def _pause(session: AsyncSession, member: MemberView, paused: Waiting, result: Reply) -> Reply:
    """The step took the person away from `paused`: drop that wait (unless the step set its own)
    and say so under the step's last screen, with the way back."""
    if await conversation.waiting(session, member.person_id) == paused:
        await conversation.clear(session, member.person_id, paused.flow)
    words, back = await PAUSES.get(paused.flow, _paused_with("/help"))(session, paused)
    rows = [[back]] if back is not None else []
    if not result.screens:
        return Reply(Screen(words, rows), notice=result.notice)
    *first, last = result.screens
    noted = dataclasses.replace(
        last, text=Lines(last.text, Raw(""), words), choices=(*last.choices, *map(tuple, rows))
    )
    return Reply(*first, noted, notice=result.notice)
