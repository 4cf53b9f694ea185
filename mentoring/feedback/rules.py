"""What mentors hearing, seeing and answering changes (issue #14, points 1 and 2).

- `send_media`: a mentee's voice notes and photos of one submitted reflection, each
  queued for the mentor who asked as the media itself, by reference (the channel's
  file id in the outbox row's attachment, `{"type", "file_id", "channel"}`), at
  reply priority: they asked for it now. A file id is valid only on the channel it
  was sent on, so a file goes only to a mentor reached on that channel (the others
  are counted, and the mentor is told). Never for a "numbers only" reflection. Each
  sending is audited (`MEDIA_ACTION`, ids and counts only).
- `reply`: a mentor's ready reaction or short text on a submitted reflection of a
  current mentee of their group, queued for the mentee (normal priority, quiet
  hours respected) with the mentor's name and an "Answer" button.
- `answer`: the mentee's one answer to a reply, queued for that mentor.
- `unreplied`: the digest's figure, reflections without any reply yet.

Every message records whom it names (`mentions`), so erasing that person
rewrites the copy; the texts are personal columns of `feedback_messages`, owned
by their author.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, audit
from mentoring.errors import DomainError
from mentoring.feedback.buttons import FEEDBACK
from mentoring.feedback.subjects import ABOUT_MAX, About, about
from mentoring.i18n import N_, translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.reflection.questions import from_json
from mentoring.screens import Choice, Lines, Raw, Text, Words
from mentoring.text import clip
from storage.models import ChannelIdentity, Membership, Person, Role
from storage.models.feedback import FeedbackMessage
from storage.models.outbox import PRIORITY_NORMAL, PRIORITY_REPLY
from storage.models.plans import PlanGoal
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.todos import Todo

logger = logging.getLogger(__name__)

MEDIA_ACTION = "mentee.media"
KIND_MEDIA = "mentee_media"
KIND_REPLY = "feedback_reply"
KIND_ANSWER = "feedback_answer"
# A reply or an answer is short: a few sentences, not a letter.
TEXT_MAX = 500

REACTION_TEXTS = {
    "well_done": N_("👏 Well done"),
    "in_session": N_("🗣 Let's talk about this in the group session"),
    "help": N_("🤝 I'd like to help"),
}


@dataclass(frozen=True)
class Subject:
    """A submitted reflection a mentor may answer: whose, which group and week."""

    reflection_id: int
    mentee_id: int
    mentee_name: str
    group_id: int
    week: int
    numbers_only: bool


@dataclass(frozen=True)
class MediaSent:
    sent: int  # files queued for the mentor
    elsewhere: tuple[str, ...] = ()  # the channels of files that could not go to the mentor's channel


@dataclass(frozen=True)
class Sent:
    """A reply or an answer queued: False when it was already sent (a second tap sends nothing)."""

    queued: bool
    reader: str  # the name of whom it went to


async def subject(session: AsyncSession, member: MemberView, reflection_id: int) -> Subject:
    """The reflection, if it is submitted, its author a current mentee of the group, and the member one
    of the group's mentors; anything else is refused alike (nothing says which it was)."""
    row = (await session.execute(
        select(Reflection.person_id, Person.display_name, Reflection.group_id, Reflection.week,
               Reflection.numbers_only)
        .join(Person, Person.id == Reflection.person_id)
        .join(Membership, and_current_mentee())
        .where(Reflection.id == reflection_id, Reflection.submitted_at.is_not(None), Person.erased_at.is_(None))
    )).first()
    if row is None or not access.may_read_texts_of_group(member, row.group_id):
        raise access.AccessDenied("feedback")
    return Subject(reflection_id, row.person_id, row.display_name, row.group_id, row.week, row.numbers_only)


def and_current_mentee():  # type: ignore[no-untyped-def]
    return (Membership.person_id == Reflection.person_id) & (Membership.group_id == Reflection.group_id) \
        & (Membership.role == Role.MENTEE.value) & Membership.left_at.is_(None)


# ----------------------------------------------------------------------------- hearing and seeing


@dataclass(frozen=True)
class File:
    answer_id: int
    kind: str  # "voice" | "photo"
    ref: str
    question: str
    caption: str | None
    answered_at: datetime


