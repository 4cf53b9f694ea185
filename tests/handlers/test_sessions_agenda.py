"""/agenda through the real handlers: add, reorder, mark covered, delete; who may do what.

Proposals and roles: tests/handlers/test_agenda_proposals.py."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import Role
from storage.models.sessions import AgendaTopic
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, make_member

REFUSED = "Bu işlem size açık değil."


async def titles(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, bool]]:
    async with sessions() as session:
        topics = await session.scalars(
            select(AgendaTopic).order_by(AgendaTopic.position, AgendaTopic.id)
        )
        return [(t.title, t.covered_at is not None) for t in topics]


async def test_a_mentor_keeps_the_agenda_in_turkish(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    assert zeynep.last_text().startswith("Grup 1 grubunun formal gündemi:\nGündem boş.")
    for title in ("Empati", "Aktif dinleme", "Stres yönetimi"):
        await zeynep.press("Konu ekle")
        assert "en fazla 200 karakter" in zeynep.last_text()
        await zeynep.send(title)
    assert "1. Empati\n2. Aktif dinleme\n3. Stres yönetimi" in zeynep.last_text()

    await zeynep.press("3. Stres yönetimi")
    assert zeynep.last_text() == "Konu: Stres yönetimi"
    await zeynep.press("Yukarı")
    assert "2. Stres yönetimi\n3. Aktif dinleme" in zeynep.last_text()
    await zeynep.press("1. Empati")
    await zeynep.press("Yukarı")  # already first: nothing moves
    await zeynep.press("1. Empati")
    await zeynep.press("İşlendi olarak işaretle")
    assert "1. Empati ✓ (işlendi)" in zeynep.last_text()
    await zeynep.press("✓ 1. Empati")
    await zeynep.press("Henüz işlenmedi")
    await zeynep.press("1. Empati")
    await zeynep.press("Aşağı")
    await zeynep.press("3. Aktif dinleme")
    await zeynep.press("Sil")
    assert await titles(sessions) == [("Stres yönetimi", False), ("Empati", False)]

    # Bad input while adding: a sticker and an over-long title.
    await zeynep.press("Konu ekle")
    await zeynep.send_sticker()
    assert zeynep.last_text() == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    await zeynep.send("y" * 201)
    assert zeynep.last_text() == "Bu çok uzun (201 karakter). Lütfen en fazla 200 karakter yazın."
    await zeynep.send("Oyun yoluyla öğrenme")
    assert await titles(sessions) == [
        ("Stres yönetimi", False),
        ("Empati", False),
        ("Oyun yoluyla öğrenme", False),
    ]


async def test_restart_while_adding_a_topic_continues(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    await cast(sessions, clock.now())
    mark = chat(app, api, "mark")
    await mark.send("/agenda")
    await mark.press("Add a topic")
    app2, api2 = await make_app()
    await chat(app2, api2, "mark").send("Giving feedback")
    assert await titles(sessions) == [("Giving feedback", False)]
    assert "Agenda of Grup 1:" in chat(app2, api2, "mark").last_text()


async def test_mentees_cannot_edit_and_other_groups_buttons_are_refused(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    await zeynep.press("Konu ekle")
    await zeynep.send("Empati")
    async with sessions() as session:
        topic_id = await session.scalar(select(AgendaTopic.id))
    # A mentee reads the agenda and may propose a topic (issue #14), but edits nothing.
    ayse = chat(app, api, "ayse")
    await ayse.send("/agenda")
    assert ayse.last_text().startswith("Grup 1 grubunun formal gündemi:\n1. Empati")
    assert ayse.buttons() == ["Konu öner"]
    for data in (f"agd:t:{topic_id}", f"agd:del:{topic_id}", f"agd:add:{people.group.id}"):
        await ayse.press_data(data, ayse.messages()[-1])
        assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED, data
    deniz = chat(app, api, "deniz")
    await deniz.send("/agenda")
    assert "Grup 2" in deniz.last_text()
    anywhere = deniz.messages()[-1]
    for data in (
        f"agd:g:{people.group.id}",
        f"agd:t:{topic_id}",
        f"agd:up:{topic_id}",
        f"agd:cv:{topic_id}",
        f"agd:del:{topic_id}",
        f"agd:add:{people.group.id}",
    ):
        await deniz.press_data(data, anywhere)
        assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED, data
    for data in ("agd:del:x", "agd:del:1:2", "agd:zz:1"):  # no button of ours carries these
        await deniz.press_data(data, anywhere)
        assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu düğme artık geçerli değil.", data
    assert await titles(sessions) == [("Empati", False)]
    await deniz.press_data("agd:del:999999", anywhere)
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu konu artık gündemde değil."


async def test_a_coordinator_reads_but_does_not_edit(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    await zeynep.press("Konu ekle")
    await zeynep.send("Empati")
    await make_member(sessions, clock.now(), people.group, Role.COORDINATOR, 7301, name="Koray")
    koord = chat(app, api, "koray")
    await koord.send("/agenda")
    assert koord.last_text() == "Hangi grubun gündemi?"
    await koord.press("Grup 1")
    assert "1. Empati" in koord.last_text() and koord.buttons() == []
    async with sessions() as session:
        topic_id = await session.scalar(select(AgendaTopic.id))
    await koord.press_data(f"agd:del:{topic_id}", koord.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED
