"""The notice apart from explicit consents, through the real handlers (issue #15, points 1 and 2).

A programme's notice is read and confirmed, not consented to; transfer abroad is
asked on its own where the notice names no other basis; voice notes and photos
are kept only with their own consent, asked when the first one arrives. Each is
recorded and withdrawn on its own.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy import consent
from storage.models import ConsentRecord, OutboxMessage
from storage.models.notices import ExplicitConsent
from storage.models.privacy import AuditEntry
from storage.models.reflections import ReflectionAnswer
from tests.support.notice import ASKS_ABROAD, TEST_NOTICE, give_notice, shown_notice
from tests.support.offline import ChatUser
from tests.support.privacy import person_id_of
from tests.support.reflection import WEEK1_OPEN, send_photo, to_first_text_question
from tests.support.seed import seed_programme

ABROAD_QUESTION = "Açık rıza: yurt dışına aktarım"
MEDIA_QUESTION = "Açık rıza: sesli mesajlar ve fotoğraflar"


async def decisions(sessions: async_sessionmaker[AsyncSession], person_id: int) -> list[tuple[str, bool]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ExplicitConsent).where(ExplicitConsent.person_id == person_id).order_by(ExplicitConsent.id))
        return [(row.purpose, row.given) for row in rows]


async def voice_answers(sessions: async_sessionmaker[AsyncSession]) -> list[str | None]:
    async with sessions() as session:
        rows = await session.scalars(select(ReflectionAnswer).order_by(ReflectionAnswer.id))
        return [row.file_kind for row in rows]


async def join_reading(user: ChatUser, code: str) -> None:
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Okudum")


async def test_where_the_notice_names_no_safeguard_transfer_abroad_is_asked_apart_and_holds_until_given(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    async with app_sessions.begin() as session:
        await give_notice(session, setup.programme.id, clock.now(), ASKS_ABROAD)

    await user.send(f"/start {setup.codes['mentee1']}")
    await user.press("Türkçe")
    notice = shown_notice(user)
    assert "Başka bir dayanak bulunmadığı için Narbot bunun için açık rızanızı ayrıca ister" in notice
    assert user.buttons() == ["Okudum", "Şimdi değil"], "the notice is confirmed as read, not agreed to"
    await user.press("Okudum")
    assert ABROAD_QUESTION in user.last_text(), "the consent comes after the welcome, as its own question"
    assert not any("öz değerlendirme" in text for text in user.texts()), "no baseline while they are held"
    assert user.buttons() == ["Evet, rıza veriyorum", "Hayır", "Metni okuyup geri dön"]
    me = await person_id_of(app_sessions, user)
    assert await decisions(app_sessions, me) == []

    # Until they answer, everything but the answer and their rights is held.
    await user.send("/help")
    assert ABROAD_QUESTION in user.last_text() and "Yapabilecekleriniz" not in user.last_text()

    await user.press("Hayır")
    assert "yurt dışına aktarım yok" in user.last_text()
    async with app_sessions() as session:
        assert await consent.withdrawn_among(session, {me}) == {me}, "the sender writes nothing to them"
    await user.send("/help")
    assert "Yurt dışına aktarıma hayır dediniz" in user.last_text()

    await user.press("Evet, rıza veriyorum")
    assert "Teşekkürler, kaydedildi" in user.texts()[-2]
    assert "öz değerlendirme" in user.last_text(), "the baseline is offered once they can take part"
    await user.send("/help")
    assert "Yapabilecekleriniz" in user.last_text()
    assert await decisions(app_sessions, me) == [("abroad", False), ("abroad", True)]
    async with app_sessions() as session:
        assert await consent.withdrawn_among(session, {me}) == set()
        records = list(await session.scalars(select(ConsentRecord).where(ConsentRecord.person_id == me)))
        audited = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "consent.decided")))
    assert len(records) == 1 and records[0].withdrawn_at is None, "the notice's record is apart from consents"
    assert [entry.details["given"] for entry in audited] == [False, True]  # type: ignore[index]


async def test_withdrawing_transfer_abroad_cancels_what_is_queued_and_leaves_the_media_consent(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    async with app_sessions.begin() as session:
        await give_notice(session, setup.programme.id, clock.now(), ASKS_ABROAD)
    await join_reading(user, setup.codes["mentee1"])
    await user.press("Evet, rıza veriyorum")
    me = await person_id_of(app_sessions, user)

    await user.send("/privacy")
    overview = user.last_text()
    assert "Mesajlaşma platformu üzerinden yurt dışına aktarım: " in overview and "tarihinde verildi" in overview
    assert "Sesli mesajlarınızın ve fotoğraflarınızın saklanması: henüz sorulmadı" in overview
    await user.press("Ver: Sesli mesajlarınızın ve fotoğraflarınızın saklanması")
    assert await decisions(app_sessions, me) == [("abroad", True), ("media", True)]

    async with app_sessions.begin() as session:
        await enqueue(session, [Outgoing(f"prompt:{me}", "reflection", "Bu haftaki yansıtma", clock.now(),
                                         person_id=me)], clock.now())
    await user.send("/privacy")
    await user.press("Geri al: Mesajlaşma platformu üzerinden yurt dışına aktarım")
    assert await decisions(app_sessions, me) == [("abroad", True), ("media", True), ("abroad", False)]
    async with app_sessions() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.person_id == me))
    assert status == "cancelled"

    # Each on its own: /privacy still works while held, and the media consent is as it was.
    await user.send("/privacy")
    assert "Sesli mesajlarınızın ve fotoğraflarınızın saklanması: " in user.last_text()
    assert "tarihinde verildi" in user.last_text().split("saklanması: ")[1]


async def test_a_voice_note_waits_for_the_media_consent_and_a_no_asks_for_text_and_keeps_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join_reading(user, setup.codes["mentee1"])
    me = await person_id_of(app_sessions, user)
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    await to_first_text_question(user)
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    assert "soru 6/9" in user.last_text()

    await user.send_voice(duration=40)
    assert MEDIA_QUESTION in user.last_text()
    assert user.buttons() == ["Evet, saklansın", "Hayır, yazacağım"]
    assert await voice_answers(app_sessions) == [None] * 5, "nothing of the voice note is stored yet"
    await user.press("Hayır, yazacağım")
    assert "gönderdiğiniz saklanmadı" in user.last_text() and "soru hâlâ bekliyor" in user.last_text()
    assert await voice_answers(app_sessions) == [None] * 5

    # The question still waits for text; the next voice note is answered at once, without asking again.
    await user.send_voice(duration=12)
    assert "gönderdiğiniz saklanmadı" in user.last_text() and MEDIA_QUESTION not in user.last_text()
    await user.send("Akşam yemeğinde herkes bir şey anlattı.")
    assert "soru 7/9" in user.last_text()
    assert await voice_answers(app_sessions) == [None] * 6
    assert await decisions(app_sessions, me) == [("media", False)]


async def test_a_yes_gives_the_held_voice_note_to_the_question_it_answered(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join_reading(user, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    await to_first_text_question(user)
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    await user.send_voice(duration=75)
    await user.press("Evet, saklansın")
    assert user.texts()[-2] == "Teşekkürler, kaydedildi: gönderdiğiniz cevabınız olarak saklandı."
    assert "soru 7/9" in user.last_text(), "the voice note answered question 6"
    assert await voice_answers(app_sessions) == [None] * 5 + ["voice"]
    await send_photo(user, caption="Çocukların çizimi")
    assert "soru 8/9" in user.last_text(), "once given, the consent is not asked again"
    assert await voice_answers(app_sessions) == [None] * 5 + ["voice", "photo"]


async def test_a_new_version_of_the_programmes_notice_is_shown_again_before_anything_else(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join_reading(user, setup.codes["mentee1"])
    me = await person_id_of(app_sessions, user)
    async with app_sessions.begin() as session:
        changed = dataclasses.replace(TEST_NOTICE, contact="Yeni irtibat, 0312 111 11 11")
        view = await give_notice(session, setup.programme.id, clock.now(), changed)

    await user.send("/help")
    assert "Yeni irtibat, 0312 111 11 11" in shown_notice(user) and "Yapabilecekleriniz" not in shown_notice(user)
    await user.press("Okudum")
    await user.send("/help")
    assert "Yapabilecekleriniz" in user.last_text()
    async with app_sessions() as session:
        versions = list(await session.scalars(
            select(ConsentRecord.notice_version).where(ConsentRecord.person_id == me).order_by(ConsentRecord.id)))
    assert versions[-1] == view.version and len(versions) == 2 and versions[0] != versions[1]
