"""Mentors hear, see and answer, as a conversation any channel can hold.

Every step takes `(session, member, given, now)` and returns a `Reply`; the
adapters only translate it (principle 2). Under a mentee's detail (the digest's
`dg:m` button, `detail_choices`) a mentor finds "Listen / see (N)" (`fb:m`, the
reflection's voice notes and photos sent to them now) and "Reply" (`fb:r`: the
ready reactions `fb:q`, or "Write a reply" `fb:w`, which waits for a text in the
flow "feedback"). The mentee's copy of a reply carries "Answer" (`fb:a`), which
waits for one text back to that mentor. Refusals raise `DomainError`s, worded
once in `mentoring.refusals`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.feedback import rules, subjects
from mentoring.feedback.buttons import FEEDBACK, REACTION_WORDS
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    button_of,
)
from mentoring.text import clip

FLOW = "feedback"
REPLY_STEP, ANSWER_STEP = "reply", "answer"
AWAITS = Awaits(Expect.TEXT, FLOW)
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}

# The ready reactions' buttons: the reaction code and its short label (small buttons).
_SHORT = {
    "well_done": N_("👏 Well done"),
    "in_session": N_("🗣 In the session"),
    "help": N_("🤝 I'll help"),
}


# ----------------------------------------------------------------------------- screens


def detail_choices(reflection_id: int | None, files: int, numbers_only: bool,
                   about: tuple[int, int] | None = None) -> list[list[Choice]]:
    """The buttons under a mentee's detail: their voice notes and photos (not for numbers only) and a
    reply to their latest reflection (none without a submitted reflection) and, when `about` (group,
    person) is given, their goals and marked to-dos to reply about."""
    rows: list[list[Choice]] = []
    if reflection_id is not None:
        if files and not numbers_only:
            rows.append([Choice(FEEDBACK.encode("m", reflection=reflection_id),
                                Text("🎧 Listen / see ({count})", count=files),
                                short=Text("🎧 Listen ({count})", count=files))])
        rows.append([Choice(FEEDBACK.encode("r", reflection=reflection_id), Text("💬 Reply to the reflection"),
                            short=Text("💬 Reply"))])
    if about is not None:
        rows.append([Choice(FEEDBACK.encode("l", group=about[0], person=about[1]),
                            Text("💬 Reply about a goal or to-do"), short=Text("💬 Goal / to-do"))])
    return rows


# A subject's actions: the reply menu, a ready reaction, write (buttons.FEEDBACK).
_ACTIONS = {"goal": ("g", "gq", "gw"), "todo": ("t", "tq", "tw")}
_KINDS = {action: (kind, i) for kind, actions in _ACTIONS.items() for i, action in enumerate(actions)}
_MARKS = {"done": "✅", "not_done": "❌"}


def _item_data(found: subjects.About, step: int, **values: object) -> str:
    return FEEDBACK.encode(_ACTIONS[found.kind][step], **{found.kind: found.item_id}, **values)


def items_menu(name: str, found: list[subjects.About]) -> Screen:
    """A mentee's goals and marked to-dos, one button each, to reply about."""
    if not found:
        return Screen(Text("{name} has no goal or to-do marked done or not done to reply about yet.", name=name))
    return Screen(
        Text("Reply to {name} about a goal or a to-do marked done or not done:", name=name),
        [[Choice(_item_data(item, 0), Raw(("🎯 " if item.kind == "goal" else _MARKS[item.status] + " ")
                                          + clip(item.what, 40)))] for item in found],
    )


def about_menu(found: subjects.About) -> Screen:
    words = {code: word for word, code in REACTION_WORDS.items()}
    if found.kind == "goal":
        head = Text("Reply to {name} about their goal “{goal}”: choose a ready reaction or write a few words. "
                    "{name} sees your name and can answer once.", name=found.mentee_name, goal=found.what)
    else:
        head = Text("Reply to {name} about their to-do “{todo}”: choose a ready reaction or write a few words. "
                    "{name} sees your name and can answer once.", name=found.mentee_name, todo=found.what)
    return Screen(head, [
        *([Choice(_item_data(found, 1, reaction=code), Text(rules.REACTION_TEXTS[code]), short=Text(_SHORT[code]))]
          for code in words),
        [Choice(_item_data(found, 2), Text("✏️ Write a reply"))]])


def write_about(found: subjects.About) -> Screen:
    return Screen(Text("Write your reply to {name} (at most {limit} characters).",
                       name=found.mentee_name, limit=rules.TEXT_MAX), awaits=AWAITS)


def reply_menu(found: rules.Subject) -> Screen:
    words = {code: word for word, code in REACTION_WORDS.items()}
    return Screen(
        Text("Reply to {name}'s reflection of week {week}: choose a ready reaction or write a few words. "
             "{name} sees your name and can answer once.", name=found.mentee_name, week=found.week),
        [*([Choice(FEEDBACK.encode("q", reflection=found.reflection_id, reaction=code),
                   Text(rules.REACTION_TEXTS[code]), short=Text(_SHORT[code]))] for code in words),
         [Choice(FEEDBACK.encode("w", reflection=found.reflection_id), Text("✏️ Write a reply"))]],
    )


