"""Withdrawing consent, and asking again when the notice changes, through the real handlers."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy import consent
from mentoring.privacy.consent import NOTICE_VERSION
from storage.models import ConsentRecord, OutboxMessage
from tests.support.offline import ChatUser
from tests.support.privacy import join, person_id_of
from tests.support.seed import seed_programme

OLD_VERSION = "2026-01-v1"
HELP_TR = "Yapabilecekleriniz:"
WITHDRAWN_TR = "Açık rızanızı"


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
    await user.press("Açık rızamı geri çek")
    assert "Açık rızanızı geri çekmek istiyor musunuz" in user.last_text()
    await user.press("Evet, açık rızamı geri çek")
    assert WITHDRAWN_TR in user.last_text() and "/forgetme" in user.last_text()

    records = await consents(app_sessions, me)
    assert len(records) == 1 and records[0].withdrawn_at == clock.now()
    assert await outbox_statuses(app_sessions, me) == {f"prompt:{me}:1": "cancelled", f"prompt:{me}:2": "sent"}
    async with app_sessions() as session:
        assert not await consent.may_write_to(session, me)
        assert me not in set((await session.scalars(consent.consenting_people())).all())

    # Whatever they send now gets only the way back (or out): no help, no flows.
    for attempt in ("/help", "Bu hafta çocuklarla masal okuduk", "x" * 5000):
        await user.send(attempt)
        assert WITHDRAWN_TR in user.last_text() and HELP_TR not in user.last_text()
    await user.send_voice()
    await user.send_sticker()
    assert WITHDRAWN_TR in user.last_text()
    assert user.buttons() == ["Aydınlatma metnini okuyup geri dönün"]
    await user.send("/mydata")
    assert "Ad: Ayşe Yılmaz" in user.texts()[-2], "people keep the right to see their data"

    await user.send("/help")
    await user.press("Aydınlatma metnini okuyup geri dönün")
    assert "KVKK" in user.last_text() and "/forgetme" in user.last_text()
    await user.press("Onaylıyorum")
    assert "Onayınız kaydedildi" in user.last_text()
    records = await consents(app_sessions, me)
    assert [(r.notice_version, r.withdrawn_at is None) for r in records] == [
        (NOTICE_VERSION, False), (NOTICE_VERSION, True)]
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
    assert "Do you give your explicit consent" in user.last_text()
    assert "What you can do" not in user.last_text()
    assert user.buttons() == ["I agree", "I do not agree"]
    notice = user.messages()[-1]
    # An answer to an older notice only shows the current one again.
    await user.press_data(f"consent:yes:{OLD_VERSION}", notice)
    assert len(await consents(app_sessions, me)) == 1

    await user.press("I agree", message=notice)
    assert "Your consent has been recorded" in user.last_text()
    records = await consents(app_sessions, me)
    assert [r.notice_version for r in records] == [OLD_VERSION, NOTICE_VERSION]
    assert records[-1].accepted_at == clock.now()
    await user.send("/help")
    assert "What you can do" in user.last_text()
    # A double tap records nothing more.
    await user.press_data(f"consent:yes:{NOTICE_VERSION}", notice)
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
    assert "açık rıza veriyor musunuz" in user.last_text()
    await user.press("Onaylamıyorum")
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
    await user.press("Açık rızamı geri çek")
    question = user.messages()[-1]
    clock.advance(timedelta(minutes=30))
    await user.press("Evet, açık rızamı geri çek", message=question)
    assert "süresi doldu" in user.last_text()
    assert (await consents(sessions, me))[0].withdrawn_at is None

    await user.send("/mydata")
    await user.press("Açık rızamı geri çek")
    question = user.messages()[-1]
    restarted, restarted_api = await make_app()
    await ChatUser(restarted, restarted_api, user_id=5001).press("Evet, açık rızamı geri çek", message=question)
    assert (await consents(sessions, me))[0].withdrawn_at == clock.now()
