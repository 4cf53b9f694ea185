"""A programme's reflection questions: the default set, validation, and versions over the weeks.

The default set lives in code and is stored as a programme's version 1 the
first time the programme needs it (a first reflection, or a coordinator's
load). Storing it, rather than reading the code each time, means every
reflection points at the exact questions it was answered with: a later release
that improves the default wording never rewrites the question of an answer
already given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.i18n import N_, SUPPORTED_LOCALES, Translator
from storage.models.reflections import ReflectionQuestionSet
from storage.reference_cache import cached
from storage.upsert import insert_for

KINDS = ("text", "scale", "choice")
MAX_QUESTIONS = 15
MAX_QUESTION_CHARS = 600
MAX_OPTIONS = 8  # the seven skills fit; a WhatsApp list holds 10 rows (with Skip and Back)
MAX_OPTION_CHARS = 40  # a button label on a phone
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_OPTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,15}$")


@dataclass(frozen=True)
class Option:
    key: str
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # "text" (or a voice note / photo), "scale" (1-5), "choice"
    text: dict[str, str]  # locale -> wording
    optional: bool = False
    options: tuple[Option, ...] = ()

    def wording(self, locale: str) -> str:
        return self.text.get(locale) or self.text["tr"]


def _q(
    key: str,
    kind: str,
    tr: str,
    en: str,
    *,
    optional: bool = False,
    options: tuple[Option, ...] = (),
) -> Question:
    return Question(key, kind, {"tr": tr, "en": en}, optional, options)


def _options(*options: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(Option(key, {"tr": tr, "en": en}) for key, tr, en in options)


# The skills of the mentor occupational standard a care worker uses with the children (issue #14, point 9).
SKILLS = _options(
    ("empathy", "Empati", "Empathy"),
    ("listening", "Etkin dinleme", "Active listening"),
    ("questions", "Soru sorma", "Asking questions"),
    ("feedback", "Geri bildirim", "Feedback"),
    ("encouraging", "Cesaretlendirme", "Encouragement"),
    ("problems", "Problem çözme", "Problem solving"),
    ("stress", "Stres yönetimi", "Stress management"),
)
# The optional "what next" answer the summary offers to put on the to-do list.
NEXT_KEY = "next"

# Care work in shifts: mostly buttons, two short open questions, "what next" and the rest optional.
# Keys read elsewhere: confidence (digest, reports), hard and bring_to_session (agenda proposals),
# to_mentors (digest), next (the summary's "add to my to-do list").
DEFAULT_QUESTIONS: tuple[Question, ...] = (
    _q(
        "plan_tried",
        "choice",
        "Bu hafta gelişim planınızdan bir şeyi denediniz mi?",
        "Did you try something from your development plan this week?",
        options=_options(("yes", "Evet", "Yes"), ("partly", "Kısmen", "Partly"),
                         ("no_chance", "Fırsat olmadı", "No chance")),
    ),
    _q(
        "skill",
        "choice",
        "Bu hafta çocuklarla en çok hangi beceriyi kullandınız?",
        "Which skill did you use most with the children this week?",
        options=SKILLS,
    ),
    _q(
        "stress",
        "scale",
        "Bu hafta stresle ne kadar iyi başa çıktınız? (1 = hiç, 5 = çok iyi)",
        "How well did you cope with stress this week? (1 = not at all, 5 = very well)",
    ),
    _q(
        "confidence",
        "scale",
        "İşinizde kendinize ne kadar güveniyorsunuz? (1 = hiç, 5 = çok)",
        "How confident do you feel at work? (1 = not at all, 5 = very)",
    ),
    _q(
        "happened",
        "text",
        "Kısaca: bu hafta ne oldu, siz ne fark ettiniz?",
        "In short: what happened this week, and what did you notice?",
    ),
    _q("hard", "text", "Sizi en çok ne zorladı?", "What was hard for you?", optional=True),
    _q(
        NEXT_KEY,
        "text",
        "Gelecek hafta neyi denemek istersiniz? Özette bunu yapılacaklar listenize ekleyebilirsiniz.",
        "What would you like to try next week? At the summary you can add it to your to-do list.",
        optional=True,
    ),
    _q(
        "bring_to_session",
        "choice",
        "Bunu bir sonraki grup mentorluk görüşmesinde konuşmak ister misiniz?",
        "Would you like to talk about this at the next group mentoring session?",
        options=_options(("yes", "Evet", "Yes"), ("maybe", "Belki", "Maybe"), ("no", "Hayır", "No")),
    ),
    _q(
        "to_mentors",
        "text",
        "Mentorlarınıza iletmek istediğiniz bir mesaj var mı?",
        "Is there anything you would like to tell your mentors?",
        optional=True,
    ),
)


# ---- JSON form (what `narbot questions show/load` reads and writes) ----


def to_json(questions: tuple[Question, ...]) -> list[dict[str, Any]]:
    out = []
    for q in questions:
        item: dict[str, Any] = {
            "key": q.key,
            "kind": q.kind,
            "optional": q.optional,
            "text": dict(q.text),
        }
        if q.options:
            item["options"] = [{"key": o.key, "text": dict(o.text)} for o in q.options]
        out.append(item)
    return out


def from_json(data: list[dict[str, Any]]) -> tuple[Question, ...]:
    """Questions from a stored (already validated) set."""
    return tuple(
        Question(
            item["key"],
            item["kind"],
            dict(item["text"]),
            bool(item.get("optional", False)),
            tuple(Option(o["key"], dict(o["text"])) for o in item.get("options", ())),
        )
        for item in data
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a question file; `position` is the question's number (1-based) or 0."""

    code: str
    position: int = 0
    detail: str = ""


