"""The impact report: baseline against end, counting only people with both rounds."""

from __future__ import annotations

import pytest

from mentoring.i18n import translator
from mentoring.reports.impact import impact_report
from mentoring.reports.texts import render_impact
from tests.support.reporting import seed_reporting


def _area(part, key):
    return next(change for change in part.areas if change.area.key == key)


async def test_only_people_with_both_rounds_count(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    group_a = next(part for part in report.groups if part.group_id == data.group_a.id)
    development = _area(group_a, "development")
    # Ayşe 2→4, John 3→5; Can has a baseline only and is left out.
    assert development.people == 2
    assert development.baseline == pytest.approx(2.5) and development.end == pytest.approx(4.5)
    confidence = _area(group_a, "confidence")
    # John has an end score but no baseline: only Ayşe (3→4) counts.
    assert (confidence.people, confidence.baseline, confidence.end) == (1, 3, 4)
    assert _area(group_a, "network").people == 0 and _area(group_a, "network").baseline is None
    whole = report.programme
    assert whole is not None
    overall = _area(whole, "development")
    assert overall.people == 3
    assert overall.baseline == pytest.approx(8 / 3) and overall.end == pytest.approx(4.0)
    assert (group_a.feedback.answers, group_a.feedback.average) == (3, pytest.approx(4.0))
    assert (whole.feedback.answers, whole.feedback.average) == (4, pytest.approx(3.5))


async def test_a_groups_report_has_no_programme_total(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await impact_report(session, data.programme.id, [data.group_b.id])
    assert report.programme is None
    assert [part.group_id for part in report.groups] == [data.group_b.id]
    development = _area(report.groups[0], "development")
    assert (development.people, development.baseline, development.end) == (1, 3, 3)
    assert report.groups[0].feedback.answers == 1


async def test_impact_text_in_turkish_and_english(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    english = "\n".join(render_impact(translator("en"), report, data.programme.name, suppress=False))
    turkish = "\n".join(render_impact(translator("tr"), report, data.programme.name, suppress=False))
    assert "Children's development stages and needs: 2.5 → 4.5 (+2.0), n=2" in english
    assert "Usefulness of the sessions (1-5): 3.5, n=4" in english
    assert "A professional network for learning: no one answered both rounds yet" in english
    assert "Etki analizi: Nar Raporu" in turkish
    assert "2,5 → 4,5 (+2,0), n=2" in turkish  # Turkish decimal comma
    assert "n=4" in turkish and "Usefulness" not in turkish


async def test_the_impact_report_reads_the_outcomes_and_the_skills_not_the_priority_areas(sessions, clock):
    """The self-assessment is the eight outcomes and the seven skills, whatever the programme's priority
    areas are (issue #14, point 9); a programme's own area scored before the split still shows after them."""
    from mentoring.plans.areas import parse_areas, replace_areas
    from mentoring.plans.assessment import INSTRUMENT
    from storage.models.plans import SelfAssessment

    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        await replace_areas(session, data.programme.id, parse_areas(
            [{"key": "oyun", "tr": "Oyunla öğrenme", "en": "Learning through play"},
             {"key": "uyku", "tr": "Uyku düzeni", "en": "Sleep routines"}]))
        for who, stage, key, score in (("ayse", "baseline", "skill_empathy", 2), ("ayse", "end", "skill_empathy", 5),
                                       ("john", "baseline", "skill_empathy", 3), ("john", "end", "skill_empathy", 4),
                                       ("can", "baseline", "skill_stress", 1),
                                       ("ayse", "baseline", "oyun", 2), ("ayse", "end", "oyun", 3)):
            session.add(SelfAssessment(person_id=data.people[who].person_id, programme_id=data.programme.id,
                                       stage=stage, area_key=key, score=score, answered_at=clock.now()))
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    whole = report.programme
    assert whole is not None
    # Every outcome and skill in the instrument's order, then the scored own area; "uyku" was never scored.
    assert [change.area.key for change in whole.areas] == [item.key for item in INSTRUMENT] + ["oyun"]
    empathy = _area(whole, "skill_empathy")
    assert (empathy.people, empathy.baseline, empathy.end) == (2, pytest.approx(2.5), pytest.approx(4.5))
    assert _area(whole, "skill_stress").people == 0  # a baseline only
    # The outcome figures are unchanged by the new priority areas.
    development = _area(whole, "development")
    assert (development.people, development.baseline, development.end) == (3, pytest.approx(8 / 3), 4.0)
    english = "\n".join(render_impact(translator("en"), report, data.programme.name, suppress=False))
    turkish = "\n".join(render_impact(translator("tr"), report, data.programme.name, suppress=False))
    assert "Skill: empathy: 2.5 → 4.5 (+2.0), n=2" in english
    assert "Beceri: empati: 2,5 → 4,5 (+2,0), n=2" in turkish
    assert "Learning through play: 2.0 → 3.0 (+1.0), n=1" in english and "Sleep routines" not in english
