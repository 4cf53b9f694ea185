"""The outbox sender against the Bot API stand-in over real HTTP, with an injected clock and timer."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import TimedOut

from bot.sender import IN_DOUBT, Sender, SenderConfig
from mentoring.clock import ManualClock
from mentoring.delivery import unreachable_people
from storage.models import ChannelIdentity
from storage.models.outbox import PRIORITY_BULK, PRIORITY_REPLY
from tests.standin import BotApiStandIn
from tests.support.sender import ScriptedRequest, VirtualTimer, add_person, error, queue, row

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


@pytest.fixture
async def request_() -> ScriptedRequest:
    return ScriptedRequest()


@pytest.fixture
async def bot(api: BotApiStandIn, request_: ScriptedRequest) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, request=request_
    ) as the_bot:
        yield the_bot


def make_sender(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], clock: ManualClock, **config: object
) -> Sender:
    return Sender(
        bot,
        sessions,
        clock,
        SenderConfig(**config),
        timer=VirtualTimer(),  # type: ignore[arg-type]
        rng=random.Random(1),
    )


async def test_only_due_rows_go_and_replies_go_first(
    api, bot, sessions, clock: ManualClock
) -> None:
    now = clock.now()
    ids = [await add_person(sessions, now, chat) for chat in (101, 102, 103, 104)]
    await queue(sessions, now, "bulk", person_id=ids[0], priority=PRIORITY_BULK)
    await queue(sessions, now, "reply", person_id=ids[1], priority=PRIORITY_REPLY)
    await queue(sessions, now, "normal", person_id=ids[2], not_before=now - timedelta(minutes=5))
    await queue(sessions, now, "later", person_id=ids[3], not_before=now + timedelta(hours=1))

    sender = make_sender(bot, sessions, clock, max_in_flight=1)
    assert await sender.drain() == 3

    assert [text for _, text in api.stats.delivered] == ["reply", "normal", "bulk"]
    sent = await row(sessions, "reply")
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at == now
    assert sent.sent_message_id == str(api.messages_to(102)[0]["message_id"])
    assert (await row(sessions, "later")).status == "pending"

    clock.advance(timedelta(hours=1))
    assert await sender.drain() == 1
    assert api.messages_to(104)[0]["text"] == "later"


async def test_the_rate_and_the_private_chat_interval_are_kept(api, bot, sessions, clock) -> None:
    now = clock.now()
    one = await add_person(sessions, now, 201)
    others = [await add_person(sessions, now, 300 + n) for n in range(9)]
    for n in range(3):
        await queue(sessions, now, f"same chat {n}", person_id=one)
    for n, person in enumerate(others):
        await queue(sessions, now, f"other {n}", person_id=person)

    sender = make_sender(bot, sessions, clock, rate_per_second=10)
    await sender.drain()

    assert len(api.stats.delivered) == 12
    # 12 sends at 10/s need at least 1.1 s; the third message to chat 201 at least 2 s.
    assert sender.timer.now() >= 2.0 - 1e-9
    assert [t for c, t in api.stats.delivered if c == 201] == [
        "same chat 0",
        "same chat 1",
        "same chat 2",
    ]


async def test_buttons_become_an_inline_keyboard(api, bot, sessions, clock) -> None:
    from mentoring.outbox import Button

    person = await add_person(sessions, clock.now(), 401)
    await queue(
        sessions,
        clock.now(),
        "prompt",
        person_id=person,
        kind="reflection_prompt",
        buttons=[[Button("Başla", "refl:start:7"), Button("Sonra", "refl:later:7")]],
    )
    await make_sender(bot, sessions, clock).drain()

    [message] = api.messages_to(401)
    keyboard = message["reply_markup"]["inline_keyboard"]
    assert [(b["text"], b["callback_data"]) for b in keyboard[0]] == [
        ("Başla", "refl:start:7"),
        ("Sonra", "refl:later:7"),
    ]


async def test_attachments_with_short_and_long_captions(
    api, bot, sessions, clock, tmp_path
) -> None:
    document = tmp_path / "plan.pdf"
    document.write_bytes(b"%PDF-1.4 gelisim plani")
    person = await add_person(sessions, clock.now(), 402)
    await queue(
        sessions,
        clock.now(),
        "Gelişim planın",
        person_id=person,
        attachment={"type": "document", "path": str(document), "filename": "plan.pdf"},
    )
    long_text = "x" * 1500
    await queue(
        sessions,
        clock.now(),
        "long",
        text=long_text,
        person_id=person,
        attachment={"type": "document", "path": str(document), "filename": "plan.pdf"},
    )
    await make_sender(bot, sessions, clock).drain()

    first, second, third = api.messages_to(402)
    assert first["caption"] == "Gelişim planın" and first["document"]["file_name"] == "plan.pdf"
    assert "caption" not in second and second["document"]["file_name"] == "plan.pdf"
    assert third["text"] == long_text
    assert (await row(sessions, "long")).sent_message_id == str(third["message_id"])


async def test_quiet_hours_defer_in_each_persons_zone(api, bot, sessions, clock) -> None:
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # 23:00 Istanbul, 15:00 New York
    now = clock.now()
    istanbul = await add_person(sessions, now, 501)
    new_york = await add_person(sessions, now, 502, timezone="America/New_York")
    tokyo = await add_person(sessions, now, 503, timezone="Asia/Tokyo", quiet=(time(21), time(9)))
    await queue(sessions, now, "istanbul", person_id=istanbul)
    await queue(sessions, now, "new york", person_id=new_york)
    await queue(sessions, now, "tokyo", person_id=tokyo)  # 05:00 in Tokyo
    await queue(sessions, now, "urgent", person_id=istanbul, respect_quiet_hours=False)

    sender = make_sender(bot, sessions, clock)
    await sender.drain()

    assert sorted(text for _, text in api.stats.delivered) == ["new york", "urgent"]
    assert (await row(sessions, "istanbul")).not_before == datetime(
        2026, 11, 24, 5, 0, tzinfo=UTC
    )
    assert (await row(sessions, "tokyo")).not_before == datetime(
        2026, 11, 24, 0, 0, tzinfo=UTC
    )

    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    await sender.drain()
    assert api.messages_to(503)[0]["text"] == "tokyo" and not api.messages_to(501)[1:]
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))
    await sender.drain()
    assert [m["text"] for m in api.messages_to(501)][-1] == "istanbul"


async def test_expired_rows_are_dropped_not_sent(api, bot, sessions, clock) -> None:
    person = await add_person(sessions, clock.now(), 601)
    await queue(
        sessions,
        clock.now(),
        "session in 1 hour",
        person_id=person,
        kind="session_reminder",
        expires_at=clock.now() + timedelta(minutes=30),
    )
    clock.advance(timedelta(minutes=31))
    await make_sender(bot, sessions, clock).drain()

    dropped = await row(sessions, "session in 1 hour")
    assert (dropped.status, dropped.last_error) == ("dropped", "expired")
    assert api.stats.delivered == []


async def test_a_pause_drops_prompts_and_defers_the_rest(api, bot, sessions, clock) -> None:
    back = clock.now() + timedelta(days=7)
    person = await add_person(sessions, clock.now(), 701, paused_until=back)
    await queue(sessions, clock.now(), "prompt", person_id=person, kind="reflection_prompt")
    await queue(sessions, clock.now(), "reminder", person_id=person, kind="checkin_reminder")
    await queue(sessions, clock.now(), "announcement", person_id=person, kind="announcement")
    await make_sender(bot, sessions, clock).drain()

    for key in ("prompt", "reminder"):
        assert ((await row(sessions, key)).status, (await row(sessions, key)).last_error) == (
            "dropped",
            "paused",
        )
    waiting = await row(sessions, "announcement")
    assert (waiting.status, waiting.not_before) == ("pending", back)
    assert api.stats.delivered == []


async def test_429_pauses_every_send_and_the_row_goes_once(
    api, bot, request_, sessions, clock
) -> None:
    first = await add_person(sessions, clock.now(), 801)
    second = await add_person(sessions, clock.now(), 802)
    await queue(sessions, clock.now(), "first", person_id=first)
    await queue(sessions, clock.now(), "second", person_id=second)
    request_.then("sendMessage", error(429, "Too Many Requests: retry after 7", retry_after=7))

    sender = make_sender(bot, sessions, clock, max_in_flight=1)
    await sender.drain()

    limited = await row(sessions, "first")
    # Throttling is not the message's fault: it does not count towards giving up.
    assert (limited.status, limited.attempts) == ("pending", 0)
    assert limited.next_attempt_at == clock.now() + timedelta(seconds=7)
    # The other row waited for the pause although its chat had no limit of its own.
    assert api.stats.delivered == [(802, "second")] and sender.timer.now() >= 7

    clock.advance(timedelta(seconds=7))
    await sender.drain()
    assert api.stats.delivered == [(802, "second"), (801, "first")]
    sent = await row(sessions, "first")
    assert (sent.status, sent.attempts) == ("sent", 1)


async def test_faults_are_retried_with_backoff_then_parked(
    api, bot, request_, sessions, clock
) -> None:
    person = await add_person(sessions, clock.now(), 901)
    await queue(sessions, clock.now(), "flaky", person_id=person)
    request_.then("sendMessage", error(502, "Bad Gateway"), TimedOut())

    sender = make_sender(bot, sessions, clock, max_attempts=3)
    waits = []
    for _ in range(3):
        await sender.drain()
        flaky = await row(sessions, "flaky")
        if flaky.status != "pending":
            break
        waits.append(flaky.next_attempt_at - clock.now())
        clock.set(flaky.next_attempt_at)
    assert flaky.status == "sent" and flaky.attempts == 3
    assert timedelta(seconds=0.5) <= waits[0] <= timedelta(seconds=1)
    assert timedelta(seconds=1) <= waits[1] <= timedelta(seconds=2)

    await queue(sessions, clock.now(), "hopeless", person_id=person)
    request_.then("sendMessage", *[error(500, "Internal Server Error")] * 3)
    for _ in range(3):
        clock.advance(timedelta(minutes=10))
        await sender.drain()
    hopeless = await row(sessions, "hopeless")
    assert (hopeless.status, hopeless.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in (hopeless.last_error or "")


async def test_429s_do_not_use_up_the_tries_for_real_faults(
    api, bot, request_, sessions, clock
) -> None:
    person = await add_person(sessions, clock.now(), 903)
    await queue(sessions, clock.now(), "throttled", person_id=person)
    too_many = error(429, "Too Many Requests: retry after 1", retry_after=1)
    request_.then("sendMessage", too_many, too_many, too_many, error(502, "Bad Gateway"))

    sender = make_sender(bot, sessions, clock, max_attempts=2)
    for _ in range(5):
        await sender.drain()
        throttled = await row(sessions, "throttled")
        if throttled.status != "pending":
            break
        clock.set(throttled.next_attempt_at)
    # Three 429s and one 502 cost one of its two tries: the second try delivers it.
    assert (throttled.status, throttled.attempts) == ("sent", 2)
    assert api.stats.delivered == [(903, "throttled")]


async def test_a_long_429_pause_holds_nothing_and_does_not_spin(
    api, bot, request_, sessions, clock, monkeypatch
) -> None:
    import asyncio

    from storage.repositories import outbox

    releases: list[int] = []
    real_release = outbox.release

    async def counted(session, ids):  # type: ignore[no-untyped-def]
        releases.append(len(list(ids)))
        return await real_release(session, ids)

    monkeypatch.setattr(outbox, "release", counted)
    for n in range(40):
        person = await add_person(sessions, clock.now(), 1300 + n)
        await queue(sessions, clock.now(), f"paused {n}", person_id=person)
    request_.then("sendMessage", error(429, "Too Many Requests: retry after 120", retry_after=120))

    sender = make_sender(bot, sessions, clock)
    start = clock.now()
    task = asyncio.create_task(sender.run())
    while len(api.stats.delivered) < 40:
        assert not task.done()
        clock.set(start + timedelta(seconds=sender.timer.now()))  # wall time follows the timer
        await asyncio.sleep(0)
    await sender.stop()
    await task

    # The rows went back once when the pause came, not on every pass while it lasted.
    assert len(releases) <= 2, releases
    assert api.stats.duplicates() == {} and len(api.stats.delivered) == 40
    # Sending resumed as the pause ended, without slots pushed past it by the waiting.
    assert sender.timer.now() < 120 + 40 / 25 + 3


async def test_a_bad_request_fails_at_once(api, bot, request_, sessions, clock) -> None:
    person = await add_person(sessions, clock.now(), 902)
    await queue(sessions, clock.now(), "bad", person_id=person)
    request_.then("sendMessage", error(400, "Bad Request: can't parse entities"))
    await make_sender(bot, sessions, clock).drain()
    bad = await row(sessions, "bad")
    assert (bad.status, bad.attempts, bad.last_error) == ("failed", 1, "Can't parse entities")


async def test_a_blocked_bot_makes_the_person_unreachable(api, bot, sessions, clock) -> None:
    api.blocked_chat_ids.add(1001)
    gone = await add_person(sessions, clock.now(), 1001)
    stays = await add_person(sessions, clock.now(), 1002)
    nobody = await add_person(sessions, clock.now(), None)
    await queue(sessions, clock.now(), "first", person_id=gone)
    await queue(sessions, clock.now(), "second", person_id=gone, priority=PRIORITY_BULK)
    await queue(sessions, clock.now(), "hello", person_id=stays)
    await queue(sessions, clock.now(), "to nobody", person_id=nobody)

    await make_sender(bot, sessions, clock).drain()

    first, second = await row(sessions, "first"), await row(sessions, "second")
    assert first.status == "failed" and "blocked" in (first.last_error or "")
    assert (second.status, second.attempts) == ("failed", 0)
    assert (await row(sessions, "to nobody")).last_error == "no channel identity for this person"
    assert api.stats.forbidden == 1 and api.stats.delivered == [(1002, "hello")]
    async with sessions.begin() as session:
        assert await unreachable_people(session, [gone, stays, nobody]) == {gone, nobody}
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.person_id == gone)
        )
        assert identity is not None and identity.blocked_at == clock.now()

    await queue(sessions, clock.now(), "later", person_id=gone)
    await make_sender(bot, sessions, clock).drain()
    assert api.stats.forbidden == 1 and (await row(sessions, "later")).status == "failed"


async def test_a_graceful_stop_gives_back_what_was_not_attempted(api, bot, sessions, clock) -> None:
    people = [await add_person(sessions, clock.now(), 1100 + n) for n in range(6)]
    for n, person in enumerate(people):
        await queue(sessions, clock.now(), f"m{n}", person_id=person)

    sender = make_sender(bot, sessions, clock, max_in_flight=1)
    timer: VirtualTimer = sender.timer  # type: ignore[assignment]
    original_sleep = timer.sleep

    async def stop_after_two(seconds: float) -> None:
        if len(api.stats.delivered) >= 2:
            await sender.stop()
        await original_sleep(seconds)

    timer.sleep = stop_after_two  # type: ignore[method-assign]
    await sender.run()

    statuses = [(await row(sessions, f"m{n}")).status for n in range(6)]
    assert "sending" not in statuses and statuses.count("sent") == len(api.stats.delivered) >= 2
    assert statuses.count("pending") == 6 - len(api.stats.delivered)

    restarted = make_sender(bot, sessions, clock)
    await restarted.drain()
    assert sorted(t for _, t in api.stats.delivered) == [f"m{n}" for n in range(6)]
    assert api.stats.duplicates() == {}


async def _claim_like_a_dead_sender(sessions, clock, *, started: bool) -> int:
    """A sender claims the most urgent row (and maybe starts its request), then its process dies."""
    from storage.repositories import outbox

    async with sessions.begin() as session:
        [claimed] = await outbox.due(session, clock.now(), 1)
        await outbox.claim(session, [claimed.id], clock.now())
        if started:
            assert await outbox.mark_started(session, claimed.id, clock.now(), clock.now())
        return claimed.id


async def test_rows_a_dead_sender_never_attempted_go_back_to_the_queue(
    api, bot, sessions, clock
) -> None:
    person = await add_person(sessions, clock.now(), 1201)
    await queue(sessions, clock.now(), "claimed ahead", person_id=person)
    await queue(sessions, clock.now(), "untouched", person_id=person, priority=PRIORITY_BULK)
    await _claim_like_a_dead_sender(sessions, clock, started=False)

    clock.advance(timedelta(minutes=1))
    sender = make_sender(bot, sessions, clock)
    await sender.drain()
    assert (await row(sessions, "claimed ahead")).status == "sending"  # within the lease: maybe alive
    assert api.stats.delivered == [(1201, "untouched")]

    clock.advance(timedelta(minutes=5))
    recovered = await make_sender(bot, sessions, clock).recover()
    assert (recovered.requeued, recovered.in_doubt) == (1, 0)
    await make_sender(bot, sessions, clock).drain()
    again = await row(sessions, "claimed ahead")
    assert (again.status, again.in_doubt) == ("sent", False)
    assert api.stats.delivered == [(1201, "untouched"), (1201, "claimed ahead")]


async def test_rows_in_doubt_are_sent_again_or_failed_by_their_kind(
    api, bot, sessions, clock
) -> None:
    first = await add_person(sessions, clock.now(), 1202)
    second = await add_person(sessions, clock.now(), 1203)
    await queue(sessions, clock.now(), "announcement", kind="broadcast", person_id=first)
    await _claim_like_a_dead_sender(sessions, clock, started=True)
    await queue(sessions, clock.now(), "reply", kind="reply", person_id=second)
    await _claim_like_a_dead_sender(sessions, clock, started=True)

    clock.advance(timedelta(minutes=6))
    sender = make_sender(bot, sessions, clock)
    recovered = await sender.recover()
    assert (recovered.requeued, recovered.repeated, recovered.failed) == (0, 1, 1)
    await sender.drain()

    # Better twice than never: the announcement goes again, marked as in doubt.
    repeated = await row(sessions, "announcement")
    assert (repeated.status, repeated.in_doubt, repeated.last_error) == ("sent", True, None)
    # A reply minutes late would be out of context: failed, counted, never repeated.
    doubt = await row(sessions, "reply")
    assert (doubt.status, doubt.in_doubt, doubt.last_error) == ("failed", True, IN_DOUBT)
    assert api.stats.delivered == [(1202, "announcement")]


async def test_a_row_whose_lease_ran_out_is_not_sent_by_its_old_sender(
    api, bot, sessions, clock
) -> None:
    from storage.repositories import outbox

    person = await add_person(sessions, clock.now(), 1204)
    await queue(sessions, clock.now(), "taken over", person_id=person)
    claimed_at = clock.now()
    row_id = await _claim_like_a_dead_sender(sessions, clock, started=False)
    async with sessions.begin() as session:  # another sender's recovery, then its claim
        await outbox.release(session, [row_id])
        clock.advance(timedelta(seconds=1))
        await outbox.claim(session, [row_id], clock.now())
    async with sessions.begin() as session:
        assert not await outbox.mark_started(session, row_id, claimed_at, clock.now())
        assert await outbox.mark_started(session, row_id, clock.now(), clock.now())


class RestingTimer(VirtualTimer):
    """As VirtualTimer, except that an idle rest (a second) never ends by itself: only a doorbell can."""

    def __init__(self) -> None:
        super().__init__()
        self.rests = 0
        self.resting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        if seconds >= SenderConfig().idle_interval:
            self.rests += 1
            self.resting.set()
            await asyncio.get_running_loop().create_future()  # until cancelled
        await super().sleep(seconds)


async def test_rows_queued_in_this_process_end_an_idle_rest_at_once(api, bot, sessions, clock) -> None:
    person = await add_person(sessions, clock.now(), 1300)
    timer = RestingTimer()
    sender = Sender(bot, sessions, clock, SenderConfig(), timer=timer, rng=random.Random(1))  # type: ignore[arg-type]
    running = asyncio.create_task(sender.run())
    try:
        await asyncio.wait_for(timer.resting.wait(), 10)  # nothing is due: the sender rests
        await queue(sessions, clock.now(), "wave", person_id=person)
        [message] = await api.wait_for_messages(1300, 1)
        assert message["text"] == "wave" and timer.moment == 0.0, "sent without the rest running out"
    finally:
        await sender.stop()
        await asyncio.wait_for(running, 10)
    assert (await row(sessions, "wave")).status == "sent" and timer.rests >= 1
