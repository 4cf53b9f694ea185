"""Erasure reaches other people's outbox rows that name or quote the erased person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.digest import rules as digest
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy import rules as privacy
from mentoring.privacy.mentions import removed_text
from mentoring.todos.assign import notify_assigned
from storage.models import ChannelIdentity, OutboxMessage
from storage.models.outbox_mentions import OutboxMention
from storage.models.todos import Todo, TodoAssignment
from tests.support.broadcasting import Cast, seed_cast
from tests.support.digest import EN_MORNING, MESSAGE, TR_MORNING, seed_group

REMOVED_TR = "[Bu mesaj, adı geçen bir kişinin isteği üzerine kaldırıldı.]"
REMOVED_EN = "[This message was removed at the request of a person it named.]"


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> dict[str, OutboxMessage]:
    async with sessions() as session:
        return {row.idempotency_key: row for row in (await session.scalars(select(OutboxMessage))).all()}


async def mentions(sessions: async_sessionmaker[AsyncSession]) -> set[tuple[str, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.idempotency_key, OutboxMention.person_id)
            .join(OutboxMention, OutboxMention.outbox_id == OutboxMessage.id)
        )
        return {(key, person_id) for key, person_id in rows}


async def erase(sessions: async_sessionmaker[AsyncSession], person_id: int, clock: ManualClock) -> None:
    async with sessions.begin() as session:
        assert await privacy.erase_person(session, person_id, clock.now()) is not None


async def mark(sessions: async_sessionmaker[AsyncSession], status: str, *keys: str) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.idempotency_key.in_(keys)).values(status=status)
        )


def test_the_note_is_translated() -> None:
    assert (removed_text("tr"), removed_text("en")) == (REMOVED_TR, REMOVED_EN)


async def test_enqueue_notes_whom_a_message_names_but_not_its_reader(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    ayse, burak, cem = cast.people["Ayşe"], cast.people["Burak"], cast.people["Cem"]
    now = clock.now()
    async with sessions.begin() as session:
        await enqueue(session, [
            Outgoing("trio", "peer_pair", "Burak, Cem", now, person_id=ayse, mentions=(burak, cem, ayse, cem)),
            Outgoing("plain", "reminder", "Merhaba", now, person_id=ayse),
        ], now)
    async with sessions.begin() as session:  # the same key again: queued once, noted once
        assert await enqueue(session, [
            Outgoing("trio", "peer_pair", "Burak, Cem", now, person_id=ayse, mentions=(burak, cem)),
        ], now) == 0
    assert await mentions(sessions) == {("trio", burak), ("trio", cem)}


async def test_erasing_a_mentor_clears_the_to_do_notices_naming_them_and_keeps_the_to_dos(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    deniz, ayse, burak = cast.people["Deniz"], cast.people["Ayşe"], cast.people["Burak"]
    now = clock.now()
    async with sessions.begin() as session:
        assignment = TodoAssignment(group_id=cast.groups["G1"].id, mentor_id=deniz, whole_group=True,
                                    created_at=now)
        session.add(assignment)
        await session.flush()
        todos = [Todo(person_id=pid, group_id=cast.groups["G1"].id, text="Bir kitap oku", assignment_id=assignment.id,
                      week=1, created_at=now, updated_at=now) for pid in (ayse, burak)]
        session.add_all(todos)
        await session.flush()
        assert await notify_assigned(session, [t.id for t in todos], now) == 2
    ayse_key, burak_key = (f"todo-assigned:{t.id}" for t in todos)
    before = await outbox(sessions)
    assert "Deniz Aksoy" in before[ayse_key].text and "Deniz Aksoy" in before[burak_key].text
    assert await mentions(sessions) == {(ayse_key, deniz), (burak_key, deniz)}
    await mark(sessions, "sent", burak_key)

    await erase(sessions, deniz, clock)

    after = await outbox(sessions)
    assert (after[ayse_key].status, after[ayse_key].text) == ("cancelled", REMOVED_TR)
    assert (after[burak_key].status, after[burak_key].text) == ("sent", REMOVED_EN)  # Burak reads English
    assert after[ayse_key].buttons is None and after[burak_key].buttons is None
    assert await mentions(sessions) == set()
    async with sessions() as session:  # the mentees keep their to-dos
        texts = set((await session.scalars(select(Todo.text).where(Todo.person_id.in_([ayse, burak])))).all())
    assert texts == {"Bir kitap oku"}


async def test_a_waiting_digest_is_built_again_without_the_erased_mentee(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, tmp_path: Path
) -> None:
    seeded = await seed_group(sessions, clock.now())
    ayse, mert, maria = seeded.people["Ayşe"], seeded.people["Mert"], seeded.people["Maria"]
    async with sessions.begin() as session:
        assert await digest.plan_digests(session, EN_MORNING, chart_dir=tmp_path) == 1
    maria_key = digest.key_of(seeded.group_id, 2, maria)
    await mark(sessions, "sent", maria_key)
    async with sessions.begin() as session:
        assert await digest.plan_digests(session, TR_MORNING, chart_dir=tmp_path) == 1
    mert_key = digest.key_of(seeded.group_id, 2, mert)
    before = await outbox(sessions)
    assert all("Ayşe" in before[key].text and MESSAGE in before[key].text for key in (maria_key, mert_key))
    assert (mert_key, ayse) in await mentions(sessions)

    clock.set(TR_MORNING + timedelta(minutes=1))
    await erase(sessions, ayse, clock)

    after = await outbox(sessions)
    assert (after[maria_key].status, after[maria_key].text) == ("sent", REMOVED_EN)
    assert after[maria_key].buttons is None and after[maria_key].attachment is None
    assert mert_key not in after  # waiting: deleted, so the planner builds it again
    async with sessions.begin() as session:
        assert await digest.plan_digests(session, clock.now(), chart_dir=tmp_path) == 1
    rebuilt = (await outbox(sessions))[mert_key]
    assert rebuilt.status == "pending" and "Burak" in rebuilt.text
    assert "Ayşe" not in rebuilt.text and MESSAGE not in rebuilt.text
    assert "Ayşe" not in str(rebuilt.buttons)
    noted = await mentions(sessions)
    assert (mert_key, seeded.people["Burak"]) in noted and not any(pid == ayse for _key, pid in noted)


async def test_rows_without_mention_notes_are_found_by_the_name_as_a_word(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast: Cast = await seed_cast(sessions, clock.now())
    people, now = cast.people, clock.now()

    def old(key: str, kind: str, text: str, who: str, **extra: object) -> Outgoing:
        return Outgoing(key, kind, text, now, person_id=people[who], **extra)  # type: ignore[arg-type]

    async def chat_of(who: str) -> str:
        async with sessions() as session:
            return (await session.scalars(
                select(ChannelIdentity.chat_id).where(ChannelIdentity.person_id == people[who])
            )).first()

    def reply_to(key: str, text: str, chat_id: str) -> Outgoing:
        # As bot/reply_bot.py queues them: to a chat, with no person.
        return Outgoing(key, "reply", text, now, chat_id=chat_id)

    async with sessions.begin() as session:
        await enqueue(session, [
            old("partner", "peer_pair", "Yeni eş düzey partneriniz: Ayşe Yılmaz.", "Burak"),
            old("announcement", "broadcast", "📣 Duyuru\n\nAyşe Yılmaz'ın sunumu cuma.", "Cem"),
            reply_to("queued-reply", "Menti: Ayşe Yılmaz\nYansıtma: ...", await chat_of("Deniz")),
            reply_to("own-reply", "Verileriniz: Ayşe Yılmaz ...", await chat_of("Ayşe")),
            old("longer-name", "peer_pair", "Yeni eş düzey partneriniz: Ayşe Yılmazer.", "Cem"),
            old("not-naming-kind", "reminder", "Ayşe Yılmaz hatırlatması", "Cem"),
            old("other-programme", "peer_pair", "Yeni eş düzey partneriniz: Ayşe Yılmaz.", "Uzak"),
            old("noted", "peer_pair", "Yeni eş düzey partneriniz: Ayşe Yılmaz.", "Elif",
                mentions=(people["Fatma"],)),
        ], now)
    await mark(sessions, "sent", "partner")

    await erase(sessions, people["Ayşe"], clock)

    rows = await outbox(sessions)
    assert (rows["partner"].status, rows["partner"].text) == ("sent", REMOVED_EN)
    assert (rows["announcement"].status, rows["announcement"].text) == ("cancelled", REMOVED_TR)
    assert (rows["queued-reply"].status, rows["queued-reply"].text) == ("cancelled", REMOVED_TR)
    # The person's own queued reply (e.g. their /mydata summary) is emptied with their data.
    assert (rows["own-reply"].status, rows["own-reply"].text) == ("cancelled", "")
    for untouched in ("longer-name", "not-naming-kind", "other-programme", "noted"):
        assert rows[untouched].status == "pending" and "Ayşe" in rows[untouched].text, untouched
