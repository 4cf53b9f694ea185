"""Importing a roster: one personal invite per person on a coordinator's CSV sheet.

The sheet is checked whole before anything is written: a roster with one bad
row imports nothing, and the answer lists every problem with its line number.
Importing the same sheet again gives the same people their existing, still
valid invites instead of new ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator
from mentoring.joining.invites import InviteSpec, InviteStatus, create_invite, invite_status
from mentoring.programmes import find_province, get_or_create_group
from mentoring.text import search_key
from storage.models import Invite, Programme, Role

# Accepted header names (folded with search_key), English and Turkish.
_HEADERS = {
    "name": {"name", "full name", "ad", "ad soyad", "adi soyadi", "isim"},
    "role": {"role", "rol", "gorev"},
    "group": {"group", "grup", "group name", "grup adi"},
    "province": {"province", "il", "sehir", "city"},
}
_ROLES = {
    "mentee": Role.MENTEE, "menti": Role.MENTEE, "bakim elemani": Role.MENTEE,
    "grup uyesi": Role.MENTEE,
    "mentor": Role.MENTOR, "meslek elemani": Role.MENTOR,
    "coordinator": Role.COORDINATOR, "koordinator": Role.COORDINATOR,
}
MAX_ROWS = 5000


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    role: Role
    group: str | None
    province: str | None


@dataclass(frozen=True)
class RosterProblem:
    line: int
    code: str  # e.g. "missing_name", "unknown_role", "unknown_province"
    value: str = ""


class RosterError(Exception):
    def __init__(self, problems: list[RosterProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the roster")
        self.problems = problems


@dataclass(frozen=True)
class RosterInvite:
    row: RosterRow
    code: str
    expires_at: datetime | None
    reused: bool


def decode_roster(data: bytes) -> str:
    """Spreadsheets save as UTF-8 (with or without BOM) or, on Turkish Windows, cp1254."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1254")


