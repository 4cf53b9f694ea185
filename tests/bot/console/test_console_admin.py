"""Programmes and groups in the web console, through its ASGI app on both databases: create and edit
them, a group's rhythm, moving a person to another group, and the programme page's group list in pages.

Every form is checked whole (each problem next to its field, status 400, nothing written); a
mentee, a mentor of another group and a coordinator of another programme are refused (403) and
nothing is written; a form without its CSRF token is refused.
"""

from __future__ import annotations

import re
from datetime import date, time

import httpx
import pytest
from sqlalchemy import func, select

from bot.console.security import CSRF_FIELD
from mentoring.console import admin, moves, rhythm, views
from storage.models import (
    Group,
    GroupSchedule,
    Membership,
    OutboxMessage,
    Programme,
    Province,
    Role,
)
from storage.models.outbox_mentions import OutboxMention
from storage.models.peers import PeerPair
from storage.models.privacy import AuditEntry
from tests.support.console import csrf_of, logged_in
from tests.support.reporting import USER_IDS
from tests.support.sessions import make_member

TABLES = (Programme, Group, Membership, GroupSchedule, PeerPair, OutboxMessage, AuditEntry)


async def counts(sessions) -> dict[str, int]:
    """Rows in every table these pages may write, and the open pairs and memberships."""
    async with sessions() as session:
        found = {table.__tablename__: int(await session.scalar(select(func.count()).select_from(table)) or 0)
                 for table in TABLES}
        found["open memberships"] = int(await session.scalar(
            select(func.count(Membership.id)).where(Membership.left_at.is_(None))) or 0)
        found["open pairs"] = int(await session.scalar(
            select(func.count(PeerPair.id)).where(PeerPair.ended_at.is_(None))) or 0)
        return found


async def audit_actions(sessions) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def csrf(client: httpx.AsyncClient) -> str:
    return csrf_of(await client.get("/home"))


async def province_id(sessions, name: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(Province.id).where(Province.name == name)))


def problem_after(page: str, field: str) -> str:
    """The problem shown next to a field (the span the field's aria-describedby names)."""
    found = re.search(rf'id="{field}-problem">(.*?)</span>\s*$', page, re.M)
    assert found is not None, f"no problem next to {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("⚠", "").strip()


# ----------------------------------------------------------------------------- programmes


async def test_a_coordinator_creates_a_programme_and_coordinates_it(client, sessions, clock, world):
    koray = world.people["koray"]
    await logged_in(client, sessions, clock, koray.person_id)
    listed = await client.get("/programmes")
    assert 'href="/programmes/new"' in listed.text
    form = await client.get("/programmes/new")
    assert form.status_code == 200 and 'value="Europe/Istanbul"' in form.text
    assert '<label for="name">' in form.text and '<label for="starts_on">' in form.text
    token = csrf_of(form)
    before = await counts(sessions)

    bad = await client.post("/programmes/new", data={CSRF_FIELD: token, "name": "  ", "starts_on": "2027-02-01",
                                                     "ends_on": "2027-01-01", "timezone": "Mars/Olympus"})
    assert bad.status_code == 400
    assert problem_after(bad.text, "name") == "Lütfen bir ad girin."
    assert problem_after(bad.text, "ends_on") == "Son gün, ilk günden sonra olmalı."
    assert "Bilinmeyen saat dilimi" in problem_after(bad.text, "timezone")
    assert 'aria-invalid="true" aria-describedby="name-problem"' in bad.text
    assert 'value="Mars/Olympus"' in bad.text  # what was typed is kept
    taken = await client.post("/programmes/new", data={CSRF_FIELD: token, "name": "Nar Raporu",
                                                       "starts_on": "2027", "ends_on": "", "timezone": ""})
    assert taken.status_code == 400
    assert problem_after(taken.text, "name") == "Bu adla bir program zaten var."
    assert problem_after(taken.text, "starts_on") == "Lütfen tarihi 2026-09-07 gibi girin."
    assert await counts(sessions) == before

    made = await client.post("/programmes/new", data={CSRF_FIELD: token, "name": " Nar  2027 ",
                                                      "starts_on": "2027-01-04", "ends_on": "2027-06-27",
                                                      "timezone": "Europe/Istanbul"})
    assert made.status_code == 303
    async with sessions() as session:
        programme = await session.scalar(select(Programme).where(Programme.name == "Nar 2027"))
        assert programme is not None and (programme.starts_on, programme.ends_on) == (date(2027, 1, 4),
                                                                                        date(2027, 6, 27))
        role = await session.scalar(select(Membership).where(Membership.programme_id == programme.id))
        assert (role.person_id, role.role, role.group_id, role.left_at) == (koray.person_id, "coordinator",
                                                                             None, None)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == admin.PROGRAMME_CREATED))
        assert entry.details == {"programme": programme.id}
    assert made.headers["location"] == f"/programmes/{programme.id}"
    page = await client.get(f"/programmes/{programme.id}")
    assert page.status_code == 200 and "Nar 2027" in page.text and "Henüz grup yok." in page.text
    assert f'href="/programmes/{programme.id}/groups/new"' in page.text


