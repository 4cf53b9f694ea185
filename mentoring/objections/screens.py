"""Objecting to a flag or asking for a correction, as a conversation any channel can hold.

From /mydata ("obj:go") the person picks one of the flags about them (results
of automated analysis, shown in /mydata) or "something else", then writes a
short text without names (conversation flow "objection"); the request goes to
the programme's coordinators and the person is told when an answer is due and
who sees it. A coordinator taps "Answer" (on the message they got, or in
/report; "obj:a:<id>") and writes the answer (flow "objection_answer"); the
person receives it and the request is closed. Rules: `mentoring.objections.rules`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.objections import rules
from mentoring.objections.buttons import FLAG_WORDS, OBJECTIONS
from mentoring.objections.rules import TEXT_MAX, OpenRequest, PersonFlag
from mentoring.refusals import refusal
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
    Typed,
    Words,
    button_of,
)

FLOW = "objection"
ANSWER_FLOW = "objection_answer"
AWAITS = Awaits(Expect.TEXT, FLOW)
AWAITS_ANSWER = Awaits(Expect.TEXT, ANSWER_FLOW)
_KIND_WORD = {kind: word for word, kind in FLAG_WORDS.items()}


# ----------------------------------------------------------------------------- in /mydata


def opener() -> Choice:
    """The button under the /mydata summary."""
    return Choice(OBJECTIONS.encode("go"), Text("Object to a flag or ask for a correction"),
                  short=Text("Object or correct"))


def flag_lines(flags: list[PersonFlag]) -> list[Words]:
    """What /mydata says about the results of automated analysis (KVKK art. 11(g))."""
    lines: list[Words] = [
        Raw(""),
        Text("Results of automated analysis about you (KVKK art. 11(g)): each week Narbot raises flags from "
             "your answers; your group's mentors see them in their weekly digest."),
    ]
    if not flags:
        lines.append(Text("• No flags about you in the latest weeks."))
    lines += [Lines(Raw("• "), _flag_label(flag), sep="") for flag in flags]
    lines.append(Text("You can object to a flag or ask for a correction with the button below; your programme's "
                      "coordinators answer within 30 days."))
    return lines


def _flag_label(flag: PersonFlag) -> Words:
    return Lines(Text("Week {week}, {group}:", week=flag.week, group=flag.group_name), rules.flag_words(flag),
                 sep=" ")


# ----------------------------------------------------------------------------- the person's steps


def _write(about: Words) -> Screen:
    return Screen(
        Lines(
            about,
            Text("Write in a few words what is wrong or what should be corrected (at most {limit} characters). "
                 "Please write no names, and nothing about a child.", limit=TEXT_MAX),
        ),
        [[Choice(OBJECTIONS.encode("stop"), Text("Not now"))]],
        awaits=AWAITS,
    )


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A button of this feature: choose, pick a flag or something else, stop, or (a coordinator) answer."""
    button = button_of(given, OBJECTIONS)
    if button.action == "a":
        return await _start_answer(session, member, button["objection"], now)
    await conversation.clear(session, member.person_id, FLOW)
    if button.action == "stop":
        return Reply(Screen(Text("Nothing was sent."), replace=True))
    if button.action == "go":
        return Reply(await _choose(session, member, now))
    if button.action == "x":
        await conversation.expect(session, member.person_id, FLOW, "text", now, {})
        return Reply(_write(Text("A correction of your data.")))
    flag = await _flag(session, member, button["group"], button["week"], button["kind"].value, now)
    if flag is None:
        raise DomainError("stale_button")
    await conversation.expect(session, member.person_id, FLOW, "text", now,
                              {"group": flag.group_id, "week": flag.week, "kind": flag.kind.value})
    return Reply(_write(Lines(Text("Your objection to:"), _flag_label(flag), sep=" ")))


async def _choose(session: AsyncSession, member: MemberView, now: datetime) -> Screen:
    flags = await rules.person_flags(session, member.person_id, now)
    choices = [
        [Choice(OBJECTIONS.encode("f", group=flag.group_id, week=flag.week, kind=flag.kind),
                _flag_label(flag), short=Text("Flag {number}", number=number))]
        for number, flag in enumerate(flags, start=1)
    ]
    choices.append([Choice(OBJECTIONS.encode("x"), Text("Something else"))])
    choices.append([Choice(OBJECTIONS.encode("stop"), Text("Not now"))])
    return Screen(Text("What is your request about? Choose a flag, or “Something else” to ask for a correction."),
                  choices)


async def _flag(session: AsyncSession, member: MemberView, group_id: int, week: int, kind: str,
                now: datetime) -> PersonFlag | None:
    """The flag a button or a wait names, if it is still one of the person's flags."""
    for flag in await rules.person_flags(session, member.person_id, now):
        if (flag.group_id, flag.week, flag.kind.value) == (group_id, week, kind):
            return flag
    return None


