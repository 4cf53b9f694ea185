"""Small cells: a coordinator sees no figure drawn from 1 or 2 people; 3 are shown; mentors see their group."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update

from mentoring.i18n import translator
from mentoring.reports.cells import SMALL_CELL, small_count
from mentoring.reports.exports import GROUP_FIGURES, export_programme
from mentoring.reports.impact import impact_report
from mentoring.reports.overview import programme_overview
from mentoring.reports.rules import group_progress
from mentoring.reports.texts import render_group_summary, render_impact, render_overview
from storage.models import Membership
from tests.support.reporting import seed_reporting

EN, TR = translator("en"), translator("tr")


def test_counts_of_one_or_two_people_are_hidden_three_shown() -> None:
    assert SMALL_CELL == 3
    assert [small_count(n) for n in (0, 1, 2, 3, 4)] == ["0", "<3", "<3", "3", "4"]


async def _two_mentees_in_group_a(sessions, data, now) -> None:
    """Can leaves Grup A: it keeps two mentees (Ayşe and John)."""
    async with sessions.begin() as session:
        await session.execute(update(Membership).where(Membership.person_id == data.can.person_id)
                              .values(left_at=now))


async def test_overview_hides_a_province_of_one_or_two_mentees(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        overview = await programme_overview(session, data.programme.id, clock.now())
    assert overview is not None
    ankara = next(p for p in overview.provinces if p.name == "Ankara")  # 3 mentees
    izmir = next(p for p in overview.provinces if p.name == "İzmir")  # 1 mentee
    shown = render_overview(EN, overview, ankara.province_id)
    assert "mentees: 3" in shown and "attendance: 50%" in shown
    hidden = render_overview(EN, overview, izmir.province_id)
    assert "mentees: <3" in hidden and "week 12: <3/<3" in hidden and "attendance: —" in hidden
    assert "drawn from fewer than 3 people" in hidden
    assert "3 kişiden azından" in render_overview(TR, overview, izmir.province_id)
    await _two_mentees_in_group_a(sessions, data, clock.now())
    async with sessions() as session:
        overview = await programme_overview(session, data.programme.id, clock.now())
    assert overview is not None
    two = render_overview(EN, overview, ankara.province_id)
    assert "mentees: <3" in two and "attendance: —" in two and "mentees: 2" not in two


async def test_impact_hides_averages_of_fewer_than_three_people_from_coordinators(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await impact_report(session, data.programme.id)
    coordinator = "\n".join(render_impact(EN, report, data.programme.name))
    # Grup A: two people answered both rounds (hidden); the programme: three (shown).
    assert "Children's development stages and needs: — → — (—), n=<3" in coordinator
    assert "n=3" in coordinator and "2.5 → 4.5" not in coordinator
    assert "drawn from fewer than 3 people" in coordinator
    mentor = "\n".join(render_impact(EN, report, data.programme.name, suppress=False))
    assert "2.5 → 4.5 (+2.0), n=2" in mentor and "fewer than 3 people" not in mentor
    assert "n=<3" in "\n".join(render_impact(TR, report, data.programme.name))


async def test_group_summary_for_coordinators(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        three = await group_progress(session, data.group_a.id, clock.now())
        one = await group_progress(session, data.group_b.id, clock.now())
    assert three is not None and one is not None
    shown = "\n".join(render_group_summary(EN, three))
    assert "Mentees: 3" in shown and "To-dos: " in shown and "Mentees who submitted at least one reflection: <3" in shown
    assert "Ayse" not in shown and "John" not in shown  # no one's own figures
    assert "Confidence (1-5), average change: —, n=<3" in shown  # only Ayşe has two answers
    hidden = "\n".join(render_group_summary(EN, one))
    assert "Mentees: <3" in hidden and "not shown to coordinators" in hidden and "Goals" not in hidden
    assert "Mentiler: <3" in "\n".join(render_group_summary(TR, one))
    await _two_mentees_in_group_a(sessions, data, clock.now())
    async with sessions() as session:
        two = await group_progress(session, data.group_a.id, clock.now())
    assert two is not None
    assert "Mentees: <3" in "\n".join(render_group_summary(EN, two))


async def test_export_leaves_small_cells_empty_and_names_them(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    table = list(csv.DictReader(io.StringIO(export.files[GROUP_FIGURES].decode("utf-8-sig"))))
    rows = {int(row["group_id"]): row for row in table}
    group_a, group_b = rows[data.group_a.id], rows[data.group_b.id]
    assert group_a["mentees"] == "3" and group_a["attendance_rate"] == "0.5"
    assert "mentees" not in group_a["suppressed"].split()
    # Grup A's three feedback answers come from two people: no average.
    assert group_a["feedback_average"] == "" and "feedback_average" in group_a["suppressed"].split()
    assert group_b["mentees"] == "" and group_b["attendance_rate"] == ""  # one mentee (Elif)
    assert {"mentees", "attendance_rate", "feedback_average"} <= set(group_b["suppressed"].split())
    assert group_a["mentors"] == "" and "mentors" in group_a["suppressed"].split()  # two mentors
    await _two_mentees_in_group_a(sessions, data, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    table = list(csv.DictReader(io.StringIO(export.files[GROUP_FIGURES].decode("utf-8-sig"))))
    group_a = next(row for row in table if int(row["group_id"]) == data.group_a.id)
    assert group_a["mentees"] == "" and "mentees" in group_a["suppressed"].split()