_PROBLEMS = {
    "not_a_list": N_('The file must hold an object with a "questions" list.'),
    "count": N_("A set needs between 1 and {limit} questions."),
    "not_an_object": N_("Question {position}: each question must be an object."),
    "unknown_field": N_('Question {position}: unknown field "{detail}".'),
    "bad_key": N_(
        "Question {position}: the key must be lower-case letters, digits or _ "
        "(at most 32), starting with a letter."
    ),
    "duplicate_key": N_('Question {position}: the key "{detail}" is used twice.'),
    "bad_kind": N_("Question {position}: the kind must be text, scale or choice."),
    "bad_optional": N_('Question {position}: "optional" must be true or false.'),
    "missing_text": N_("Question {position}: a text in each language is needed ({detail})."),
    "long_text": N_("Question {position}: a text is longer than {limit} characters."),
    "options_needed": N_("Question {position}: a choice needs 2 to {limit} options."),
    "options_not_allowed": N_("Question {position}: only a choice question has options."),
    "bad_option": N_(
        "Question {position}: each option needs a key (lower-case letters, digits or _, "
        "at most 16) and a short text (at most {limit} characters) in each language."
    ),
    "duplicate_option": N_('Question {position}: the option key "{detail}" is used twice.'),
}
_LIMITS = {
    "count": MAX_QUESTIONS,
    "long_text": MAX_QUESTION_CHARS,
    "options_needed": MAX_OPTIONS,
    "bad_option": MAX_OPTION_CHARS,
}


def describe_problem(tr: Translator, problem: Problem) -> str:
    return tr.gettext(_PROBLEMS[problem.code]).format(
        position=problem.position, detail=problem.detail, limit=_LIMITS.get(problem.code, "")
    )


def _texts_ok(text: Any, limit: int) -> bool:
    return (
        isinstance(text, dict)
        and all(
            isinstance(text.get(loc), str) and text[loc].strip() and len(text[loc]) <= limit
            for loc in SUPPORTED_LOCALES
        )
        and set(text) <= set(SUPPORTED_LOCALES)
    )


def _question_problems(position: int, item: Any, seen: set[str]) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem("not_an_object", position)]
    problems = [
        Problem("unknown_field", position, f)
        for f in item
        if f not in ("key", "kind", "optional", "text", "options")
    ]
    key = item.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        problems.append(Problem("bad_key", position))
    elif key in seen:
        problems.append(Problem("duplicate_key", position, key))
    else:
        seen.add(key)
    kind = item.get("kind")
    if kind not in KINDS:
        problems.append(Problem("bad_kind", position))
    if not isinstance(item.get("optional", False), bool):
        problems.append(Problem("bad_optional", position))
    text = item.get("text")
    if not _texts_ok(text, 10_000):
        problems.append(Problem("missing_text", position, ", ".join(SUPPORTED_LOCALES)))
    elif not _texts_ok(text, MAX_QUESTION_CHARS):
        problems.append(Problem("long_text", position))
    options = item.get("options")
    if kind == "choice":
        problems += _option_problems(position, options)
    elif options is not None:
        problems.append(Problem("options_not_allowed", position))
    return problems


