"""The console's roster upload and invite sheet through its ASGI app, on both databases.

A coordinator uploads CSV or .xlsx: checked whole (every problem by line, nothing created),
then the invites are created and a printable sheet shows each person's code, links and QR
codes for every configured channel; it opens again later with the programme's unused
invites. Mentors, another programme's coordinator and a form without its CSRF token get
403 and nothing is written; a wrong file type, a file too big or too many rows get a clear
error and nothing is written either.
"""

from __future__ import annotations

import io
import re

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.console.security import CSRF_FIELD
from mentoring.console import roster
from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.runtime import Services
from storage.models import Invite, Role
from storage.models.privacy import AuditEntry
from tests.support.console import csrf_of, logged_in, seed_with_notice

URL = "https://console.example"
CONFIG = ConsoleConfig(URL, "s" * 40, telegram_username="narbot_test_bot", whatsapp_number="+905551112233")

GOOD = """name,role,group,province
Ayşe Yılmaz,mentee,Nar 1,Ankara
Mehmet Kaya,menti,Nar 1,ankara
Elif Şahin,mentor,Nar 1,Ankara
"""
BAD = GOOD.replace("Mehmet Kaya,menti", "Mehmet Kaya,teacher")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



@pytest.fixture
async def world(sessions, clock):
    return await seed_with_notice(sessions, clock.now())


@pytest.fixture
async def client(sessions, clock):
    app = create_app(Services(sessions=sessions, clock=clock), CONFIG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
        yield client


async def invite_count(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Invite)) or 0)


async def actions(sessions) -> list[tuple[str, dict | None]]:
    async with sessions() as session:
        rows = await session.execute(select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id))
        return [tuple(row) for row in rows.all()]


async def upload(client, programme_id: int, name: str, data: bytes, csrf: str | None = None,
                 kind: str = "text/csv") -> httpx.Response:
    if csrf is None:
        csrf = csrf_of(await client.get(f"/programmes/{programme_id}/roster"))
    return await client.post(f"/programmes/{programme_id}/roster", data={CSRF_FIELD: csrf},
                             files={"roster": (name, data, kind)})


