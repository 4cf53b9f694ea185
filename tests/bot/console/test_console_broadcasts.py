"""Broadcasts in the web console through its ASGI app, on both databases.

The reporting world (tests/support/reporting.py): the whole programme "Nar Raporu" reaches
7 people (mentors Zeynep, Mark, Deniz; mentees Ayşe, John, Can, Elif), of whom Can blocked the
bot. Koray and Carol coordinate it; Olga coordinates another programme. Compose (every problem
400, nothing written), preview (its size is `audience_size`), confirm (the chat's own confirm:
one outbox row per recipient), the live report following the rows' statuses, cancel, and every
access rule (403, nothing written).
"""

# The console tests' fixtures (client, world) are imported, so test parameters "redefine" them.

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select, update

from bot.console.security import CSRF_FIELD
from mentoring.broadcasts import console as broadcasts_console
from mentoring.broadcasts.audience import audience_size, recipients
from mentoring.broadcasts.rules import MAX_TEXT_LENGTH, announcement
from storage.models import ConversationState, Membership, OutboxMessage, Role
from storage.models.broadcasts import Broadcast
from storage.models.outbox import PRIORITY_BULK
from storage.models.privacy import AuditEntry
from tests.support.console import audit_rows, csrf_of, logged_in

TEXT = "Cuma 18:00'de Ankara'da ortak toplantı var."


async def actions(sessions) -> list[str]:
    return [action for action, _ in await audit_rows(sessions)]


async def broadcasts(sessions) -> list[Broadcast]:
    async with sessions() as session:
        return list(await session.scalars(select(Broadcast).order_by(Broadcast.id)))


async def rows_of(sessions, broadcast_id: int) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.batch_key == f"broadcast:{broadcast_id}")
            .order_by(OutboxMessage.person_id)))


async def written(sessions) -> tuple[int, int, int, int]:
    """Everything these pages could write: broadcasts, outbox rows, audit rows, conversation states."""
    async with sessions() as session:
        return tuple([await session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[misc]
                      for model in (Broadcast, OutboxMessage, AuditEntry, ConversationState)])


async def start(client, sessions, clock, data, who: str = "koray") -> str:
    """Log `who` in and open the compose form; its CSRF token."""
    await logged_in(client, sessions, clock, data.people[who].person_id)
    form = await client.get(f"/programmes/{data.programme.id}/broadcasts/new")
    assert form.status_code == 200, form.text
    return csrf_of(form)


async def compose(client: httpx.AsyncClient, programme_id: int, csrf: str, **fields) -> httpx.Response:
    data = {CSRF_FIELD: csrf, "text": TEXT, "scope": "programme", "role": "all", "send_at": "", "draft": ""}
    return await client.post(f"/programmes/{programme_id}/broadcasts/new", data=data | fields)


async def composed(client, programme_id: int, csrf: str, **fields) -> int:
    answer = await compose(client, programme_id, csrf, **fields)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def confirmed(client, sessions, clock, data, **fields) -> int:
    csrf = await start(client, sessions, clock, data)
    broadcast_id = await composed(client, data.programme.id, csrf, **fields)
    answer = await client.post(f"/broadcasts/{broadcast_id}/confirm", data={CSRF_FIELD: csrf})
    assert answer.status_code == 303 and answer.headers["location"] == f"/broadcasts/{broadcast_id}"
    return broadcast_id


def count(html: str, name: str) -> int:
    marker = f'data-count="{name}">'
    start = html.index(marker) + len(marker)
    return int(html[start:html.index("<", start)])


async def set_status(sessions, broadcast_id: int, person_id: int, now: datetime, **values) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.batch_key == f"broadcast:{broadcast_id}", OutboxMessage.person_id == person_id)
            .values(**values))


