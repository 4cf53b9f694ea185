"""The participation dashboard through the console's ASGI app, on both databases.

The reporting world (tests/support/reporting.py, week 12) plus one more week of reflections
(week 9: Ayşe, John and Can), so one cell is drawn from enough people for a coordinator:
- reflections sent: week 9 3 of 4 mentees, week 10 1, week 11 2, week 12 2 (Ayşe, Elif);
- check-ins: Ayşe and John are partners, Ayşe answered week 12;
- sessions: Grup A met in week 10 (Ayşe, John present) and 11 (Ayşe), Grup B in week 11 (Elif);
- Can blocked the bot.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from mentoring.console import dashboard
from storage.models.privacy import AuditEntry
from storage.models.reflections import Reflection, ReflectionQuestionSet
from tests.support.console import audit_rows, log_in, logged_in, token_for
from tests.support.reporting import SECRET

SVG = "{http://www.w3.org/2000/svg}"


async def add_week_nine(sessions, data, now) -> None:
    """Week 9's reflections of Ayşe, John and Can: a cell drawn from three people."""
    async with sessions.begin() as session:
        qset = await session.scalar(select(ReflectionQuestionSet).limit(1))
        for who in ("ayse", "john", "can"):
            session.add(Reflection(person_id=data.people[who].person_id, group_id=data.group_a.id, week=9,
                                   question_set_id=qset.id, closes_at=now, started_at=now, submitted_at=now))


@pytest.fixture
async def seeded(sessions, clock, world):
    await add_week_nine(sessions, world, clock.now())
    return world


def rows_of(html: str) -> dict[int, dict[str, str]]:
    """The table's cells by week and measure."""
    found: dict[int, dict[str, str]] = {}
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    for row in body.split("<tr>")[1:]:
        week = int(row[row.index('<th scope="row">') + 16:row.index("</th>")])
        cells = {}
        for measure in dashboard.MEASURES:
            start = row.index(f'data-measure="{measure}">') + len(f'data-measure="{measure}">')
            cells[measure] = row[start:row.index("</td>", start)]
        found[week] = cells
    return found


def chart_of(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])


def unreachable_of(html: str, reason: str) -> str:
    start = html.index(f'<tr data-reason="{reason}">')
    cell = html.index("<td>", start) + 4
    return html[cell:html.index("</td>", cell)]


async def dashboard_audits(sessions) -> list[dict]:
    async with sessions() as session:
        return list(await session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == dashboard.VIEWED).order_by(AuditEntry.id)))


async def test_a_coordinator_sees_the_programme_per_week_with_small_cells_suppressed(
        client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.people["carol"].person_id)
    page = await client.get(f"/programmes/{seeded.programme.id}/dashboard")
    assert page.status_code == 200, page.text
    rows = rows_of(page.text)
    assert sorted(rows) == list(range(5, 13))
    assert rows[9]["reflections"] == "3/4 (75%)"  # three people: shown
    assert rows[8]["reflections"] == "0/4 (0%)"
    for week in (10, 11, 12):  # one or two people: "<3" and no share, never the count
        assert rows[week]["reflections"] == "&lt;3/4 (—)"
    assert rows[12]["checkins"] == "&lt;3/&lt;3 (—)" and rows[11]["checkins"] == "0/&lt;3 (—)"
    assert rows[10]["attendance"] == "&lt;3/3 (—)" and rows[11]["attendance"] == "&lt;3/4 (—)"
    assert rows[9]["attendance"] == "0/0"
    assert unreachable_of(page.text, "blocked") == "&lt;3" and unreachable_of(page.text, "no_channel") == "0"
    assert "Can" not in page.text and SECRET not in page.text and "Salon" not in page.text
    assert 'role="img"' in page.text and "Who cannot be reached, and why" in page.text
    assert await dashboard_audits(sessions) == [
        {"programme": seeded.programme.id, "province": None, "group": None}]


async def test_the_chart_is_svg_with_one_point_per_week_and_measure(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.people["carol"].person_id)
    page = await client.get(f"/programmes/{seeded.programme.id}/dashboard")
    svg = chart_of(page.text)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img" and svg.get("aria-labelledby")
    assert svg.find(f"{SVG}title").text == "Participation per programme week: Nar Raporu"
    points = svg.findall(f"{SVG}g[@class='point']")
    for measure in dashboard.MEASURES:
        weeks = [int(point.get("data-week")) for point in points if point.get("data-measure") == measure]
        assert weeks == list(range(5, 13))
    by_key = {(int(p.get("data-week")), p.get("data-measure")): p for p in points}
    shown = by_key[(9, "reflections")]
    assert shown.find(f"{SVG}rect") is not None and shown.find(f"{SVG}title").text.endswith(": 3/4")
    hidden = by_key[(10, "reflections")]
    assert hidden.find(f"{SVG}rect") is None and hidden.find(f"{SVG}text").text == "—"
    assert "1/4" not in ET.tostring(svg, encoding="unicode")


