"""The impact report's "I could speak freely" figure beside usefulness (issue #14 point 9), with the
small-cell rule: over the answers that gave it, hidden from coordinators when fewer than 3 people."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentoring.i18n import translator
from mentoring.reports.impact import impact_report
from mentoring.reports.texts import render_impact
from storage.models.sessions import SessionFeedback
from tests.support.reporting import seed_reporting


async def _speak_freely(sessions, data, scores: dict[str, int]) -> None:
    """Give the seeded feedback rows of these people a "could speak freely" score (all their rows)."""
    async with sessions.begin() as session:
        for who, score in scores.items():
            for row in await session.scalars(
                select(SessionFeedback).where(SessionFeedback.person_id == data.people[who].person_id)
            ):
                row.spoke_freely = score


async def test_speak_freely_is_averaged_over_the_answers_that_gave_it(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    # Feedback rows: Ayşe twice and John once in group A, Elif once in group B; John left it unanswered.
    await _speak_freely(sessions, data, {"ayse": 5, "elif": 2})
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    group_a = next(part for part in report.groups if part.group_id == data.group_a.id)
    assert (group_a.feedback.free_answers, group_a.feedback.free_average, group_a.feedback.free_people) == (
        2, pytest.approx(5.0), 1)
    whole = report.programme
    assert whole is not None
    assert (whole.feedback.free_answers, whole.feedback.free_average, whole.feedback.free_people) == (
        3, pytest.approx(4.0), 2)
    assert (whole.feedback.answers, whole.feedback.average) == (4, pytest.approx(3.5)), "usefulness unchanged"

    # Two people are too few for a coordinator; the group's own mentors see the figures.
    hidden = "\n".join(render_impact(translator("en"), report, data.programme.name))
    assert "Could speak freely in the sessions (1-5): —, n=—" in hidden
    shown = "\n".join(render_impact(translator("en"), report, data.programme.name, suppress=False))
    assert "Could speak freely in the sessions (1-5): 4.0, n=3" in shown
    assert "Could speak freely in the sessions (1-5): 5.0, n=2" in shown
    turkish = "\n".join(render_impact(translator("tr"), report, data.programme.name, suppress=False))
    assert "Grup görüşmelerinde kendini rahatça ifade edebilme (1-5): 4,0, n=3" in turkish


async def test_three_people_are_shown_to_coordinators_and_no_answers_no_line(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    assert "Could speak freely" not in "\n".join(render_impact(translator("en"), report, data.programme.name))
    await _speak_freely(sessions, data, {"ayse": 4, "john": 2, "elif": 3})
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    text = "\n".join(render_impact(translator("en"), report, data.programme.name))
    # (4 + 4 + 2 + 3) / 4 = 3.25, written with one decimal as every average of the report.
    assert "Could speak freely in the sessions (1-5): 3.2, n=4" in text