async def test_compose_preview_and_send_queue_one_copy_per_recipient_as_the_chat_does(
        client, sessions, clock, world):
    programme = world.programme.id
    csrf = await start(client, sessions, clock, world)
    listing = await client.get(f"/programmes/{programme}/broadcasts")
    assert listing.status_code == 200 and "Henüz duyuru yok." in listing.text
    form = await client.get(f"/programmes/{programme}/broadcasts/new")
    assert "Ankara" in form.text and "İzmir" in form.text and "Grup A" in form.text and "Grup X" not in form.text
    assert "Europe/Istanbul" in form.text and '<label for="text">' in form.text

    broadcast_id = await composed(client, programme, csrf)
    preview = await client.get(f"/broadcasts/{broadcast_id}")
    assert preview.status_code == 200
    async with sessions() as session:
        draft = await session.get(Broadcast, broadcast_id)
        size = await audience_size(session, draft)
        people = await recipients(session, draft)
    assert (size.reachable, size.unreachable) == (6, 1)  # Can blocked the bot
    assert f'data-reach="{size.reachable}"' in preview.text and "6 kişiye ulaşacak" in preview.text
    assert f'data-unreachable="{size.unreachable}"' in preview.text
    assert "📣 Koordinatör Koray tarafından duyuru" in preview.text and TEXT.replace("'", "&#39;") in preview.text
    assert "Kitle: Nar Raporu programının tamamı — " in preview.text and ">Gönder<" in preview.text
    async with sessions() as session:  # the chat waits for nothing
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 0

    sent = await client.post(f"/broadcasts/{broadcast_id}/confirm", data={CSRF_FIELD: csrf})
    assert sent.status_code == 303
    rows = await rows_of(sessions, broadcast_id)
    assert [row.person_id for row in rows] == [person.person_id for person in people]
    locales = {person.person_id: person.locale for person in people}
    for row in rows:  # what rules.confirm queues for the chat's Send
        assert row.idempotency_key == f"broadcast:{broadcast_id}:{row.person_id}"
        assert row.text == announcement(locales[row.person_id], "Koray", TEXT)
        assert row.priority == PRIORITY_BULK and row.respect_quiet_hours and row.status == "pending"
        assert row.not_before == clock.now()
    [broadcast] = await broadcasts(sessions)
    assert broadcast.status == "sending" and broadcast.progress_chat_id is None

    again = await client.post(f"/broadcasts/{broadcast_id}/confirm", data={CSRF_FIELD: csrf})
    assert again.status_code == 303 and len(await rows_of(sessions, broadcast_id)) == 7  # a second press: none
    audits = [(action, details) for action, details in await audit_rows(sessions) if action.startswith(
        "console.broadcast")]
    assert audits == [
        (broadcasts_console.LISTED, {"programme": programme, "shown": 0}),
        (broadcasts_console.COMPOSED, {"programme": programme, "broadcast": broadcast_id}),
        (broadcasts_console.CONFIRMED, {"broadcast": broadcast_id, "queued": 7}),
    ]
    assert "Cuma" not in repr(await audit_rows(sessions))  # ids and counts, never the text

    listing = await client.get(f"/programmes/{programme}/broadcasts")
    assert f'href="/broadcasts/{broadcast_id}"' in listing.text and "Gönderiliyor" in listing.text


@pytest.mark.parametrize(("fields", "problem"), [
    ({"text": "   "}, "Duyuru boş. Lütfen metnini yazın."),
    ({"text": "a" * (MAX_TEXT_LENGTH + 1)}, f"{MAX_TEXT_LENGTH + 1} karakter"),
    ({"send_at": "20.11.2026 10:00"}, "Bu an geçti. Lütfen ileri bir zaman yazın."),
    ({"send_at": "bir ara"}, "Bu zamanı okuyamadım."),
    ({"scope": "groups"}, "En az bir grup seçin."),
    ({"scope": "province", "province": ""}, "Bir il seçin."),
    ({"role": "coordinator"}, "Mentorları, mentileri ya da ikisini birden seçin."),
])
async def test_a_form_with_a_problem_is_shown_again_with_it_and_writes_nothing(
        client, sessions, clock, world, fields, problem):
    csrf = await start(client, sessions, clock, world)
    before = await written(sessions)
    answer = await compose(client, world.programme.id, csrf, **fields)
    assert answer.status_code == 400 and problem in answer.text.replace("&#39;", "'")
    assert 'role="alert"' in answer.text and "Duyuru kaydedilmedi" in answer.text
    if "text" not in fields:
        assert TEXT.replace("'", "&#39;") in answer.text  # what was typed is kept
    assert await written(sessions) == before


