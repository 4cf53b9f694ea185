"""The programme export streamed: each file as CSV, or the whole export as one .xlsx, in slices.

The same files, columns and rows as the chat's `/export` (mentoring/reports/exports.py:
`TABLES`, its no-personal-column guard and its cell rules), but never held whole in
memory and never blocking the event loop:

- rows are read in slices of `SLICE` by keyset pagination on each table's ordering key
  (`KEYS`), each slice in its own short read transaction, so the bot's updates and the
  sender interleave with a long download and no connection is held for its length;
- each slice is encoded in a worker thread (mentoring/offload.py) and handed on at once:
  a CSV download is a sequence of such chunks (the first one with the BOM and the header);
- the .xlsx is written by openpyxl's write-only workbook (a sheet per file) into a
  temporary file, slice by slice in the worker, then read back in chunks of `CHUNK`
  bytes and removed, also when the download is cut off.

The caller decides access and writes the audit entry first (mentoring/console/reports.py).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import offload
from mentoring.reports.exports import (
    ENCODING,
    GROUP_FIGURES,
    TABLES,
    Table,
    _cell,
    _group_figures,
    csv_header,
    csv_lines,
)
from storage.models import Group, Membership, Person
from storage.models.peers import PeerCheckin
from storage.models.plans import PlanGoal, SelfAssessment
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback
from storage.models.todos import Todo, TodoReason

SLICE = 2000  # rows read (and encoded) at a time
CHUNK = 256 * 1024  # bytes of the .xlsx sent at a time
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# Each file's ordering key (the same as its `ORDER BY` in exports.py, unique per row): the
# next slice starts after the last row's key.
KEYS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "people.csv": (Person.id, Membership.id),
    "groups.csv": (Group.id,),
    "reflection_scales.csv": (Reflection.id, ReflectionAnswer.id),
    "goals.csv": (PlanGoal.id,),
    "self_assessments.csv": (SelfAssessment.id,),
    "todos.csv": (Todo.id,),
    "todo_reasons.csv": (TodoReason.id,),
    "sessions.csv": (GroupSession.id,),
    "attendance.csv": (SessionAttendance.session_id, SessionAttendance.person_id),
    "session_feedback.csv": (SessionFeedback.session_id, SessionFeedback.person_id),
    "checkins.csv": (PeerCheckin.id,),
}

FILES: tuple[str, ...] = tuple(table.filename for table in TABLES) + (GROUP_FIGURES,)


def table_named(filename: str) -> Table | None:
    return next((table for table in TABLES if table.filename == filename), None)


def _after(keys: tuple[ColumnElement[Any], ...], last: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows whose key comes after `last` (written so both databases use the leading key's index)."""
    if len(keys) == 1:
        return keys[0] > last[0]
    first, second = keys
    return and_(first >= last[0], or_(first > last[0], second > last[1]))


async def table_rows(sessions: async_sessionmaker[AsyncSession], programme_id: int, table: Table,
                     size: int | None = None) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The table's rows in export order, a slice at a time, each slice read in its own short transaction."""
    size = size or SLICE
    keys = KEYS[table.filename]
    width = len(table.columns)
    last: tuple[Any, ...] | None = None
    while True:
        query = table.query(programme_id).add_columns(*keys)
        if last is not None:
            query = query.where(_after(keys, last))
        async with sessions() as session:
            rows = (await session.execute(query.limit(size))).all()
        if not rows:
            return
        yield [tuple(row[:width]) for row in rows]
        if len(rows) < size:
            return
        last = tuple(rows[-1][width:])


async def _figures(sessions: async_sessionmaker[AsyncSession], programme_id: int, now: datetime) -> bytes:
    """group_figures.csv (one small row per group) as exports.py builds it."""
    async with sessions() as session:
        content, _count = await _group_figures(session, programme_id, now)
    return content


async def csv_chunks(sessions: async_sessionmaker[AsyncSession], programme_id: int, filename: str,
                     now: datetime) -> AsyncIterator[bytes]:
    """One export file as CSV, byte for byte what the chat's export puts in its zip, in chunks."""
    if filename == GROUP_FIGURES:
        yield await _figures(sessions, programme_id, now)
        return
    table = table_named(filename)
    if table is None:
        raise KeyError(filename)
    yield csv_header([header for header, _ in table.columns])
    async for rows in table_rows(sessions, programme_id, table):
        yield await offload.run(csv_lines, rows)


def sheet_title(filename: str) -> str:
    return filename.removesuffix(".csv")[:31]  # Excel allows 31 characters


def _xlsx_value(value: Any) -> Any:
    """A cell as the CSV writes it (exports._cell), minus the control characters Excel refuses."""
    value = _cell(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _number_or_text(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


class _Book:
    """The write-only workbook being filled; only ever touched by one worker call at a time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheet: Any = None

    def start(self, title: str, headers: list[str]) -> None:
        self.sheet = self.book.create_sheet(title)
        self.sheet.append(headers)

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        for row in rows:
            self.sheet.append([_xlsx_value(value) for value in row])

    def add_csv(self, content: bytes) -> None:
        """A small file already written as CSV (group_figures.csv), numbers as numbers."""
        reader = csv.reader(io.StringIO(content.decode(ENCODING)))
        self.start(sheet_title(GROUP_FIGURES), next(reader))
        for row in reader:
            self.sheet.append([_number_or_text(value) for value in row])

    def save(self) -> None:
        self.book.save(self.path)


def _temporary() -> str:
    handle, path = tempfile.mkstemp(prefix="narbot-export-", suffix=".xlsx")
    os.close(handle)
    return path


async def xlsx_chunks(sessions: async_sessionmaker[AsyncSession], programme_id: int,
                      now: datetime) -> AsyncIterator[bytes]:
    """The whole export as one .xlsx (a sheet per file), built in a temporary file then sent in chunks."""
    path = await offload.run(_temporary)
    try:
        book = _Book(path)
        for table in TABLES:
            await offload.run(book.start, sheet_title(table.filename), [header for header, _ in table.columns])
            async for rows in table_rows(sessions, programme_id, table):
                await offload.run(book.add, rows)
        await offload.run(book.add_csv, await _figures(sessions, programme_id, now))
        await offload.run(book.save)
        del book
        with open(path, "rb") as file:
            while chunk := await offload.run(file.read, CHUNK):
                yield chunk
    finally:
        os.unlink(path)