def write_reply(found: rules.Subject) -> Screen:
    return Screen(Text("Write your reply to {name} (at most {limit} characters).",
                       name=found.mentee_name, limit=rules.TEXT_MAX), awaits=AWAITS)


def write_answer(found: rules.Answerable) -> Screen:
    return Screen(Text("Write your answer to {mentor} (at most {limit} characters). You can answer once.",
                       mentor=found.mentor_name, limit=rules.TEXT_MAX), awaits=AWAITS)


def media_sent(sent: rules.MediaSent) -> Screen:
    parts: list[Words] = []
    if sent.sent:
        parts.append(Plural("Sending you {count} file now.", "Sending you {count} files now.",
                            sent.sent, count=sent.sent))
    parts.extend(Text("Some files were sent on {channel}: they can be played only there, so they cannot "
                      "be sent to you here.", channel=CHANNEL_NAMES.get(channel, channel))
                 for channel in sent.elsewhere)
    if not parts:
        parts.append(Text("This reflection has no voice notes or photos."))
    return Screen(Lines(*parts))


# ----------------------------------------------------------------------------- steps


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A button of this feature; forged or foreign data is refused and changes nothing."""
    button = button_of(given, FEEDBACK)
    if button.action == "a":
        found_answer = await rules.answerable(session, member, button["reply"])
        await conversation.expect(session, member.person_id, FLOW, ANSWER_STEP, now, {"reply": found_answer.reply_id})
        return Reply(write_answer(found_answer))
    if button.action == "l":
        name, found_items = await subjects.items(session, member, button["group"], button["person"])
        return Reply(items_menu(name, found_items))
    if button.action in _KINDS:
        kind, step = _KINDS[button.action]
        item = button[kind]
        found_about = await subjects.about(session, member, kind, item)
        if step == 0:
            return Reply(about_menu(found_about))
        if step == 2:
            await conversation.expect(session, member.person_id, FLOW, REPLY_STEP, now, {kind: item})
            return Reply(write_about(found_about))
        sent = await rules.reply_about(session, member, kind, item, now, reaction=button["reaction"])
        await conversation.clear(session, member.person_id, FLOW)
        return Reply(_sent(sent, replace=True))
    reflection_id = button["reflection"]
    if button.action == "m":
        return Reply(media_sent(await rules.send_media(session, member, reflection_id, now)))
    found = await rules.subject(session, member, reflection_id)
    if button.action == "r":
        return Reply(reply_menu(found))
    if button.action == "w":
        await conversation.expect(session, member.person_id, FLOW, REPLY_STEP, now, {"reflection": reflection_id})
        return Reply(write_reply(found))
    sent = await rules.reply(session, member, reflection_id, now, reaction=button["reaction"])
    await conversation.clear(session, member.person_id, FLOW)
    return Reply(_sent(sent, replace=True))


def _sent(sent: rules.Sent, *, replace: bool = False) -> Screen:
    if not sent.queued:
        return Screen(Text("You already sent {name} this reaction.", name=sent.reader), replace=replace)
    return Screen(Text("Sent to {name}.", name=sent.reader), replace=replace)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed reply (a mentor) or answer (the mentee) the flow waits for."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != FLOW:
        raise DomainError("stale")
    typed = AWAITS.accept(given)
    if not isinstance(typed, Typed):
        raise DomainError("text_expected")
    if waiting.step == REPLY_STEP and isinstance(reflection := waiting.data.get("reflection"), int):
        sent = await rules.reply(session, member, reflection, now, text=typed.text)
    elif waiting.step == REPLY_STEP and isinstance(goal := waiting.data.get("goal"), int):
        sent = await rules.reply_about(session, member, "goal", goal, now, text=typed.text)
    elif waiting.step == REPLY_STEP and isinstance(todo := waiting.data.get("todo"), int):
        sent = await rules.reply_about(session, member, "todo", todo, now, text=typed.text)
    elif waiting.step == ANSWER_STEP and isinstance(reply := waiting.data.get("reply"), int):
        sent = await rules.answer(session, member, reply, typed.text, now)
    else:
        raise DomainError("stale")
    await conversation.clear(session, member.person_id, FLOW)
    return Reply(_sent(sent))


async def resume(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    """What another feature's entry paused, and the way back (the same button again)."""
    if waiting.step == ANSWER_STEP and isinstance(reply := waiting.data.get("reply"), int):
        return Text("Your answer is not sent yet. Tap “Answer” to write it."), rules.answer_choice(reply)
    reflection = waiting.data.get("reflection")
    back = (Choice(FEEDBACK.encode("w", reflection=reflection), Text("✏️ Write a reply"))
            if isinstance(reflection, int) else None)
    for kind, actions in _ACTIONS.items():
        if isinstance(item := waiting.data.get(kind), int):
            back = Choice(FEEDBACK.encode(actions[2], **{kind: item}), Text("✏️ Write a reply"))
    return Text("Your reply is not sent yet. Tap “Write a reply” to write it."), back
