"""Roster sheets: reading what coordinators really save, and importing all-or-nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.joining.roster import (
    RosterError,
    decode_roster,
    describe_problem,
    import_roster,
    parse_roster,
)
from mentoring.programmes import ProgrammeSpec, create_programme
from storage.models import Group, Invite, Role
from tests.support.notice import give_notice

SHEET = """name,role,group,province
Ayşe Yılmaz,mentee,Nar 1,Ankara
Mehmet Kaya,menti,Nar 1,ankara
Elif Şahin,mentor,Nar 1,ANKARA
Zeynep Koç,koordinatör,,
"""


def test_turkish_headers_semicolons_and_windows_encoding_are_read() -> None:
    sheet = "Ad Soyad;Rol;Grup;İl\r\nİbrahim Çelik;Menti;Nar 2;İzmir\r\n"
    rows = parse_roster(decode_roster(sheet.encode("cp1254")))
    assert len(rows) == 1
    row = rows[0]
    assert (row.name, row.role, row.group, row.province) == ("İbrahim Çelik", Role.MENTEE, "Nar 2", "İzmir")


def test_bom_and_blank_lines_are_tolerated() -> None:
    rows = parse_roster(decode_roster(("\ufeff" + SHEET + "\n\n").encode("utf-8")))
    assert [r.role for r in rows] == [Role.MENTEE, Role.MENTEE, Role.MENTOR, Role.COORDINATOR]
    assert rows[3].group is None


def test_every_problem_is_reported_with_its_line() -> None:
    sheet = "name,role,group\n,mentee,Nar 1\nAli,chef,Nar 1\nVeli,mentee,\nAyşe,mentee,Nar 1\nayse,mentee,nar 1\n"
    with pytest.raises(RosterError) as caught:
        parse_roster(sheet)
    found = [(p.line, p.code) for p in caught.value.problems]
    assert found == [(2, "missing_name"), (3, "unknown_role"), (4, "missing_group"), (6, "duplicate_row")]
    tr = translator("tr")
    assert describe_problem(tr, caught.value.problems[1]) == (
        'Satır 3: Bilinmeyen rol "chef" (menti, mentor ya da koordinatör yazın).'
    )


def test_missing_columns_are_named() -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster("isim,il\nAli,Van\n")
    assert caught.value.problems[0].code == "missing_column"
    assert caught.value.problems[0].value == "role, group"


async def test_import_creates_groups_and_one_invite_each_and_is_repeatable(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar Taneleri"), clock.now())
        await give_notice(session, programme.id, clock.now())
        first = await import_roster(session, programme, parse_roster(SHEET), clock.now(), valid_for=None)
    assert len({item.code for item in first}) == 4 and not any(item.reused for item in first)
    async with sessions.begin() as session:
        again = await import_roster(session, programme, parse_roster(SHEET), clock.now(), valid_for=None)
        assert [item.code for item in again] == [item.code for item in first]
        assert all(item.reused for item in again)
        assert await session.scalar(select(func.count()).select_from(Invite)) == 4
        group = await session.scalar(select(Group))
        assert group is not None and group.name == "Nar 1" and group.province_id == 6  # Ankara
        invite = await session.scalar(select(Invite).where(Invite.invitee_name == "Ayşe Yılmaz"))
        assert invite is not None and invite.max_uses == 1 and invite.province_id == 6


async def test_an_unknown_province_imports_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar Taneleri"), clock.now())
    sheet = SHEET + "Can Ak,mentee,Nar 9,Atlantis\n"
    with pytest.raises(RosterError) as caught:
        async with sessions.begin() as session:
            await import_roster(session, programme, parse_roster(sheet), clock.now(), valid_for=None)
    assert [(p.line, p.code) for p in caught.value.problems] == [(6, "unknown_province")]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Invite)) == 0
        assert await session.scalar(select(func.count()).select_from(Group)) == 0


async def test_a_programme_without_a_start_date_starts_the_day_it_is_set_up(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    late_evening_utc = clock.now().replace(hour=22)  # already the next day in Istanbul
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar"), late_evening_utc)
    assert programme.starts_on == (late_evening_utc.date().fromordinal(late_evening_utc.date().toordinal() + 1))
