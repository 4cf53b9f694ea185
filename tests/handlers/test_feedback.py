"""Mentors hear, see and answer (issue #14, points 1 and 2), through the real handlers and the sender.

The digest's group (tests/support/digest.py): Ayşe's week-2 reflection gets a
voice note and a photo; Burak's (numbers only) a voice note too. Mert mentors
in Turkish, Maria in English.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import Sender
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.feedback.buttons import FEEDBACK
from mentoring.feedback.rules import KIND_ANSWER, KIND_MEDIA, KIND_REPLY, MEDIA_ACTION
from storage.models import ChannelIdentity, OutboxMessage
from storage.models.feedback import FeedbackMessage
from storage.models.outbox import PRIORITY_NORMAL
from storage.models.privacy import AuditEntry
from storage.models.reflections import Reflection, ReflectionAnswer
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING, Seeded, seed_group
from tests.support.offline import ChatUser
from tests.support.sender import VirtualTimer

VOICE_REF = "AwACAgIAAxkBAAIBvoiceofayse"
PHOTO_REF = "AgACAgIAAxkBAAIBphotoofayse"
BURAK_VOICE = "AwACAgIAAxkBAAIBvoiceofburak"
REPLY = "Oyunla sakinleştirme çok güzel bir fikir, devam edin."
ANSWER = "Teşekkürler, bu hafta da deneyeceğim."


async def _rows(sessions: async_sessionmaker[AsyncSession], model: Any, *where: Any) -> list[Any]:
    async with sessions() as session:
        return list((await session.scalars(select(model).where(*where).order_by(model.id))).all())


async def _reflection(sessions: async_sessionmaker[AsyncSession], seeded: Seeded, who: str, week: int = 2) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Reflection.id).where(
            Reflection.person_id == seeded.people[who], Reflection.week == week))
    assert found is not None
    return found


async def _add_files(sessions: async_sessionmaker[AsyncSession], seeded: Seeded, now: datetime) -> None:
    """Ayşe's week 2: a voice note and a photo; Burak's (numbers only): a voice note."""
    ayse, burak = await _reflection(sessions, seeded, "Ayşe"), await _reflection(sessions, seeded, "Burak")
    async with sessions.begin() as session:
        session.add_all([
            ReflectionAnswer(reflection_id=ayse, question_key="hard", kind="text", file_kind="voice",
                             file_id=VOICE_REF, file_duration=40, answered_at=now),
            ReflectionAnswer(reflection_id=ayse, question_key="next", kind="text", file_kind="photo",
                             file_id=PHOTO_REF, caption="Defterim", answered_at=now),
            ReflectionAnswer(reflection_id=burak, question_key="hard", kind="text", file_kind="voice",
                             file_id=BURAK_VOICE, file_duration=20, answered_at=now),
        ])


async def _setup(make_app: AppFactory, clock: ManualClock):  # type: ignore[no-untyped-def]
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7400)
    other = await seed_group(sessions, clock.now(), name="Grup 2", base=7500)
    await _add_files(sessions, seeded, clock.now())
    clock.set(TR_MORNING)
    sender = Sender(app.bot, sessions, clock, timer=VirtualTimer(), rng=random.Random(1))  # type: ignore[arg-type]
    return app, api, sessions, seeded, other, sender


def _user(app, api, seeded: Seeded, who: str, language: str = "tr") -> ChatUser:  # type: ignore[no-untyped-def]
    return ChatUser(app, api, user_id=int(seeded.external[who]), language_code=language)


async def _detail(user: ChatUser, who: str) -> None:
    await user.send("/digest")
    await user.press(who)


async def test_a_mentor_plays_a_mentees_voice_note_and_photo_from_the_detail(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api, sessions, seeded, _other, sender = await _setup(make_app, clock)
    mert = _user(app, api, seeded, "Mert")
    await _detail(mert, "Ayşe")
    assert "🎧 Dinle / gör (2)" in mert.buttons()
    await mert.press("🎧 Dinle / gör (2)")
    assert mert.last_text() == "2 dosya şimdi size gönderiliyor."

    media = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_MEDIA)
    assert [(m.person_id, m.attachment) for m in media] == [
        (seeded.people["Mert"], {"type": "voice", "file_id": VOICE_REF, "channel": "telegram"}),
        (seeded.people["Mert"], {"type": "photo", "file_id": PHOTO_REF, "channel": "telegram"}),
    ]
    assert "Ayşe, 2. hafta" in media[0].text and "Defterim" in media[1].text
    [logged] = await _rows(sessions, AuditEntry, AuditEntry.action == MEDIA_ACTION)
    assert (logged.actor_person_id, logged.subject_person_id, logged.details["files"]) == (
        seeded.people["Mert"], seeded.people["Ayşe"], 2)

    # The sender sends them as the media themselves, by reference.
    assert await sender.drain() >= 2
    voices = [c for c in api.calls_of("sendVoice") if int(c["chat_id"]) == mert.user_id]
    photos = [c for c in api.calls_of("sendPhoto") if int(c["chat_id"]) == mert.user_id]
    assert [c["voice"] for c in voices] == [VOICE_REF]
    assert PHOTO_REF in [c.get("photo") for c in photos]


async def test_never_for_numbers_only_nor_another_groups_mentor_nor_another_channel(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api, sessions, seeded, other, _sender = await _setup(make_app, clock)
    mert = _user(app, api, seeded, "Mert")
    # Burak shares the numbers only: no button, and forged data is refused.
    await _detail(mert, "Burak")
    assert not any("Dinle" in label for label in mert.buttons())
    burak_reflection = await _reflection(sessions, seeded, "Burak")
    await mert.press_data(FEEDBACK.encode("m", reflection=burak_reflection), mert.messages()[-1])
    # Another group's mentor cannot have Ayşe's files.
    ayse_reflection = await _reflection(sessions, seeded, "Ayşe")
    stranger = _user(app, api, other, "Mert")
    await stranger.send("/digest")
    await stranger.press_data(FEEDBACK.encode("m", reflection=ayse_reflection), stranger.messages()[-1])
    refusals = [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert refusals[-2:] == [
        "Bu menti yalnızca sayıları paylaşıyor: sesli mesajları ve fotoğrafları kendisinde kalır.",
        "Bu işlem size açık değil.",
    ]
    assert await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_MEDIA) == []
    assert await _rows(sessions, AuditEntry, AuditEntry.action == MEDIA_ACTION) == []

    # Maria now uses WhatsApp: Telegram's file ids cannot be played there, and she is told so.
    async with sessions.begin() as session:
        session.add(ChannelIdentity(person_id=seeded.people["Maria"], channel="whatsapp",
                                    external_user_id="905551112233", chat_id="905551112233",
                                    created_at=TR_MORNING))
    maria = _user(app, api, seeded, "Maria", "en")
    await _detail(maria, "Ayşe")
    await maria.press("🎧 Listen / see (2)")
    assert "Some files were sent on Telegram" in maria.last_text()
    assert await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_MEDIA) == []


async def test_reactions_and_replies_reach_the_mentee_who_answers_once(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api, sessions, seeded, _other, sender = await _setup(make_app, clock)
    mert, maria = _user(app, api, seeded, "Mert"), _user(app, api, seeded, "Maria", "en")
    ayse, burak = _user(app, api, seeded, "Ayşe"), _user(app, api, seeded, "Burak")

    # The digest counts the reflections of the last four weeks without a reply (weeks 1 and 2: six).
    await mert.send("/digest")
    assert "Son 4 haftada 6 yansıtma henüz yanıtlanmadı" in mert.last_text()

    # Mert sends a ready reaction; a second tap sends nothing more.
    await mert.press("Ayşe")
    await mert.press("💬 Yansıtmaya yanıt ver")
    await mert.press("👏 Tebrikler")
    assert mert.last_text() == "Gönderildi: Ayşe."
    await mert.press("Ayşe")
    await mert.press("💬 Yansıtmaya yanıt ver")
    await mert.press("👏 Tebrikler")
    assert mert.last_text() == "Bu tepkiyi Ayşe adlı kişiye zaten gönderdiniz."

    # Maria writes a reply: too long is refused, then it goes.
    await _detail(maria, "Ayşe")
    await maria.press("💬 Reply to the reflection")
    await maria.press("✏️ Write a reply")
    await maria.send("x" * 501)
    assert "501" in maria.last_text()
    await maria.send(REPLY)
    assert maria.last_text() == "Sent to Ayşe."

    replies = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_REPLY)
    assert [m.person_id for m in replies] == [seeded.people["Ayşe"]] * 2
    assert all(m.priority == PRIORITY_NORMAL and m.respect_quiet_hours for m in replies)
    stored = await _rows(sessions, FeedbackMessage)
    assert [(f.person_id, f.reaction, f.text) for f in stored] == [
        (seeded.people["Mert"], "well_done", None), (seeded.people["Maria"], None, REPLY)]

    # Ayşe receives both, with who wrote them.
    assert await sender.drain() >= 2
    texts = ayse.texts()
    assert any("Mert, 2. hafta yansıtmanıza yanıt verdi" in t and "Tebrikler" in t for t in texts)
    from_maria = next(m for m in ayse.messages() if REPLY in m.get("text", ""))
    assert "Maria, 2. hafta yansıtmanıza yanıt verdi" in from_maria["text"]

    # Burak cannot answer a reply to Ayşe; Ayşe answers Maria once.
    await burak.press_data(FEEDBACK.encode("a", reply=stored[1].id), from_maria)
    assert not any("Yanıtınızı yazın" in t for t in burak.texts())
    await ayse.press("Yanıtla", message=from_maria)
    assert "Maria okuyacak" in ayse.last_text()
    await ayse.send(ANSWER)
    assert ayse.last_text() == "Gönderildi: Maria."
    await ayse.press("Yanıtla", message=from_maria)
    assert [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")][-1] == \
        "Bu yanıta zaten cevap verdiniz."
    await ayse.send("İkinci bir cevap")
    [answer] = await _rows(sessions, FeedbackMessage, FeedbackMessage.answer_to_id.is_not(None))
    assert (answer.person_id, answer.to_person_id, answer.text) == (
        seeded.people["Ayşe"], seeded.people["Maria"], ANSWER)
    [to_maria] = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_ANSWER)
    assert to_maria.person_id == seeded.people["Maria"] and to_maria.respect_quiet_hours
    # 01:00 in New York: it waits for the end of Maria's quiet hours, then reaches her.
    await sender.drain()
    assert not any(ANSWER in t for t in maria.texts())
    clock.set(TR_MORNING + timedelta(hours=8))
    assert await sender.drain() >= 1
    assert any(ANSWER in t and "Ayşe answered your reply" in t for t in maria.texts())

    # The digest counts one reflection fewer without a reply.
    await mert.send("/digest")
    assert "Son 4 haftada 5 yansıtma henüz yanıtlanmadı" in mert.last_text()


async def test_a_mentee_cannot_reply_as_a_mentor(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, sessions, seeded, _other, _sender = await _setup(make_app, clock)
    burak = _user(app, api, seeded, "Burak")
    await burak.send("/digest")
    ayse_reflection = await _reflection(sessions, seeded, "Ayşe")
    for data in (FEEDBACK.encode("r", reflection=ayse_reflection),
                 FEEDBACK.encode("q", reflection=ayse_reflection, reaction="well_done"),
                 FEEDBACK.encode("w", reflection=ayse_reflection),
                 FEEDBACK.encode("m", reflection=ayse_reflection)):
        await burak.press_data(data, burak.messages()[-1])
    await burak.send("Ben mentor değilim ama yazıyorum")
    refusals = [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert refusals[-4:] == ["Bu işlem size açık değil."] * 4
    assert await _rows(sessions, FeedbackMessage) == []
    assert await _rows(sessions, OutboxMessage, OutboxMessage.kind.in_([KIND_REPLY, KIND_MEDIA])) == []
