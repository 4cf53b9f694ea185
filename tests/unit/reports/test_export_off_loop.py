"""The export streams its rows in slices and writes them in a worker thread: the same bytes as
writing every row in line, as it did before."""

from __future__ import annotations

import csv
import io
import threading
import zipfile

import pytest

from mentoring.reports import exports
from mentoring.reports.exports import ENCODING, GROUP_FIGURES, TABLES, export_programme
from tests.support.reporting import seed_reporting


async def _in_line(session, programme_id: int) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every table's file written row by row on the loop, as the export did before."""
    files: dict[str, bytes] = {}
    for table in TABLES:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([header for header, _ in table.columns])
        for row in await session.execute(table.query(programme_id)):
            writer.writerow([exports._cell(value) for value in row])
        files[table.filename] = text.getvalue().encode(ENCODING)
    return files


async def test_sliced_and_off_loop_gives_the_same_files(sessions, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    data = await seed_reporting(sessions, clock.now())
    threads: list[int] = []
    real = exports._cell

    def noting(value):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return real(value)

    monkeypatch.setattr(exports, "_cell", noting)
    monkeypatch.setattr(exports, "SLICE", 2)  # several slices per file
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    assert threads and threading.get_ident() not in threads
    monkeypatch.setattr(exports, "_cell", real)
    async with sessions() as session:
        expected = await _in_line(session, data.programme.id)
    assert {name: content for name, content in export.files.items() if name != GROUP_FIGURES} == expected
    assert export.rows["people.csv"] > 2 and export.rows["reflection_scales.csv"] == 5  # more rows than a slice
    assert {name: len(content.decode(ENCODING).splitlines()) - 1 for name, content in expected.items()} == {
        name: count for name, count in export.rows.items() if name != GROUP_FIGURES}


async def test_the_zip_made_in_a_worker_holds_the_same_files(sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        export = await export_programme(session, data.programme.id, data.koray.person_id, clock.now())
    content = await export.zipped_off_loop()
    with zipfile.ZipFile(io.BytesIO(content)) as archive, zipfile.ZipFile(io.BytesIO(export.zipped())) as before:
        assert archive.namelist() == before.namelist() == list(export.files)
        assert all(archive.read(name) == before.read(name) == export.files[name] for name in export.files)
