"""/mydata and /forgetme through the real handlers: what is sent, what is erased, what stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import audit, conversation
from mentoring.clock import ManualClock
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy.rules import ERASED_NAME
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    ConversationState,
    Invite,
    Membership,
    OutboxMessage,
)
from storage.models.privacy import AuditEntry
from tests.support.offline import ChatUser
from tests.support.privacy import capture_documents, join, json_document, person, person_id_of
from tests.support.seed import seed_programme, single_invite


async def queue_for(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, person_id: int,
                    key: str, text: str) -> None:
    async with sessions.begin() as session:
        await enqueue(session, [Outgoing(key, "reminder", text, clock.now(), person_id=person_id)], clock.now())


async def rows(sessions: async_sessionmaker[AsyncSession], model: type, **where: object) -> list:
    async with sessions() as session:
        query = select(model).filter_by(**where)
        return list((await session.scalars(query)).all())


async def test_mydata_sends_everything_about_the_person_and_nothing_of_anyone_else(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    ayse, other = ChatUser(app, api, user_id=5001), ChatUser(app, api, user_id=5002, first_name="Zeynep")
    await join(ayse, setup.codes["mentee1"])
    await join(other, await single_invite(app_sessions, clock.now(), setup.programme, setup.groups[0]))
    mine, theirs = await person_id_of(app_sessions, ayse), await person_id_of(app_sessions, other)
    await queue_for(app_sessions, clock, mine, "r:1", "Ayşe, yansıtman seni bekliyor")
    await queue_for(app_sessions, clock, theirs, "r:2", "Zeynep'e özel hatırlatma")
    async with app_sessions.begin() as session:
        await conversation.expect(session, mine, "reflection", "q1", clock.now(), {"draft": "yarım yansıtma"})
        await conversation.expect(session, theirs, "reflection", "q2", clock.now(), {"draft": "başkasının taslağı"})
        await audit.record(session, theirs, "mentee.detail", mine, {"group": 1}, now=clock.now())
        await audit.record(session, mine, "mentee.detail", theirs, now=clock.now())
    documents = capture_documents(api)

    await ayse.send("/mydata")

    summary = ayse.texts()[-2]
    assert "Ad: Ayşe Yılmaz" in summary
    assert "Grup 1 grubunda menti (Nar Taneleri)" in summary
    assert "23 Kasım 2026" in summary and "tarihinde okundu" in summary
    assert "Programdaki roller: 1" in summary and "Narbot'un size gönderdiği" in summary
    assert ayse.buttons(ayse.messages()[-2])[:2] == ["Narbot bana yazmayı bıraksın", "Verilerimi sil"]
    filename, data = json_document(documents)
    assert filename == "narbot-mydata-2026-11-23.json"
    assert data["person"]["id"] == mine and data["person"]["display_name"] == "Ayşe Yılmaz"
    tables = data["tables"]
    for table in ("channel_identities", "memberships", "consent_records", "invite_redemptions",
                  "outbox_messages", "conversation_states"):
        assert tables[table], f"{table} is missing from the export"
        assert all(row["person_id"] == mine for row in tables[table]), table
    assert tables["outbox_messages"][0]["text"] == "Ayşe, yansıtman seni bekliyor"
    assert tables["conversation_states"][0]["data"] == {"draft": "yarım yansıtma"}
    assert [row["subject_person_id"] for row in tables["audit_log"]] == [mine]
    dumped = json_document(documents)[1].__repr__()
    for foreign in ("Zeynep", "başkasının taslağı", "5002"):
        assert foreign not in dumped
    exports = await rows(app_sessions, AuditEntry, action=audit.MYDATA_EXPORT)
    assert [(e.actor_person_id, e.subject_person_id) for e in exports] == [(mine, mine)]


async def test_mydata_in_english_and_for_strangers(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    mentor = ChatUser(app, api, user_id=5003, language_code="en")
    await join(mentor, setup.codes["mentor1"], "English")
    documents = capture_documents(api)
    await mentor.send("/mydata")
    assert "Name: Ayşe Yılmaz" in mentor.texts()[-2]
    assert "Mentor of group Grup 1" in mentor.texts()[-2]
    assert len(documents) == 1

    stranger = ChatUser(app, api, user_id=5004, language_code="en")
    await stranger.send("/mydata")
    await stranger.send("/forgetme")
    assert all("To join" in text for text in stranger.texts())
    assert len(documents) == 1
    assert not await rows(app_sessions, AuditEntry, action=audit.MYDATA_EXPORT, actor_person_id=None)


async def test_forgetme_asks_then_erases_texts_names_and_identities_but_keeps_figures(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    code = await single_invite(app_sessions, clock.now(), setup.programme, setup.groups[0], name="Fatma Demir")
    await join(user, code)
    me = await person_id_of(app_sessions, user)
    await queue_for(app_sessions, clock, me, "r:pending", "Fatma, yansıtman seni bekliyor")
    await queue_for(app_sessions, clock, me, "r:sent", "Fatma, geçen haftaki hatırlatma")
    async with app_sessions.begin() as session:
        sent = await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "r:sent"))
        assert sent is not None
        sent.status = "sent"
        await conversation.expect(session, me, "reflection", "q1", clock.now(), {"draft": "taslak"})

    await user.send("/forgetme")
    assert "verilerinizi silmesini istiyor musunuz" in user.last_text()
    assert user.buttons() == ["Evet, verilerimi sil", "Hayır, her şey kalsın"]
    await user.press("Hayır, her şey kalsın")
    assert user.last_text() == "Hiçbir şey değiştirilmedi."
    assert (await person(app_sessions, me)).display_name == "Fatma Demir"

    await user.send("/forgetme")
    await user.press("Evet, verilerimi sil")
    assert "Verileriniz silindi" in user.last_text()

    erased = await person(app_sessions, me)
    assert erased.display_name == ERASED_NAME and erased.erased_at == clock.now()
    assert not await rows(app_sessions, ChannelIdentity, person_id=me)
    assert not await rows(app_sessions, ConversationState, person_id=me)
    outbox = {m.idempotency_key: m for m in await rows(app_sessions, OutboxMessage, person_id=me)}
    assert outbox["r:pending"].status == "cancelled" and outbox["r:sent"].status == "sent"
    assert {m.text for m in outbox.values()} == {""}
    assert [i.invitee_name for i in await rows(app_sessions, Invite, code=code)] == [None]
    # The figures stay: one membership (now ended) and one consent record (now withdrawn).
    memberships = await rows(app_sessions, Membership, person_id=me)
    assert len(memberships) == 1 and memberships[0].left_at == clock.now()
    consents = await rows(app_sessions, ConsentRecord, person_id=me)
    assert len(consents) == 1 and consents[0].withdrawn_at == clock.now()
    entries = await rows(app_sessions, AuditEntry, action=audit.FORGETME)
    assert [(e.actor_person_id, e.subject_person_id) for e in entries] == [(me, me)]
    assert user.api.calls_of("deleteMyCommands")[-1]["scope"] == {"type": "chat", "chat_id": 5001}

    # Now a stranger: the bot knows nothing, and a second tap changes nothing.
    await user.send("/start")
    assert "davet bağlantısını" in user.last_text()
    await user.press_data(f"privacy:forget:{int(clock.now().timestamp())}", user.messages()[-1])
    assert len(await rows(app_sessions, AuditEntry, action=audit.FORGETME)) == 1


async def test_a_stale_confirmation_is_refused_and_a_fresh_one_survives_a_restart(
    make_app, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    setup = await seed_programme(sessions, clock.now())
    user = ChatUser(app, api, user_id=5001)
    await join(user, setup.codes["mentee1"])
    me = await person_id_of(sessions, user)

    await user.send("/forgetme")
    question = user.messages()[-1]
    clock.advance(timedelta(minutes=11))
    await user.press("Evet, verilerimi sil", message=question)
    assert "süresi doldu" in user.last_text()
    assert await rows(sessions, ChannelIdentity, person_id=me), "nothing was erased"
    assert (await person(sessions, me)).erased_at is None

    await user.send("/forgetme")
    question = user.messages()[-1]
    clock.advance(timedelta(minutes=9))
    restarted, restarted_api = await make_app()
    again = ChatUser(restarted, restarted_api, user_id=5001)
    await again.press("Evet, verilerimi sil", message=question)
    assert (await person(sessions, me)).erased_at == clock.now()


async def test_forged_privacy_buttons_change_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    me = await person_id_of(app_sessions, user)
    message = user.messages()[-1]
    future = int((clock.now() + timedelta(hours=1)).timestamp())
    forged = (f"privacy:forget:{future}", "privacy:forget:abc", "privacy:forget:" + "9" * 40,
              "privacy:withdraw:-5", "privacy:hack:1")
    for data in forged:
        await user.press_data(data, message)
    assert (await person(app_sessions, me)).erased_at is None
    assert (await rows(app_sessions, ConsentRecord, person_id=me))[0].withdrawn_at is None
    assert len(user.api.calls_of("answerCallbackQuery")) >= 4


async def test_the_privacy_commands_are_in_every_members_help(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["coordinator"])
    await user.send("/help")
    assert "/mydata" in user.last_text() and "/forgetme" in user.last_text() and "/privacy" in user.last_text()
    async with app_sessions() as session:
        seen = select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "notice.load")
        assert await session.scalar(seen) == 0, "reading help is not a view of anyone's data"
