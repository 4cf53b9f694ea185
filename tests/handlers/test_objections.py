"""Rights in chat through the real handlers (issue #15 point 3): /mydata lists the digest's flags about
the person; an objection reaches the programme's coordinators with a 30-day due date (the person's zone),
shows in their /report until answered, and the answer reaches the person; both ends are audited; a mentee
and another programme's coordinator can neither see nor answer it."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import Sender
from handlers.services import SERVICES_KEY
from mentoring import audit
from mentoring.clock import ManualClock
from mentoring.delivery import Defer, decide
from mentoring.objections.buttons import OBJECTIONS
from mentoring.privacy.personal_data import owned_tables
from storage.models import ChannelIdentity, OutboxMessage, Person
from storage.models.objections import Objection
from storage.models.outbox import PRIORITY_NORMAL
from storage.models.privacy import AuditEntry
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING, seed_group
from tests.support.notice import add_coordinator
from tests.support.offline import ChatUser
from tests.support.sender import VirtualTimer

# 01:30 on 9 December in Istanbul, still 8 December in UTC: the due date counts from the person's day.
NIGHT = datetime(2026, 12, 8, 22, 30, tzinfo=UTC)
NOON = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
REQUEST = "Geçen hafta izindeydim, bu yüzden yansıtma yapamadım."
ANSWER = "Haklısınız, izin kaydınızı ekledik; bu işaret artık gösterilmeyecek."


async def rows(sessions: async_sessionmaker[AsyncSession], model, *where):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list((await session.scalars(select(model).where(*where).order_by(model.id))).all())


def _with_button(user: ChatUser, label: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in reversed(user.messages())
                if label in [b["text"] for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row])


async def test_an_objection_reaches_the_coordinators_and_the_answer_reaches_the_person(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7100)
    other = await seed_group(sessions, clock.now(), name="Grup 2", base=7200)
    coordinator_id = await add_coordinator(sessions, seeded.programme_id, 7190, clock.now())
    await add_coordinator(sessions, other.programme_id, 7290, clock.now())
    cem = ChatUser(app, api, user_id=int(seeded.external["Cem"]))
    ayse = ChatUser(app, api, user_id=int(seeded.external["Ayşe"]))
    kaya = ChatUser(app, api, user_id=7190)
    stranger = ChatUser(app, api, user_id=7290)

    # /mydata names the flags the week-2 digest raised about Cem, in plain words, and who sees them.
    clock.set(TR_MORNING)
    await cem.send("/mydata")
    summary = next(t for t in reversed(cem.texts()) if "otomatik analiz" in t)
    assert "mentorları bunları haftalık grup özetinde görür" in summary
    assert "2. hafta, Grup 1: İki haftadır yansıtma yok" in summary
    assert "Yapılamayan bir iş için iki kez aynı neden" in summary
    assert "Ayşe" not in summary  # only the flags about Cem
    document = next(c for c in api.calls_of("sendDocument") if int(c["chat_id"]) == cem.user_id)
    assert document is not None

    # He objects to one of them, at 01:30 his time.
    clock.set(NIGHT)
    await cem.press("İtiraz et ya da düzeltme iste")
    assert "Başka bir konu" in cem.buttons()
    await cem.press("2. hafta, Grup 1: İki haftadır yansıtma yok")
    assert "isim yazmayın" in cem.last_text() and "500" in cem.last_text()
    await cem.send("x" * 501)
    assert "501" in cem.last_text()
    assert await rows(sessions, Objection) == []
    await cem.send(REQUEST)
    told = cem.last_text()
    assert "1 koordinatörüne gönderildi" in told and "8 Ocak 2027" in told and "koordinatörleri" in told

    [stored] = await rows(sessions, Objection)
    assert (stored.person_id, stored.programme_id, stored.flag_group_id, stored.flag_week, stored.flag_kind,
            stored.text, stored.due_on, stored.answered_at) == (
        seeded.people["Cem"], seeded.programme_id, seeded.group_id, 2, "no_reflection_twice", REQUEST,
        date(2027, 1, 8), None)
    [message] = await rows(sessions, OutboxMessage, OutboxMessage.kind == "objection_request")
    assert message.person_id == coordinator_id  # not the other programme's coordinator
    assert message.priority == PRIORITY_NORMAL and message.respect_quiet_hours is True
    assert "Cem" in message.text and REQUEST in message.text and "8 Ocak 2027" in message.text
    # Normal priority within quiet hours: it waits for the coordinator's morning.
    async with sessions() as session:
        person = await session.get(Person, coordinator_id)
        identities = list((await session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.person_id == coordinator_id))).all())
        assert isinstance(decide(message, person, identities, NIGHT), Defer)

    # The coordinator's report lists it (with its due date) until it is answered; another's does not.
    clock.set(NOON)
    await kaya.send("/report")
    assert "Yanıt bekleyen kişisel veri talepleri" in kaya.last_text()
    assert f"Talep {stored.id}, son gün 8 Ocak 2027" in kaya.last_text()
    assert f"Talebi yanıtla ({stored.id})" in kaya.buttons()
    await stranger.send("/report")
    assert "kişisel veri talepleri" not in stranger.last_text()

    # Neither a mentee nor another programme's coordinator can answer it.
    answer_data = OBJECTIONS.encode("a", objection=stored.id)
    for who in (ayse, stranger):
        await who.press_data(answer_data, who.messages()[-1] if who.messages() else {
            "message_id": 1, "date": 0, "chat": {"id": who.user_id, "type": "private"}})
        assert REQUEST not in "\n".join(who.texts())
    refused = [c for c in api.calls_of("answerCallbackQuery")
               if "yalnızca programın koordinatörleri" in (c.get("text") or "")]
    assert len(refused) == 2
    await ayse.send("Bu benim yanıtım")
    assert (await rows(sessions, Objection))[0].answered_at is None

    # The sender delivers the request; the coordinator answers from its button.
    sender = Sender(app.bot, sessions, clock, timer=VirtualTimer(), rng=random.Random(1))  # type: ignore[arg-type]
    assert await sender.drain() >= 1
    request_message = _with_button(kaya, f"Talebi yanıtla ({stored.id})")
    assert REQUEST in request_message["text"]
    await kaya.press(f"Talebi yanıtla ({stored.id})", message=request_message)
    assert REQUEST in kaya.last_text()
    await kaya.send(ANSWER)
    assert f"{stored.id} numaralı talep kapandı" in kaya.last_text()
    [closed] = await rows(sessions, Objection)
    assert (closed.answer, closed.answered_at, closed.answered_by) == (ANSWER, NOON, coordinator_id)

    # The answer reaches Cem.
    assert await sender.drain() >= 1
    assert any(ANSWER in text and "yanıt" in text for text in cem.texts())
    # Answered: the report no longer lists it, and a second answer changes nothing.
    await kaya.send("/report")
    assert "kişisel veri talepleri" not in kaya.last_text()
    await kaya.press_data(answer_data, kaya.messages()[-1])
    assert "zaten yanıtlandı" in kaya.last_text()
    assert len(await rows(sessions, OutboxMessage, OutboxMessage.kind == "objection_answer")) == 1

    # Both ends are in the audit log, with ids and no texts.
    logged = await rows(sessions, AuditEntry, AuditEntry.action.in_(
        [audit.OBJECTION_REQUESTED, audit.OBJECTION_ANSWERED]))
    assert [(e.action, e.actor_person_id, e.subject_person_id) for e in logged] == [
        (audit.OBJECTION_REQUESTED, seeded.people["Cem"], seeded.people["Cem"]),
        (audit.OBJECTION_ANSWERED, coordinator_id, seeded.people["Cem"]),
    ]
    assert all(e.details["objection"] == stored.id for e in logged)
    assert REQUEST not in json.dumps([e.details for e in logged], ensure_ascii=False)
    assert ANSWER not in json.dumps([e.details for e in logged], ensure_ascii=False)


async def test_something_else_and_the_texts_are_personal(make_app: AppFactory, clock: ManualClock) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7300)
    await add_coordinator(sessions, seeded.programme_id, 7390, clock.now())
    ayse = ChatUser(app, api, user_id=int(seeded.external["Ayşe"]))
    clock.set(TR_MORNING)
    await ayse.send("/mydata")
    await ayse.press("İtiraz et ya da düzeltme iste")
    await ayse.press("Başka bir konu")
    await ayse.send("Adım yanlış yazılmış.")
    assert "9 Ocak 2027" not in ayse.last_text() and "7 Ocak 2027" in ayse.last_text()
    [stored] = await rows(sessions, Objection)
    assert (stored.flag_kind, stored.flag_group_id, stored.text) == (None, None, "Adım yanlış yazılmış.")
    # The JSON file of /mydata lists the request; erasure and retention clear its texts.
    [objections] = [owned for owned in owned_tables() if owned.table.name == "objections"]
    assert {c.name for c in objections.personal_columns} == {"text", "answer"}
    await ayse.send("/mydata")
    files = [c for c in api.calls_of("sendDocument") if int(c["chat_id"]) == ayse.user_id]
    assert len(files) == 2
    assert "İtirazlarınız ve düzeltme talepleriniz: 1" in "\n".join(ayse.texts())