def _option_problems(position: int, options: Any) -> list[Problem]:
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        return [Problem("options_needed", position)]
    problems, keys = [], set()
    for option in options:
        key = option.get("key") if isinstance(option, dict) else None
        if (
            not isinstance(key, str)
            or not _OPTION_KEY.match(key)
            or set(option) != {"key", "text"}
            or not _texts_ok(option.get("text"), MAX_OPTION_CHARS)
        ):
            problems.append(Problem("bad_option", position))
        elif key in keys:
            problems.append(Problem("duplicate_option", position, key))
        keys.add(key)
    return problems


def parse_question_file(data: Any) -> tuple[tuple[Question, ...], list[Problem]]:
    """Check a whole file; the questions are usable only when there are no problems."""
    items = data.get("questions") if isinstance(data, dict) and set(data) == {"questions"} else None
    if not isinstance(items, list):
        return (), [Problem("not_a_list")]
    if not 1 <= len(items) <= MAX_QUESTIONS:
        return (), [Problem("count")]
    seen: set[str] = set()
    problems = [
        p
        for position, item in enumerate(items, 1)
        for p in _question_problems(position, item, seen)
    ]
    if problems:
        return (), problems
    return from_json(items), []


# ---- versions in the database ----


async def _ensure_default(session: AsyncSession, programme_id: int, now: datetime) -> None:
    """Store the default set as version 1 if the programme has no set yet (safe when raced)."""
    await session.execute(
        insert_for(session, ReflectionQuestionSet)
        .values(
            programme_id=programme_id,
            version=1,
            effective_from_week=1,
            questions=to_json(DEFAULT_QUESTIONS),
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["programme_id", "version"])
    )


async def set_for_week(
    session: AsyncSession, programme_id: int, week: int, now: datetime
) -> ReflectionQuestionSet:
    """The set in force for a week: the newest version effective by then."""
    found = await _in_force(session, programme_id, week)
    if found is None:
        await _ensure_default(session, programme_id, now)
        found = await _in_force(session, programme_id, week)
    assert found is not None  # version 1 is effective from week 1
    return found


async def _in_force(session: AsyncSession, programme_id: int, week: int) -> ReflectionQuestionSet | None:
    return await session.scalar(
        select(ReflectionQuestionSet)
        .where(
            ReflectionQuestionSet.programme_id == programme_id,
            ReflectionQuestionSet.effective_from_week <= week,
        )
        .order_by(ReflectionQuestionSet.version.desc())
        .limit(1)
    )


async def set_id_for_week(session: AsyncSession, programme_id: int, week: int, now: datetime) -> int:
    """The id of the set in force for a week; cached, as sets change a few times a programme."""

    async def load() -> int:
        return (await set_for_week(session, programme_id, week, now)).id

    return await cached(session, ("question set in force", programme_id, week), load)


async def questions_of(session: AsyncSession, set_id: int) -> tuple[Question, ...]:
    """The questions of one stored set (a version is never changed, only followed by another)."""

    async def load() -> tuple[Question, ...]:
        found = await session.get(ReflectionQuestionSet, set_id)
        assert found is not None
        return from_json(found.questions)

    return await cached(session, ("question set", set_id), load)


async def newest_set(session: AsyncSession, programme_id: int) -> ReflectionQuestionSet | None:
    return await session.scalar(
        select(ReflectionQuestionSet)
        .where(ReflectionQuestionSet.programme_id == programme_id)
        .order_by(ReflectionQuestionSet.version.desc())
        .limit(1)
    )


async def add_version(
    session: AsyncSession,
    programme_id: int,
    questions: tuple[Question, ...],
    from_week: int,
    now: datetime,
) -> ReflectionQuestionSet:
    """A new version in force from `from_week`; earlier weeks keep the set they had."""
    await _ensure_default(session, programme_id, now)
    latest = await session.scalar(
        select(func.max(ReflectionQuestionSet.version)).where(
            ReflectionQuestionSet.programme_id == programme_id
        )
    )
    added = ReflectionQuestionSet(
        programme_id=programme_id,
        version=(latest or 0) + 1,
        effective_from_week=max(1, from_week),
        questions=to_json(questions),
        created_at=now,
    )
    session.add(added)
    await session.flush()
    return added
