"""The report pages and the streamed exports through the console's ASGI app, on both databases.

The reporting world (tests/support/reporting.py, week 12): Grup A (Ankara) has mentees Ayşe,
John and Can (blocked the bot), mentors Zeynep and Mark; Grup B (İzmir) mentee Elif, mentor
Deniz; Koray and Carol coordinate, Olga coordinates another programme. Self-assessments:
development baseline → end for Ayşe 2 → 4, John 3 → 5, Elif 3 → 3 (three people: shown to a
coordinator), confidence only Ayşe's pair (one person: hidden).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mentoring.reports import stream
from mentoring.reports.exports import ENCODING, EXPORT_ACTION, export_programme
from mentoring.reports.views import REPORT_ACTION
from storage.models.privacy import AuditEntry
from tests.support.console import audit_rows, log_in, logged_in, token_for
from tests.support.reporting import SECRET

SVG = "{http://www.w3.org/2000/svg}"


def cell(html: str, marker: str, tag: str = "td") -> str:
    """The text of the first <tag> after `marker`."""
    start = html.index(marker)
    opened = html.index(f"<{tag}", start)
    begin = html.index(">", opened) + 1
    return html[begin:html.index(f"</{tag}>", begin)]


def figure(html: str, name: str) -> str:
    return cell(html, f'data-figure="{name}"', "dd")


def area(html: str, key: str, section: int = 0) -> list[str]:
    """The cells (n, baseline, end, change) of an area's row in the `section`-th section."""
    start = 0
    for _ in range(section + 1):
        start = html.index('<section aria-labelledby="section-', start) + 1
    row_start = html.index(f'<tr data-area="{key}">', start)
    row = html[row_start:html.index("</tr>", row_start)]
    return [part.split("</td>")[0] for part in row.split("<td>")[1:]]


def measure(html: str, key: str, section: int = 0) -> list[str]:
    start = 0
    for _ in range(section + 1):
        start = html.index('<section aria-labelledby="section-', start) + 1
    row_start = html.index(f'<tr data-measure="{key}">', start)
    row = html[row_start:html.index("</tr>", row_start)]
    return [part.split("</td>")[0] for part in row.split("<td>")[1:]]


async def actions(sessions) -> list[tuple[str, dict]]:
    return [(action, details) for action, details in await audit_rows(sessions)
            if action in (REPORT_ACTION, EXPORT_ACTION)]


async def chat_files(sessions, world, clock) -> dict[str, bytes]:
    async with sessions.begin() as session:
        return (await export_programme(session, world.programme.id, None, clock.now())).files


# ---- the overview ----


async def test_a_coordinator_sees_the_programme_at_a_glance_with_small_cells_suppressed(
        client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.carol.person_id)
    programme = await client.get(f"/programmes/{world.programme.id}")
    assert f'href="/programmes/{world.programme.id}/reports"' in programme.text
    page = await client.get(f"/programmes/{world.programme.id}/reports")
    assert page.status_code == 200, page.text
    html = page.text
    assert figure(html, "groups") == "2" and figure(html, "mentees") == "4" and figure(html, "mentors") == "3"
    assert figure(html, "unreachable") == "&lt;3"  # Can alone
    assert figure(html, "sessions") == "3" and figure(html, "attendance") == "57%"  # 4 of 7 places, 4 mentees
    assert cell(html, 'data-week="9"', "td").startswith("0/4 (0%)") or "0/4 (0%)" in html
    for week in (10, 11, 12):  # one or two people: "<3" and no share
        assert f'<td data-week="{week}">&lt;3/4 (—)</td>' in html
    assert "Worries about a child raised in the last 30 days: 0" in html
    assert "Grup A: 3 mentees (the programme plans 4-6)" in html and "Grup B: &lt;3 mentees" in html
    ankara = world.group_a.province_id
    assert f'href="/programmes/{world.programme.id}/reports?province={ankara}"' in html
    izmir_row = html[html.index(f'<tr data-province="{world.group_b.province_id}">'):]
    assert izmir_row.split("</tr>")[0].count("<td>—</td>") == 1  # one mentee behind the attendance: hidden
    svg = ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text.startswith("Reflections submitted per mentee")
    points = {p.get("data-key"): p for p in svg.iter(f"{SVG}g") if p.get("class") == "point"}
    assert sorted(points) == ["10", "11", "12", "9"]
    assert points["10"].find(f"{SVG}rect") is None and points["10"].find(f"{SVG}text").text == "—"
    for file in stream.FILES:
        assert f'href="/programmes/{world.programme.id}/export/{file}"' in html
    assert f'href="/programmes/{world.programme.id}/export.xlsx"' in html
    assert "Zeynep" not in html and "Ayse" not in html and SECRET not in html
    assert await actions(sessions) == [(REPORT_ACTION, {"programme": world.programme.id, "view": "overview",
                                                        "province": None, "console": True})]


