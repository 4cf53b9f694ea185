"""The delivery rules: quiet hours in the person's zone, expiry, pauses, reachability, backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.delivery import (
    NO_IDENTITY,
    Defer,
    Drop,
    Fail,
    Send,
    backoff,
    decide,
    quiet_until,
    unreachable_people,
)
from storage.models import ChannelIdentity, OutboxMessage, Person
from tests.support.sender import add_person


def person(
    zone: str = "Europe/Istanbul",
    quiet: tuple[time, time] = (time(22), time(8)),
    paused_until: datetime | None = None,
) -> Person:
    return Person(
        id=1,
        display_name="Ayşe",
        timezone=zone,
        quiet_hours_start=quiet[0],
        quiet_hours_end=quiet[1],
        paused_until=paused_until,
    )


def message(kind: str = "announcement", **fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "id": 1,
        "person_id": 1,
        "chat_id": None,
        "kind": kind,
        "respect_quiet_hours": True,
        "expires_at": None,
    }
    values.update(fields)
    return OutboxMessage(**values)


def identity(chat: str, blocked: datetime | None = None, id_: int = 1) -> ChannelIdentity:
    return ChannelIdentity(
        id=id_,
        person_id=1,
        channel="telegram",
        external_user_id=chat,
        chat_id=chat,
        blocked_at=blocked,
    )


def test_quiet_hours_wrap_past_midnight_in_the_persons_zone() -> None:
    istanbul = person()
    # 21:59 and 08:00 Istanbul (UTC+3) are outside; 22:00 and 07:59 inside.
    assert quiet_until(istanbul, datetime(2026, 11, 23, 18, 59, tzinfo=UTC)) is None
    assert quiet_until(istanbul, datetime(2026, 11, 23, 19, 0, tzinfo=UTC)) == datetime(
        2026, 11, 24, 5, 0, tzinfo=UTC
    )
    assert quiet_until(istanbul, datetime(2026, 11, 24, 4, 59, tzinfo=UTC)) == datetime(
        2026, 11, 24, 5, 0, tzinfo=UTC
    )
    assert quiet_until(istanbul, datetime(2026, 11, 24, 5, 0, tzinfo=UTC)) is None


def test_quiet_hours_within_one_day_and_switched_off() -> None:
    siesta = person("Europe/Berlin", (time(13), time(15)))
    assert quiet_until(siesta, datetime(2026, 7, 1, 11, 30, tzinfo=UTC)) == datetime(
        2026, 7, 1, 13, 0, tzinfo=UTC
    )
    assert quiet_until(siesta, datetime(2026, 7, 1, 13, 0, tzinfo=UTC)) is None
    assert (
        quiet_until(person(quiet=(time(0), time(0))), datetime(2026, 7, 1, 23, 0, tzinfo=UTC))
        is None
    )


def test_quiet_hours_follow_daylight_saving_time() -> None:
    new_york = person("America/New_York")
    # 23:00 local on the night clocks go back (1 Nov 2026): the end is 08:00 EST = 13:00 UTC.
    assert quiet_until(new_york, datetime(2026, 11, 1, 3, 0, tzinfo=UTC)) == datetime(
        2026, 11, 1, 13, 0, tzinfo=UTC
    )


def test_the_rules_in_order() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # noon in Istanbul
    reachable = [identity("501")]
    assert decide(message(expires_at=now), person(), reachable, now) == Drop("expired")
    assert decide(message(), person(), [], now) == Fail(NO_IDENTITY)
    assert isinstance(decide(message(), person(), [identity("501", blocked=now)], now), Fail)
    newest = [identity("501", id_=1), identity("777", id_=2)]
    assert decide(message(), person(), newest, now) == Send("777")
    assert decide(message(chat_id="-100"), None, [], now) == Send("-100")

    back = now + timedelta(days=3)
    paused = person(paused_until=back)
    assert decide(message("reflection_prompt"), paused, reachable, now) == Drop("paused")
    assert decide(message("checkin_reminder"), paused, reachable, now) == Drop("paused")
    assert decide(message("session_reminder"), paused, reachable, now) == Defer(back)
    assert decide(
        message("session_cancelled", respect_quiet_hours=False), paused, reachable, now
    ) == Send("501")
    assert decide(message("reflection_prompt"), person(paused_until=now), reachable, now) == Send(
        "501"
    )


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(3)
    for attempts, low, high in ((1, 0.5, 1), (2, 1, 2), (3, 2, 4), (20, 150, 300)):
        for _ in range(20):
            assert timedelta(seconds=low) <= backoff(attempts, rng) <= timedelta(seconds=high)


async def test_unreachable_people_have_no_usable_telegram_identity(
    sessions: async_sessionmaker[AsyncSession], clock
) -> None:
    reachable = await add_person(sessions, clock.now(), 11)
    blocked = await add_person(sessions, clock.now(), 12)
    without = await add_person(sessions, clock.now(), None)
    async with sessions.begin() as session:
        found = await session.get(ChannelIdentity, 2)
        assert found is not None and found.person_id == blocked
        found.blocked_at = clock.now()
    async with sessions.begin() as session:
        assert await unreachable_people(session, [reachable, blocked, without]) == {
            blocked,
            without,
        }
        assert await unreachable_people(session, []) == set()


async def test_nothing_is_sent_after_consent_is_withdrawn(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    from mentoring.privacy import consent
    from storage.models import ConsentRecord

    async with sessions.begin() as session:
        person = Person(display_name="Ayşe", locale="tr", timezone="Europe/Istanbul", created_at=clock.now())
        session.add(person)
        await session.flush()
        session.add(ConsentRecord(person_id=person.id, notice_version=consent.NOTICE_VERSION,
                                  accepted_at=clock.now(), withdrawn_at=clock.now()))
        await session.flush()
        assert await consent.withdrawn_among(session, {person.id}) == {person.id}
        message = OutboxMessage(idempotency_key="k", person_id=person.id, kind="reminder", text="x",
                                not_before=clock.now(), respect_quiet_hours=False)
        identity = ChannelIdentity(person_id=person.id, channel="telegram", external_user_id="1",
                                   chat_id="1", created_at=clock.now())
        assert decide(message, person, [identity], clock.now(), consent_withdrawn=True) == Drop("consent withdrawn")
        assert isinstance(decide(message, person, [identity], clock.now()), Send)