async def test_a_programme_gets_a_new_name_and_dates(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    path = f"/programmes/{world.programme.id}/edit"
    form = await client.get(path)
    assert form.status_code == 200 and 'value="2026-09-07"' in form.text and "Europe/Istanbul" in form.text
    before = await counts(sessions)
    bad = await client.post(path, data={CSRF_FIELD: csrf_of(form), "name": "Başka Program",
                                        "starts_on": "2026-09-07", "ends_on": "2026-09-07"})
    assert bad.status_code == 400
    assert problem_after(bad.text, "name") == "A programme with this name already exists."
    assert problem_after(bad.text, "ends_on") == "The end must be after the start."
    assert await counts(sessions) == before
    done = await client.post(path, data={CSRF_FIELD: csrf_of(form), "name": "Nar Raporu 2026",
                                         "starts_on": "2026-09-14", "ends_on": "2027-04-04"})
    assert done.status_code == 303 and done.headers["location"] == f"/programmes/{world.programme.id}"
    async with sessions() as session:
        programme = await session.get(Programme, world.programme.id)
        assert (programme.name, programme.starts_on, programme.ends_on, programme.timezone) == (
            "Nar Raporu 2026", date(2026, 9, 14), date(2027, 4, 4), "Europe/Istanbul")
    assert (await audit_actions(sessions))[-1] == admin.PROGRAMME_CHANGED


# ----------------------------------------------------------------------------- groups


async def test_groups_are_created_renamed_and_moved_to_another_province(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    path = f"/programmes/{world.programme.id}/groups/new"
    form = await client.get(path)
    assert form.status_code == 200 and ">Kars</option>" in form.text and '<label for="province">' in form.text
    token = csrf_of(form)
    before = await counts(sessions)
    bad = await client.post(path, data={CSRF_FIELD: token, "name": "grup  a", "province": "999"})
    assert bad.status_code == 400
    assert problem_after(bad.text, "name") == "Bu programda bu adla bir grup zaten var."
    assert problem_after(bad.text, "province") == "Lütfen listeden bir il seçin."
    assert await counts(sessions) == before

    kars = await province_id(sessions, "Kars")
    made = await client.post(path, data={CSRF_FIELD: token, "name": "Grup C", "province": str(kars)})
    assert made.status_code == 303
    async with sessions() as session:
        group = await session.scalar(select(Group).where(Group.name == "Grup C"))
        assert (group.programme_id, group.province_id) == (world.programme.id, kars)
    assert made.headers["location"] == f"/groups/{group.id}"

    edit = f"/groups/{group.id}/edit"
    assert f'<option value="{kars}" selected>' in (await client.get(edit)).text
    taken = await client.post(edit, data={CSRF_FIELD: token, "name": "Grup B", "province": str(kars)})
    assert taken.status_code == 400 and 'value="Grup B"' in taken.text
    assert problem_after(taken.text, "name") == "Bu programda bu adla bir grup zaten var."
    izmir = await province_id(sessions, "İzmir")
    same = await client.post(edit, data={CSRF_FIELD: token, "name": "Grup Çınar", "province": str(izmir)})
    assert same.status_code == 303
    async with sessions() as session:
        group = await session.get(Group, group.id)
        assert (group.name, group.province_id) == ("Grup Çınar", izmir)
    assert (await audit_actions(sessions))[-2:] == [admin.GROUP_CREATED, admin.GROUP_CHANGED]


# ----------------------------------------------------------------------------- rhythm


async def test_a_mentor_sets_their_groups_rhythm_with_the_options_of_rhythm(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["mark"].person_id)
    path = f"/groups/{world.group_a.id}/rhythm"
    group = await client.get(f"/groups/{world.group_a.id}")
    assert f'href="{path}"' in group.text and "/edit" not in group.text  # a mentor: the rhythm only
    form = await client.get(path)
    assert form.status_code == 200 and '<label for="rd">Reflection day</label>' in form.text
    assert '<option value="1700"' in form.text and ">Off</option>" in form.text
    chosen = {code: re.search(rf'<select id="{code}".*?<option value="([^"]+)"[^>]*selected', form.text,
                              re.S).group(1) for code in rhythm.SETTINGS}
    before = await counts(sessions)
    bad = await client.post(path, data={CSRF_FIELD: csrf_of(form), **chosen, "rt": "0930", "ra": ""})
    assert bad.status_code == 400
    assert problem_after(bad.text, "rt") == "Please choose one of the options."
    assert problem_after(bad.text, "ra") == "Please choose one of the options."
    assert await counts(sessions) == before

    saved = await client.post(path, data={CSRF_FIELD: csrf_of(form), **chosen, "rd": "2", "rt": "1900",
                                          "rb": "off"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{path}?saved=1"
    async with sessions() as session:
        schedule = await session.get(GroupSchedule, world.group_a.id)
        assert (schedule.reflection_weekday, schedule.reflection_time, schedule.reminder_before_close_hours) == (
            2, time(19, 0), None)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == rhythm.RHYTHM_CHANGED))
        assert entry.details == {"group": world.group_a.id, "settings": ["rd", "rt", "rb"]}
    shown = await client.get(f"{path}?saved=1")
    assert "Saved. A window that has already opened stays as it was." in shown.text
    assert '<option value="1900" selected>' in shown.text


async def test_a_coordinator_sets_a_groups_rhythm_too(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    path = f"/groups/{world.group_b.id}/rhythm"
    form = await client.get(path)
    assert form.status_code == 200 and "Yansıtma günü" in form.text
    chosen = {code: re.search(rf'<select id="{code}".*?<option value="([^"]+)"[^>]*selected', form.text,
                              re.S).group(1) for code in rhythm.SETTINGS}
    assert (await client.post(path, data={CSRF_FIELD: csrf_of(form), **chosen, "co": "72"})).status_code == 303
    async with sessions() as session:
        assert (await session.get(GroupSchedule, world.group_b.id)).checkin_open_hours == 72


# ----------------------------------------------------------------------------- moving people


async def outbox(sessions) -> dict[int, OutboxMessage]:
    async with sessions() as session:
        return {row.person_id: row for row in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == moves.KIND))}


async def test_a_mentee_moves_to_another_group_their_pair_ends_and_everyone_is_told(client, sessions, clock,
                                                                                    world):
    ayse, john = world.people["ayse"].person_id, world.people["john"].person_id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    path = f"/groups/{world.group_a.id}/move"
    form = await client.get(path)
    assert form.status_code == 200 and f'id="person-{ayse}"' in form.text and "Grup B</option>" in form.text
    assert f'id="person-{world.people["zeynep"].person_id}"' in form.text  # mentors move too
    preview = await client.get(path, params={"person": ayse, "to": world.group_b.id})
    after = preview.text[preview.text.index('id="after"'):]
    # Grup A: 3 mentees -> 2 (both outside 4-6, read "<3"); Grup B: 1 mentee -> 2, 1 mentor.
    assert "Grup A" in after and "Grup B" in after and after.count("⚠") == 2
    assert after.count("&lt;3 menti (programda 4-6 menti öngörülüyor)") == 2
    assert "&lt;3 mentor (programda 2-3 mentor öngörülüyor)" in after
    assert (await counts(sessions))["open memberships"] == 10  # the preview moved nobody

    moved = await client.post(path, data={CSRF_FIELD: csrf_of(preview), "person": ayse,
                                          "to": world.group_b.id})
    assert moved.status_code == 303 and moved.headers["location"] == f"/groups/{world.group_b.id}"
    async with sessions() as session:
        rows = (await session.execute(select(Membership.group_id, Membership.left_at).where(
            Membership.person_id == ayse).order_by(Membership.id))).all()
        assert [tuple(row) for row in rows] == [(world.group_a.id, clock.now()), (world.group_b.id, None)]
        pair = await session.scalar(select(PeerPair))
        assert pair.ended_at == clock.now()
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == moves.PERSON_MOVED))
        assert entry.subject_person_id == ayse and entry.details == {
            "programme": world.programme.id, "from": world.group_a.id, "to": world.group_b.id, "pairs": [pair.id]}
        mentions = set((await session.execute(select(OutboxMention.person_id))).scalars().all())
    told = await outbox(sessions)
    people = world.people
    assert set(told) == {ayse, john, people["zeynep"].person_id, people["mark"].person_id,
                         people["deniz"].person_id}
    assert told[ayse].text.startswith("Artık Nar Raporu programının Grup B grubundasınız")
    assert "Grup A grubundaki eş düzey partner eşleşmeniz sona erdi" in told[ayse].text
    assert told[john].text.startswith("Your peer partner has moved to another group")
    assert told[people["mark"].person_id].text == "Ayse has moved from your group Grup A to group Grup B."
    assert told[people["deniz"].person_id].text == "Ayse, Grup B grubunuza katıldı (Grup A grubundan geldi)."
    assert mentions == {ayse}
    group_b = await client.get(f"/groups/{world.group_b.id}")
    assert "⚠" in group_b.text  # 2 mentees, 1 mentor: still outside the plan

    # Back to Grup A: the membership she had there opens again (one row per person, group and role).
    back = await client.post(f"/groups/{world.group_b.id}/move",
                             data={CSRF_FIELD: csrf_of(preview), "person": ayse, "to": world.group_a.id})
    assert back.status_code == 303
    async with sessions() as session:
        rows = (await session.execute(select(Membership.group_id, Membership.left_at).where(
            Membership.person_id == ayse).order_by(Membership.id))).all()
        assert [tuple(row) for row in rows] == [(world.group_a.id, None), (world.group_b.id, clock.now())]