async def files(session: AsyncSession, reflection_id: int, locale: str) -> list[File]:
    """The voice notes and photos a reflection's answers hold, in answer order (not for numbers only:
    the caller checks)."""
    found = (await session.execute(
        select(ReflectionAnswer, ReflectionQuestionSet.questions)
        .join(Reflection, Reflection.id == ReflectionAnswer.reflection_id)
        .join(ReflectionQuestionSet, ReflectionQuestionSet.id == Reflection.question_set_id)
        .where(ReflectionAnswer.reflection_id == reflection_id, ReflectionAnswer.file_id.is_not(None),
               ReflectionAnswer.file_kind.is_not(None), ReflectionAnswer.skipped.is_(False))
        .order_by(ReflectionAnswer.id)
    )).all()
    result = []
    for answer, questions in found:
        wording = {q.key: q.wording(locale) for q in from_json(questions)}
        result.append(File(answer.id, answer.file_kind, answer.file_id, wording.get(answer.question_key, ""),
                           answer.caption, answer.answered_at))
    return result


async def media_count(session: AsyncSession, reflection_id: int) -> int:
    """How many voice notes and photos a reflection holds (the detail's button says it)."""
    return len(await files(session, reflection_id, "tr"))


async def channel_now(session: AsyncSession, person_id: int) -> str | None:
    """The channel a person is reached on now: the account they joined with last, unless blocked
    (the sender's rule, `mentoring.delivery.decide`)."""
    return await session.scalar(
        select(ChannelIdentity.channel)
        .where(ChannelIdentity.person_id == person_id, ChannelIdentity.blocked_at.is_(None))
        .order_by(ChannelIdentity.id.desc()).limit(1)
    )


async def _channels_over_time(session: AsyncSession, person_id: int) -> list[tuple[str, datetime]]:
    rows = await session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.created_at)
        .where(ChannelIdentity.person_id == person_id).order_by(ChannelIdentity.id)
    )
    return [(channel, created) for channel, created in rows.all()]


def channel_at(history: list[tuple[str, datetime]], at: datetime) -> str | None:
    """The channel a person used at `at`: the account they had joined with last by then (one person
    uses one channel at a time); their first account for anything older."""
    before = [channel for channel, created in history if created <= at]
    if before:
        return before[-1]
    return history[0][0] if history else None


async def send_media(session: AsyncSession, member: MemberView, reflection_id: int, now: datetime) -> MediaSent:
    """Queue the reflection's voice notes and photos for the mentor (see the module's docstring)."""
    found = await subject(session, member, reflection_id)
    if found.numbers_only:
        raise DomainError("feedback_numbers_only")
    mentor_channel = await channel_now(session, member.person_id)
    history = await _channels_over_time(session, found.mentee_id)
    tr = translator(member.locale)
    messages: list[Outgoing] = []
    elsewhere: list[str] = []
    for file in await files(session, reflection_id, member.locale):
        channel = channel_at(history, file.answered_at)
        if channel is None or channel != mentor_channel:
            elsewhere.append(channel or "?")
            continue
        caption = _media_caption(found, file).render(tr)
        messages.append(Outgoing(
            # A second tap within the same minute sends nothing twice; later it sends again (on demand).
            idempotency_key=f"{KIND_MEDIA}:{file.answer_id}:{member.person_id}:{int(now.timestamp()) // 60}",
            kind=KIND_MEDIA, text=caption, not_before=now, person_id=member.person_id,
            attachment={"type": file.kind, "file_id": file.ref, "channel": channel},
            priority=PRIORITY_REPLY, respect_quiet_hours=False, mentions=(found.mentee_id,),
        ))
    sent = await enqueue(session, messages, now)
    await audit.record(session, member.person_id, MEDIA_ACTION, found.mentee_id,
                       {"group_id": found.group_id, "reflection_id": reflection_id, "files": len(messages),
                        "other_channel": len(elsewhere)}, now=now)
    logger.info("Mentor %s asked for %s files of reflection %s (%s queued now, %s on another channel)",
                member.person_id, len(messages) + len(elsewhere), reflection_id, sent, len(elsewhere))
    return MediaSent(len(messages), tuple(sorted(set(elsewhere))))


def _media_caption(found: Subject, file: File) -> Words:
    head = (Text("🎙 {name}, week {week}", name=found.mentee_name, week=found.week) if file.kind == "voice"
            else Text("📷 {name}, week {week}", name=found.mentee_name, week=found.week))
    return Lines(head, Raw(file.question) if file.question else None,
                 Raw(file.caption) if file.caption else None)


