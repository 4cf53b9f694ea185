"""The progress job: counts from the outbox, edits only on change, the final report, restarts."""

# The handler tests' fixtures are imported below, so test parameters "redefine" them.

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext

from bot.broadcast_progress import JOB_NAME, schedule_broadcast_progress, update_broadcast_progress
from bot.sender import Sender
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models.broadcasts import Broadcast
from tests.handlers.test_broadcasts import compose_to_preview, coordinator, the_broadcast
from tests.support.app import AppFactory
from tests.support.broadcasting import (
    COLLEAGUE_USER,
    COORDINATOR_USER,
    MENTEE_USER,
    Cast,
    seed_cast,
    settle,
)
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.sender import VirtualTimer


async def run_job(app: Application) -> None:
    await update_broadcast_progress(CallbackContext(app))


async def sent_broadcast(app: Application, api: OfflineBotApi, clock: ManualClock) -> tuple[Cast, ChatUser, int]:
    sessions = app.bot_data[SERVICES_KEY].sessions
    cast = await seed_cast(sessions, clock.now())
    selin = coordinator(app, api)
    await compose_to_preview(selin)
    await selin.press("Gönder")
    return cast, selin, (await the_broadcast(sessions)).id


async def status_of(sessions: async_sessionmaker[AsyncSession], broadcast_id: int) -> str:
    async with sessions() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        return broadcast.status


def edits(api: OfflineBotApi) -> list[dict]:
    return api.calls_of("editMessageText")


async def test_the_job_is_scheduled_once_as_a_repeating_job(make_app: AppFactory) -> None:
    app, _api = await make_app()
    assert app.job_queue is not None

    def live() -> list:
        return [job for job in app.job_queue.get_jobs_by_name(JOB_NAME) if not job.removed]

    assert len(live()) == 1, "post_init starts it"
    schedule_broadcast_progress(app)  # started again: still one live job
    assert len(live()) == 1 and live()[0].callback is update_broadcast_progress


