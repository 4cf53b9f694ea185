"""A mentor's group in the web console: the week's digest (issue #16). The agenda and the sessions
are `mentor_agenda.py` and `mentor_sessions.py`; all three pages share `mentored_group`.

Who: the group's current mentors only (`access.may_read_texts_of_group`). The programme's
coordinators are refused with words that say why (`console_texts`: they see numbers, never texts);
anyone else (another group's mentor, a mentee) gets the console's refusal. A refusal writes nothing.

The digest page is the bot's digest (mentoring/digest: `gather` and `build`, the same rows and rules)
for the week chosen (this programme week and earlier ones), with per mentee what the bot's mentee
detail shows for that week:
- the week's reflection answers as the mentee let the mentors see them: a "numbers only" reflection
  gives its 1–5 answers only (its texts are not even read from the database); a voice note or photo
  is named, never played or shown;
- the peer check-in of the week (met, did not meet, not answered, no partner), to-dos, confidence;
- open worries: safeguarding worries raised in the group in the last four weeks up to the week shown
  (`WORRY_WEEKS`, the digest's own look-back) come first, then the digest's "needs attention" flags.
Every view is audited as the bot's mentee detail is: one row per mentee shown (`console.digest`,
subject the mentee, details the group and week: ids only), in the transaction that read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied, is_coordinator_of, may_read_texts_of_group
from mentoring.calendar import week_start
from mentoring.console.views import REFUSED
from mentoring.digest import rules as digests
from mentoring.digest.build import build
from mentoring.digest.data import REASON_WEEKS, Gathered, gather
from mentoring.digest.model import GroupDigest, MenteeLine
from mentoring.digest.render import (
    area_words,
    flag_words,
    reason_words,
    shape_words,
    unreplied_words,
)
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.reflection.questions import DEFAULT_QUESTIONS, Question, from_json
from mentoring.screens import Lines, Raw, Text, Words
from storage.models import Group, Person, Programme
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.safeguarding import SafeguardingConcern

DIGEST_VIEWED = "console.digest"
WORRY_WEEKS = REASON_WEEKS
CHECKIN_WORDS = {
    "met": N_("Met their peer partner"),
    "not_met": N_("Did not meet their peer partner"),
    "not_answered": N_("No answer yet"),
    "no_partner": N_("No peer partner"),
}


@dataclass(frozen=True)
class MentoredGroup:
    id: int
    name: str
    programme_id: int
    programme_name: str


async def mentored_group(session: AsyncSession, person: MemberView, group_id: int) -> MentoredGroup:
    """A group whose texts the person may read (its mentors); everyone else is refused."""
    found = await session.get(Group, group_id)
    if found is None:
        raise AccessDenied(REFUSED)
    if not may_read_texts_of_group(person, group_id):
        if is_coordinator_of(person, found.programme_id):
            raise AccessDenied("console_texts")  # told why: they see the programme's numbers, never texts
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, found.programme_id)
    assert programme is not None
    return MentoredGroup(found.id, found.name, programme.id, programme.name)


@dataclass(frozen=True)
class Answer:
    question: str  # in the reader's language (the key when the question set no longer has it)
    value: str | None  # a number, an option, a text or a caption; None for a file without one
    file_kind: str | None = None  # "voice" or "photo": named, never played


@dataclass(frozen=True)
class Worry:
    """A safeguarding worry raised in the group: who raised it, when, and their note (mentors are told both)."""

    person_id: int
    name: str
    raised_at: datetime
    note: str | None


@dataclass(frozen=True)
class MenteeWeek:
    line: MenteeLine
    submitted: bool
    numbers_only: bool
    answers: tuple[Answer, ...]
    checkin: str  # "met" | "not_met" | "not_answered" | "no_partner"
    worries: tuple[Worry, ...]
    flags: tuple[Words, ...]


@dataclass(frozen=True)
class DigestPage:
    group: MentoredGroup
    week: int | None  # None before the group's first reflection week
    weeks: tuple[int, ...]  # the weeks the picker offers, latest first
    digest: GroupDigest | None
    mentees: tuple[MenteeWeek, ...]
    worries: tuple[Worry, ...]  # shown first under "needs attention"
    flags: tuple[Words, ...]
    unreplied: Words | None = None  # the digest's own lines (mentoring/digest/render.py)
    reasons: Words | None = None
    areas: Words | None = None
    shape: Words | None = None


async def digest_page(session: AsyncSession, person: MemberView, group_id: int, now: datetime,
                      week: int | None, locale: str) -> DigestPage:
    """The group's digest of `week` (default: the week the bot's /digest shows), for its mentors."""
    group = await mentored_group(session, person, group_id)
    opened = await digests.open_target(session, person, group_id, now)
    closed = await digests.latest_target(session, person, group_id, now)
    latest = opened or closed
    if latest is None:
        return DigestPage(group, None, (), None, (), (), ())
    weeks = tuple(range(latest.target.week, 0, -1))
    chosen = week if week in weeks else latest.target.week
    target = replace(latest.target, week=chosen)
    got = await gather(session, [target], now)
    in_progress = opened is not None and chosen == opened.target.week
    digest = build(target, got, latest.zone, closes_at=opened.closes_at if in_progress and opened else None)
    starts_on = await session.scalar(select(Programme.starts_on).where(Programme.id == group.programme_id))
    assert starts_on is not None
    zone = ZoneInfo(latest.zone)
    worries = await _worries(session, group.id, starts_on, chosen, zone)
    answers = await _answers(session, group.id, chosen, locale)
    mentees = tuple(
        MenteeWeek(line, line.person_id in answers, answers.get(line.person_id, (False, ()))[0],
                   answers.get(line.person_id, (False, ()))[1], _checkin(got, group.id, chosen, line.person_id),
                   tuple(w for w in worries if w.person_id == line.person_id),
                   tuple(flag_words(f, digest) for f in digest.flags if line.person_id in f.person_ids))
        for line in digest.lines
    )
    for line in digest.lines:
        await audit.record(session, person.person_id, DIGEST_VIEWED, line.person_id,
                           {"group_id": group.id, "week": chosen}, now=now)
    return DigestPage(group, chosen, weeks, digest, mentees, worries,
                      tuple(flag_words(flag, digest) for flag in digest.flags), unreplied_words(digest),
                      *_reasons_and_areas(digest, locale), shape_words(digest))


def _reasons_and_areas(digest: GroupDigest, locale: str) -> tuple[Words | None, Words | None]:
    """"Why to-dos were not done" and "Development areas", as the bot's digest says them."""
    reasons = areas = None
    if digest.top_reasons:
        reasons = Text("Why to-dos were not done: {reasons}", reasons=Lines(*(
            Lines(reason_words(code), Raw(f" ({count})"), sep="") for code, count in digest.top_reasons), sep=", "))
    if digest.top_areas:
        areas = Text("Development areas: {areas}", areas=Lines(*(
            Lines(area_words(digest, key, locale), Raw(f" ({count})"), sep="") for key, count in digest.top_areas),
            sep=", "))
    return reasons, areas


