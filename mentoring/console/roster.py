"""The console's roster upload and invite sheet (issue #16): for the programme's coordinators only.

- `read_upload(filename, data)` turns an uploaded CSV or Excel (.xlsx) file into the
  sheet's lines of cells, or raises `UploadError` (too big, not CSV/.xlsx, unreadable).
  It is plain CPU work: the web adapter runs it off the event loop (mentoring/offload.py).
- `import_sheet` checks the lines whole with the roster rules the CLI uses
  (mentoring/joining/roster.py: every problem by line, `RosterError`; nothing is written
  when any line is bad) and creates one single-use invite per person (a person who already
  has a valid unused invite keeps it). Audited `console.roster` with counts only.
- `open_invites` is the sheet opened again later: every invite of the programme that was
  made for a named person and is still unused and valid (used invites need no paper; an
  expired one needs a new import). Audited `console.invites` when shown.

Coordinators of another programme, mentors and everyone else are refused
(`AccessDenied("console")`) before anything is read or written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import may_coordinate, require
from mentoring.i18n import N_
from mentoring.joining.invites import InviteStatus, invite_status
from mentoring.joining.roster import RosterInvite, check_rows, decode_roster, import_roster
from mentoring.joining.rules import MemberView
from storage.models import Group, Invite, Programme, Role

REFUSED = "console"
UPLOADED = "console.roster"
SHEET_VIEWED = "console.invites"
MAX_BYTES = 1_000_000
# A sheet printed from the console: a few hundred people at most (the CLI takes up to 5000).
MAX_ROWS = 500
VALID_DAYS = 30
XLSX_MAGIC = b"PK\x03\x04"

_UPLOAD_PROBLEMS = {
    "too_big": N_("The file is larger than {limit} KB. Split the sheet into smaller files."),
    "wrong_type": N_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    "unreadable": N_("The file could not be read as a CSV file or an Excel workbook (.xlsx)."),
    "empty_file": N_("Choose a file to upload."),
}


class UploadError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def message(self) -> str:
        """The msgid that explains it (translate, then format with `limit`)."""
        return _UPLOAD_PROBLEMS[self.code]


def read_upload(filename: str, data: bytes) -> list[list[str]]:
    """The uploaded sheet's lines of cells, header first (CSV or .xlsx, told by name and content)."""
    if not data:
        raise UploadError("empty_file")
    if len(data) > MAX_BYTES:
        raise UploadError("too_big")
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise UploadError("unreadable")
        return _xlsx_lines(data)
    if not name.endswith((".csv", ".txt")) or data.startswith(XLSX_MAGIC) or b"\x00" in data:
        raise UploadError("wrong_type")
    text = decode_roster(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        raise UploadError("unreadable") from None


def _xlsx_lines(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only when a workbook is uploaded
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise UploadError("unreadable") from None
    try:
        sheet = book.active
        if sheet is None:
            raise UploadError("unreadable")
        lines: list[list[str]] = []
        filled = 0
        for values in sheet.iter_rows(values_only=True):
            line = [_cell(value) for value in values]
            lines.append(line)
            filled += any(line)
            if filled > MAX_ROWS + 1:  # enough to say "too many rows"; the rest is not read
                break
        return lines
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class SheetEntry:
    """One person on the printed sheet."""

    name: str
    role: str  # Role value
    group: str | None
    code: str
    expires_at: datetime | None


@dataclass(frozen=True)
class InviteSheet:
    programme_id: int
    programme_name: str
    entries: tuple[SheetEntry, ...]
    created: int  # new invites (the rest were kept: the person already had one)


async def _programme(session: AsyncSession, person: MemberView, programme_id: int) -> Programme:
    require(may_coordinate(person, programme_id), REFUSED)
    found = await session.get(Programme, programme_id)
    require(found is not None, REFUSED)
    assert found is not None
    return found


async def roster_page(session: AsyncSession, person: MemberView, programme_id: int) -> tuple[int, str]:
    """The upload form's programme (id, name); refused unless the person coordinates it."""
    found = await _programme(session, person, programme_id)
    return found.id, found.name


async def import_sheet(session: AsyncSession, person: MemberView, programme_id: int, lines: list[list[str]],
                       now: datetime) -> InviteSheet:
    """Check the sheet whole and create its invites (RosterError: every problem by line, nothing written)."""
    programme = await _programme(session, person, programme_id)
    rows = check_rows(lines, max_rows=MAX_ROWS)
    invites = await import_roster(session, programme, rows, now, valid_for=timedelta(days=VALID_DAYS))
    created = sum(1 for item in invites if not item.reused)
    await audit.record(session, person.person_id, UPLOADED, details={
        "programme": programme.id, "invites": len(invites), "created": created}, now=now)
    return InviteSheet(programme.id, programme.name, tuple(_entry(item) for item in invites), created)


def _entry(item: RosterInvite) -> SheetEntry:
    return SheetEntry(item.row.name, item.row.role.value, item.row.group, item.code, item.expires_at)


async def open_invites(session: AsyncSession, person: MemberView, programme_id: int, now: datetime) -> InviteSheet:
    """The programme's unused, valid invites made for named people (at most MAX_ROWS), oldest first."""
    programme = await _programme(session, person, programme_id)
    found = (await session.execute(
        select(Invite, Group.name)
        .outerjoin(Group, Group.id == Invite.group_id)
        .where(Invite.programme_id == programme_id, Invite.invitee_name.is_not(None), Invite.use_count == 0,
               Invite.max_uses == 1, Invite.revoked_at.is_(None))
        .order_by(Invite.created_at, Invite.id)
    )).all()
    entries = [SheetEntry(invite.invitee_name or "", invite.role, group_name, invite.code, invite.expires_at)
               for invite, group_name in found if invite_status(invite, now) is InviteStatus.VALID][:MAX_ROWS]
    await audit.record(session, person.person_id, SHEET_VIEWED, details={
        "programme": programme.id, "invites": len(entries)}, now=now)
    return InviteSheet(programme.id, programme.name, tuple(entries), 0)


ROLE_WORDS = {
    Role.MENTEE.value: N_("Mentee"),
    Role.MENTOR.value: N_("Mentor"),
    Role.COORDINATOR.value: N_("Coordinator"),
}
