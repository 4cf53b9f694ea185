"""WhatsApp's statuses written on the outbox rows that sent the messages (mentoring/statuses.py),
and the 24-hour window's clock (mentoring/inbound.note_message), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import inbound, statuses
from mentoring.clock import ManualClock
from mentoring.delivery import BLOCKED
from storage.models import ChannelIdentity, OutboxMessage, Person

WHATSAPP = "whatsapp"
PHONE = "905551112233"
USER_ID = "TR.112233"


@dataclass
class Row:
    id: int
    person_id: int


async def make_person(sessions: async_sessionmaker[AsyncSession], now: datetime, phone: str = PHONE,
                      user_id: str = USER_ID, last_inbound_at: datetime | None = None) -> int:
    async with sessions.begin() as session:
        person = Person(display_name="Ayşe", locale="tr", timezone="Europe/Istanbul", created_at=now)
        session.add(person)
        await session.flush()
        session.add(ChannelIdentity(person_id=person.id, channel=WHATSAPP, external_user_id=user_id, chat_id=phone,
                                    last_inbound_at=last_inbound_at, created_at=now))
        return person.id


async def make_row(sessions: async_sessionmaker[AsyncSession], person_id: int, now: datetime, key: str, *,
                   status: str = "sent", message_id: str | None = None, template: str | None = None) -> int:
    async with sessions.begin() as session:
        row = OutboxMessage(
            idempotency_key=key, person_id=person_id, kind="reflection_prompt", text="Merhaba", not_before=now,
            status=status, attempts=1 if status == "sent" else 0, created_at=now,
            sent_at=now if status == "sent" else None, sent_message_id=message_id,
            channel=WHATSAPP if message_id else None, template=template,
        )
        session.add(row)
        await session.flush()
        return row.id


async def row_of(sessions: async_sessionmaker[AsyncSession], row_id: int) -> OutboxMessage:
    async with sessions() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row


async def identity_of(sessions: async_sessionmaker[AsyncSession], person_id: int) -> ChannelIdentity:
    async with sessions() as session:
        found = await session.scalar(select(ChannelIdentity).where(ChannelIdentity.person_id == person_id))
        assert found is not None
        return found


async def record(sessions: async_sessionmaker[AsyncSession], message_id: str, status: str, at: datetime,
                 code: int | None = None, title: str | None = None) -> statuses.Recorded:
    async with sessions.begin() as session:
        return await statuses.record(session, WHATSAPP, message_id, status, at, code, title)


async def test_delivered_then_read_are_written_and_never_move_back(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now())
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    sent_at = clock.now()
    assert await record(sessions, "wamid.out.1", "sent", sent_at) == statuses.Recorded("none", row)
    delivered_at, read_at = sent_at + timedelta(seconds=5), sent_at + timedelta(minutes=3)
    assert await record(sessions, "wamid.out.1", "delivered", delivered_at) == statuses.Recorded("delivered", row)
    assert await record(sessions, "wamid.out.1", "read", read_at) == statuses.Recorded("read", row)
    # Meta retries webhooks: a later copy of "delivered" keeps the first moment.
    await record(sessions, "wamid.out.1", "delivered", read_at + timedelta(hours=1))
    found = await row_of(sessions, row)
    assert (found.delivered_at, found.read_at, found.status) == (delivered_at, read_at, "sent")


async def test_read_before_delivered_fills_both_and_delivered_then_keeps_the_earlier_moment(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now())
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    read_at = clock.now() + timedelta(minutes=2)
    await record(sessions, "wamid.out.1", "read", read_at)
    found = await row_of(sessions, row)
    assert (found.delivered_at, found.read_at) == (read_at, read_at)  # read means delivered

    delivered_at = clock.now() + timedelta(seconds=4)
    await record(sessions, "wamid.out.1", "delivered", delivered_at)
    found = await row_of(sessions, row)
    assert (found.delivered_at, found.read_at) == (delivered_at, read_at)


async def test_a_failure_is_recorded_with_metas_code_and_title(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now())
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    other = await make_row(sessions, person, clock.now(), "prompt:2", status="pending")
    result = await record(sessions, "wamid.out.1", "failed", clock.now(), 131053, "Media upload error " + "x" * 600)
    assert result == statuses.Recorded("failed", row)
    found = await row_of(sessions, row)
    assert found.status == "failed" and found.last_error is not None
    assert found.last_error.startswith("WhatsApp 131053: Media upload error") and len(found.last_error) == 500
    assert (await row_of(sessions, other)).status == "pending"  # one failed message fails nothing else
    assert (await identity_of(sessions, person)).blocked_at is None


async def test_undeliverable_marks_the_person_unreachable_and_fails_what_waits(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now())
    bystander = await make_person(sessions, clock.now(), phone="905559998877", user_id="TR.998877")
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    waiting = await make_row(sessions, person, clock.now(), "reminder:1", status="pending")
    theirs = await make_row(sessions, bystander, clock.now(), "prompt:b", status="pending")
    at = clock.now() + timedelta(seconds=3)

    result = await record(sessions, "wamid.out.1", "failed", at, 131026, "Message undeliverable")
    assert result == statuses.Recorded("blocked", row, failed_pending=1)
    assert (await row_of(sessions, row)).last_error == "WhatsApp 131026: Message undeliverable"
    assert (await identity_of(sessions, person)).blocked_at == at
    waited = await row_of(sessions, waiting)
    assert (waited.status, waited.last_error) == ("failed", BLOCKED)
    assert (await row_of(sessions, theirs)).status == "pending"
    assert (await identity_of(sessions, bystander)).blocked_at is None


async def test_outside_the_window_a_free_form_message_is_queued_again_and_the_window_cleared(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now(), last_inbound_at=clock.now() - timedelta(hours=23))
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    at = clock.now() + timedelta(seconds=2)

    assert await record(sessions, "wamid.out.1", "failed", at, 131047, "Re-engagement message") == (
        statuses.Recorded("requeued", row))
    found = await row_of(sessions, row)
    assert (found.status, found.sent_message_id, found.next_attempt_at, found.claimed_at) == (
        "pending", None, None, None)
    assert found.last_error == statuses.SENT_AGAIN
    assert (await identity_of(sessions, person)).last_inbound_at is None  # the sender now uses a template

    # A second copy of the webhook finds no row holding that message any more.
    assert await record(sessions, "wamid.out.1", "failed", at, 131047, "Re-engagement message") == (
        statuses.Recorded("unknown"))
    assert (await row_of(sessions, row)).status == "pending"


async def test_outside_the_window_a_person_who_wrote_since_keeps_their_window(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    wrote = clock.now() + timedelta(seconds=30)
    person = await make_person(sessions, clock.now(), last_inbound_at=wrote)
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    await record(sessions, "wamid.out.1", "failed", clock.now() + timedelta(seconds=2), 131047, "Re-engagement")
    assert (await row_of(sessions, row)).status == "pending"
    assert (await identity_of(sessions, person)).last_inbound_at == wrote


async def test_outside_the_window_a_template_simply_fails(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    wrote = clock.now() - timedelta(days=3)
    person = await make_person(sessions, clock.now(), last_inbound_at=wrote)
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1",
                         template="narbot_weekly_prompt")
    result = await record(sessions, "wamid.out.1", "failed", clock.now(), 131047, "Re-engagement message")
    assert result == statuses.Recorded("failed", row)
    found = await row_of(sessions, row)
    assert (found.status, found.last_error) == ("failed", "WhatsApp 131047: Re-engagement message")
    assert (await identity_of(sessions, person)).last_inbound_at == wrote


async def test_an_id_no_outbox_row_sent_is_ignored(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    person = await make_person(sessions, clock.now())
    row = await make_row(sessions, person, clock.now(), "prompt:1", message_id="wamid.out.1")
    for status in ("delivered", "read", "failed"):
        assert await record(sessions, "wamid.out.999", status, clock.now(), 131026, "x") == statuses.Recorded("unknown")
    async with sessions.begin() as session:  # the same id on another channel is not WhatsApp's
        assert (await statuses.record(session, "telegram", "wamid.out.1", "read", clock.now(), None, None)
                == statuses.Recorded("unknown"))
    found = await row_of(sessions, row)
    assert (found.status, found.delivered_at, found.read_at) == ("sent", None, None)
    assert (await identity_of(sessions, person)).blocked_at is None


async def test_the_window_clock_moves_on_never_back_and_in_steps(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person = await make_person(sessions, clock.now())
    first = clock.now()

    async def note(at: datetime, user_id: str = USER_ID) -> bool:
        async with sessions.begin() as session:
            return await inbound.note_message(session, WHATSAPP, user_id, at)

    assert await note(first)
    assert not await note(first - timedelta(hours=1))  # an older message, handled late
    assert not await note(first + inbound.CLOCK_STEP - timedelta(seconds=1))  # within the step: no write
    assert (await identity_of(sessions, person)).last_inbound_at == first
    assert await note(first + inbound.CLOCK_STEP)
    assert (await identity_of(sessions, person)).last_inbound_at == first + inbound.CLOCK_STEP
    assert not await note(first, user_id="TR.nobody")  # a visitor has no account to note
