"""Stopping Narbot, and showing the notice again when it changes, through the real handlers."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy import consent
from mentoring.privacy.consent import NOTICE_VERSION
from storage.models import ConsentRecord, OutboxMessage
from tests.support.notice import shown_notice
from tests.support.offline import ChatUser
from tests.support.privacy import join, person_id_of
from tests.support.seed import seed_programme

OLD_VERSION = "2026-01-v1"
HELP_TR = "Yapabilecekleriniz:"
WITHDRAWN_TR = "tarihinde durdurdunuz"


async def consents(sessions: async_sessionmaker[AsyncSession], person_id: int) -> list[ConsentRecord]:
    async with sessions() as session:
        found = await session.scalars(
            select(ConsentRecord).where(ConsentRecord.person_id == person_id).order_by(ConsentRecord.id)
        )
        return list(found.all())


async def outbox_statuses(sessions: async_sessionmaker[AsyncSession], person_id: int) -> dict[str, str]:
    async with sessions() as session:
        found = await session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person_id))
        return {m.idempotency_key: m.status for m in found}


async def queue_two(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, person_id: int) -> None:
    async with sessions.begin() as session:
        await enqueue(session, [
            Outgoing(f"prompt:{person_id}:1", "reflection", "Bu haftaki yansıtma", clock.now(), person_id=person_id),
            Outgoing(f"prompt:{person_id}:2", "reminder", "Hatırlatma", clock.now(), person_id=person_id),
        ], clock.now())
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.idempotency_key == f"prompt:{person_id}:2")
            .values(status="sent")
        )


async def test_withdrawing_stops_messages_and_only_accepting_again_brings_the_person_back(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    me = await person_id_of(app_sessions, user)
    await queue_two(app_sessions, clock, me)

    await user.send("/mydata")
    await user.press("Narbot bana yazmayı bıraksın")
    assert "Narbot'un durmasını istiyor musunuz" in user.last_text()
    await user.press("Evet, Narbot'u durdur")
    assert WITHDRAWN_TR in user.last_text() and "/forgetme" in user.last_text()

    records = await consents(app_sessions, me)
    assert len(records) == 1 and records[0].withdrawn_at == clock.now()
    assert await outbox_statuses(app_sessions, me) == {f"prompt:{me}:1": "cancelled", f"prompt:{me}:2": "sent"}
    async with app_sessions() as session:
        assert await consent.withdrawn_among(session, {me}) == {me}

    # Whatever they send now gets only the way back (or out): no help, no flows.
    for attempt in ("/help", "Bu hafta çocuklarla masal okuduk", "x" * 5000):
        await user.send(attempt)
        assert WITHDRAWN_TR in user.last_text() and HELP_TR not in user.last_text()
    await user.send_voice()
    await user.send_sticker()
    assert WITHDRAWN_TR in user.last_text()
    assert user.buttons() == ["Metni okuyup geri dön"]
    await user.send("/mydata")
    assert "Ad: Ayşe Yılmaz" in user.texts()[-2], "people keep the right to see their data"

    await user.send("/help")
    await user.press("Metni okuyup geri dön")
    assert "KVKK" in shown_notice(user) and "/forgetme" in shown_notice(user)
    await user.press("Okudum")
    assert "Teşekkürler, kaydedildi" in user.last_text()
    records = await consents(app_sessions, me)
    version = records[0].notice_version
    assert version.startswith(f"{NOTICE_VERSION}.n"), "the programme's own notice was read"
    assert [(r.notice_version, r.withdrawn_at is None) for r in records] == [(version, False), (version, True)]
    await user.send("/help")
    assert HELP_TR in user.last_text()
    # Nothing cancelled comes back by itself.
    assert (await outbox_statuses(app_sessions, me))[f"prompt:{me}:1"] == "cancelled"


async def test_a_new_notice_version_is_shown_before_a_members_command_is_processed(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    user = ChatUser(app, api, user_id=5001, language_code="en")
    await join(user, setup.codes["mentee1"], "English")
    me = await person_id_of(app_sessions, user)
    async with app_sessions.begin() as session:
        await session.execute(update(ConsentRecord).values(notice_version=OLD_VERSION))

    await user.send("/help")
    assert "Please confirm that you have read this notice" in user.last_text()
    assert "Data controller: Ankara İl Müdürlüğü" in shown_notice(user)
    assert "What you can do" not in user.last_text()
    assert user.buttons() == ["I have read it", "Not now"]
    notice = user.messages()[-1]
    # An answer to an older notice only shows the current one again.
    await user.press_data(f"consent:yes:{OLD_VERSION}", notice)
    assert len(await consents(app_sessions, me)) == 1

    await user.press("I have read it", message=notice)
    assert "Thank you, that is recorded" in user.last_text()
    records = await consents(app_sessions, me)
    assert records[0].notice_version == OLD_VERSION
    assert len(records) == 2 and records[-1].notice_version.startswith(f"{NOTICE_VERSION}.n")
    assert records[-1].accepted_at == clock.now()
    await user.send("/help")
    assert "What you can do" in user.last_text()
    # A double tap records nothing more.
    await user.press_data(f"consent:yes:{records[-1].notice_version}", notice)
    assert len(await consents(app_sessions, me)) == 2


async def test_declining_a_new_notice_withdraws_consent(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    me = await person_id_of(app_sessions, user)
    await queue_two(app_sessions, clock, me)
    async with app_sessions.begin() as session:
        await session.execute(update(ConsentRecord).values(notice_version=OLD_VERSION))

    await user.send("Merhaba")
    assert "okuduğunuzu onaylayın" in user.last_text()
    await user.press("Şimdi değil")
    assert WITHDRAWN_TR in user.last_text()
    records = await consents(app_sessions, me)
    assert len(records) == 1 and records[0].withdrawn_at == clock.now()
    assert (await outbox_statuses(app_sessions, me))[f"prompt:{me}:1"] == "cancelled"
    await user.send("/start")
    assert WITHDRAWN_TR in user.last_text()


async def test_withdrawal_question_expires_and_survives_a_restart(make_app, clock: ManualClock) -> None:
    from datetime import timedelta

    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    setup = await seed_programme(sessions, clock.now())
    user = ChatUser(app, api, user_id=5001)
    await join(user, setup.codes["mentee1"])
    me = await person_id_of(sessions, user)
    await user.send("/mydata")
    await user.press("Narbot bana yazmayı bıraksın")
    question = user.messages()[-1]
    clock.advance(timedelta(minutes=30))
    await user.press("Evet, Narbot'u durdur", message=question)
    assert "süresi doldu" in user.last_text()
    assert (await consents(sessions, me))[0].withdrawn_at is None

    await user.send("/mydata")
    await user.press("Narbot bana yazmayı bıraksın")
    question = user.messages()[-1]
    restarted, restarted_api = await make_app()
    await ChatUser(restarted, restarted_api, user_id=5001).press("Evet, Narbot'u durdur", message=question)
    assert (await consents(sessions, me))[0].withdrawn_at == clock.now()
