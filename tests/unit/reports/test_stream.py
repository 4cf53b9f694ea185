"""The streamed export (mentoring/reports/stream.py) gives what the chat's /export gives.

Every file as CSV is byte for byte the file in the chat's zip, whatever the slice size
(keyset pages cross the composite keys too); the slices are encoded in worker threads;
the .xlsx opens with openpyxl, has a sheet per file with the same rows, and its temporary
file is gone afterwards, also when the download is cut off.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mentoring.reports import exports, stream
from mentoring.reports.exports import ENCODING, GROUP_FIGURES, TABLES, export_programme
from storage.models import Membership, Role
from storage.models.privacy import AuditEntry
from tests.support.reporting import seed_reporting


async def chat_export(sessions, data, clock) -> exports.Export:
    async with sessions.begin() as session:
        return await export_programme(session, data.programme.id, data.koray.person_id, clock.now())


async def streamed(sessions, programme_id: int, filename: str, clock) -> list[bytes]:
    return [chunk async for chunk in stream.csv_chunks(sessions, programme_id, filename, clock.now())]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(ENCODING))))


def test_each_files_key_is_its_order_and_every_file_is_streamed() -> None:
    assert set(stream.KEYS) == {table.filename for table in TABLES}
    assert stream.FILES == (*(table.filename for table in TABLES), GROUP_FIGURES)
    for table in TABLES:
        order = [str(clause) for clause in table.query(1)._order_by_clauses]
        assert order == [str(key.expression) for key in stream.KEYS[table.filename]], table.filename


@pytest.mark.parametrize("size", [1, 2, 1000])
async def test_every_streamed_csv_equals_the_chat_exports_file(sessions, clock, monkeypatch, size) -> None:
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:  # Deniz also mentors group A: two rows of one person in people.csv
        session.add(Membership(person_id=data.deniz.person_id, programme_id=data.programme.id,
                               group_id=data.group_a.id, role=Role.MENTOR.value, joined_at=clock.now()))
    expected = await chat_export(sessions, data, clock)
    monkeypatch.setattr(stream, "SLICE", size)
    threads: list[int] = []
    real = stream.csv_lines

    def noting(rows):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return real(rows)

    monkeypatch.setattr(stream, "csv_lines", noting)
    for filename in stream.FILES:
        chunks = await streamed(sessions, data.programme.id, filename, clock)
        assert b"".join(chunks) == expected.files[filename], filename
        if filename != GROUP_FIGURES and size == 1:
            assert len(chunks) == 1 + expected.rows[filename]  # the header, then one chunk per row
    assert expected.rows["people.csv"] > 8 and expected.rows["attendance.csv"] == 4
    assert sum(1 for row in csv_rows(expected.files["people.csv"]) if row[1] == "Deniz") == 2
    assert threads and threading.get_ident() not in threads  # encoded off the event loop


async def test_streaming_reads_in_short_transactions_and_writes_nothing(sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        before = len((await session.scalars(select(AuditEntry.id))).all())
    content = b"".join(await streamed(sessions, data.programme.id, "todos.csv", clock))
    assert len(csv_rows(content)) == 1 + 5
    async with sessions() as session:
        assert len((await session.scalars(select(AuditEntry.id))).all()) == before  # the caller audits


async def test_another_programmes_rows_are_not_streamed(sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    content = b"".join(await streamed(sessions, data.other.id, "people.csv", clock))
    rows = csv_rows(content)
    assert [row[1] for row in rows[1:]] == ["Olga"]


async def test_the_xlsx_has_a_sheet_per_file_with_the_same_rows(sessions, clock, monkeypatch, tmp_path) -> None:
    data = await seed_reporting(sessions, clock.now())
    expected = await chat_export(sessions, data, clock)
    monkeypatch.setattr(stream, "SLICE", 2)
    monkeypatch.setattr(stream, "CHUNK", 1000)
    made: list[str] = []
    real = stream._temporary
    monkeypatch.setattr(stream, "_temporary", lambda: made.append(real()) or made[-1])
    chunks = [chunk async for chunk in stream.xlsx_chunks(sessions, data.programme.id, clock.now())]
    assert len(chunks) > 3 and all(len(chunk) <= 1000 for chunk in chunks)
    assert made and not os.path.exists(made[0])  # the temporary file is removed
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)
    assert book.sheetnames == [name.removesuffix(".csv") for name in stream.FILES]
    for filename in stream.FILES:
        sheet = [["" if value is None else str(value) for value in row]
                 for row in book[stream.sheet_title(filename)].iter_rows(values_only=True)]
        assert sheet == csv_rows(expected.files[filename]), filename
    book.close()


async def test_a_download_cut_off_removes_the_temporary_file(sessions, clock, monkeypatch) -> None:
    data = await seed_reporting(sessions, clock.now())
    monkeypatch.setattr(stream, "CHUNK", 100)
    made: list[str] = []
    real = stream._temporary
    monkeypatch.setattr(stream, "_temporary", lambda: made.append(real()) or made[-1])
    chunks = stream.xlsx_chunks(sessions, data.programme.id, clock.now())
    first = await anext(chunks)
    assert first.startswith(b"PK") and os.path.exists(made[0])
    await chunks.aclose()
    assert not os.path.exists(made[0])


async def test_a_name_that_looks_like_a_formula_stays_text_in_both(sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    from storage.models import Person

    async with sessions.begin() as session:
        person = await session.get(Person, data.john.person_id)
        person.display_name = "=HYPERLINK(\"x\")\x07"
    content = b"".join(await streamed(sessions, data.programme.id, "people.csv", clock))
    assert "'=HYPERLINK" in content.decode(ENCODING)
    chunks = [chunk async for chunk in stream.xlsx_chunks(sessions, data.programme.id,
                                                          clock.now() + timedelta(seconds=1))]
    book = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True)
    names = [row[1] for row in book["people"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"x\")" in names  # no formula, and the bell character Excel refuses is gone
    book.close()
