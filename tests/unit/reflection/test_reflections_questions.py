"""Question sets: the default, validation of a coordinator's file, and versions over the weeks."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.reflection import flow as reflections
from mentoring.reflection.questions import (
    DEFAULT_QUESTIONS,
    add_version,
    describe_problem,
    parse_question_file,
    set_for_week,
    to_json,
)
from mentoring.screens import SHORT_LABEL_MAX
from storage.models.reflections import ReflectionQuestionSet
from tests.support.reflection import WEEK1_OPEN, make_member
from tests.support.seed import seed_programme


def default_file() -> dict[str, Any]:
    return {"questions": to_json(DEFAULT_QUESTIONS)}


def test_the_default_set_covers_the_programme_in_both_languages() -> None:
    keys = [q.key for q in DEFAULT_QUESTIONS]
    assert keys == ["plan_tried", "skill", "stress", "confidence", "happened", "hard", "next",
                    "bring_to_session", "to_mentors"]
    kinds = {q.key: q.kind for q in DEFAULT_QUESTIONS}
    # Care work in shifts: mostly buttons; at most two open questions a mentee must answer.
    assert [k for k in keys if kinds[k] == "text"] == ["happened", "hard", "next", "to_mentors"]
    assert [q.key for q in DEFAULT_QUESTIONS if q.kind == "text" and not q.optional] == ["happened"]
    assert kinds["stress"] == kinds["confidence"] == "scale"
    assert [o.key for o in DEFAULT_QUESTIONS[0].options] == ["yes", "partly", "no_chance"]
    assert [o.text["en"] for o in DEFAULT_QUESTIONS[1].options] == [
        "Empathy", "Active listening", "Asking questions", "Feedback", "Encouragement", "Problem solving",
        "Stress management"]
    assert DEFAULT_QUESTIONS[-1].optional
    assert all(q.text["tr"] and q.text["en"] for q in DEFAULT_QUESTIONS)
    assert "gelişim planınızdan" in DEFAULT_QUESTIONS[0].wording("tr")
    questions, problems = parse_question_file(default_file())
    assert problems == [] and questions == DEFAULT_QUESTIONS, "show's output loads back unchanged"


def test_the_default_options_fit_a_small_button_in_both_languages() -> None:
    """WhatsApp shows 20 characters of a button: no default option is clipped there."""
    labels = [o.text[locale] for q in DEFAULT_QUESTIONS for o in q.options for locale in ("tr", "en")]
    assert len(labels) == 2 * (3 + 7 + 3)
    too_long = [label for label in labels if len(label) > SHORT_LABEL_MAX]
    assert too_long == []


def test_every_problem_of_a_file_is_reported_in_the_readers_language() -> None:
    data = default_file()
    broken = copy.deepcopy(data)
    broken["questions"][1]["key"] = "plan_tried"
    broken["questions"][2]["kind"] = "essay"
    del broken["questions"][3]["text"]["en"]
    broken["questions"][4]["options"] = []
    broken["questions"][6]["colour"] = "red"
    broken["questions"][7]["options"] = broken["questions"][7]["options"][:1]
    _, problems = parse_question_file(broken)
    assert [(p.code, p.position) for p in problems] == [
        ("duplicate_key", 2),
        ("bad_kind", 3),
        ("missing_text", 4),
        ("options_not_allowed", 5),
        ("unknown_field", 7),
        ("options_needed", 8),
    ]
    assert (
        describe_problem(translator("en"), problems[0])
        == 'Question 2: the key "plan_tried" is used twice.'
    )
    assert describe_problem(translator("tr"), problems[5]).startswith(
        "Soru 8: bir seçmeli soruda 2 ile 8"
    )
    assert parse_question_file([])[1][0].code == "not_a_list"
    assert parse_question_file({"questions": []})[1][0].code == "count"


async def test_a_new_set_applies_from_its_week_and_old_answers_keep_their_questions(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    programme_id = setup.programme.id
    member = await make_member(sessions, setup.groups, "7101", clock.now())
    clock.set(WEEK1_OPEN)
    async with sessions.begin() as session:
        first = await reflections.open_reflection(session, member, clock.now())
        assert first.reflection is not None
        await reflections.answer_button(session, member, first.reflection.id, 0, "1", clock.now())
    changed, _ = parse_question_file(
        {
            "questions": [
                {
                    "key": "mood",
                    "kind": "scale",
                    "text": {"tr": "Bu hafta nasılsınız?", "en": "How are you this week?"},
                }
            ]
        }
    )
    async with sessions.begin() as session:
        added = await add_version(session, programme_id, changed, 2, clock.now())
        again = await reflections.open_reflection(session, member, clock.now())
        week1 = await set_for_week(session, programme_id, 1, clock.now())
        week2 = await set_for_week(session, programme_id, 2, clock.now())
    assert (added.version, added.effective_from_week) == (2, 2)
    assert week1.version == 1 and week1.questions == to_json(DEFAULT_QUESTIONS)
    assert week2.id == added.id
    assert again.reflection is not None and again.reflection.questions == DEFAULT_QUESTIONS
    assert again.question == 1, (
        "this week's reflection continues with the questions it started with"
    )


async def test_the_default_is_stored_once_even_when_asked_twice(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    async with sessions.begin() as session:
        one = await set_for_week(session, setup.programme.id, 1, clock.now())
        two = await set_for_week(session, setup.programme.id, 5, clock.now())
    async with sessions() as session:
        stored = (await session.scalars(select(ReflectionQuestionSet))).all()
    assert one.id == two.id and len(stored) == 1