async def test_progress_counts_are_edited_when_they_change_and_end_with_a_report(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    cast, selin, broadcast_id = await sent_broadcast(app, api, clock)
    progress = selin.messages()[-1]
    before = len(edits(api))

    await run_job(app)
    assert len(edits(api)) == before, "nothing changed, so nothing is edited"

    people = cast.people
    await settle(app_sessions, broadcast_id, [people["Ayşe"], people["Burak"], people["Cem"]], "sent", clock.now())
    await run_job(app)
    assert len(edits(api)) == before + 1
    assert "Gönderildi: 3 · Başarısız: 0 · Bekliyor: 4" in progress["text"]
    assert selin.buttons(progress) == ["Duyuruyu iptal et"]
    await run_job(app)
    assert len(edits(api)) == before + 1

    await settle(app_sessions, broadcast_id, [people["Elif"], people["Fatma"]], "sent", clock.now())
    await settle(app_sessions, broadcast_id, [people["İrem"]], "failed", clock.now(), "the person blocked the bot")
    await settle(app_sessions, broadcast_id, [people["Kemal"]], "failed", clock.now(),
                 "no channel identity for this person")
    await run_job(app)
    report = progress["text"]
    assert report.startswith("📣 Duyuru gönderildi")
    assert "Ulaştı: 5 · Ulaşılamadı: 2" in report
    assert "• İrem Yıldız — Narbot'u engellemiş" in report
    assert "• Kemal Öztürk — Telegram hesabı yok" in report
    assert "reply_markup" not in progress, "the Cancel button is gone"
    assert await status_of(app_sessions, broadcast_id) == "done"

    await run_job(app)  # a finished broadcast is left alone
    assert len(edits(api)) == before + 2


async def test_a_cancelled_broadcast_reports_what_was_cancelled(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    cast, selin, broadcast_id = await sent_broadcast(app, api, clock)
    await settle(app_sessions, broadcast_id, [cast.people["Ayşe"]], "sent", clock.now())
    await settle(app_sessions, broadcast_id, [cast.people["Cem"]], "sending", clock.now())
    await selin.press("Duyuruyu iptal et")
    progress = selin.messages()[-1]
    assert "📣 Duyuru iptal ediliyor" in progress["text"] and "Bekliyor: 1" in progress["text"]

    await run_job(app)
    assert await status_of(app_sessions, broadcast_id) == "sending", "one message is still being sent"
    await settle(app_sessions, broadcast_id, [cast.people["Cem"]], "sent", clock.now())
    await run_job(app)
    assert progress["text"].startswith("📣 Duyuru iptal edildi")
    assert "Ulaştı: 2 · Ulaşılamadı: 0" in progress["text"]
    assert "Gönderilmeden iptal edilen: 5 mesaj" in progress["text"]
    assert await status_of(app_sessions, broadcast_id) == "cancelled"


async def test_after_a_restart_the_job_carries_on_with_broadcasts_still_sending(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data[SERVICES_KEY].sessions
    cast, _selin, broadcast_id = await sent_broadcast(app, api, clock)

    second, second_api = await make_app()
    await settle(sessions, broadcast_id, list(cast.people.values()), "sent", clock.now())
    await run_job(second)
    report = second_api.calls_of("editMessageText")[-1]
    assert report["text"].startswith("📣 Duyuru gönderildi") and "Ulaştı: 7" in report["text"]
    assert await status_of(sessions, broadcast_id) == "done"


async def test_english_report_for_an_english_coordinator(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    cast = await seed_cast(app_sessions, clock.now())
    meltem = coordinator(app, api, COLLEAGUE_USER, "en")
    await meltem.send("/broadcast")
    await meltem.press("The whole programme")
    await meltem.press("Mentors only")
    await meltem.send("Mentor meeting on Thursday.")
    await meltem.press("Send")
    assert "Sent: 0 · Failed: 0 · Waiting: 2" in meltem.last_text()
    broadcast_id = (await the_broadcast(app_sessions)).id
    await settle(app_sessions, broadcast_id, [cast.people["Deniz"]], "sent", clock.now())
    await settle(app_sessions, broadcast_id, [cast.people["Fatma"]], "failed", clock.now(), "Bad Request: chat not found")
    await run_job(app)
    assert "Delivered: 1 · Could not be reached: 1" in meltem.last_text()
    assert "• Fatma Çelik — delivery failed" in meltem.last_text()


async def test_with_the_real_sender_everyone_reachable_gets_one_copy_and_the_report_says_why_not(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    app, api = app_and_api
    _cast, selin, _broadcast_id = await sent_broadcast(app, api, clock)
    sender = Sender(app.bot, app_sessions, clock, timer=VirtualTimer())  # type: ignore[arg-type]
    await sender.drain()
    await run_job(app)
    # A restart re-runs the job and the sender: nobody gets a second copy.
    await sender.drain()
    await run_job(app)
    delivered = [call for call in api.calls_of("sendMessage")
                 if "Cuma günkü görüşme" in call["text"] and int(call["chat_id"]) != COORDINATOR_USER]
    assert sorted(int(call["chat_id"]) for call in delivered) == [MENTEE_USER, 7002, 7003, 7004, 7006]
    report = selin.messages()[-1]["text"]
    assert "Ulaştı: 5 · Ulaşılamadı: 2" in report
    assert "• İrem Yıldız — Narbot'u engellemiş" in report and "• Kemal Öztürk — Telegram hesabı yok" in report


def test_the_report_says_how_many_were_interrupted_and_sent_again() -> None:
    from mentoring.broadcasts.progress import Counts, Progress
    from mentoring.broadcasts.progress_screens import report as report_words
    from mentoring.i18n import translator

    def report(locale: str, in_doubt: int) -> str:
        progress = Progress(1, None, None, locale, "Europe/Istanbul", None,
                            Counts(sent=40, failed=1, in_doubt=in_doubt), cancelled=False)
        return report_words(progress).render(translator(locale))

    assert "Interrupted by a restart" not in report("en", 0)
    assert ("Interrupted by a restart while being sent: 3 messages (sent again, so some may have "
            "arrived twice)") in report("en", 3)
    assert "yeniden başlatmayla kesilen: 1 mesaj (yeniden gönderildi; iki kez ulaşmış olabilir)" in report("tr", 1)


async def test_what_whatsapp_reports_delivered_and_read_is_counted_and_said_to_be_whatsapps(
    app_and_api: tuple[Application, OfflineBotApi], app_sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    from sqlalchemy import update

    from mentoring import statuses
    from mentoring.broadcasts.progress import progress_of
    from storage.models import OutboxMessage

    app, api = app_and_api
    cast, selin, broadcast_id = await sent_broadcast(app, api, clock)
    progress = selin.messages()[-1]
    people = cast.people
    await settle(app_sessions, broadcast_id, [people["Ayşe"], people["Burak"], people["Cem"]], "sent", clock.now())
    await run_job(app)
    assert "WhatsApp" not in progress["text"], "Telegram reports neither: nothing is claimed"

    async with app_sessions.begin() as session:  # as WhatsApp's sender leaves the rows it sent
        for number, name in enumerate(("Ayşe", "Burak", "Cem")):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.batch_key == f"broadcast:{broadcast_id}", OutboxMessage.person_id == people[name])
                .values(channel="whatsapp", sent_message_id=f"wamid.out.b{number}")
            )
    async with app_sessions.begin() as session:
        await statuses.record(session, "whatsapp", "wamid.out.b0", "read", clock.now(), None, None)
        await statuses.record(session, "whatsapp", "wamid.out.b1", "delivered", clock.now(), None, None)
        await statuses.record(session, "whatsapp", "wamid.out.b2", "sent", clock.now(), None, None)
    async with app_sessions() as session:
        found = await progress_of(session, broadcast_id)
        assert found is not None and (found.counts.delivered, found.counts.read) == (2, 1)
    await run_job(app)
    assert "Gönderildi: 3 · Başarısız: 0 · Bekliyor: 4" in progress["text"]
    assert ("WhatsApp'ın şu ana kadar bildirdiği: teslim edildi 2 · okundu 1 (Telegram bunu bildirmez)"
            in progress["text"])

    await settle(app_sessions, broadcast_id, [people[name] for name in ("Elif", "Fatma", "İrem", "Kemal")], "sent",
                 clock.now())
    await run_job(app)
    report = progress["text"]
    assert report.startswith("📣 Duyuru gönderildi") and "Ulaştı: 7 · Ulaşılamadı: 0" in report
    assert "WhatsApp'ın şu ana kadar bildirdiği: teslim edildi 2 · okundu 1" in report