def _typed(given: Input, awaits: Awaits, again: Screen) -> str | Screen:
    typed = awaits.accept(given)
    if not isinstance(typed, Typed):
        return Screen(Lines(refusal(DomainError("text_expected")), again.text), again.choices, awaits=awaits)
    text = typed.text.strip()
    if not text:
        return Screen(again.text, again.choices, awaits=awaits)
    if len(text) > TEXT_MAX:
        return Screen(Lines(refusal(DomainError("text_too_long", limit=TEXT_MAX, length=len(text))), again.text),
                      again.choices, awaits=awaits)
    return text


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The person's text: the request is stored and sent; they are told when the answer is due."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != FLOW:
        raise DomainError("stale")
    data = waiting.data
    flag = None
    if "kind" in data:
        flag = await _flag(session, member, int(data["group"]), int(data["week"]), str(data["kind"]), now)
        if flag is None:
            await conversation.clear(session, member.person_id, FLOW)
            raise DomainError("stale")
    text = _typed(given, AWAITS, _write(Text("Your request.")))
    if isinstance(text, Screen):
        return Reply(text)
    await conversation.clear(session, member.person_id, FLOW)
    done = await rules.request(session, member, flag, text, now)
    told: Words = (
        Plural("It has been sent to {count} coordinator of your programme.",
               "It has been sent to {count} coordinators of your programme.", done.told, count=done.told)
        if done.told else
        Text("Your programme has no coordinator on Narbot yet; the request is kept and will show in their "
             "report when one joins.")
    )
    return Reply(Screen(Lines(
        Text("Thank you, your request is recorded."),
        told,
        Text("An answer is due by {day} (30 days, KVKK art. 13); it will come here.",
             day=Moment(done.objection.due_on)),
        Text("Who sees it: your programme's coordinators (your name and your text). It is kept with your data "
             "(/mydata) and the request and its answer are logged."),
    )))


# ----------------------------------------------------------------------------- the coordinator's steps


def _answer_screen(objection_id: int, name: str, text: str | None, due: object) -> Screen:
    return Screen(
        Lines(
            Text("Request {number} from {name}, due {day}:", number=objection_id, name=name, day=Moment(due)),
            Raw(text or ""),
            Raw(""),
            Text("Write your answer (at most {limit} characters); it goes to them and closes the request.",
                 limit=TEXT_MAX),
        ),
        awaits=AWAITS_ANSWER,
    )


async def _start_answer(session: AsyncSession, member: MemberView, objection_id: int, now: datetime) -> Reply:
    objection, name = await rules.for_coordinator(session, member, objection_id)
    if objection.answered_at is not None:
        return Reply(Screen(Text("Request {number} has already been answered.", number=objection_id)))
    await conversation.expect(session, member.person_id, ANSWER_FLOW, "text", now, {"objection": objection_id})
    return Reply(_answer_screen(objection_id, name, objection.text, objection.due_on))


async def coordinator_answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The coordinator's typed answer: sent to the person, the request closed."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != ANSWER_FLOW or not isinstance(waiting.data.get("objection"), int):
        raise DomainError("stale")
    objection, name = await rules.for_coordinator(session, member, waiting.data["objection"])
    if objection.answered_at is not None:
        await conversation.clear(session, member.person_id, ANSWER_FLOW)
        return Reply(Screen(Text("Request {number} has already been answered.", number=objection.id)))
    text = _typed(given, AWAITS_ANSWER, _answer_screen(objection.id, name, objection.text, objection.due_on))
    if isinstance(text, Screen):
        return Reply(text)
    await conversation.clear(session, member.person_id, ANSWER_FLOW)
    await rules.answer(session, member, objection, text, now)
    return Reply(Screen(Text("Your answer was sent to {name}; request {number} is closed.",
                             name=name, number=objection.id)))


def open_lines(requests: list[OpenRequest], today: object) -> list[Words]:
    """The open requests in /report: oldest due first, overdue marked."""
    if not requests:
        return []
    lines: list[Words] = [Raw(""), Text("Requests about personal data awaiting an answer:")]
    for found in requests:
        late = Text(" (overdue)") if found.due_on < today else None  # type: ignore[operator]
        lines.append(Lines(Raw("• "), Text("Request {number}, due {day}", number=found.objection_id,
                                            day=Moment(found.due_on)), late, sep=""))
    return lines


def answer_rows(requests: list[OpenRequest]) -> list[list[Choice]]:
    return [[rules.answer_choice(found.objection_id)] for found in requests]


async def resume(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    """What another feature's entry paused, and the way back."""
    if waiting.flow == ANSWER_FLOW and isinstance(waiting.data.get("objection"), int):
        return (Text("Your answer was not sent yet. Tap the button to write it again."),
                rules.answer_choice(waiting.data["objection"]))
    return (Text("Your request was not sent yet. Tap the button to start it again."), opener())
