"""A programme's open invites in the console, and withdrawing them, on both databases.

The coordinators see every invite that can still be used (used-up, expired and withdrawn
ones are not listed), 50 a page, with the invitee's name and times in their own zone; they
withdraw one invite or every open invite of a group (CSRF, audited with ids only). Mentors,
mentees, another programme's coordinator and a form without its CSRF token get 403 and
nothing is written. A withdrawn invite's link is then refused by the bot's /start (and its
consent step) with the invalid-invite answer, and joins nobody.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from bot.console.app import create_app
from bot.console.security import CSRF_FIELD
from mentoring.console import invites
from mentoring.runtime import Services
from storage.models import ChannelIdentity, Group, Invite, Membership, Person, Role
from tests.bot.console.test_console_roster import CONFIG, URL, actions
from tests.support.console import csrf_of, log_in, logged_in, seed_with_notice, token_for
from tests.support.privacy import AGREE

WITHDRAWN_TR = "Bu davet geri çekilmiş."


@pytest.fixture
async def world(sessions, clock):
    return await seed_with_notice(sessions, clock.now())


@pytest.fixture
async def client(sessions, clock):
    app = create_app(Services(sessions=sessions, clock=clock), CONFIG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
        yield client


def invite(world, now, code: str, name: str | None, *, group="a", role=Role.MENTEE, max_uses: int | None = 1,
           used: int = 0, expires_in: timedelta | None = timedelta(days=30), revoked: bool = False,
           programme=None) -> Invite:
    group_id = {"a": world.group_a.id, "b": world.group_b.id, None: None}[group]
    return Invite(code=code, role=role.value, programme_id=(programme or world.programme).id, group_id=group_id,
                  invitee_name=name, max_uses=max_uses, use_count=used,
                  expires_at=now + expires_in if expires_in is not None else None,
                  revoked_at=now if revoked else None, created_at=now)


async def seed_invites(sessions, world, now) -> dict[str, int]:
    """Four open invites (two of Grup A, Grup B's shared link, a coordinator's) and four that are not."""
    other_group = await _other_group(sessions, world)
    rows = {
        "open_a": invite(world, now, "opena00001", "Aday Ayşe"),
        "shared_a": invite(world, now, "shareda001", None, max_uses=None, used=3, expires_in=None),
        "open_b": invite(world, now, "openb00001", "Aday Bora", group="b", role=Role.MENTOR),
        "coordinator": invite(world, now, "coord00001", "Aday Cem", group=None, role=Role.COORDINATOR),
        "used": invite(world, now, "used000001", "Kullanmış Kişi", used=1),
        "expired": invite(world, now - timedelta(days=40), "expired001", "Süresi Geçmiş"),
        "revoked": invite(world, now, "revoked001", "Geri Alınmış", revoked=True),
        "other": Invite(code="other00001", role=Role.MENTEE.value, programme_id=world.other.id,
                        group_id=other_group, invitee_name="Başka Kişi", max_uses=1, use_count=0,
                        expires_at=now + timedelta(days=30), created_at=now),
    }
    async with sessions.begin() as session:
        session.add_all(rows.values())
        await session.flush()
        return {key: row.id for key, row in rows.items()}


async def _other_group(sessions, world) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Group.id).where(Group.programme_id == world.other.id))
    assert found is not None
    return found


async def revoked_codes(sessions) -> set[str]:
    async with sessions() as session:
        return set(await session.scalars(select(Invite.code).where(Invite.revoked_at.is_not(None))))


def open_page(world) -> str:
    return f"/programmes/{world.programme.id}/invites/open"


async def test_the_coordinator_sees_only_the_open_invites_with_names_and_times_in_their_zone(
        client, sessions, clock, world):
    await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    assert f'href="/programmes/{programme}/invites/open"' in (await client.get(f"/programmes/{programme}")).text
    page = await client.get(open_page(world))
    assert page.status_code == 200, page.text
    text = page.text
    assert "Açık davetler: Nar Raporu" in text and "4 açık davet" in text
    for shown in ("Aday Ayşe", "Aday Bora", "Aday Cem", "Ortak bağlantı", "3 (sınırsız)", "0/1", "Grup B",
                  "Koordinatör", "süresiz"):
        assert shown in text, shown
    for hidden in ("Kullanmış Kişi", "Süresi Geçmiş", "Geri Alınmış", "Başka Kişi"):
        assert hidden not in text, hidden
    assert "09:00" in text and "06:00" not in text  # made at 06:00 UTC: 09:00 in Istanbul
    assert text.count("/revoke\"") == 4 and text.count(f'name="{CSRF_FIELD}"') == 6  # rows, group form, logout
    assert '<label for="group">' in text and "Grup A (2 açık davet)" in text and "Grup B (1 açık davet)" in text
    assert (await actions(sessions))[-1] == (invites.VIEWED, {"programme": programme, "page": 1, "invites": 4,
                                                              "named": 3})


async def test_fifty_invites_a_page(client, sessions, clock, world):
    now = clock.now()
    async with sessions.begin() as session:
        session.add_all(invite(world, now + timedelta(minutes=i), f"page{i:06d}", f"Kişi {i:03d}")
                        for i in range(120))
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    first = await client.get(open_page(world))
    assert first.status_code == 200 and "120 open invites" in first.text and "list page 1 of 3" in first.text
    assert first.text.count("/revoke\"") == 50 and "Kişi 000" in first.text and "Kişi 050" not in first.text
    assert "Later invites" in first.text and "Earlier invites" not in first.text
    last = await client.get(open_page(world) + "?page=3")
    assert last.text.count("/revoke\"") == 20 and "Kişi 119" in last.text and "Kişi 099" not in last.text
    assert "Earlier invites" in last.text and "Later invites" not in last.text
    beyond = await client.get(open_page(world) + "?page=9")
    assert "list page 3 of 3" in beyond.text


async def test_withdrawing_one_invite(client, sessions, clock, world):
    ids = await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    csrf = csrf_of(await client.get(open_page(world)))
    answer = await client.post(f"/programmes/{programme}/invites/{ids['open_a']}/revoke",
                               data={CSRF_FIELD: csrf, "page": "1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/programmes/{programme}/invites/open?page=1&withdrawn=1"
    assert await revoked_codes(sessions) == {"revoked001", "opena00001"}
    async with sessions() as session:
        assert (await session.get(Invite, ids["open_a"])).revoked_at == clock.now()
    assert (await actions(sessions))[-1] == (invites.REVOKED, {"programme": programme, "invite": ids["open_a"]})
    after = await client.get(answer.headers["location"])
    assert "1 invite was withdrawn." in after.text and "Aday Ayşe" not in after.text and "3 open invites" in after.text

    # Again (two tabs, a double press): nothing changes and nothing more is audited.
    before = await actions(sessions)
    again = await client.post(f"/programmes/{programme}/invites/{ids['open_a']}/revoke", data={CSRF_FIELD: csrf})
    assert again.headers["location"].endswith("withdrawn=0")
    assert (await actions(sessions)) == before
    shown = await client.get(again.headers["location"])
    assert "Nothing was withdrawn: the invite was no longer open." in shown.text
    # A used-up invite is no longer open either.
    used = await client.post(f"/programmes/{programme}/invites/{ids['used']}/revoke", data={CSRF_FIELD: csrf})
    assert used.headers["location"].endswith("withdrawn=0") and "used000001" not in await revoked_codes(sessions)


async def test_withdrawing_every_open_invite_of_a_group(client, sessions, clock, world):
    await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    csrf = csrf_of(await client.get(open_page(world)))
    answer = await client.post(f"/programmes/{programme}/invites/revoke-group",
                               data={CSRF_FIELD: csrf, "group": str(world.group_a.id)})
    assert answer.status_code == 303 and answer.headers["location"].endswith("withdrawn=2")
    # Grup A's personal invite and shared link; not its used-up invite, not Grup B's, not the coordinator's.
    assert await revoked_codes(sessions) == {"revoked001", "opena00001", "shareda001"}
    assert (await actions(sessions))[-1] == (invites.REVOKED, {"programme": programme, "group": world.group_a.id,
                                                               "invites": 2})
    after = await client.get(answer.headers["location"])
    assert "2 davet geri alındı." in after.text and "Grup A (" not in after.text
    assert "Aday Bora" in after.text and "Aday Cem" in after.text


@pytest.mark.parametrize("who", ["mark", "deniz", "olga"])  # a mentor of the group; of another; another programme
async def test_others_are_refused_and_nothing_is_written(client, sessions, clock, world, who):
    ids = await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people[who].person_id)
    csrf = csrf_of(await client.get("/home"))
    before = await actions(sessions)
    page = await client.get(open_page(world))
    assert page.status_code == 403 and "Aday Ayşe" not in page.text
    one = await client.post(f"/programmes/{programme}/invites/{ids['open_a']}/revoke", data={CSRF_FIELD: csrf})
    group = await client.post(f"/programmes/{programme}/invites/revoke-group",
                              data={CSRF_FIELD: csrf, "group": str(world.group_a.id)})
    assert one.status_code == 403 and group.status_code == 403
    assert await revoked_codes(sessions) == {"revoked001"} and await actions(sessions) == before


async def test_a_mentee_gets_no_page_and_withdraws_nothing(client, sessions, clock, world):
    ids = await seed_invites(sessions, world, clock.now())
    before = await actions(sessions)
    refused = await log_in(client, await token_for(sessions, clock, world.people["ayse"].person_id))
    assert refused.status_code == 403
    assert (await client.get(open_page(world))).status_code == 401
    posted = await client.post(f"/programmes/{world.programme.id}/invites/{ids['open_a']}/revoke",
                               data={CSRF_FIELD: "forged"})
    assert posted.status_code == 403
    assert await revoked_codes(sessions) == {"revoked001"} and await actions(sessions) == before


async def test_another_programmes_invite_or_group_cannot_be_withdrawn_through_this_one(
        client, sessions, clock, world):
    ids = await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    csrf = csrf_of(await client.get(open_page(world)))
    before = await actions(sessions)
    one = await client.post(f"/programmes/{programme}/invites/{ids['other']}/revoke", data={CSRF_FIELD: csrf})
    group = await client.post(f"/programmes/{programme}/invites/revoke-group",
                              data={CSRF_FIELD: csrf, "group": str(await _other_group(sessions, world))})
    forged = await client.post(f"/programmes/{programme}/invites/revoke-group", data={CSRF_FIELD: csrf, "group": "x"})
    # Koray does not coordinate the other programme either.
    theirs = await client.post(f"/programmes/{world.other.id}/invites/{ids['other']}/revoke",
                               data={CSRF_FIELD: csrf})
    assert [one.status_code, group.status_code, forged.status_code, theirs.status_code] == [403] * 4
    assert await revoked_codes(sessions) == {"revoked001"} and await actions(sessions) == before


async def test_a_form_without_its_csrf_token_withdraws_nothing(client, sessions, clock, world):
    ids = await seed_invites(sessions, world, clock.now())
    programme = world.programme.id
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    before = await actions(sessions)
    one = await client.post(f"/programmes/{programme}/invites/{ids['open_a']}/revoke", data={"page": "1"})
    group = await client.post(f"/programmes/{programme}/invites/revoke-group",
                              data={CSRF_FIELD: "not-the-token", "group": str(world.group_a.id)})
    assert one.status_code == 403 and group.status_code == 403
    assert await revoked_codes(sessions) == {"revoked001"} and await actions(sessions) == before


async def people_counts(sessions) -> tuple[int, int, int]:
    async with sessions() as session:
        return (int(await session.scalar(select(func.count()).select_from(Person)) or 0),
                int(await session.scalar(select(func.count()).select_from(Membership)) or 0),
                int(await session.scalar(select(func.count()).select_from(ChannelIdentity)) or 0))


async def test_a_withdrawn_invite_is_refused_by_the_bot_and_joins_nobody(user, app_sessions, clock):
    """Withdrawn in the console, then /start with its code; and one withdrawn between /start and consent."""
    world = await seed_with_notice(app_sessions, clock.now())
    ids = await seed_invites(app_sessions, world, clock.now())
    app = create_app(Services(sessions=app_sessions, clock=clock), CONFIG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
        await logged_in(client, app_sessions, clock, world.people["koray"].person_id)
        csrf = csrf_of(await client.get(open_page(world)))
        withdraw = await client.post(f"/programmes/{world.programme.id}/invites/{ids['open_a']}/revoke",
                                     data={CSRF_FIELD: csrf})
        assert withdraw.status_code == 303
        before = await people_counts(app_sessions)

        await user.send("/start opena00001")
        assert WITHDRAWN_TR in user.last_text() and "Hiçbir bilgi kaydedilmedi" in user.last_text()
        assert await people_counts(app_sessions) == before

        # Opened while still open, withdrawn before the notice was confirmed.
        await user.send("/start openb00001")
        await user.press("Türkçe")
        group = await client.post(f"/programmes/{world.programme.id}/invites/revoke-group",
                                  data={CSRF_FIELD: csrf, "group": str(world.group_b.id)})
        assert group.headers["location"].endswith("withdrawn=1")
        await user.press(AGREE["Türkçe"])
        assert sum(WITHDRAWN_TR in text for text in user.texts()) == 2, user.texts()[-3:]
        assert await people_counts(app_sessions) == before
    async with app_sessions() as session:
        assert await session.scalar(select(ChannelIdentity).where(ChannelIdentity.external_user_id == "5001")) is None
