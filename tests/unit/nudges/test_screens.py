"""A tapped nudge shows the held outbox row to the person it was for, and to nobody else."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import entries
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.nudges import screens
from mentoring.nudges.templates import held_data
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.screens import Pressed, Reply, Screen, short_labels_too_long
from mentoring.todos.buttons import TODOS
from storage.models import OutboxMessage, Person

TR, EN = translator("tr"), translator("en")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def add_person(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, name: str) -> MemberView:
    async with sessions.begin() as session:
        person = Person(display_name=name, locale="tr", timezone="Europe/Istanbul", created_at=clock.now())
        session.add(person)
        await session.flush()
        return MemberView(person.id, name, "tr", "Europe/Istanbul", (), "v1")


@pytest.fixture
async def member(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> MemberView:
    return await add_person(sessions, clock, "Deniz")


async def queue(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, message: Outgoing) -> int:
    async with sessions.begin() as session:
        await enqueue(session, [message], clock.now())
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == message.idempotency_key))
        assert row is not None
        return row.id


async def press(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
                data: str) -> Reply:
    """As a channel runs it: the step the data routes to, in one transaction."""
    step = entries.route(Pressed(data), None)
    async with sessions.begin() as session:
        return await step(session, member, Pressed(data), clock.now())  # type: ignore[return-value]


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def assert_gone(reply: Reply) -> None:
    screen = only_screen(reply)
    assert screen.choices == () and screen.media is None
    assert screen.text.render(EN) == "That message is no longer here.\nSend /help to see what I can do."
    assert screen.text.render(TR) == ("Bu mesaj artık burada değil.\n"
                                      "Neler yapabileceğimi görmek için /help yazın.")


async def test_the_held_row_is_shown_with_its_buttons_and_photo(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, tmp_path: Path,
) -> None:
    photo = tmp_path / "chart.png"
    photo.write_bytes(PNG)
    row_id = await queue(sessions, clock, Outgoing(
        "held:test:1", "todo_assigned", "Mentorunuz size bir yapılacak iş verdi:\n\nOkul ziyareti", clock.now(),
        person_id=member.person_id,
        buttons=[[Button("Yapılacak işi aç", TODOS.encode("v", todo=7, page=0))],
                 [Button("Bir sonraki haftanın yapılacakları", TODOS.encode("add"), short="Yeni iş")]],
        attachment={"type": "photo", "path": str(photo), "filename": "grafik.png"},
    ))
    clock.advance(timedelta(days=3))  # well outside the window: the nudge was tapped later

    screen = only_screen(await press(sessions, clock, member, held_data(row_id)))

    assert screen.text.render(TR) == "Mentorunuz size bir yapılacak iş verdi:\n\nOkul ziyareti"
    assert [[choice.data for choice in row] for row in screen.choices] == [
        [TODOS.encode("v", todo=7, page=0)], [TODOS.encode("add")]]
    labels = [(c.label.render(TR), c.short_label(TR)) for c in screen.all_choices()]
    assert labels == [("Yapılacak işi aç", "Yapılacak işi aç"), ("Bir sonraki haftanın yapılacakları", "Yeni iş")]
    assert short_labels_too_long(screen, TR) == []
    assert screen.media is not None and screen.media.kind == "photo"
    assert screen.media.path == photo and screen.media.filename == "grafik.png"
    assert not screen.replace  # a new message: the template it answers cannot be edited


async def test_a_missing_file_leaves_the_text_alone_and_unreadable_buttons_out(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, tmp_path: Path,
) -> None:
    row_id = await queue(sessions, clock, Outgoing(
        "held:test:2", "broadcast", "Duyuru", clock.now(), person_id=member.person_id,
        attachment={"type": "document", "path": str(tmp_path / "gone.pdf"), "filename": "rapor.pdf"},
    ))
    async with sessions.begin() as session:
        # A button whose data no table reads any more (an older wire format).
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            buttons=[[{"text": "Eski", "data": "zz:1"}, {"text": "Aç", "data": TODOS.encode("add")}]]))

    screen = only_screen(await press(sessions, clock, member, held_data(row_id)))

    assert screen.text.render(EN) == "Duyuru" and screen.media is None
    assert [c.data for c in screen.all_choices()] == [TODOS.encode("add")]


async def test_someone_elses_row_is_never_shown(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
) -> None:
    other = await add_person(sessions, clock, "Ayşe")
    row_id = await queue(sessions, clock, Outgoing(
        "held:test:3", "peer_pair", "Yeni bir eş düzey partneriniz var: Deniz.", clock.now(),
        person_id=other.person_id, buttons=[[Button("Aç", TODOS.encode("add"))]],
    ))

    reply = await press(sessions, clock, member, held_data(row_id))

    assert_gone(reply)
    assert "partner" not in only_screen(reply).text.render(TR)
    # Its reader still sees it.
    assert only_screen(await press(sessions, clock, other, held_data(row_id))).text.render(TR).startswith("Yeni")


async def test_an_erased_row_is_gone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
) -> None:
    row_id = await queue(sessions, clock, Outgoing(
        "held:test:4", "reply", "Yansıtmanız kaydedildi.", clock.now(), person_id=member.person_id,
        buttons=[[Button("Aç", TODOS.encode("add"))]],
    ))
    async with sessions.begin() as session:
        # As retention erases it (OutboxMessage.text: info "erased": "").
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(text=""))

    assert_gone(await press(sessions, clock, member, held_data(row_id)))


async def test_a_row_that_no_longer_exists_is_gone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
) -> None:
    row_id = await queue(sessions, clock, Outgoing(
        "held:test:5", "digest", "Rapor", clock.now(), person_id=member.person_id))
    async with sessions.begin() as session:
        await session.delete(await session.get(OutboxMessage, row_id))

    assert_gone(await press(sessions, clock, member, held_data(row_id)))
    assert_gone(await press(sessions, clock, member, held_data(2**31 - 1)))


@pytest.mark.parametrize("data", ["held:0", "held:abc", "held:7:8", "held:007"])
async def test_forged_data_is_a_stale_button(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, data: str,
) -> None:
    with pytest.raises(DomainError) as refused:
        async with sessions.begin() as session:
            await screens.show(session, member, Pressed(data), clock.now())
    assert refused.value.code == "stale_button"
