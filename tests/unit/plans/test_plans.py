"""The development plan's domain: areas, the goal form, status, sharing, the self-assessment, access."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.plans import assessment
from mentoring.plans import rules as plans
from mentoring.plans.areas import (
    DEFAULT_AREAS,
    OUTCOMES,
    SKILLS,
    parse_areas,
    programme_areas,
    replace_areas,
)
from storage.models import Role
from tests.support.plans import add_member, goals_of, set_dates
from tests.support.seed import seed_programme


def test_eight_default_areas_are_care_topics_apart_from_the_outcomes() -> None:
    assert len(DEFAULT_AREAS) == 8 and len({a.key for a in DEFAULT_AREAS}) == 8
    turkish, english = translator("tr"), translator("en")
    assert [a.title(english) for a in DEFAULT_AREAS] == [
        "Care that fits the child's development stage", "Positive discipline and limits", "Talking with teenagers",
        "Trauma-informed care", "Supporting emotion regulation", "School support",
        "Preparing for independent life", "Managing my own stress"]
    assert DEFAULT_AREAS[3].title(turkish) == "Travma bilgili bakım"
    assert all(a.title(turkish) != a.title(english) for a in DEFAULT_AREAS)
    # Short button titles fit (18 characters, so a check mark still fits in 20) in both languages.
    assert all(a.short_en and len(tr.gettext(a.short_en)) <= 18 for a in DEFAULT_AREAS for tr in (turkish, english))
    # The outcomes stay the impact instrument, with the seven skills; no key is shared with the areas.
    assert OUTCOMES[0].title(turkish) == "Çocukların gelişim dönemleri ve ihtiyaçları" and len(OUTCOMES) == 8
    assert [s.key for s in SKILLS] == ["skill_empathy", "skill_listening", "skill_questions", "skill_feedback",
                                       "skill_encouragement", "skill_problem_solving", "skill_stress"]
    assert not {a.key for a in DEFAULT_AREAS} & {a.key for a in (*OUTCOMES, *SKILLS)}
    assert assessment.INSTRUMENT == (*OUTCOMES, *SKILLS) and set(assessment.STATEMENTS) == {
        a.key for a in assessment.INSTRUMENT}


@pytest.mark.parametrize(("data", "code"), [
    ([], "areas_count"),
    ({"key": "x"}, "areas_count"),
    ([{"key": "empati", "tr": "Empati"}], "area_fields"),
    ([{"key": "Empati!", "tr": "Empati", "en": "Empathy"}], "area_key"),
    ([{"key": "empati", "tr": "", "en": "Empathy"}], "area_title"),
    ([{"key": "empati", "tr": "E" * 61, "en": "Empathy"}], "area_title"),
    ([{"key": "empati", "tr": "Empati", "en": "Empathy"}] * 2, "area_duplicate"),
])
def test_area_lists_are_checked(data: object, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_areas(data)
    assert caught.value.code == code


async def test_a_programme_list_replaces_the_defaults(sessions: async_sessionmaker[AsyncSession],
                                                      clock: ManualClock) -> None:
    setup = await seed_programme(sessions, clock.now())
    areas = parse_areas([{"key": "empati", "tr": "Empati", "en": "Empathy"},
                         {"key": "dinleme", "tr": "Etkin dinleme", "en": "Active listening"}])
    async with sessions.begin() as session:
        assert await programme_areas(session, setup.programme.id) == DEFAULT_AREAS
        await replace_areas(session, setup.programme.id, areas)
    async with sessions() as session:
        loaded = await programme_areas(session, setup.programme.id)
    assert [a.key for a in loaded] == ["empati", "dinleme"]
    assert loaded[1].title(translator("tr")) == "Etkin dinleme"
    assert loaded[1].title(translator("en")) == "Active listening"


def test_dates_and_months() -> None:
    today = date(2026, 11, 23)
    assert plans.parse_day("31.01.2027", today) == date(2027, 1, 31)
    assert plans.parse_day("1/2/2027", today) == date(2027, 2, 1)
    assert plans.parse_day("1.2", today) == date(2027, 2, 1)  # no year: the next such day
    assert plans.parse_day("tomorrow", today) == date(2026, 11, 24)
    for bad, code in (("31.02.2027", "no_such_date"), ("someday", "bad_date"), ("", "bad_date")):
        with pytest.raises(DomainError) as caught:
            plans.parse_day(bad, today)
        assert caught.value.code == code
    assert plans.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert plans.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


@pytest.mark.parametrize("stage", ["baseline", "end"])
def test_self_assessment_prompt_offers_a_start_button(stage: str) -> None:
    for locale in ("tr", "en"):
        text, rows = plans.self_assessment_prompt(translator(locale), stage)
        assert text and rows[0][0].data == f"plan:sa:{stage}:go"
    assert "öz değerlendirme" in plans.self_assessment_prompt(translator("tr"), stage)[1][0][0].text.lower()
    with pytest.raises(ValueError):
        plans.self_assessment_prompt(translator("tr"), "middle")


async def test_goal_form_shared_goals_and_access(sessions: async_sessionmaker[AsyncSession],
                                                 clock: ManualClock) -> None:
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), date(2027, 5, 31))
    group = setup.groups[0]
    ayse = await add_member(sessions, clock.now(), group)
    elif_ = await add_member(sessions, clock.now(), group, name="Elif")
    mentor = await add_member(sessions, clock.now(), group, Role.MENTOR, name="Mentor")
    now = clock.now()
    async with sessions.begin() as session:
        with pytest.raises(AccessDenied):
            await plans.plan_context(session, mentor)
        ctx = await plans.plan_context(session, ayse)
        await plans.start_goal(session, ctx, now)
        assert await plans.goal_text(session, ctx, "what", "  Çocuklarla haftada bir oyun saati  ", now) == "measure"
        with pytest.raises(DomainError):  # the same step twice is stale
            await plans.goal_text(session, ctx, "what", "again", now)
        assert await plans.goal_text(session, ctx, "measure", "Dört hafta üst üste yapmış olmak", now) == "due"
        goal = await plans.choose_due(session, ctx, "end", None, now)
        assert goal is not None and goal.due_on == date(2027, 5, 31) and goal.what.startswith("Çocuklarla")
        assert await conversation.pending(session, ayse.person_id) is None
        assert await plans.shared_goals(session, ayse.person_id) == []
        await plans.set_shared(session, ctx, goal.id, True, now)
        await plans.set_status(session, ctx, goal.id, "done", now)
    async with sessions.begin() as session:
        shared = await plans.shared_goals(session, ayse.person_id)
        assert [g.id for g in shared] == [goal.id] and shared[0].done_at == now
        other = await plans.plan_context(session, elif_)
        with pytest.raises(AccessDenied):
            await plans.set_status(session, other, goal.id, "in_progress", now)
    assert (await goals_of(sessions, ayse.person_id))[0].status == "done"


async def test_goal_texts_and_dates_are_checked(sessions: async_sessionmaker[AsyncSession],
                                                clock: ManualClock) -> None:
    setup = await seed_programme(sessions, clock.now())
    ayse = await add_member(sessions, clock.now(), setup.groups[0])
    now = clock.now()
    async with sessions.begin() as session:
        ctx = await plans.plan_context(session, ayse)
        await plans.start_goal(session, ctx, now)
        for text, code in ((None, "text_expected"), ("   ", "text_expected"), ("x" * 501, "goal_too_long")):
            with pytest.raises(DomainError) as caught:
                await plans.goal_text(session, ctx, "what", text, now)
            assert caught.value.code == code
        await plans.goal_text(session, ctx, "what", "Hedef", now)
        await plans.goal_text(session, ctx, "measure", "Ölçüt", now)
        with pytest.raises(DomainError):  # no programme end date: that button is not offered
            await plans.choose_due(session, ctx, "end", None, now)
        assert await plans.choose_due(session, ctx, "date", None, now) is None
        for typed, code in (("01.01.2020", "date_past"), ("01.01.2035", "goal_date_far"), ("someday", "bad_date")):
            with pytest.raises(DomainError) as caught:
                await plans.choose_due(session, ctx, "date", typed, now)
            assert caught.value.code == code
        goal = await plans.choose_due(session, ctx, "date", "23.11.2026", now)
        assert goal is not None and goal.due_kind == "date" and goal.due_on == date(2026, 11, 23)


async def test_self_assessment_goes_area_by_area_and_refuses_repeats(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    ayse = await add_member(sessions, clock.now(), setup.groups[0])
    now = clock.now()
    async with sessions.begin() as session:
        ctx = await plans.plan_context(session, ayse)
        progress = await assessment.progress(session, ctx, "baseline")
        assert progress.next_area == OUTCOMES[0] and progress.total == 15
        for score, area in zip([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5], assessment.INSTRUMENT, strict=True):
            progress = await assessment.record(session, ctx, "baseline", area.key, score, now)
        assert progress.next_area is None and progress.answered == 15
        with pytest.raises(DomainError):
            await assessment.record(session, ctx, "baseline", OUTCOMES[0].key, 5, now)
        end = await assessment.progress(session, ctx, "end")
        assert end.answered == 0
        with pytest.raises(DomainError):  # not the statement asked now
            await assessment.record(session, ctx, "end", OUTCOMES[3].key, 3, now)
        with pytest.raises(DomainError):  # a priority area is not a statement of the self-assessment
            await assessment.record(session, ctx, "end", DEFAULT_AREAS[0].key, 3, now)
        with pytest.raises(DomainError):
            await assessment.record(session, ctx, "end", OUTCOMES[0].key, 6, now)
