"""Broadcasts in the domain: audience, preview size, confirm, schedule, double taps, access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.access import AccessDenied
from mentoring.broadcasts import rules as broadcasts
from mentoring.broadcasts.rules import MAX_TEXT_LENGTH, BroadcastGone, parse_send_time
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from storage.models import Province
from storage.models.broadcasts import Broadcast
from storage.models.outbox import PRIORITY_BULK
from tests.support.broadcasting import (
    COLLEAGUE_USER,
    COORDINATOR_USER,
    MENTEE_USER,
    OTHER_COORDINATOR_USER,
    Cast,
    batch_rows,
    member,
    seed_cast,
)

ALL_REACHABLE = {"Ayşe", "Burak", "Cem", "Elif", "Deniz", "Fatma"}


async def compose(
    sessions: async_sessionmaker[AsyncSession], cast: Cast, now: datetime, *, scope: str = "programme",
    role: str = "all", groups: tuple[str, ...] = (), province: str | None = None, text: str = "Toplantı cuma 10:00'da.",
) -> broadcasts.DraftView:
    """A draft with its audience and text, as the coordinator's buttons would make it."""
    coordinator = await member(sessions, COORDINATOR_USER)
    async with sessions.begin() as session:
        view = await broadcasts.start_draft(session, coordinator, cast.programme.id, now)
        if scope == "province":
            found = await session.scalar(select(Province.id).where(Province.name == province))
            assert found is not None
            await broadcasts.choose_province(session, coordinator, view.broadcast_id, found)
        elif scope == "groups":
            for label in groups:
                await broadcasts.toggle_group(session, coordinator, view.broadcast_id, cast.groups[label].id)
            await broadcasts.choose_scope(session, coordinator, view.broadcast_id, "groups")
        else:
            await broadcasts.choose_scope(session, coordinator, view.broadcast_id, "programme")
        await broadcasts.choose_role(session, coordinator, view.broadcast_id, role, now)
        return await broadcasts.set_text(session, coordinator, view.broadcast_id, text, now)


async def confirm(sessions: async_sessionmaker[AsyncSession], broadcast_id: int, now: datetime,
                  user_id: int = COORDINATOR_USER) -> broadcasts.Confirmed:
    who = await member(sessions, user_id)
    async with sessions.begin() as session:
        return await broadcasts.confirm(session, who, broadcast_id, now, progress_chat_id=str(user_id),
                                        progress_message_id=77)


def names(cast: Cast, person_ids: list[int | None]) -> set[str]:
    by_id = {pid: name for name, pid in cast.people.items()}
    return {by_id[pid] for pid in person_ids if pid is not None}


@pytest.mark.parametrize(("options", "expected", "unreachable"), [
    ({}, ALL_REACHABLE, {"İrem", "Kemal"}),
    ({"scope": "province", "province": "Ankara"}, {"Ayşe", "Burak", "Cem", "Deniz", "Fatma"}, set()),
    ({"scope": "province", "province": "İzmir"}, {"Elif", "Fatma"}, {"İrem", "Kemal"}),
    ({"scope": "groups", "groups": ("G1",)}, {"Ayşe", "Burak", "Deniz"}, set()),
    ({"role": "mentor"}, {"Deniz", "Fatma"}, set()),
    ({"role": "mentee"}, {"Ayşe", "Burak", "Cem", "Elif", "Fatma"}, {"İrem", "Kemal"}),
    ({"scope": "groups", "groups": ("G2", "G3"), "role": "mentee"}, {"Cem", "Elif", "Fatma"}, {"İrem", "Kemal"}),
])
async def test_the_audience_is_scope_times_role_each_person_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, options: dict, expected: set[str],
    unreachable: set[str],
) -> None:
    cast = await seed_cast(sessions, clock.now())
    view = await compose(sessions, cast, clock.now(), **options)
    assert view.size is not None
    assert (view.size.reachable, view.size.unreachable) == (len(expected), len(unreachable))

    confirmed = await confirm(sessions, view.broadcast_id, clock.now())
    rows = await batch_rows(sessions, view.broadcast_id)
    # Withdrawn consent (Gül), a member who left (Hakan), coordinators and the other programme: never.
    assert names(cast, [row.person_id for row in rows]) == expected | unreachable
    assert confirmed.queued == len(rows) == len({row.person_id for row in rows})


async def test_confirm_queues_one_row_per_recipient_with_the_header_in_their_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    view = await compose(sessions, cast, clock.now(), text="Yeni takvim ektedir.")
    await confirm(sessions, view.broadcast_id, clock.now())
    rows = {row.person_id: row for row in await batch_rows(sessions, view.broadcast_id)}
    assert len(rows) == 8
    for person_id, row in rows.items():
        assert row.idempotency_key == f"broadcast:{view.broadcast_id}:{person_id}"
        assert row.batch_key == f"broadcast:{view.broadcast_id}"
        assert (row.priority, row.respect_quiet_hours, row.status) == (PRIORITY_BULK, True, "pending")
        assert row.not_before == clock.now() and row.kind == "broadcast"
    assert rows[cast.people["Ayşe"]].text == "📣 Koordinatör Selin Kara tarafından duyuru\n\nYeni takvim ektedir."
    assert rows[cast.people["Burak"]].text == (
        "📣 Announcement from the coordinator Selin Kara\n\nYeni takvim ektedir."
    )
    async with sessions() as session:
        broadcast = await session.get(Broadcast, view.broadcast_id)
        assert broadcast is not None and broadcast.status == "sending"
        assert (broadcast.progress_chat_id, broadcast.progress_message_id) == (str(COORDINATOR_USER), 77)
        assert broadcast.shown_counts == {"sent": 0, "failed": 0, "waiting": 8, "cancelled": 0, "in_doubt": 0}


