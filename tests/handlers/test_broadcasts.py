"""/broadcast through the real handlers: audience, text, preview, send time, confirm, cancel."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models import ConversationState
from storage.models.broadcasts import Broadcast
from tests.support.app import AppFactory
from tests.support.broadcasting import (
    COLLEAGUE_USER,
    COORDINATOR_USER,
    MENTEE_USER,
    OTHER_COORDINATOR_USER,
    batch_rows,
    seed_cast,
    settle,
)
from tests.support.offline import ChatUser, OfflineBotApi

LONG = "x" * 3501


def coordinator(app: Application, api: OfflineBotApi, user_id: int = COORDINATOR_USER, language: str = "tr") -> ChatUser:
    return ChatUser(app, api, user_id=user_id, language_code=language)


async def the_broadcast(sessions: async_sessionmaker[AsyncSession]) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()).limit(1))
    assert found is not None
    return found


def alerts(api: OfflineBotApi) -> list[str]:
    return [call.get("text", "") for call in api.calls_of("answerCallbackQuery")]


async def compose_to_preview(selin: ChatUser, text: str = "Cuma günkü görüşme 14:00'e alındı.") -> None:
    await selin.send("/broadcast")
    await selin.press("Tüm program")
    await selin.press("Yalnızca mentiler")
    await selin.send(text)


async def test_a_turkish_broadcast_to_the_programmes_mentees(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    cast = await seed_cast(app_sessions, clock.now())
    selin = coordinator(app, api)
    await selin.send("/broadcast")
    assert "Nar Taneleri için yeni duyuru" in selin.last_text()
    assert selin.buttons() == ["Tüm program", "Bir il", "Seçilen gruplar", "Vazgeç"]
    await selin.press("Tüm program")
    assert "Kitle: Nar Taneleri programının tamamı" in selin.last_text()
    await selin.press("Yalnızca mentiler")
    assert "en fazla 3500 karakter" in selin.last_text()

    selin.new_texts()
    await selin.send("Cuma günkü görüşme 14:00'e alındı.")
    copy, summary = selin.new_texts()
    # The preview is the message exactly as a Turkish reader gets it.
    assert copy == "📣 Koordinatör Selin Kara tarafından duyuru\n\nCuma günkü görüşme 14:00'e alındı."
    assert "İlk satır her okuyucuya kendi dilinde gösterilir" in summary
    assert "Kitle: Nar Taneleri programının tamamı — yalnızca mentiler" in summary
    assert "5 kişiye ulaşacak" in summary and "2 kişiye daha ulaşılamıyor" in summary
    assert "Gönderim zamanı: hemen" in summary
    assert selin.buttons() == ["Gönder", "Gönderim zamanı seç", "Metni değiştir", "Kitleyi değiştir", "Vazgeç"]

    await selin.press("Gönder")
    progress = selin.messages()[-1]
    assert "📣 Duyuru gönderiliyor" in progress["text"] and "Bekliyor: 7" in progress["text"]
    assert selin.buttons(progress) == ["Duyuruyu iptal et"]
    rows = await batch_rows(app_sessions, (await the_broadcast(app_sessions)).id)
    assert len(rows) == 7 and cast.people["Ayşe"] in {row.person_id for row in rows}
    assert {row.not_before for row in rows} == {clock.now()}
    broadcast = await the_broadcast(app_sessions)
    assert broadcast.status == "sending" and broadcast.progress_message_id == progress["message_id"]


async def test_an_english_broadcast_to_chosen_groups_at_a_typed_time(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    await seed_cast(app_sessions, clock.now(), extra_groups=8)
    meltem = coordinator(app, api, COLLEAGUE_USER, "en")
    await meltem.send("/broadcast")
    await meltem.press("Chosen groups")
    assert "Page 1 of 2" in meltem.buttons() and "▫️ Grup 1" not in meltem.buttons()
    await meltem.press("›")
    await meltem.press("▫️ Grup 1")
    await meltem.press("▫️ Grup 3")
    await meltem.press("✅ Grup 3")
    await meltem.press("▫️ Grup 3")
    assert {"✅ Grup 1", "✅ Grup 3", "Continue with 2 groups"} <= set(meltem.buttons())
    await meltem.press("Continue with 2 groups")
    assert "Audience: groups Grup 1, Grup 3" in meltem.last_text()
    await meltem.press("Mentors and mentees")

    # Wrong kinds of input are answered and lose nothing.
    await meltem.send_sticker()
    assert "as a text message" in meltem.last_text()
    await meltem.send(LONG)
    assert "3501 characters" in meltem.last_text() and "at most 3500" in meltem.last_text()
    await meltem.send("Reminder: the new calendar is attached.")
    assert "It will reach 5 people" in meltem.last_text()
    assert "2 more cannot be reached" in meltem.last_text()
    assert meltem.texts()[-2].startswith("📣 Announcement from the coordinator Meltem Ak")

    await meltem.press("Choose a send time")
    # The example is a week from today in her zone, never a day gone by.
    assert "30.11.2026 10:00" in meltem.last_text() and "Europe/Istanbul" in meltem.last_text()
    await meltem.send_voice()
    assert "30.11.2026 10:00" in meltem.last_text()
    await meltem.send("next Tuesday")
    assert "I could not read that time" in meltem.last_text()
    await meltem.send("01.01.2020 10:00")
    assert "already passed" in meltem.last_text()
    await meltem.send("24.11.2026 10:00")
    assert "Send time: 24 November 2026, 10:00 (your time)" in meltem.last_text()
    await meltem.press("Schedule")
    assert "Send time: 24 November 2026, 10:00" in meltem.last_text() and "Waiting: 7" in meltem.last_text()
    rows = await batch_rows(app_sessions, (await the_broadcast(app_sessions)).id)
    assert len(rows) == 7
    assert {row.not_before for row in rows} == {datetime(2026, 11, 24, 7, 0, tzinfo=UTC)}


async def test_a_restart_in_the_middle_continues(
    make_app: AppFactory, clock: ManualClock,
) -> None:
    app, api = await make_app()
    sessions = app.bot_data[SERVICES_KEY].sessions
    await seed_cast(sessions, clock.now())
    selin = coordinator(app, api)
    await selin.send("/broadcast")
    await selin.press("Bir il")
    await selin.press("Ankara")
    old_role_menu = dict(selin.messages()[-1])
    everyone = old_role_menu["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await selin.press("Yalnızca mentorlar")

    second, second_api = await make_app()
    after = coordinator(second, second_api)
    await after.send("Mentor toplantısı perşembe.")
    assert "1 kişiye ulaşacak" in after.last_text()  # Deniz, the one mentor in Ankara
    # A button from before the restart still works: change the audience to everyone.
    await after.press_data(everyone, old_role_menu)
    edited = second_api.calls_of("editMessageText")[-1]
    assert "5 kişiye ulaşacak" in edited["text"]  # the text was kept: straight back to the summary
    await after.press_data(f"bc:{(await the_broadcast(sessions)).id}:send", old_role_menu)
    assert len(await batch_rows(sessions, (await the_broadcast(sessions)).id)) == 5


async def test_double_taps_stale_foreign_and_forged_buttons_change_nothing(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    await seed_cast(app_sessions, clock.now())
    selin = coordinator(app, api)
    await compose_to_preview(selin)
    summary = selin.messages()[-1]
    broadcast = await the_broadcast(app_sessions)
    send = f"bc:{broadcast.id}:send"

    orhan = coordinator(app, api, OTHER_COORDINATOR_USER)  # coordinates another programme
    meltem = coordinator(app, api, COLLEAGUE_USER, "en")  # same programme, not the author
    for intruder in (orhan, meltem):
        await intruder.press_data(send, summary)
        await intruder.press_data(f"bc:{broadcast.id}:text", summary)
    assert alerts(api)[-4:] == ["Bu işlem size açık değil.", "Bu işlem size açık değil.",
                                "That is not available to you.", "That is not available to you."]
    assert await batch_rows(app_sessions, broadcast.id) == []

    await selin.press_data(send, summary)
    await selin.press_data(send, summary)  # a double tap
    assert alerts(api)[-1] == "Bu duyuru zaten gönderiliyor."
    assert len(await batch_rows(app_sessions, broadcast.id)) == 7

    for forged in ("bc:x:send", "bc:1", "bc:999999:all", f"bc:{broadcast.id}:r:all", f"bc:{broadcast.id}:g:x:0",
                   f"bc:{broadcast.id}:nonsense", "bc:new:abc"):
        await selin.press_data(forged, summary)
        assert alerts(api)[-1] == "Bu düğme artık geçerli değil.", forged
    await selin.press_data("bc:new:2", summary)  # another programme's id
    assert alerts(api)[-1] == "Bu işlem size açık değil."
    assert len(await batch_rows(app_sessions, broadcast.id)) == 7
    assert (await the_broadcast(app_sessions)).id == broadcast.id


async def test_people_without_the_coordinator_role_are_refused(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    await seed_cast(app_sessions, clock.now())
    ayse = ChatUser(app, api, user_id=MENTEE_USER)
    await ayse.send("/broadcast")
    assert ayse.last_text() == "Duyuruları yalnızca programın koordinatörleri gönderebilir."
    stranger = ChatUser(app, api, user_id=9999)
    await stranger.send("/broadcast")
    assert "davet" in stranger.last_text()
    async with app_sessions() as session:
        assert await session.scalar(select(Broadcast)) is None


async def test_discarding_and_changing_the_text_from_the_preview(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    await seed_cast(app_sessions, clock.now())
    selin = coordinator(app, api)
    await compose_to_preview(selin, "İlk metin")
    await selin.press("Metni değiştir")
    await selin.send("İkinci metin")
    assert selin.texts()[-2].endswith("\n\nİkinci metin")
    summary = dict(selin.messages()[-1])
    send = summary["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await selin.press("Vazgeç")
    assert "Duyuru silindi" in selin.last_text()
    await selin.press_data(send, summary)
    assert alerts(api)[-1] == "Bu düğme artık geçerli değil."
    async with app_sessions() as session:
        assert await session.scalar(select(Broadcast)) is None
        assert await session.scalar(select(ConversationState)) is None


async def test_cancel_stops_what_has_not_gone_out(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    cast = await seed_cast(app_sessions, clock.now())
    selin = coordinator(app, api)
    await compose_to_preview(selin)
    await selin.press("Gönder")
    progress = selin.messages()[-1]
    broadcast = await the_broadcast(app_sessions)
    await settle(app_sessions, broadcast.id, [cast.people["Ayşe"], cast.people["Burak"]], "sent", clock.now())

    orhan = coordinator(app, api, OTHER_COORDINATOR_USER)
    await orhan.press_data(f"bc:{broadcast.id}:stop", progress)
    assert alerts(api)[-1] == "Bu işlem size açık değil."
    assert {row.status for row in await batch_rows(app_sessions, broadcast.id)} == {"sent", "pending"}

    meltem = coordinator(app, api, COLLEAGUE_USER, "en")  # any coordinator of the programme may cancel
    await meltem.press_data(f"bc:{broadcast.id}:stop", progress)
    assert alerts(api)[-1] == "Cancelled: 5 messages will not be sent."
    statuses = sorted(row.status for row in await batch_rows(app_sessions, broadcast.id))
    assert statuses == ["cancelled"] * 5 + ["sent"] * 2
    await selin.press_data(f"bc:{broadcast.id}:stop", progress)  # too late: already cancelled
    assert alerts(api)[-1] == "Bu düğme artık geçerli değil."