async def test_every_problem_at_once_in_english(client, sessions, clock, world):
    await logged_in(client, sessions, clock, world.people["carol"].person_id)
    form = await client.get(f"/programmes/{world.programme.id}/broadcasts/new")
    before = await written(sessions)
    answer = await compose(client, world.programme.id, csrf_of(form), text="", scope="groups",
                           send_at="23.11.2026 08:00")
    assert answer.status_code == 400
    assert "The announcement is empty." in answer.text and "Choose at least one group." in answer.text
    assert "That moment has already passed." in answer.text
    assert await written(sessions) == before


async def test_a_scheduled_broadcast_for_chosen_groups_goes_out_at_the_typed_local_time(
        client, sessions, clock, world):
    csrf = await start(client, sessions, clock, world)
    broadcast_id = await composed(client, world.programme.id, csrf, scope="groups",
                                  groups=[str(world.group_b.id)], role="mentee", send_at="30.11.2026 10:00")
    preview = await client.get(f"/broadcasts/{broadcast_id}")
    assert ">Zamanla<" in preview.text and "30 Kasım 2026, 10:00" in preview.text
    assert "1 kişiye ulaşacak" in preview.text  # Elif, Grup B's mentee
    # Change it: the form opens with the draft, and the same draft is kept.
    again = await client.get(f"/programmes/{world.programme.id}/broadcasts/new?draft={broadcast_id}")
    assert 'value="30.11.2026 10:00"' in again.text and f'value="{world.group_b.id}" checked' in again.text
    assert await composed(client, world.programme.id, csrf, scope="groups", draft=str(broadcast_id),
                          groups=[str(world.group_a.id), str(world.group_b.id)], role="mentee",
                          send_at="30.11.2026 10:00") == broadcast_id
    assert len(await broadcasts(sessions)) == 1
    assert (await client.post(f"/broadcasts/{broadcast_id}/confirm", data={CSRF_FIELD: csrf})).status_code == 303
    rows = await rows_of(sessions, broadcast_id)
    assert len(rows) == 4  # Ayşe, John, Can, Elif
    assert {row.not_before for row in rows} == {datetime(2026, 11, 30, 7, 0, tzinfo=UTC)}  # 10:00 in Istanbul
    page = await client.get(f"/broadcasts/{broadcast_id}")
    assert 'data-status="scheduled"' in page.text and "Zamanlandı" in page.text


async def test_the_report_follows_the_outbox_rows_until_nothing_waits(client, sessions, clock, world):
    broadcast_id = await confirmed(client, sessions, clock, world)
    people = world.people
    page = await client.get(f"/broadcasts/{broadcast_id}")
    assert page.status_code == 200 and 'aria-live="polite"' in page.text and 'hx-trigger="every 3s"' in page.text
    fragment = await client.get(f"/broadcasts/{broadcast_id}/report")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert (count(fragment.text, "waiting"), count(fragment.text, "sent"), count(fragment.text, "failed")) == (7, 0, 0)

    now = clock.now()
    await set_status(sessions, broadcast_id, people["ayse"].person_id, now, status="sent", sent_at=now)
    await set_status(sessions, broadcast_id, people["can"].person_id, now, status="failed",
                     last_error="Forbidden: bot was blocked by the user")
    await set_status(sessions, broadcast_id, people["john"].person_id, now, status="sent", sent_at=now,
                     channel="whatsapp", delivered_at=now, read_at=now)
    await set_status(sessions, broadcast_id, people["elif"].person_id, now, status="sent", sent_at=now,
                     channel="whatsapp", delivered_at=now)
    fragment = await client.get(f"/broadcasts/{broadcast_id}/report")
    text = fragment.text
    assert (count(text, "waiting"), count(text, "sent"), count(text, "failed")) == (3, 3, 1)
    assert (count(text, "delivered"), count(text, "read")) == (2, 1)
    assert "WhatsApp" in text and 'hx-trigger="every 3s"' in text and "hx-swap-oob" not in text
    assert "Narbot&#39;u engellemiş: 1" in text and "Can" not in text  # named only in the final report

    for who in ("zeynep", "mark"):
        await set_status(sessions, broadcast_id, people[who].person_id, now, status="sent", sent_at=now)
    await set_status(sessions, broadcast_id, people["deniz"].person_id, now, status="failed",
                     last_error="Bad Request: chat not found")
    before = await actions(sessions)
    final = await client.get(f"/broadcasts/{broadcast_id}/report")
    text = final.text
    assert (count(text, "waiting"), count(text, "sent"), count(text, "failed")) == (0, 5, 2)
    assert "hx-trigger" not in text and "bu, son rapordur" in text  # the page stops asking
    assert '<div id="cancel-box" hx-swap-oob="true"></div>' in text  # and drops its Cancel button
    assert "<th scope=\"row\">Can</th><td>Narbot&#39;u engellemiş</td>" in text
    assert "<th scope=\"row\">Deniz</th><td>iletilemedi</td>" in text
    assert (await actions(sessions))[len(before):] == [broadcasts_console.VIEWED]
    assert (await audit_rows(sessions))[-1] == (broadcasts_console.VIEWED, {"broadcast": broadcast_id, "named": 2})
    listing = await client.get(f"/programmes/{world.programme.id}/broadcasts")
    assert 'data-status="done"' in listing.text