def workbook(lines: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_bad_line_imports_nothing_then_the_fixed_sheet_gives_a_printable_sheet(
        client, sessions, clock, world):
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    page = await client.get(f"/programmes/{programme}")
    assert f'href="/programmes/{programme}/roster"' in page.text
    form = await client.get(f"/programmes/{programme}/roster")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert '<label for="roster">' in form.text and 'id="roster"' in form.text

    before = await actions(sessions)
    refused = await upload(client, programme, "liste.csv", BAD.encode("utf-8"))
    assert refused.status_code == 400
    assert "Liste içe aktarılmadı; hiçbir şey değiştirilmedi:" in refused.text
    assert "Satır 3: Bilinmeyen rol &#34;teacher&#34;" in refused.text
    assert await invite_count(sessions) == 0 and await actions(sessions) == before

    sheet = await upload(client, programme, "liste.csv", GOOD.encode("cp1254"))
    assert sheet.status_code == 200, sheet.text
    async with sessions() as session:
        invites = list(await session.scalars(select(Invite).order_by(Invite.id)))
    assert [i.invitee_name for i in invites] == ["Ayşe Yılmaz", "Mehmet Kaya", "Elif Şahin"]
    assert all(i.max_uses == 1 and i.expires_at is not None for i in invites)
    text = sheet.text
    for invite in invites:
        assert f"https://t.me/narbot_test_bot?start={invite.code}" in text
        assert f"https://wa.me/905551112233?text={invite.code}" in text
        assert f"<code>{invite.code}</code>" in text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 6  # two channels, three people
    assert "Menti" in text and "Nar 1" in text and "3 davet hazır." in text and "@media" not in text
    assert "data-print" in text
    assert (await actions(sessions))[-1] == (roster.UPLOADED, {"programme": programme, "invites": 3, "created": 3})

    # The same sheet again keeps everyone's invite; the sheet opens again later.
    again = await upload(client, programme, "liste.csv", GOOD.encode("utf-8"))
    assert again.status_code == 200 and await invite_count(sessions) == 3
    assert "3 kişinin zaten geçerli bir daveti vardı" in again.text
    later = await client.get(f"/programmes/{programme}/invites")
    assert later.status_code == 200
    assert all(invite.code in later.text for invite in invites) and "Ayşe Yılmaz" in later.text
    assert (await actions(sessions))[-1] == (roster.SHEET_VIEWED, {"programme": programme, "invites": 3})
    css = await client.get("/static/console.css")
    assert "@media print" in css.text and (await client.get("/static/print.js")).status_code == 200


async def test_an_excel_workbook_is_read_and_its_problems_are_told_in_english(client, sessions, clock, world):
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    bad = workbook([["Name", "Role", "Group"], ["Ali Veli", "mentee", None], [None, "mentor", "Nar 2"]])
    refused = await upload(client, programme, "Roster.XLSX", bad, kind=XLSX)
    assert refused.status_code == 400
    assert "Line 2: Mentees and mentors need a group." in refused.text
    assert "Line 3: The name is empty." in refused.text and await invite_count(sessions) == 0
    good = workbook([["Name", "Role", "Group"], ["Ali Veli", "mentee", "Nar 2"], ["Kemal", "coordinator", None],
                     [12345, "mentor", "Nar 2"]])
    sheet = await upload(client, programme, "Roster.xlsx", good, kind=XLSX)
    assert sheet.status_code == 200 and "3 invites are ready." in sheet.text
    assert "Coordinator" in sheet.text and "12345" in sheet.text and await invite_count(sessions) == 3


@pytest.mark.parametrize(("name", "data", "message"), [
    ("roster.pdf", b"%PDF-1.7 ...", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    ("roster.csv", workbook([["name"]]), "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    ("roster.xlsx", b"PK\x03\x04not really a zip", "could not be read"),
    ("roster.csv", b"", "Choose a file to upload."),
    ("roster.csv", b"name,role,group\n" + b"x" * roster.MAX_BYTES, "The file is larger than 1000 KB."),
    ("roster.csv", ("name,role,group\n" + "".join(f"P{i},mentee,G\n" for i in range(roster.MAX_ROWS + 1))).encode(),
     f"Line {roster.MAX_ROWS + 2}: Too many rows; at most {roster.MAX_ROWS} people per sheet."),
])
async def test_a_wrong_file_gets_a_clear_error_and_nothing_is_written(
        client, sessions, clock, world, name, data, message):
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    before = await actions(sessions)
    answer = await upload(client, world.programme.id, name, data)
    assert answer.status_code == 400 and message in answer.text
    assert await invite_count(sessions) == 0 and await actions(sessions) == before


async def test_an_upload_far_over_the_limit_is_refused_unread(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    csrf = csrf_of(await client.get(f"/programmes/{world.programme.id}/roster"))
    answer = await upload(client, world.programme.id, "big.csv", b"x" * (roster.MAX_BYTES * 2), csrf)
    assert answer.status_code == 413 and "Dosya 1000 KB&#39;tan büyük." in answer.text  # read before the login
    assert await invite_count(sessions) == 0


@pytest.mark.parametrize("who", ["mark", "deniz", "olga"])  # mentors; the coordinator of another programme
async def test_only_the_programmes_coordinators_upload_or_see_the_sheet(client, sessions, clock, world, who):
    programme = world.programme.id
    async with sessions.begin() as session:  # an unused invite the sheet would show
        await create_invite(session, InviteSpec(Role.MENTEE, world.programme, world.group_a, "Gizli Kişi"),
                            clock.now())
    await logged_in(client, sessions, clock, world.people[who].person_id)
    home = await client.get("/home")
    before = await actions(sessions)
    assert (await client.get(f"/programmes/{programme}/roster")).status_code == 403
    sheet = await client.get(f"/programmes/{programme}/invites")
    assert sheet.status_code == 403 and "Gizli Kişi" not in sheet.text
    posted = await upload(client, programme, "liste.csv", GOOD.encode(), csrf_of(home))
    assert posted.status_code == 403
    assert await invite_count(sessions) == 1 and await actions(sessions) == before
    if who != "olga":
        page = await client.get(f"/programmes/{programme}")
        assert "/roster" not in page.text


async def test_an_upload_without_its_csrf_token_is_refused_and_writes_nothing(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    before = await actions(sessions)
    for csrf in ("", "forged"):
        answer = await upload(client, world.programme.id, "liste.csv", GOOD.encode(), csrf)
        assert answer.status_code == 403
    assert await invite_count(sessions) == 0 and await actions(sessions) == before


async def test_the_sheet_without_channels_says_what_to_set(sessions, clock, world):
    app = create_app(Services(sessions=sessions, clock=clock), ConsoleConfig(URL, "s" * 40))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
        await logged_in(client, sessions, clock, world.people["carol"].person_id)
        form = await client.get(f"/programmes/{world.programme.id}/roster")
        assert "WHATSAPP_DISPLAY_NUMBER" in form.text
        sheet = await upload(client, world.programme.id, "r.csv", GOOD.encode(), csrf_of(form))
        assert sheet.status_code == 200 and "<svg" not in sheet.text
        codes = re.findall(r"<code>(\w+)</code>", sheet.text)
        assert len(codes) == 3 and f"Send “/start {codes[0]}” to the bot." in sheet.text