# ----------------------------------------------------------------------------- answering


def answer_choice(reply_id: int) -> Choice:
    """The mentee's one-tap way to answer a reply."""
    return Choice(FEEDBACK.encode("a", reply=reply_id), Text("Answer"))


def _checked_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text:
        raise DomainError("text_expected")
    if len(text) > TEXT_MAX:
        raise DomainError("text_too_long", limit=TEXT_MAX, length=len(text))
    return text


def reply_words(mentor: str, week: int, reaction: str | None, text: str | None) -> Words:
    """What the mentee reads: who wrote, about which week, and what."""
    said: Words = Text(REACTION_TEXTS[reaction]) if reaction is not None else Raw(f"“{text}”")
    return Lines(Text("💬 {mentor} replied to your reflection of week {week}:", mentor=mentor, week=week), said,
                 Raw(""), Text("You can answer once with “Answer”."))


async def reply(session: AsyncSession, member: MemberView, reflection_id: int, now: datetime, *,
                reaction: str | None = None, text: str | None = None) -> Sent:
    """A mentor's reaction or text on a reflection, queued for the mentee (see the module's docstring).

    The same ready reaction from the same mentor on the same reflection goes once.
    """
    if (reaction is None) == (text is None) or (reaction is not None and reaction not in REACTION_TEXTS):
        raise ValueError("a reply is one ready reaction or one text")
    found = await subject(session, member, reflection_id)
    text = _checked_text(text)
    if reaction is not None and await session.scalar(select(exists().where(
            FeedbackMessage.reflection_id == reflection_id, FeedbackMessage.person_id == member.person_id,
            FeedbackMessage.reaction == reaction))):
        return Sent(False, found.mentee_name)
    row = FeedbackMessage(person_id=member.person_id, to_person_id=found.mentee_id, reflection_id=reflection_id,
                          reaction=reaction, text=text, created_at=now)
    session.add(row)
    await session.flush()
    locale = await session.scalar(select(Person.locale).where(Person.id == found.mentee_id))
    tr = translator(locale)
    await enqueue(session, [Outgoing(
        idempotency_key=f"{KIND_REPLY}:{row.id}", kind=KIND_REPLY,
        text=reply_words(member.display_name, found.week, reaction, text).render(tr),
        not_before=now, person_id=found.mentee_id, buttons=[[Button.of(answer_choice(row.id), tr)]],
        priority=PRIORITY_NORMAL, mentions=(member.person_id,),
    )], now)
    logger.info("Mentor %s replied to reflection %s", member.person_id, reflection_id)
    return Sent(True, found.mentee_name)


@dataclass(frozen=True)
class Answerable:
    reply_id: int
    mentor_id: int
    mentor_name: str
    week: int | None  # the reflection's week (a reply to a reflection)
    goal: str | None = None  # the goal's words, clipped (a reply about a goal)
    todo: str | None = None  # the to-do's words, clipped (a reply about a to-do)


async def answerable(session: AsyncSession, member: MemberView, reply_id: int) -> Answerable:
    """A reply sent to the member on one of their reflections, goals or to-dos, not answered yet; a
    reply to someone else is refused, one already answered is `feedback_answered`."""
    row = (await session.execute(
        select(FeedbackMessage.person_id, Person.display_name, Reflection.week, Reflection.person_id.label("r_owner"),
               PlanGoal.what, PlanGoal.person_id.label("g_owner"), Todo.text, Todo.person_id.label("t_owner"))
        .join(Person, Person.id == FeedbackMessage.person_id)
        .outerjoin(Reflection, Reflection.id == FeedbackMessage.reflection_id)
        .outerjoin(PlanGoal, PlanGoal.id == FeedbackMessage.goal_id)
        .outerjoin(Todo, Todo.id == FeedbackMessage.todo_id)
        .where(FeedbackMessage.id == reply_id, FeedbackMessage.to_person_id == member.person_id,
               FeedbackMessage.answer_to_id.is_(None))
    )).first()
    if row is None or member.person_id not in (row.r_owner, row.g_owner, row.t_owner):
        raise access.AccessDenied("feedback_answer")
    if await session.scalar(select(exists().where(FeedbackMessage.answer_to_id == reply_id))):
        raise DomainError("feedback_answered")
    return Answerable(reply_id, row.person_id, row.display_name, row.week if row.r_owner is not None else None,
                      clip(row.what, ABOUT_MAX) if row.g_owner is not None else None,
                      clip(row.text, ABOUT_MAX) if row.t_owner is not None else None)


