"""A mentee's voice note reaches her mentor, and his reply reaches her (issue #14, "done when").

Everything goes through the real handlers and the outbox sender: Ayşe (in the
digest's group, tests/support/digest.py, with the mentors Mert and Maria)
answers week 3's reflection with /reflect and, at the first text question,
sends a voice note; the bot asks for the media consent first and, once she
says yes, the held voice note becomes her answer. She sends the reflection to
her mentors in full. After the week closes, Mert opens /digest, her detail and
"🎧 Dinle / gör (1)": the sender sends him the voice note by the same file id.
Mert then replies in words; she receives the reply naming him and answers
once; her answer reaches him.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import Sender
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.feedback.rules import KIND_ANSWER, KIND_MEDIA, KIND_REPLY, MEDIA_ACTION
from storage.models import OutboxMessage
from storage.models.feedback import FeedbackMessage
from storage.models.privacy import AuditEntry
from storage.models.reflections import Reflection, ReflectionAnswer
from tests.support.app import AppFactory
from tests.support.digest import Seeded, seed_group
from tests.support.offline import ChatUser
from tests.support.reflection import to_first_text_question
from tests.support.sender import VirtualTimer

# Week 3 of the digest's programme (from Monday 23 November 2026): its reflection opens on Friday
# 11 December at 10:00 Istanbul for 72 hours and closes on Monday 14 December, 07:00 UTC.
WEEK3_OPEN = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
AFTER_WEEK3 = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)  # 13:00 in Istanbul: nobody's quiet hours there
VOICE_ID = "AwACAgIAAxkBAAIBweek3voiceofayse"
HARD = "Akşam yemeğinde sıra beklemek zor oldu."
NEXT = "Gelecek hafta oyunu sabah deneyeceğim."
REPLY = "Sesinizi dinledim; sabah denemesi çok iyi bir fikir."
ANSWER = "Teşekkürler Mert, sonucu görüşmede anlatırım."


async def _rows(sessions: async_sessionmaker[AsyncSession], model: Any, *where: Any) -> list[Any]:
    async with sessions() as session:
        return list((await session.scalars(select(model).where(*where).order_by(model.id))).all())


def _user(app, api, seeded: Seeded, who: str, language: str = "tr") -> ChatUser:  # type: ignore[no-untyped-def]
    return ChatUser(app, api, user_id=int(seeded.external[who]), first_name=who, last_name=None,
                    language_code=language)


async def _send_voice(user: ChatUser, file_id: str, duration: int) -> None:
    """A voice note with its own file id (ChatUser.send_voice always sends the id "voice")."""
    await user.process({"message": user._message(voice={
        "file_id": file_id, "file_unique_id": f"u-{file_id}", "duration": duration})})


def _voices_to(api, user: ChatUser) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [c for c in api.calls_of("sendVoice") if int(c["chat_id"]) == user.user_id]


async def test_a_mentees_voice_note_reaches_her_mentor_and_his_reply_reaches_her(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7600)
    sender = Sender(app.bot, sessions, clock, timer=VirtualTimer(), rng=random.Random(3))  # type: ignore[arg-type]
    ayse, burak = _user(app, api, seeded, "Ayşe"), _user(app, api, seeded, "Burak")
    mert, maria = _user(app, api, seeded, "Mert"), _user(app, api, seeded, "Maria", "en")

    # 1. Ayşe answers week 3's reflection; at the first text question she sends a voice note.
    clock.set(WEEK3_OPEN)
    await ayse.send("/reflect")
    assert "Yansıtma · 3. hafta · soru 1/9" in ayse.last_text()
    await to_first_text_question(ayse)
    assert "soru 5/9" in ayse.last_text()
    await _send_voice(ayse, VOICE_ID, duration=42)
    assert "Açık rıza: sesli mesajlar ve fotoğraflar" in ayse.last_text()
    assert "soru 5/9" not in ayse.last_text(), "the consent comes before the voice note is taken"
    await ayse.press("Evet, saklansın")
    assert "soru 6/9" in ayse.last_text()
    await ayse.send(HARD)
    assert "soru 7/9" in ayse.last_text()
    await ayse.send(NEXT)
    assert "soru 8/9" in ayse.last_text()
    await ayse.press("Evet")
    assert "Bu soru isteğe bağlıdır." in ayse.last_text()
    await ayse.press("Geç")
    summary = ayse.last_text()
    assert "3. hafta yansıtmanız:" in summary and "Sesli mesaj (0:42)" in summary
    assert "☐ Mentorlarım yalnızca sayıları görsün" in ayse.buttons(), "she shares everything, not numbers only"
    await ayse.press("Mentorlarıma gönder")
    assert "3. hafta yansıtmanız mentorlarınıza gönderildi." in ayse.last_text()

    [reflection] = await _rows(sessions, Reflection, Reflection.person_id == seeded.people["Ayşe"],
                               Reflection.week == 3)
    assert reflection.submitted_at == WEEK3_OPEN and not reflection.numbers_only
    [held] = await _rows(sessions, ReflectionAnswer, ReflectionAnswer.reflection_id == reflection.id,
                         ReflectionAnswer.file_id.is_not(None))
    assert (held.question_key, held.file_kind, held.file_id, held.file_duration) == (
        "happened", "voice", VOICE_ID, 42)

    # 2. After the week, Mert opens her detail and plays the voice note.
    clock.set(AFTER_WEEK3)
    await mert.send("/digest")
    await mert.press("Ayşe")
    assert "Ayşe" in mert.last_text()
    assert "🎧 Dinle / gör (1)" in mert.buttons()
    await mert.press("🎧 Dinle / gör (1)")
    assert mert.last_text() == "1 dosya şimdi size gönderiliyor."
    [media] = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_MEDIA)
    assert media.person_id == seeded.people["Mert"]
    assert media.attachment == {"type": "voice", "file_id": VOICE_ID, "channel": "telegram"}
    assert "Ayşe, 3. hafta" in media.text
    [played] = await _rows(sessions, AuditEntry, AuditEntry.action == MEDIA_ACTION)
    assert (played.actor_person_id, played.subject_person_id, played.details["files"]) == (
        seeded.people["Mert"], seeded.people["Ayşe"], 1)
    assert played.details.keys() >= {"files"} and VOICE_ID not in str(played.details)

    assert await sender.drain() >= 1
    [voice] = _voices_to(api, mert)
    assert voice["voice"] == VOICE_ID, "the mentor gets the very voice note the mentee sent"
    assert not _voices_to(api, maria) and not _voices_to(api, ayse) and not _voices_to(api, burak)
    assert any("voice" in m and m["voice"]["file_id"] == VOICE_ID for m in mert.messages())

    # 3. Mert replies in words; Ayşe receives it naming him and answers once; Mert receives the answer.
    await mert.send("/digest")
    await mert.press("Ayşe")
    await mert.press("💬 Yansıtmaya yanıt ver")
    await mert.press("✏️ Yanıt yaz")
    await mert.send(REPLY)
    assert mert.last_text() == "Gönderildi: Ayşe."
    [reply] = await _rows(sessions, FeedbackMessage)
    assert (reply.person_id, reply.to_person_id, reply.reflection_id, reply.reaction, reply.text) == (
        seeded.people["Mert"], seeded.people["Ayşe"], reflection.id, None, REPLY)
    [queued] = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_REPLY)
    assert queued.person_id == seeded.people["Ayşe"]

    assert not any(REPLY in t for t in ayse.texts()), "nothing reaches her before the sender runs"
    assert await sender.drain() >= 1
    from_mert = next(m for m in ayse.messages() if REPLY in m.get("text", ""))
    assert "Mert, 3. hafta yansıtmanıza yanıt verdi" in from_mert["text"]
    assert not any(REPLY in t for t in burak.texts() + maria.texts())

    await ayse.press("Yanıtla", message=from_mert)
    assert "Mert okuyacak" in ayse.last_text()
    await ayse.send(ANSWER)
    assert ayse.last_text() == "Gönderildi: Mert."
    await ayse.press("Yanıtla", message=from_mert)
    assert [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")][-1] == \
        "Bu yanıta zaten cevap verdiniz."
    [_, answer] = await _rows(sessions, FeedbackMessage)
    assert (answer.person_id, answer.to_person_id, answer.answer_to_id, answer.text) == (
        seeded.people["Ayşe"], seeded.people["Mert"], reply.id, ANSWER)
    [to_mert] = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_ANSWER)
    assert to_mert.person_id == seeded.people["Mert"]

    assert await sender.drain() >= 1
    [received] = [t for t in mert.texts() if ANSWER in t]
    assert "Ayşe, 3. hafta yansıtmasına verdiğiniz yanıtı yanıtladı" in received
    assert not any(ANSWER in t for t in maria.texts() + burak.texts())
    assert {m.status for m in await _rows(sessions, OutboxMessage, OutboxMessage.kind.in_(
        [KIND_MEDIA, KIND_REPLY, KIND_ANSWER]))} == {"sent"}