def _checkin(got: Gathered, group_id: int, week: int, person_id: int) -> str:
    """The mentee's peer check-in of the week, as the digest reads it."""
    pair = next((pid for pid, people in got.pairs.get(group_id, {}).items() if person_id in people), None)
    if pair is None:
        return "no_partner"
    talked = got.checkins.get((group_id, week), {}).get(pair, {}).get(person_id)
    if talked is None:
        return "not_answered"
    return "met" if talked == "yes" else "not_met"


async def _worries(session: AsyncSession, group_id: int, starts_on: date, week: int,
                   zone: ZoneInfo) -> tuple[Worry, ...]:
    """Safeguarding worries raised in the group from the start of week `week - WORRY_WEEKS + 1` to the end
    of `week`, newest first."""
    first = datetime.combine(week_start(starts_on, max(1, week - WORRY_WEEKS + 1)), datetime.min.time(), zone)
    last = datetime.combine(week_start(starts_on, week + 1), datetime.min.time(), zone)
    rows = await session.execute(
        select(SafeguardingConcern.person_id, Person.display_name, SafeguardingConcern.created_at,
               SafeguardingConcern.note)
        .join(Person, Person.id == SafeguardingConcern.person_id)
        .where(SafeguardingConcern.group_id == group_id,
               SafeguardingConcern.created_at >= first.astimezone(UTC),
               SafeguardingConcern.created_at < last.astimezone(UTC),
               Person.erased_at.is_(None))
        .order_by(SafeguardingConcern.created_at.desc(), SafeguardingConcern.id.desc())
    )
    return tuple(Worry(*row) for row in rows.all())


async def _answers(session: AsyncSession, group_id: int, week: int, locale: str
                   ) -> dict[int, tuple[bool, tuple[Answer, ...]]]:
    """Each mentee's submitted reflection of the week: (numbers only, the answers the mentors may see).

    Texts, choices and files of a "numbers only" reflection are left in the database: the query
    reads its scale answers only.
    """
    reflections = (await session.execute(
        select(Reflection.id, Reflection.person_id, Reflection.numbers_only, ReflectionQuestionSet.questions)
        .join(ReflectionQuestionSet, ReflectionQuestionSet.id == Reflection.question_set_id)
        .where(Reflection.group_id == group_id, Reflection.week == week, Reflection.submitted_at.is_not(None))
    )).all()
    if not reflections:
        return {}
    rows = await session.execute(
        select(ReflectionAnswer.reflection_id, ReflectionAnswer.question_key, ReflectionAnswer.kind,
               ReflectionAnswer.scale_value, ReflectionAnswer.choice_value, ReflectionAnswer.text,
               ReflectionAnswer.file_kind, ReflectionAnswer.caption)
        .join(Reflection, Reflection.id == ReflectionAnswer.reflection_id)
        .where(ReflectionAnswer.reflection_id.in_([r.id for r in reflections]),
               ReflectionAnswer.skipped.is_(False),
               or_(Reflection.numbers_only.is_(False),
                   and_(ReflectionAnswer.kind == "scale", ReflectionAnswer.file_kind.is_(None))))
        .order_by(ReflectionAnswer.reflection_id, ReflectionAnswer.id)
    )
    by_reflection: dict[int, list[Answer]] = {}
    known = {r.id: _questions(r.questions) for r in reflections}
    for reflection_id, key, kind, scale, choice, text, file_kind, caption in rows.all():
        question = known[reflection_id].get(key)
        wording = question.wording(locale) if question else key
        if kind == "scale":
            answer = Answer(wording, None if scale is None else str(scale))
        elif kind == "choice":
            option = next((o for o in question.options if o.key == choice), None) if question else None
            answer = Answer(wording, (option.text.get(locale) or option.text["tr"]) if option else choice)
        elif file_kind is not None:
            answer = Answer(wording, caption or None, file_kind)
        else:
            answer = Answer(wording, text)
        by_reflection.setdefault(reflection_id, []).append(answer)
    return {r.person_id: (bool(r.numbers_only), tuple(by_reflection.get(r.id, ()))) for r in reflections}


def _questions(data: list | None) -> dict[str, Question]:
    """The reflection's questions by key; a question set without them reads as the default questions."""
    found = {q.key: q for q in DEFAULT_QUESTIONS}
    found.update({q.key: q for q in from_json(data or [])})
    return found