async def test_a_province_page_in_turkish(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.koray.person_id)
    ankara = world.group_a.province_id
    page = await client.get(f"/programmes/{world.programme.id}/reports", params={"province": ankara})
    assert page.status_code == 200 and '<html lang="tr">' in page.text
    assert "Raporlar: Ankara" in page.text
    assert figure(page.text, "groups") == "1" and figure(page.text, "mentees") == "3"
    assert figure(page.text, "attendance") == "%50"  # 3 of 6 places, 3 mentees
    assert 'data-figure="worries"' not in page.text and "Grup B" not in page.text
    assert (await actions(sessions))[-1][1]["province"] == ankara


# ---- the impact report ----


async def test_a_coordinators_impact_report_suppresses_small_cells(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.carol.person_id)
    page = await client.get(f"/programmes/{world.programme.id}/reports/impact")
    assert page.status_code == 200, page.text
    html = page.text
    assert area(html, "development") == ["3", "2.7", "4.0", "+1.3"]  # the whole programme
    assert area(html, "confidence") == ["&lt;3", "—", "—", "—"]
    assert measure(html, "usefulness") == ["3.5", "4"]  # four answers of three people
    group_a = html.index("<h2", html.index(f'data-group="{world.group_a.id}"'))
    assert html[group_a:].startswith('<h2 id="section-') and "Grup A" in html[group_a:group_a + 80]
    sections = html.split('<section aria-labelledby="section-')[1:]
    assert "Grup A" in sections[1] and "Grup B" in sections[2]
    assert area(html, "development", 1) == ["&lt;3", "—", "—", "—"]  # Ayşe and John
    assert measure(html, "usefulness", 1) == ["—", "—"]
    assert measure(html, "goals", 1) == ["—/— (—)", "&lt;3"]
    assert measure(html, "reflections", 1)[1] == "3"  # three mentees: shown
    assert measure(html, "reflections", 2) == ["—/— (—)", "&lt;3"]  # Grup B: Elif alone
    svgs = [ET.fromstring(html[start:html.index("</svg>", start) + 6])
            for start in [i for i in range(len(html)) if html.startswith("<svg", i)]]
    assert len(svgs) >= 3 and all(svg.get("role") == "img" for svg in svgs)
    bars = {p.get("data-key"): p for p in svgs[0].iter(f"{SVG}g") if p.get("class") == "point"}
    assert bars["development:0"].find(f"{SVG}rect") is not None
    assert bars["confidence:1"].find(f"{SVG}rect") is None and bars["confidence:1"].find(f"{SVG}text").text == "—"
    assert SECRET not in html
    assert await actions(sessions) == [(REPORT_ACTION, {"programme": world.programme.id, "view": "impact",
                                                        "console": True})]


async def test_a_mentor_reads_their_groups_impact_with_the_real_figures(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.mark.person_id)
    page = await client.get(f"/groups/{world.group_a.id}/impact")
    assert page.status_code == 200, page.text
    assert area(page.text, "development") == ["2", "2.5", "4.5", "+2.0"]
    assert area(page.text, "confidence") == ["1", "3.0", "4.0", "+1.0"]
    assert measure(page.text, "usefulness") == ["4.0", "3"]
    assert measure(page.text, "goals") == ["1/3 (33%)", "2"]
    assert "drawn from fewer than 3 people" not in page.text
    assert "Grup B" not in page.text


# ---- a group's progress ----


async def test_a_mentor_reads_each_mentees_progress(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.mark.person_id)
    group = await client.get(f"/groups/{world.group_a.id}")
    assert f'href="/groups/{world.group_a.id}/progress"' in group.text
    page = await client.get(f"/groups/{world.group_a.id}/progress")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Progress report: Grup A (week 12)" in html
    ayse = html[html.index("<th scope=\"row\">Ayse</th>"):]
    ayse = ayse[:ayse.index("</tr>")]
    assert 'data-column="goals">1 / 1 / 0<' in ayse and 'data-column="todos">2 / 1 / 1<' in ayse
    assert "No time ×1" in ayse and "3 of 12 weeks" in ayse and "2 → 3 → 4 (+2)" in ayse
    assert "<th scope=\"row\">John</th>" in html and "<th scope=\"row\">Can</th>" in html
    assert "Elif" not in html and SECRET not in html
    assert await actions(sessions) == [(REPORT_ACTION, {"programme": world.programme.id, "view": "progress",
                                                        "group": world.group_a.id, "console": True})]