async def test_any_coordinator_of_the_programme_cancels_what_has_not_gone_out(client, sessions, clock, world):
    broadcast_id = await confirmed(client, sessions, clock, world)
    now = clock.now()
    await set_status(sessions, broadcast_id, world.people["ayse"].person_id, now, status="sent", sent_at=now)
    client.cookies.clear()
    await logged_in(client, sessions, clock, world.people["carol"].person_id)  # not the author
    page = await client.get(f"/broadcasts/{broadcast_id}")
    assert "Cancel the announcement" in page.text
    cancelled = await client.post(f"/broadcasts/{broadcast_id}/cancel", data={CSRF_FIELD: csrf_of(page)})
    assert cancelled.status_code == 303 and cancelled.headers["location"] == f"/broadcasts/{broadcast_id}"
    statuses = sorted(row.status for row in await rows_of(sessions, broadcast_id))
    assert statuses == ["cancelled"] * 6 + ["sent"]
    page = await client.get(f"/broadcasts/{broadcast_id}")
    assert "The announcement was cancelled: 6 messages had not gone out and will not be sent." in page.text
    assert count(page.text, "cancelled") == 6 and "hx-trigger" not in page.text
    assert "Cancel the announcement" not in page.text
    details = [d for a, d in await audit_rows(sessions) if a == broadcasts_console.CANCELLED]
    assert details == [{"broadcast": broadcast_id, "cancelled": 6}]
    again = await client.post(f"/broadcasts/{broadcast_id}/cancel", data={CSRF_FIELD: csrf_of(page)})
    assert again.status_code == 303 and len([a for a in await actions(sessions) if a == broadcasts_console.CANCELLED]) == 1


async def test_a_draft_is_discarded_by_its_author(client, sessions, clock, world):
    csrf = await start(client, sessions, clock, world)
    broadcast_id = await composed(client, world.programme.id, csrf)
    answer = await client.post(f"/broadcasts/{broadcast_id}/discard", data={CSRF_FIELD: csrf})
    assert answer.status_code == 303 and answer.headers["location"] == f"/programmes/{world.programme.id}/broadcasts"
    assert await broadcasts(sessions) == [] and broadcasts_console.DISCARDED in await actions(sessions)


async def paths_of(client, sessions, clock, data) -> tuple[int, int]:
    """A draft of Koray's and a confirmed broadcast, then Koray logged out."""
    broadcast_id = await confirmed(client, sessions, clock, data)
    csrf = csrf_of(await client.get(f"/programmes/{data.programme.id}/broadcasts/new"))
    draft_id = await composed(client, data.programme.id, csrf)
    client.cookies.clear()
    return draft_id, broadcast_id