async def test_a_groups_mentor_sees_the_real_counts_and_who_cannot_be_reached(
        client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.people["mark"].person_id)
    group = await client.get(f"/groups/{seeded.group_a.id}")
    assert f'href="/groups/{seeded.group_a.id}/dashboard"' in group.text
    page = await client.get(f"/groups/{seeded.group_a.id}/dashboard")
    assert page.status_code == 200, page.text
    rows = rows_of(page.text)
    assert rows[9]["reflections"] == "3/3 (100%)" and rows[10]["reflections"] == "1/3 (33%)"
    assert rows[11]["reflections"] == "2/3 (67%)" and rows[12]["reflections"] == "1/3 (33%)"
    assert rows[12]["checkins"] == "1/2 (50%)" and rows[11]["checkins"] == "0/2 (0%)"
    assert rows[10]["attendance"] == "2/3 (67%)" and rows[11]["attendance"] == "1/3 (33%)"
    assert unreachable_of(page.text, "blocked") == "1: Can"  # as their digest names them
    assert unreachable_of(page.text, "consent") == "0"
    assert "Elif" not in page.text and SECRET not in page.text
    bars = [p for p in chart_of(page.text).iter(f"{SVG}g") if p.get("data-measure") == "reflections"]
    assert len(bars) == 8 and all(p.find(f"{SVG}text") is None for p in bars)  # nothing hidden from a mentor
    assert await dashboard_audits(sessions) == [{"programme": seeded.programme.id, "group": seeded.group_a.id}]


async def test_a_coordinator_filters_by_province_and_by_group(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.people["koray"].person_id)
    programme = await client.get(f"/programmes/{seeded.programme.id}")
    assert f'href="/programmes/{seeded.programme.id}/dashboard"' in programme.text
    ankara = seeded.group_a.province_id
    page = await client.get(f"/programmes/{seeded.programme.id}/dashboard", params={"province": ankara})
    assert page.status_code == 200 and "Katılım" in page.text  # Koray reads Turkish: "%100"
    rows = rows_of(page.text)
    assert rows[9]["reflections"] == "3/3 (%100)" and rows[12]["reflections"] == "&lt;3/3 (—)"
    assert rows[11]["attendance"] == "&lt;3/3 (—)"
    only_b = await client.get(f"/programmes/{seeded.programme.id}/dashboard",
                              params={"group": seeded.group_b.id})
    rows = rows_of(only_b.text)
    assert rows[9]["reflections"] == "0/&lt;3 (—)" and rows[12]["reflections"] == "&lt;3/&lt;3 (—)"
    assert rows[12]["checkins"] == "0/0" and unreachable_of(only_b.text, "blocked") == "0"
    assert [d["province"] for d in await dashboard_audits(sessions)] == [ankara, None]
    assert [d["group"] for d in await dashboard_audits(sessions)] == [None, seeded.group_b.id]


@pytest.mark.parametrize(("who", "page"), [
    ("deniz", "group_a"),       # the mentor of another group
    ("deniz", "programme"),     # a mentor is no coordinator
    ("olga", "programme"),      # the coordinator of another programme
    ("olga", "group_a"),
    ("koray", "group_a"),       # the group's dashboard is its mentors'; coordinators use the filter
])
async def test_dashboards_of_others_are_refused_and_nothing_is_written(
        client, sessions, clock, seeded, who, page):
    await logged_in(client, sessions, clock, seeded.people[who].person_id)
    before = await audit_rows(sessions)
    path = {"group_a": f"/groups/{seeded.group_a.id}/dashboard",
            "programme": f"/programmes/{seeded.programme.id}/dashboard"}[page]
    answer = await client.get(path)
    assert answer.status_code == 403 and "<svg" not in answer.text and "Nar Raporu" not in answer.text
    assert await audit_rows(sessions) == before


async def test_a_mentee_opens_no_dashboard_and_nothing_is_written(client, sessions, clock, seeded):
    answer = await log_in(client, await token_for(sessions, clock, seeded.people["ayse"].person_id))
    assert answer.status_code == 403
    for path in (f"/groups/{seeded.group_a.id}/dashboard", f"/programmes/{seeded.programme.id}/dashboard"):
        assert (await client.get(path)).status_code == 401
    assert await audit_rows(sessions) == []