async def test_a_move_with_problems_writes_nothing(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    async with sessions() as session:
        other_group = await session.scalar(select(Group.id).where(Group.name == "Grup X"))
    path = f"/groups/{world.group_a.id}/move"
    token = await csrf(client)
    before = await counts(sessions)
    cases = [
        ({"person": "", "to": str(world.group_b.id)}, {"person": "Lütfen bu grubun bir mentisini ya da mentorunu seçin."}),
        ({"person": str(world.people["elif"].person_id), "to": str(other_group)}, {
            "person": "Lütfen bu grubun bir mentisini ya da mentorunu seçin.",
            "to": "Lütfen bu programın başka bir grubunu seçin."}),
        ({"person": str(world.people["ayse"].person_id), "to": str(world.group_a.id)},
         {"to": "Lütfen bu programın başka bir grubunu seçin."}),
    ]
    for data, problems in cases:
        answer = await client.post(path, data={CSRF_FIELD: token, **data})
        assert answer.status_code == 400
        for field, words in problems.items():
            assert problem_after(answer.text, field) == words
    # A mentor of both groups cannot be moved into the one they are already in.
    await make_member(sessions, clock.now(), world.group_b, Role.MENTOR, USER_IDS["zeynep"], name="Zeynep")
    before = await counts(sessions)
    answer = await client.post(path, data={CSRF_FIELD: token, "person": str(world.people["zeynep"].person_id),
                                           "to": str(world.group_b.id)})
    assert answer.status_code == 400 and problem_after(answer.text, "to") == "Bu kişi zaten o grupta."
    assert await counts(sessions) == before


# ----------------------------------------------------------------------------- who may


def forms(world, other_group: int) -> list[tuple[str, str, dict[str, str]]]:
    a = world.group_a.id
    return [
        ("GET", f"/programmes/{world.programme.id}/edit", {}),
        ("POST", f"/programmes/{world.programme.id}/edit",
         {"name": "X", "starts_on": "2026-09-07", "ends_on": "2027-03-07"}),
        ("GET", f"/programmes/{world.programme.id}/groups/new", {}),
        ("POST", f"/programmes/{world.programme.id}/groups/new", {"name": "Grup Z", "province": "6"}),
        ("GET", f"/groups/{a}/edit", {}),
        ("POST", f"/groups/{a}/edit", {"name": "Grup Z", "province": "6"}),
        ("GET", f"/groups/{a}/move", {}),
        ("POST", f"/groups/{a}/move", {"person": str(world.people["ayse"].person_id), "to": str(world.group_b.id)}),
        ("GET", f"/groups/{a}/rhythm", {}),
        ("POST", f"/groups/{a}/rhythm", {"rd": "4", "rt": "1900", "ro": "48", "cd": "3", "ct": "1900", "co": "48",
                                         "ra": "24", "rb": "off"}),
    ]


@pytest.mark.parametrize("who", ["ayse", "deniz", "olga", "mark"])
async def test_others_are_refused_and_nothing_is_written(client, sessions, clock, world, who):
    async with sessions() as session:
        other_group = await session.scalar(select(Group).where(Group.name == "Grup X"))
    if who == "ayse":  # a mentee of Grup A, who mentors in another programme (so she may log in)
        await make_member(sessions, clock.now(), other_group, Role.MENTOR, USER_IDS["ayse"], name="Ayse")
    await logged_in(client, sessions, clock, world.people[who].person_id)
    token = await csrf(client)
    before = await counts(sessions)
    for method, path, data in forms(world, other_group.id):
        if who == "mark" and path.endswith("/rhythm"):
            continue  # Grup A's mentor sets its rhythm (tested above)
        answer = await (client.get(path) if method == "GET" else client.post(path, data={CSRF_FIELD: token, **data}))
        assert answer.status_code == 403, (who, method, path)
        assert "Ayse" not in answer.text
    if who != "olga":  # only those who coordinate a programme create one
        assert (await client.get("/programmes/new")).status_code == 403
        answer = await client.post("/programmes/new", data={CSRF_FIELD: token, "name": "Yeni", "starts_on":
                                                             "2027-01-04", "ends_on": "2027-06-27", "timezone": ""})
        assert answer.status_code == 403
    assert await counts(sessions) == before


async def test_a_form_without_its_csrf_token_is_refused(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    before = await counts(sessions)
    for method, path, data in forms(world, 0):
        if method == "POST":
            assert (await client.post(path, data=data)).status_code == 403
            assert (await client.post(path, data={CSRF_FIELD: "forged", **data})).status_code == 403
    answer = await client.post("/programmes/new", data={"name": "Yeni", "starts_on": "2027-01-04",
                                                        "ends_on": "2027-06-27", "timezone": ""})
    assert answer.status_code == 403
    assert await counts(sessions) == before


# ----------------------------------------------------------------------------- the group list in pages


@pytest.fixture
async def big(sessions, clock, world):
    """120 more groups in the programme, alternately in Ankara and Kars; one named "Çınar Evi"."""
    ankara, kars = await province_id(sessions, "Ankara"), await province_id(sessions, "Kars")
    async with sessions.begin() as session:
        session.add_all(Group(programme_id=world.programme.id, name="Çınar Evi" if i == 77 else f"Küme {i:03d}",
                              province_id=ankara if i % 2 else kars, created_at=clock.now())
                        for i in range(1, 121))
    return world


def listed(page: httpx.Response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/groups/\d+">([^<]+)</a>', page.text)


async def test_the_group_list_comes_in_pages_with_a_filter_and_a_search(client, sessions, clock, big):
    await logged_in(client, sessions, clock, big.people["koray"].person_id)
    path = f"/programmes/{big.programme.id}"
    first = await client.get(path)
    assert first.status_code == 200
    assert len(listed(first)) == views.GROUPS_PER_PAGE and listed(first)[:3] == ["Grup A", "Grup B", "Küme 001"]
    assert "122 grup · sayfa 1 / 3" in first.text and f'href="{path}?page=2" rel="next"' in first.text
    assert '<label for="province">' in first.text and '<label for="find">' in first.text
    last = await client.get(path, params={"page": 3})
    assert len(listed(last)) == 22 and listed(last)[-1] == "Küme 120" and 'rel="next"' not in last.text
    assert (await client.get(path, params={"page": 99})).text.count('<th scope="row">') == 22  # the last page

    kars = await province_id(sessions, "Kars")
    in_kars = await client.get(path, params={"province": kars})
    assert listed(in_kars)[0] == "Küme 002" and "60 grup · sayfa 1 / 2" in in_kars.text
    assert f'href="{path}?page=2&amp;province={kars}"' in in_kars.text
    assert len(listed(await client.get(path, params={"province": kars, "page": 2}))) == 10

    assert listed(await client.get(path, params={"find": "CINAR"})) == ["Çınar Evi"]
    found = await client.get(path, params={"find": "küme 11"})
    assert listed(found) == [f"Küme {i}" for i in range(110, 120)] and "10 grup · sayfa 1 / 1" in found.text
    both = await client.get(path, params={"find": "küme 11", "province": kars})
    assert listed(both) == [f"Küme {i}" for i in range(110, 120, 2)]
    none = await client.get(path, params={"find": "yok böyle"})
    assert listed(none) == [] and "Eşleşen grup yok." in none.text


async def test_a_mentor_sees_only_their_group_in_the_list(client, sessions, clock, big):
    await logged_in(client, sessions, clock, big.people["mark"].person_id)
    page = await client.get(f"/programmes/{big.programme.id}", params={"find": "grup"})
    assert listed(page) == ["Grup A"]
    assert listed(await client.get(f"/programmes/{big.programme.id}")) == ["Grup A"]