def answer_words(mentee: str, found: Answerable, text: str) -> Words:
    """What the mentor reads: who answered, about what, and what."""
    if found.goal is not None:
        head = Text("💬 {name} answered your reply about their goal “{goal}”:", name=mentee, goal=found.goal)
    elif found.todo is not None:
        head = Text("💬 {name} answered your reply about their to-do “{todo}”:", name=mentee, todo=found.todo)
    else:
        head = Text("💬 {name} answered your reply to their reflection of week {week}:", name=mentee, week=found.week)
    return Lines(head, Raw(f"“{text}”"))


async def answer(session: AsyncSession, member: MemberView, reply_id: int, text: str, now: datetime) -> Sent:
    """The mentee's one answer to a reply, queued for the mentor who wrote it."""
    found = await answerable(session, member, reply_id)
    checked = _checked_text(text)
    assert checked is not None
    row = FeedbackMessage(person_id=member.person_id, to_person_id=found.mentor_id, answer_to_id=reply_id,
                          text=checked, created_at=now)
    session.add(row)
    await session.flush()
    locale = await session.scalar(select(Person.locale).where(Person.id == found.mentor_id))
    await enqueue(session, [Outgoing(
        idempotency_key=f"{KIND_ANSWER}:{row.id}", kind=KIND_ANSWER,
        text=answer_words(member.display_name, found, checked).render(translator(locale)),
        not_before=now, person_id=found.mentor_id, priority=PRIORITY_NORMAL, mentions=(member.person_id,),
    )], now)
    logger.info("Person %s answered reply %s", member.person_id, reply_id)
    return Sent(True, found.mentor_name)


# ----------------------------------------------------------------------------- goals and to-dos


def about_words(mentor: str, found: About, reaction: str | None, text: str | None) -> Words:
    """What the mentee reads: who wrote, about which goal or to-do, and what."""
    said: Words = Text(REACTION_TEXTS[reaction]) if reaction is not None else Raw(f"“{text}”")
    if found.kind == "goal":
        head = Text("💬 {mentor} replied about your goal “{goal}”:", mentor=mentor, goal=found.what)
    elif found.status == "done":
        head = Text("💬 {mentor} replied about your to-do “{todo}”, marked done:", mentor=mentor, todo=found.what)
    else:
        head = Text("💬 {mentor} replied about your to-do “{todo}”, marked not done:", mentor=mentor,
                    todo=found.what)
    return Lines(head, said, Raw(""), Text("You can answer once with “Answer”."))


async def reply_about(session: AsyncSession, member: MemberView, kind: str, item_id: int, now: datetime, *,
                      reaction: str | None = None, text: str | None = None) -> Sent:
    """A mentor's reaction or text on a goal or a marked to-do, queued for the mentee like a reply to a
    reflection (the same ready reaction from the same mentor on the same item goes once)."""
    if (reaction is None) == (text is None) or (reaction is not None and reaction not in REACTION_TEXTS):
        raise ValueError("a reply is one ready reaction or one text")
    found = await about(session, member, kind, item_id)
    text = _checked_text(text)
    column = FeedbackMessage.goal_id if kind == "goal" else FeedbackMessage.todo_id
    if reaction is not None and await session.scalar(select(exists().where(
            column == item_id, FeedbackMessage.person_id == member.person_id, FeedbackMessage.reaction == reaction))):
        return Sent(False, found.mentee_name)
    row = FeedbackMessage(person_id=member.person_id, to_person_id=found.mentee_id, reaction=reaction, text=text,
                          created_at=now, **{"goal_id" if kind == "goal" else "todo_id": item_id})
    session.add(row)
    await session.flush()
    locale = await session.scalar(select(Person.locale).where(Person.id == found.mentee_id))
    tr = translator(locale)
    await enqueue(session, [Outgoing(
        idempotency_key=f"{KIND_REPLY}:{row.id}", kind=KIND_REPLY,
        text=about_words(member.display_name, found, reaction, text).render(tr),
        not_before=now, person_id=found.mentee_id, buttons=[[Button.of(answer_choice(row.id), tr)]],
        priority=PRIORITY_NORMAL, mentions=(member.person_id,),
    )], now)
    logger.info("Mentor %s replied about %s %s", member.person_id, kind, item_id)
    return Sent(True, found.mentee_name)