@pytest.mark.parametrize("who", ["mark", "deniz", "olga", "carol-draft", "mentee"])
async def test_others_are_refused_everything_and_nothing_is_written(client, sessions, clock, world, who):
    draft_id, broadcast_id = await paths_of(client, sessions, clock, world)
    programme = world.programme.id
    person = world.people["carol" if who == "carol-draft" else "mark" if who == "mentee" else who].person_id
    await logged_in(client, sessions, clock, person)
    csrf = csrf_of(await client.get("/home"))
    if who == "mentee":  # Mark is a mentee now: the console is not for him any more
        async with sessions.begin() as session:
            await session.execute(update(Membership).where(Membership.person_id == person)
                                  .values(role=Role.MENTEE.value))
    before = await written(sessions)
    statuses = [row.status for row in await rows_of(sessions, broadcast_id)]
    draft_pages = [("GET", f"/broadcasts/{draft_id}"), ("POST", f"/broadcasts/{draft_id}/confirm"),
                   ("POST", f"/broadcasts/{draft_id}/discard"),
                   ("GET", f"/programmes/{programme}/broadcasts/new?draft={draft_id}")]
    others = [("GET", f"/programmes/{programme}/broadcasts"), ("GET", f"/programmes/{programme}/broadcasts/new"),
              ("POST", f"/programmes/{programme}/broadcasts/new"), ("GET", f"/broadcasts/{broadcast_id}"),
              ("GET", f"/broadcasts/{broadcast_id}/report"), ("POST", f"/broadcasts/{broadcast_id}/cancel")]
    for method, path in draft_pages + ([] if who == "carol-draft" else others):
        if method == "GET":
            answer = await client.get(path)
        else:
            answer = await client.post(path, data={CSRF_FIELD: csrf, "text": TEXT, "scope": "programme",
                                                   "role": "all"})
        assert answer.status_code == 403, (method, path, answer.status_code)
        assert "Cuma" not in answer.text
    assert await written(sessions) == before
    assert [row.status for row in await rows_of(sessions, broadcast_id)] == statuses
    if who in ("mark", "deniz"):
        page = await client.get(f"/programmes/{programme}")
        assert "/broadcasts" not in page.text


async def test_a_post_without_its_csrf_token_writes_nothing(client, sessions, clock, world):
    draft_id, broadcast_id = await paths_of(client, sessions, clock, world)
    await logged_in(client, sessions, clock, world.people["koray"].person_id)
    before = await written(sessions)
    for path in (f"/programmes/{world.programme.id}/broadcasts/new", f"/broadcasts/{draft_id}/confirm",
                 f"/broadcasts/{draft_id}/discard", f"/broadcasts/{broadcast_id}/cancel"):
        for csrf in ("", "forged"):
            answer = await client.post(path, data={CSRF_FIELD: csrf, "text": TEXT, "scope": "programme",
                                                   "role": "all"})
            assert answer.status_code == 403, path
    assert await written(sessions) == before
    programme_page = await client.get(f"/programmes/{world.programme.id}")
    assert f'href="/programmes/{world.programme.id}/broadcasts"' in programme_page.text


async def test_a_draft_begun_in_the_chat_is_finished_in_the_form_and_the_chat_stops_waiting(
        client, sessions, clock, world):
    from mentoring.broadcasts import rules

    koray = world.people["koray"]
    async with sessions.begin() as session:  # /broadcast → the whole programme → everyone: waiting for the text
        draft = await rules.start_draft(session, koray, world.programme.id, clock.now())
        await rules.choose_scope(session, koray, draft.broadcast_id, "programme")
        await rules.choose_role(session, koray, draft.broadcast_id, "all", clock.now())
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 1
    await logged_in(client, sessions, clock, koray.person_id)
    listing = await client.get(f"/programmes/{world.programme.id}/broadcasts")
    assert 'data-status="draft"' in listing.text
    moved = await client.get(f"/broadcasts/{draft.broadcast_id}")
    form_path = f"/programmes/{world.programme.id}/broadcasts/new?draft={draft.broadcast_id}"
    assert moved.status_code == 303 and moved.headers["location"] == form_path
    form = await client.get(form_path)
    assert f'name="draft" value="{draft.broadcast_id}"' in form.text
    assert await composed(client, world.programme.id, csrf_of(form), draft=str(draft.broadcast_id)) == \
        draft.broadcast_id
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 0
    [kept] = await broadcasts(sessions)
    assert kept.text == TEXT and kept.status == "draft"
    assert "6 kişiye ulaşacak" in (await client.get(f"/broadcasts/{draft.broadcast_id}")).text
