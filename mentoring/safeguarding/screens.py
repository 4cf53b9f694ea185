""""I am worried about a child" as a conversation any channel can hold.

Every step takes `(session, member, given, now)` and returns a `Reply`; the
adapters only translate it (principle 2). `start` answers /worry (and the
button after a reflection, "sg:go"): it says at once what to do (the home's own
child-protection procedure and the manager on duty; 112 in an emergency; the
ministry's ALO 183 line) and waits for an optional short note (conversation
flow "safeguarding"), with a button to tell the mentors without one. `answer`
takes the typed note, `press` the buttons (`mentoring.safeguarding.buttons`).
The buttons carry the moment the path was opened, so a second tap on an old
one tells no one twice.

A member in no group (a coordinator) is shown what to do and nothing else:
there are no mentors to tell, and nothing is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.safeguarding import rules
from mentoring.safeguarding.buttons import SAFEGUARDING
from mentoring.safeguarding.rules import NOTE_MAX
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Photo,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    button_of,
)

FLOW = "safeguarding"
NOTE = "note"
AWAITS = Awaits(Expect.TEXT, FLOW)


# ----------------------------------------------------------------------------- words and screens


def what_to_do() -> Words:
    """What to do at once, before anything else."""
    return Lines(
        Text("Worried about a child? Do this now:"),
        Text("• Follow your home's own child-protection procedure and tell the manager on duty at once."),
        Text("• If a child is in danger, call 112."),
        Text("• You can also call ALO 183, the social support line of the Ministry of Family and Social "
             "Services."),
    )


def opener() -> Choice:
    """The way onto this path from another screen (after a reflection)."""
    return Choice(SAFEGUARDING.encode("go"), Text("I am worried about a child"),
                  short=Text("Worry about a child"))


def _choices(offered: datetime) -> list[list[Choice]]:
    return [
        [Choice(SAFEGUARDING.encode("send", offered=offered), Text("Tell my mentors without a note"),
                short=Text("Tell my mentors"))],
        [Choice(SAFEGUARDING.encode("stop"), Text("Not now"))],
    ]


def guidance(offered: datetime) -> Screen:
    """What to do, and the offer to tell the mentors now, with an optional note."""
    return Screen(
        Lines(
            what_to_do(),
            Raw(""),
            Text("Your mentors can be told now, even at night."),
            Text("To add a short note, write it here (at most {limit} characters): describe what happened, "
                 "not who. Please write no names and send no photos of children.", limit=NOTE_MAX),
            Text("Or tap “Tell my mentors without a note”."),
        ),
        _choices(offered),
        awaits=AWAITS,
    )


def no_group() -> Screen:
    return Screen(Lines(
        what_to_do(),
        Raw(""),
        Text("You are not a mentee or mentor of a group, so there are no mentors to tell here."),
    ))


def sent(raised: rules.Raised) -> Screen:
    told: Words = (
        Plural("Thank you. {count} mentor has been told now.",
               "Thank you. {count} mentors have been told now.", raised.told, count=raised.told)
        if raised.told else
        Text("Thank you. Your worry is recorded, but no other mentor of your group is on Narbot now: "
             "please tell your coordinator yourself.")
    )
    return Screen(Lines(
        told,
        Text("This does not replace your home's procedure: tell the manager on duty, and call 112 if a "
             "child is in danger."),
    ))


def already_told() -> Screen:
    return Screen(Text("Your mentors have already been told about this worry. To raise a new one, send /worry."))


def _not_taken(words: Words, offered: datetime) -> Screen:
    """A note the path cannot take: why, and the same choices; it still waits for a note."""
    return Screen(words, _choices(offered), awaits=AWAITS)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/worry: what to do at once, and (for a member of a group) the offer to tell the mentors."""
    if not rules.groups_of(member):
        return Reply(no_group())
    offered = now.replace(microsecond=0)
    await conversation.expect(session, member.person_id, FLOW, NOTE, now,
                              {"offered": int(offered.timestamp())})
    return Reply(guidance(offered))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A button of the path: open it, tell the mentors without a note, or not now."""
    button = button_of(given, SAFEGUARDING)
    if button.action == "go":
        return await start(session, member, given, now)
    await conversation.clear(session, member.person_id, FLOW)
    if button.action == "stop":
        return Reply(Screen(what_to_do(), replace=True))
    return await _send(session, member, None, button["offered"], now)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed note; a photo, a voice note or a note too long is explained and the path still waits."""
    offered = _offered(await conversation.waiting(session, member.person_id))
    if offered is None:
        raise DomainError("stale")
    if isinstance(given, Photo):
        return Reply(_not_taken(
            Text("Please send no photos of children. Write a few words instead, without names, or tap "
                 "“Tell my mentors without a note”."), offered))
    typed = AWAITS.accept(given)
    if not isinstance(typed, Typed):
        return Reply(_not_taken(refusal(DomainError("text_expected")), offered))
    note = typed.text.strip()
    if len(note) > NOTE_MAX:
        return Reply(_not_taken(refusal(DomainError("text_too_long", limit=NOTE_MAX, length=len(note))), offered))
    await conversation.clear(session, member.person_id, FLOW)
    return await _send(session, member, note or None, offered, now)


def _offered(waiting: Waiting | None) -> datetime | None:
    seconds = waiting.data.get("offered") if waiting is not None and waiting.flow == FLOW else None
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


async def _send(session: AsyncSession, member: MemberView, note: str | None, offered: datetime,
                now: datetime) -> Reply:
    if not rules.groups_of(member):
        return Reply(no_group())
    if await rules.already_raised(session, member.person_id, offered):
        return Reply(already_told())
    return Reply(sent(await rules.raise_worry(session, member, note, now)))


async def resume(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    """What another feature's entry paused (the note not yet written), and the way back."""
    return (Text("Your mentors have not been told yet. Tap “I am worried about a child” to go back."),
            opener())
