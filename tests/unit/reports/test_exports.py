"""The programme export: the right files and columns, and never a personal text."""

from __future__ import annotations

import csv
import io
import zipfile

from mentoring.audit import entries
from mentoring.reports.exports import EXPORT_ACTION, TABLES, export_programme
from storage.models import Base
from tests.support.reporting import SECRET, USER_IDS, seed_reporting

PERSONAL = {column.name for table in Base.metadata.tables.values() for column in table.columns
            if column.info.get("personal")}


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_no_personal_column_in_any_file(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    assert PERSONAL >= {"text", "caption", "file_id", "minutes", "takeaway", "what", "measure", "note"}
    for name, content in export.files.items():
        header = read_csv(content)[0]
        assert not set(header) & PERSONAL, name
        assert SECRET not in content.decode("utf-8-sig"), name
        for user_id in USER_IDS.values():
            assert str(user_id) not in content.decode("utf-8-sig"), f"a Telegram id in {name}"
    # The guard in mentoring/reports/exports.py looks at the table columns themselves, too.
    for table in TABLES:
        for _, element in table.columns:
            assert not any(getattr(c, "info", {}).get("personal") for c in element.base_columns)


async def test_files_columns_and_rows(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    assert set(export.files) == {
        "people.csv", "groups.csv", "reflection_scales.csv", "goals.csv", "self_assessments.csv", "todos.csv",
        "todo_reasons.csv", "sessions.csv", "attendance.csv", "session_feedback.csv", "checkins.csv",
        "group_figures.csv"}
    people = read_csv(export.files["people.csv"])
    assert people[0] == ["person_id", "display_name", "role", "group_id", "joined_at", "left_at", "reachable",
                         "erased"]
    names = {(row[1], row[2]) for row in people[1:]}
    assert ("Ayse", "mentee") in names and ("Koray", "coordinator") in names
    assert all(row[1] != "Olga" for row in people[1:])  # another programme's coordinator
    assert next(row for row in people[1:] if row[1] == "Can")[6] == "0"  # blocked: unreachable
    groups = read_csv(export.files["groups.csv"])
    assert sorted(row[2] for row in groups[1:]) == ["Ankara", "İzmir"]
    scales = read_csv(export.files["reflection_scales.csv"])
    assert scales[0][-2:] == ["question_key", "scale_value"]
    assert len(scales) - 1 == 5  # submitted reflections' scale answers only (John's draft left out)
    assert export.rows["todos.csv"] == 5 and export.rows["todo_reasons.csv"] == 2
    assert export.rows["sessions.csv"] == 5 and export.rows["attendance.csv"] == 4
    assert export.rows["self_assessments.csv"] == 10 and export.rows["checkins.csv"] == 1
    feedback = read_csv(export.files["session_feedback.csv"])
    assert feedback[0] == ["session_id", "person_id", "usefulness", "spoke_freely", "answered_at"]
    with zipfile.ZipFile(io.BytesIO(export.zipped())) as archive:
        assert sorted(archive.namelist()) == sorted(export.files)
        assert archive.read("todos.csv") == export.files["todos.csv"]


async def test_each_export_is_audited(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    async with sessions() as session:
        logged = [e for e in await entries(session, person_id=data.koray.person_id) if e.action == EXPORT_ACTION]
    assert len(logged) == 1
    assert logged[0].details == {"programme": data.programme.id, "rows": export.rows}


async def test_another_programme_exports_nothing_of_this_one(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.other.id, data.olga.person_id, clock.now())
    assert export.rows["people.csv"] == 1  # Olga herself
    assert all(count == 0 for name, count in export.rows.items() if name not in ("people.csv", "groups.csv", "group_figures.csv"))


def test_cells_that_look_like_formulas_stay_text() -> None:
    from mentoring.reports.exports import _cell

    assert _cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("Ayşe Yılmaz") == "Ayşe Yılmaz"
    assert _cell(-3) == -3