async def test_a_coordinator_reads_a_group_summed_with_small_cells_suppressed(
        client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.carol.person_id)
    page = await client.get(f"/groups/{world.group_a.id}/progress")
    assert page.status_code == 200, page.text
    html = page.text
    assert figure(html, "mentees") == "3" and figure(html, "goals") == "1 / 1 / 1"
    assert figure(html, "todos") == "2 / 1 / 2"
    assert figure(html, "submitted") == "&lt;3"  # Ayşe and John
    assert figure(html, "confidence").startswith("— ")
    assert "Ayse" not in html and "John" not in html and "Can</th>" not in html
    small = await client.get(f"/groups/{world.group_b.id}/progress")
    assert figure(small.text, "mentees") == "&lt;3" and 'data-figure="goals"' not in small.text
    assert "only to its mentors" in small.text and "Elif" not in small.text


# ---- access ----


PROGRAMME_PAGES = ("/programmes/{p}/reports", "/programmes/{p}/reports/impact", "/programmes/{p}/export.xlsx",
                   "/programmes/{p}/export/todos.csv")
GROUP_PAGES = ("/groups/{a}/progress", "/groups/{a}/impact")


@pytest.mark.parametrize(("who", "path"), [
    *(("deniz", path) for path in PROGRAMME_PAGES + GROUP_PAGES),  # the mentor of another group
    *(("mark", path) for path in PROGRAMME_PAGES),                  # a mentor is no coordinator
    *(("olga", path) for path in PROGRAMME_PAGES + GROUP_PAGES),   # the coordinator of another programme
    ("carol", "/programmes/{p}/export/nonsense.csv"),              # no such file
    ("carol", "/programmes/{p}/reports?province=999999"),          # no such province
    ("carol", "/groups/999999/progress"),
])
async def test_reports_and_exports_of_others_are_refused_and_nothing_is_written(
        client, sessions, clock, world, who, path):
    await logged_in(client, sessions, clock, world.people[who].person_id)
    before = await audit_rows(sessions)
    answer = await client.get(path.format(p=world.programme.id, a=world.group_a.id))
    assert answer.status_code == 403, answer.text
    assert "content-disposition" not in answer.headers and "Nar Raporu" not in answer.text
    assert "Grup A" not in answer.text
    assert await audit_rows(sessions) == before


async def test_a_mentee_opens_no_report_and_nothing_is_written(client, sessions, clock, world):
    answer = await log_in(client, await token_for(sessions, clock, world.ayse.person_id))
    assert answer.status_code == 403
    for path in PROGRAMME_PAGES + GROUP_PAGES:
        assert (await client.get(path.format(p=world.programme.id, a=world.group_a.id))).status_code == 401
    assert await audit_rows(sessions) == []


# ---- exports ----


async def test_every_streamed_csv_equals_the_chat_exports_file_and_is_audited(
        client, sessions, clock, world, monkeypatch):
    monkeypatch.setattr(stream, "SLICE", 2)  # several slices per file
    await logged_in(client, sessions, clock, world.carol.person_id)
    downloaded = {}
    for file in stream.FILES:
        answer = await client.get(f"/programmes/{world.programme.id}/export/{file}")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        stem = file.removesuffix(".csv").replace("_", "-")
        assert answer.headers["content-disposition"] == f'attachment; filename="narbot-{stem}-2026-11-23.csv"'
        assert answer.headers["cache-control"] == "no-store"
        downloaded[file] = answer.content
    expected = await chat_files(sessions, world, clock)
    assert downloaded == {file: expected[file] for file in stream.FILES}
    assert len(list(csv.reader(io.StringIO(downloaded["people.csv"].decode(ENCODING))))) > 8
    logged = [details for action, details in await actions(sessions) if action == EXPORT_ACTION]
    assert logged[:len(stream.FILES)] == [
        {"programme": world.programme.id, "file": file, "format": "csv", "console": True} for file in stream.FILES]


async def test_the_xlsx_opens_and_has_the_chat_exports_rows(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.koray.person_id)
    answer = await client.get(f"/programmes/{world.programme.id}/export.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == stream.XLSX_TYPE
    assert answer.headers["content-disposition"] == 'attachment; filename="narbot-export-2026-11-23.xlsx"'
    expected = await chat_files(sessions, world, clock)
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    assert book.sheetnames == [file.removesuffix(".csv") for file in stream.FILES]
    for file in stream.FILES:
        rows = [["" if value is None else str(value) for value in row]
                for row in book[stream.sheet_title(file)].iter_rows(values_only=True)]
        assert rows == list(csv.reader(io.StringIO(expected[file].decode(ENCODING)))), file
    book.close()
    async with sessions() as session:
        logged = list(await session.scalars(select(AuditEntry.details).where(AuditEntry.action == EXPORT_ACTION)))
    assert logged[0] == {"programme": world.programme.id, "file": "all", "format": "xlsx", "console": True}
