"""/forgetme reaches other people's messages, and /mydata names every kind of record in words."""

from __future__ import annotations

import json
import re

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import audit
from mentoring.broadcasts import rules as broadcasts
from mentoring.clock import ManualClock
from mentoring.peers import pairing
from storage.models import OutboxMessage
from storage.models.outbox_mentions import OutboxMention
from storage.models.plans import PlanAreaChoice
from storage.models.privacy import AuditEntry
from tests.support.broadcasting import COORDINATOR_USER, MENTEE_USER, Cast, member, seed_cast
from tests.support.offline import ChatUser
from tests.support.privacy import capture_documents, json_document

BURAK_USER, CEM_USER = 7002, 7003
ANNOUNCEMENT = "Toplantı cuma 10:00'da."
REMOVED_TR = "[Bu mesaj, adı geçen bir kişinin isteği üzerine kaldırıldı.]"
REMOVED_EN = "[This message was removed at the request of a person it named.]"
# A table's name as the schema spells it, e.g. peer_pair_members.
TABLE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


async def pair_and_announce(sessions: async_sessionmaker[AsyncSession], cast: Cast, clock: ManualClock) -> int:
    """Ayşe and Burak become partners (each told the other's name); Selin announces to everyone."""
    now = clock.now()
    async with sessions.begin() as session:
        await pairing.make_pair(session, cast.groups["G1"], [cast.people["Ayşe"], cast.people["Burak"]],
                                cast.people["Deniz"], now)
        session.add(PlanAreaChoice(person_id=cast.people["Ayşe"], programme_id=cast.programme.id,
                                   area_key="confidence", chosen_at=now))
    coordinator = await member(sessions, COORDINATOR_USER)
    async with sessions.begin() as session:
        draft = await broadcasts.start_draft(session, coordinator, cast.programme.id, now)
        await broadcasts.choose_scope(session, coordinator, draft.broadcast_id, "programme")
        await broadcasts.choose_role(session, coordinator, draft.broadcast_id, "all", now)
        await broadcasts.set_text(session, coordinator, draft.broadcast_id, ANNOUNCEMENT, now)
        await broadcasts.confirm(session, coordinator, draft.broadcast_id, now,
                                 progress_chat_id=str(COORDINATOR_USER), progress_message_id=77)
    return draft.broadcast_id


async def rows_of(sessions: async_sessionmaker[AsyncSession]) -> dict[tuple[str, int | None], OutboxMessage]:
    """Outbox rows by (kind, reader)."""
    async with sessions() as session:
        return {(row.kind, row.person_id): row for row in (await session.scalars(select(OutboxMessage))).all()}


async def erase_through_the_bot(user: ChatUser) -> None:
    await user.send("/forgetme")
    await user.press("Evet, verilerimi sil")
    assert "Verileriniz silindi" in user.last_text()


async def test_forgetme_clears_partner_notices_and_signed_announcements_in_other_peoples_outboxes(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    cast = await seed_cast(app_sessions, clock.now())
    ayse, burak, cem, deniz, selin = (cast.people[n] for n in ("Ayşe", "Burak", "Cem", "Deniz", "Selin"))
    broadcast_id = await pair_and_announce(app_sessions, cast, clock)
    async with app_sessions.begin() as session:  # some already went out, the rest wait
        await session.execute(
            update(OutboxMessage).where(
                ((OutboxMessage.kind == "peer_pair") & (OutboxMessage.person_id == burak))
                | ((OutboxMessage.kind == "broadcast") & OutboxMessage.person_id.in_([burak, cem]))
            ).values(status="sent")
        )
    before = await rows_of(app_sessions)
    assert "Ayşe Yılmaz" in before["peer_pair", burak].text
    assert "Selin Kara" in before["broadcast", cem].text and ANNOUNCEMENT in before["broadcast", deniz].text
    copies = sum(1 for kind, reader in before if kind == "broadcast" and reader != selin)
    burak_user = ChatUser(app, api, user_id=BURAK_USER, first_name="Burak", last_name="Şahin", language_code="en")
    documents = capture_documents(api)
    await burak_user.send("/mydata")
    assert "Ayşe Yılmaz" in json.dumps(json_document(documents)[1], ensure_ascii=False)

    await erase_through_the_bot(ChatUser(app, api, user_id=COORDINATOR_USER, first_name="Selin", last_name="Kara"))
    await erase_through_the_bot(ChatUser(app, api, user_id=MENTEE_USER))

    after = await rows_of(app_sessions)
    assert (after["peer_pair", burak].status, after["peer_pair", burak].text) == ("sent", REMOVED_EN)
    assert (after["broadcast", burak].status, after["broadcast", burak].text) == ("sent", REMOVED_EN)
    assert (after["broadcast", cem].status, after["broadcast", cem].text) == ("sent", REMOVED_TR)
    assert (after["broadcast", deniz].status, after["broadcast", deniz].text) == ("cancelled", REMOVED_TR)
    # Ayşe's own messages go as before: emptied, and what waited is cancelled.
    assert {after[kind, ayse].text for kind in ("peer_pair", "broadcast")} == {""}
    assert after["peer_pair", ayse].status == "cancelled"
    for row in after.values():
        assert not any(word in row.text for word in ("Ayşe", "Selin", ANNOUNCEMENT)), row.idempotency_key
    async with app_sessions() as session:
        assert not (await session.scalars(select(OutboxMention))).all()
        forgotten = (await session.scalars(
            select(AuditEntry).where(AuditEntry.action == audit.FORGETME, AuditEntry.subject_person_id == selin)
        )).one()
    assert forgotten.details["others_messages"] == copies
    assert (await rows_of(app_sessions))["broadcast", deniz].batch_key == f"broadcast:{broadcast_id}"

    await burak_user.send("/mydata")
    exported = json.dumps(json_document(documents)[1], ensure_ascii=False)
    assert not any(word in exported for word in ("Ayşe", "Selin", ANNOUNCEMENT))
    assert REMOVED_EN in exported


async def test_mydata_names_every_kind_of_record_in_words(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    cast = await seed_cast(app_sessions, clock.now())
    await pair_and_announce(app_sessions, cast, clock)
    capture_documents(api)
    ayse = ChatUser(app, api, user_id=MENTEE_USER)
    burak = ChatUser(app, api, user_id=BURAK_USER, first_name="Burak", last_name="Şahin", language_code="en")

    await ayse.send("/mydata")
    await burak.send("/mydata")

    turkish, english = ayse.texts()[-2], burak.texts()[-2]  # the summary, then the file
    assert "• Eş düzey ikilileriniz: 1" in turkish
    assert "• Seçtiğiniz gelişim alanları: 1" in turkish
    assert "• Başkalarına giden ve adınızın geçtiği mesajlar: 1" in turkish
    assert "• Your peer partnerships: 1" in english
    assert "• Messages to other people that name you: 1" in english
    for summary in (turkish, english):
        assert not TABLE_NAME.search(summary), TABLE_NAME.findall(summary)
