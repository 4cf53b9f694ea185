"""The web console through its ASGI app (httpx's ASGI transport), on both databases.

Login by a one-time link (GET never uses it; "Continue" with CSRF does, once, within
ten minutes), the signed session, logout, every page and every access rule: a mentee,
a mentor of another group and a coordinator of another programme get 403 and nothing
is written; what is allowed is audited.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.console.security import CSRF_FIELD, LOGIN_CSRF_COOKIE, SESSION_COOKIE
from mentoring.console import logins, views
from storage.models.console import ConsoleLogin
from storage.models.privacy import AuditEntry
from tests.support.console import audit_rows, csrf_of, log_in, logged_in, token_for
from tests.support.reporting import SECRET


async def login_rows(sessions) -> list[ConsoleLogin]:
    async with sessions() as session:
        return list(await session.scalars(select(ConsoleLogin).order_by(ConsoleLogin.id)))


async def test_a_coordinator_logs_in_with_continue_and_sees_the_programme_as_figures(
        client, sessions, clock, world):
    koray = world.people["koray"]
    token = await token_for(sessions, clock, koray.person_id)
    page = await client.get(f"/login/{token}")
    assert page.status_code == 200 and "Devam et" in page.text and '<html lang="tr">' in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    assert (await login_rows(sessions))[0].used_at is None  # opening the page used nothing
    pressed = await client.post(f"/login/{token}", data={CSRF_FIELD: csrf_of(page)})
    assert pressed.status_code == 303 and pressed.headers["location"] == "../home"
    cookie = next(value for value in pressed.headers.get_list("set-cookie") if value.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie and "Max-Age=3600" in cookie
    [row] = await login_rows(sessions)
    assert row.used_at == clock.now() and row.token_hash == logins.token_hash(token) and token not in row.token_hash
    assert await audit_rows(sessions) == [(logins.LOGIN, {"login": row.id})]

    home = await client.get("/home")
    assert home.status_code == 200
    assert "Merhaba Koray!" in home.text and "Koordinatörü olduğunuz programlar" in home.text
    assert f'href="/programmes/{world.programme.id}"' in home.text and "Başka Program" not in home.text

    programme = await client.get(f"/programmes/{world.programme.id}")
    assert programme.status_code == 200
    text = programme.text
    assert "Grup A" in text and "Grup B" in text and "Grup X" not in text
    # Grup A: 3 mentees (outside 4-6), 2 mentors; Grup B: 1 and 1, counts under 3 read "&lt;3".
    assert "⚠" in text and "3 menti" in text and "&lt;3" in text and SECRET not in text
    group = await client.get(f"/groups/{world.group_a.id}")
    assert group.status_code == 200 and "Sıradaki grup mentorluk görüşmeleri" in group.text
    assert "Salon" not in group.text  # coordinators see figures: not even a session's place
    assert [action for action, _ in await audit_rows(sessions)] == [
        logins.LOGIN, views.PROGRAMME_VIEWED, views.GROUP_VIEWED]


async def test_a_mentor_sees_only_their_own_group_in_their_language(client, sessions, clock, world):
    mark = world.people["mark"]
    await logged_in(client, sessions, clock, mark.person_id)
    home = await client.get("/home")
    assert '<html lang="en">' in home.text and "Groups you mentor" in home.text and "Grup A" in home.text
    assert "Grup B" not in home.text and "Programmes you coordinate" not in home.text
    programme = await client.get(f"/programmes/{world.programme.id}")
    assert programme.status_code == 200 and "Grup A" in programme.text and "Grup B" not in programme.text
    group = await client.get(f"/groups/{world.group_a.id}")
    assert group.status_code == 200
    assert "Salon" in group.text and "Members" in group.text and ">5<" in group.text  # 3 mentees + 2 mentors
    assert "3 mentees (the programme plans 4-6)" in group.text
    listed = await client.get("/programmes")
    assert listed.status_code == 200 and "you mentor a group in it" in listed.text


@pytest.mark.parametrize(("who", "page"), [
    ("deniz", "group_a"),     # the mentor of another group
    ("olga", "group_a"),      # the coordinator of another programme
    ("olga", "programme"),
    ("mark", "other"),        # a mentor, in a programme where they mentor nothing
])
async def test_pages_of_others_are_refused_and_nothing_is_written(client, sessions, clock, world, who, page):
    await logged_in(client, sessions, clock, world.people[who].person_id)
    before = await audit_rows(sessions)
    path = {"group_a": f"/groups/{world.group_a.id}", "programme": f"/programmes/{world.programme.id}",
            "other": f"/programmes/{world.other.id}"}[page]
    answer = await client.get(path)
    assert answer.status_code == 403 and "Grup A" not in answer.text
    assert await audit_rows(sessions) == before


async def test_a_mentee_is_not_logged_in_and_nothing_is_written(client, sessions, clock, world):
    token = await token_for(sessions, clock, world.people["ayse"].person_id)
    answer = await log_in(client, token)
    assert answer.status_code == 403 and SESSION_COOKIE not in answer.cookies
    assert (await login_rows(sessions))[0].used_at is None and await audit_rows(sessions) == []
    assert (await client.get("/home")).status_code == 401


async def test_a_link_works_once_and_only_for_ten_minutes(client, sessions, clock, world):
    koray = world.people["koray"].person_id
    token = await token_for(sessions, clock, koray)
    page = await client.get(f"/login/{token}")
    csrf = csrf_of(page)
    assert (await client.post(f"/login/{token}", data={CSRF_FIELD: csrf})).status_code == 303
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(LOGIN_CSRF_COOKIE, csrf)  # the same form sent again, its cookie kept
    again = await client.post(f"/login/{token}", data={CSRF_FIELD: csrf})
    assert again.status_code == 410 and SESSION_COOKIE not in again.cookies
    assert (await client.get(f"/login/{token}")).status_code == 410
    assert [action for action, _ in await audit_rows(sessions)] == [logins.LOGIN]

    late = await token_for(sessions, clock, koray)
    page = await client.get(f"/login/{late}")
    clock.advance(timedelta(minutes=logins.LINK_MINUTES, seconds=1))
    assert (await client.get(f"/login/{late}")).status_code == 410
    expired = await client.post(f"/login/{late}", data={CSRF_FIELD: csrf_of(page)})
    assert expired.status_code == 410 and SESSION_COOKIE not in expired.cookies
    assert (await login_rows(sessions))[1].used_at is None


async def test_a_previewed_link_logs_nobody_in(client, sessions, clock, world):
    token = await token_for(sessions, clock, world.people["koray"].person_id)
    for _ in range(3):  # a link preview, a forwarded link opened: GETs only
        assert (await client.get(f"/login/{token}")).status_code == 200
    assert (await login_rows(sessions))[0].used_at is None
    assert (await client.get("/home")).status_code == 401 and await audit_rows(sessions) == []


async def test_a_form_without_its_csrf_token_is_refused_and_uses_nothing(client, sessions, clock, world):
    token = await token_for(sessions, clock, world.people["koray"].person_id)
    page = await client.get(f"/login/{token}")
    assert (await client.post(f"/login/{token}", data={})).status_code == 403
    assert (await client.post(f"/login/{token}", data={CSRF_FIELD: "forged"})).status_code == 403
    # Another site's form: the right value, but the browser brings no login cookie with it.
    client.cookies.delete(LOGIN_CSRF_COOKIE)
    assert (await client.post(f"/login/{token}", data={CSRF_FIELD: csrf_of(page)})).status_code == 403
    assert (await login_rows(sessions))[0].used_at is None and await audit_rows(sessions) == []
    assert (await log_in(client, token)).status_code == 303  # the link still works for its owner

    home = await client.get("/home")
    assert (await client.post("/logout", data={})).status_code == 403
    assert (await client.post("/logout", data={CSRF_FIELD: "forged"})).status_code == 403
    assert (await client.get("/home")).status_code == 200  # still logged in
    assert [action for action, _ in await audit_rows(sessions)] == [logins.LOGIN]
    assert (await client.post("/logout", data={CSRF_FIELD: csrf_of(home)})).status_code == 200


async def test_logout_ends_the_session_even_for_a_copied_cookie(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    home = await client.get("/home")
    kept = client.cookies.get(SESSION_COOKIE)
    bye = await client.post("/logout", data={CSRF_FIELD: csrf_of(home)})
    assert bye.status_code == 200 and "Çıkış yaptınız." in bye.text
    assert (await client.get("/home")).status_code == 401
    client.cookies.set(SESSION_COOKIE, kept)
    assert (await client.get("/home")).status_code == 401
    assert [action for action, _ in await audit_rows(sessions)] == [logins.LOGIN, logins.LOGOUT]


async def test_a_session_ends_after_an_hour_and_a_forged_cookie_opens_nothing(client, sessions, clock, world):
    assert (await client.get("/home")).status_code == 401
    client.cookies.set(SESSION_COOKIE, "W1sxLDJdXQ.forged.signature")
    assert (await client.get("/home")).status_code == 401
    client.cookies.delete(SESSION_COOKIE)
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    assert (await client.get("/home")).status_code == 200
    clock.advance(timedelta(minutes=logins.SESSION_MINUTES, seconds=1))
    assert (await client.get("/home")).status_code == 401


async def test_the_pages_are_served_with_htmx_from_the_package(client):
    htmx = await client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]
    root = await client.get("/")
    assert root.status_code == 200 and '<script src="/static/htmx.min.js"' in root.text
    assert 'name="viewport"' in root.text and "/console" in root.text


async def test_two_presses_at_once_log_in_once(sessions, clock, world):
    token = await token_for(sessions, clock, world.people["koray"].person_id)
    async with sessions.begin() as session:
        first = await logins.redeem(session, token, clock.now())
    async with sessions.begin() as session:
        second = await logins.redeem(session, token, clock.now())
    assert first is not None and second is None
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 1