def parse_roster(text: str, *, max_rows: int = MAX_ROWS) -> list[RosterRow]:
    """Read and check a CSV sheet; raise RosterError listing every problem."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return check_rows(csv.reader(io.StringIO(text), dialect), max_rows=max_rows)


def check_rows(lines: Iterable[list[str]], *, max_rows: int = MAX_ROWS) -> list[RosterRow]:
    """Check a sheet given as its lines of cells (a CSV file's or a spreadsheet's), header first;
    raise RosterError listing every problem, with its line number (the header is line 1)."""
    reader = iter(lines)
    header = next(reader, None)
    if header is None:
        raise RosterError([RosterProblem(1, "empty")])
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = search_key(title)
        for field, names in _HEADERS.items():
            if key in names:
                columns[field] = index
    missing = [field for field in ("name", "role", "group") if field not in columns]
    if missing:
        raise RosterError([RosterProblem(1, "missing_column", ", ".join(missing))])

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return " ".join(row[index].split()) if index is not None and index < len(row) else ""

    rows: list[RosterRow] = []
    problems: list[RosterProblem] = []
    seen: dict[tuple[str, Role, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        if not any(value.strip() for value in raw):
            continue
        if len(rows) >= max_rows:
            problems.append(RosterProblem(line, "too_many_rows", str(max_rows)))
            break
        name, role_text, group = cell(raw, "name"), cell(raw, "role"), cell(raw, "group")
        province = cell(raw, "province") or None
        role = _ROLES.get(search_key(role_text))
        if not name:
            problems.append(RosterProblem(line, "missing_name"))
        elif len(name) > 200:
            problems.append(RosterProblem(line, "name_too_long"))
        if role is None:
            problems.append(RosterProblem(line, "unknown_role", role_text))
        elif role is not Role.COORDINATOR and not group:
            problems.append(RosterProblem(line, "missing_group"))
        if role is None or not name:
            continue
        key = (search_key(name), role, search_key(group))
        if key in seen:
            problems.append(RosterProblem(line, "duplicate_row", str(seen[key])))
            continue
        seen[key] = line
        rows.append(RosterRow(line, name, role, group if role is not Role.COORDINATOR else None, province))
    if not rows and not problems:
        problems.append(RosterProblem(1, "empty"))
    if problems:
        raise RosterError(problems)
    return rows


async def import_roster(
    session: AsyncSession,
    programme: Programme,
    rows: list[RosterRow],
    now: datetime,
    *,
    valid_for: timedelta | None,
) -> list[RosterInvite]:
    """Create the groups the sheet names and one single-use invite per person.

    The caller's transaction makes this all-or-nothing.
    """
    problems: list[RosterProblem] = []
    for row in rows:
        if row.province:
            try:
                await find_province(session, row.province)
            except DomainError:
                problems.append(RosterProblem(row.line, "unknown_province", row.province))
    if problems:
        raise RosterError(problems)

    pending = await _unused_invites(session, programme.id, now)
    result: list[RosterInvite] = []
    for row in rows:
        group = (
            await get_or_create_group(session, programme, row.group, now, province=row.province)
            if row.group
            else None
        )
        province_id = (await find_province(session, row.province)).id if row.province else None
        previous = pending.get((search_key(row.name), row.role.value, group.id if group else None))
        if previous is not None:
            result.append(RosterInvite(row, previous.code, previous.expires_at, reused=True))
            continue
        invite = await create_invite(
            session,
            InviteSpec(
                role=row.role, programme=programme, group=group, invitee_name=row.name,
                province_id=province_id, max_uses=1, valid_for=valid_for,
            ),
            now,
        )
        result.append(RosterInvite(row, invite.code, invite.expires_at, reused=False))
    return result


async def _unused_invites(
    session: AsyncSession, programme_id: int, now: datetime
) -> dict[tuple[str, str, int | None], Invite]:
    invites = await session.scalars(
        select(Invite).where(
            Invite.programme_id == programme_id,
            Invite.invitee_name.is_not(None),
            Invite.use_count == 0,
        )
    )
    return {
        (search_key(invite.invitee_name or ""), invite.role, invite.group_id): invite
        for invite in invites
        if invite_status(invite, now) is InviteStatus.VALID
    }


def write_roster(
    invites: list[RosterInvite], links: list[str], expires: list[str], whatsapp_links: list[str] | None = None
) -> str:
    """The sheet again, with each person's invite code and link added (and a WhatsApp link when given)."""
    out = io.StringIO()
    writer = csv.writer(out)
    extra = ["whatsapp_link"] if whatsapp_links is not None else []
    writer.writerow(["name", "role", "group", "province", "invite_code", "invite_link", *extra, "expires"])
    for index, (item, link, expiry) in enumerate(zip(invites, links, expires, strict=True)):
        row = item.row
        more = [whatsapp_links[index]] if whatsapp_links is not None else []
        writer.writerow([row.name, row.role.value, row.group or "", row.province or "", item.code, link, *more, expiry])
    return out.getvalue()


_PROBLEMS = {
    "empty": N_("The sheet has no people in it."),
    "missing_column": N_("The header row lacks the column(s): {value}. Expected: name, role, group, province."),
    "too_many_rows": N_("Too many rows; at most {value} people per sheet."),
    "missing_name": N_("The name is empty."),
    "name_too_long": N_("The name is longer than 200 characters."),
    "unknown_role": N_("Unknown role \"{value}\" (use mentee, mentor or coordinator)."),
    "missing_group": N_("Mentees and mentors need a group."),
    "duplicate_row": N_("The same person is already on line {value}."),
    "unknown_province": N_("Unknown province: {value}."),
}


def describe_problem(tr: Translator, problem: RosterProblem) -> str:
    text = tr.gettext(_PROBLEMS[problem.code]).format(value=problem.value)
    return tr.gettext("Line {line}: {problem}").format(line=problem.line, problem=text)