async def test_confirming_twice_queues_nothing_more(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    view = await compose(sessions, cast, clock.now())
    first = await confirm(sessions, view.broadcast_id, clock.now())
    second = await confirm(sessions, view.broadcast_id, clock.now() + timedelta(seconds=1))
    assert (first.queued, first.already) == (8, False)
    assert (second.queued, second.already) == (0, True)
    assert len(await batch_rows(sessions, view.broadcast_id)) == 8


async def test_a_scheduled_broadcast_waits_for_its_local_send_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    view = await compose(sessions, cast, clock.now(), role="mentor")
    coordinator = await member(sessions, COORDINATOR_USER)
    async with sessions.begin() as session:
        await broadcasts.ask_send_time(session, coordinator, view.broadcast_id, clock.now())
        state = await conversation.pending(session, coordinator.person_id)
        assert state is not None and (state.flow, state.step) == ("broadcast", "time")
        scheduled = await broadcasts.set_send_time(session, coordinator, view.broadcast_id, "24.11.2026 10:00",
                                                   clock.now())
        assert await conversation.pending(session, coordinator.person_id) is None
    # 10:00 in Istanbul is 07:00 UTC.
    assert scheduled.send_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    await confirm(sessions, view.broadcast_id, clock.now())
    rows = await batch_rows(sessions, view.broadcast_id)
    assert len(rows) == 2 and {row.not_before for row in rows} == {scheduled.send_at}


@pytest.mark.parametrize(("typed", "code"), [
    ("tomorrow", "broadcast_bad_time"), ("31.02.2027 10:00", "no_such_date"),
    ("24.11.2026 25:00", "broadcast_bad_time"), ("someday 10:00", "bad_date"),
    ("23.11.2026 08:59", "broadcast_time_passed"),
])
def test_send_times_are_read_in_the_coordinators_zone_and_must_be_ahead(typed: str, code: str) -> None:
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
    with pytest.raises(DomainError) as raised:
        parse_send_time(typed, "Europe/Istanbul", now)
    assert raised.value.code == code
    assert parse_send_time(" 23.11.2026 9:01 ", "Europe/Istanbul", now) == now + timedelta(minutes=1)
    # The day as people type it (mentoring.dates), then the time.
    assert parse_send_time("yarın 09:00", "Europe/Istanbul", now) == now + timedelta(days=1)
    assert parse_send_time("24/11/2026 9.00", "Europe/Istanbul", now) == now + timedelta(days=1)


async def test_too_long_or_empty_text_is_refused_and_the_wait_goes_on(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    coordinator = await member(sessions, COORDINATOR_USER)
    async with sessions.begin() as session:
        view = await broadcasts.start_draft(session, coordinator, cast.programme.id, clock.now())
        await broadcasts.choose_scope(session, coordinator, view.broadcast_id, "programme")
        await broadcasts.choose_role(session, coordinator, view.broadcast_id, "all", clock.now())
    # Emoji count twice, as Telegram counts them.
    for text, code in (("x" * (MAX_TEXT_LENGTH + 1), "broadcast_too_long"),
                       ("🙂" * (MAX_TEXT_LENGTH // 2 + 1), "broadcast_too_long"), ("   ", "broadcast_empty")):
        with pytest.raises(DomainError) as raised:
            async with sessions.begin() as session:
                await broadcasts.set_text(session, coordinator, view.broadcast_id, text, clock.now())
        assert raised.value.code == code
    async with sessions.begin() as session:
        state = await conversation.pending(session, coordinator.person_id)
        assert state is not None and state.data == {"broadcast_id": view.broadcast_id}
        done = await broadcasts.set_text(session, coordinator, view.broadcast_id, "x" * MAX_TEXT_LENGTH, clock.now())
    assert done.text == "x" * MAX_TEXT_LENGTH


async def test_only_the_programmes_coordinators_may_broadcast_and_only_the_author_edits_a_draft(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    view = await compose(sessions, cast, clock.now())
    outsider = await member(sessions, OTHER_COORDINATOR_USER)
    mentee = await member(sessions, MENTEE_USER)
    colleague = await member(sessions, COLLEAGUE_USER)
    for who in (outsider, mentee):
        with pytest.raises(AccessDenied):
            async with sessions.begin() as session:
                await broadcasts.start_draft(session, who, cast.programme.id, clock.now())
    for who in (outsider, mentee, colleague):
        with pytest.raises(AccessDenied):
            async with sessions.begin() as session:
                await broadcasts.confirm(session, who, view.broadcast_id, clock.now(), progress_chat_id="1",
                                         progress_message_id=1)
        with pytest.raises(AccessDenied):
            async with sessions.begin() as session:
                await broadcasts.set_text(session, who, view.broadcast_id, "hijack", clock.now())
    coordinator = await member(sessions, COORDINATOR_USER)
    with pytest.raises(AccessDenied):  # a group of another programme
        async with sessions.begin() as session:
            far = await session.scalar(select(Broadcast.id))  # any id, then a foreign group
            assert far is not None
            await broadcasts.toggle_group(session, coordinator, view.broadcast_id, cast.groups["G1"].id + 1000)
    assert await batch_rows(sessions, view.broadcast_id) == []


async def test_a_new_draft_replaces_the_unfinished_one(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await seed_cast(sessions, clock.now())
    old = await compose(sessions, cast, clock.now())
    coordinator = await member(sessions, COORDINATOR_USER)
    async with sessions.begin() as session:
        await broadcasts.start_draft(session, coordinator, cast.programme.id, clock.now())
    with pytest.raises(BroadcastGone):
        async with sessions.begin() as session:
            await broadcasts.confirm(session, coordinator, old.broadcast_id, clock.now(), progress_chat_id="1",
                                     progress_message_id=1)
