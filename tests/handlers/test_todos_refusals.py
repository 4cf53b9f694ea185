"""/todo's refusals and robustness: restarts, stale, foreign and forged buttons, bad input, access."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import Role
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.todos import make_member, reasons_of, snapshot, todos_of


@pytest.fixture
async def group(app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock):
    return (await seed_programme(app_sessions, clock.now())).groups[0]


@pytest.fixture
async def mentee(app_sessions, clock, group, user: ChatUser):
    return await make_member(app_sessions, clock.now(), group, user_id=user.user_id)


def last_alert(user: ChatUser) -> str:
    return user.api.calls_of("answerCallbackQuery")[-1].get("text", "")


async def test_a_restart_while_waiting_for_the_text_continues(
    make_app, user, app_sessions, mentee
) -> None:
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    app, api = await make_app()  # a new process on the same database
    again = ChatUser(app, api, user_id=user.user_id)
    await again.send("Sabah toplantısında çocukları dinle")
    assert again.last_text().startswith("Yapılacaklar listenize kaydedildi.")
    await again.press("Bu hafta")
    (row,) = await todos_of(app_sessions, mentee.person_id)
    assert (row.text, row.due_kind) == ("Sabah toplantısında çocukları dinle", "week")


async def test_a_restart_while_waiting_for_the_other_reason_continues(
    make_app, user, app_sessions, mentee
) -> None:
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    await user.send("Bir adım")
    await user.press("Tarih yok")
    await user.press("❌ Yapılamadı")
    await user.press("Diğer")
    app, api = await make_app()
    again = ChatUser(app, api, user_id=user.user_id)
    await again.send("Çocuklardan biri hastalandı")
    assert "Diğer — Çocuklardan biri hastalandı" in again.last_text()
    (reason,) = await reasons_of(app_sessions, mentee.person_id)
    assert (reason.reason, reason.text) == ("other", "Çocuklardan biri hastalandı")


async def test_stale_foreign_and_forged_buttons_change_nothing(
    app_and_api, user, app_sessions, clock, group, mentee
) -> None:
    app, api = app_and_api
    other = ChatUser(app, api, user_id=7002, first_name="Fatma")
    fatma = await make_member(app_sessions, clock.now(), group, name="Fatma", user_id=other.user_id)
    await other.send("/todo")
    await other.press("➕ Yapılacak iş ekle")
    await other.send("Fatma'nın işi")
    await other.press("Tarih yok")
    (theirs,) = await todos_of(app_sessions, fatma.person_id)
    await user.send("/todo")
    message = user.messages()[-1]
    before = await snapshot(app_sessions)
    for data in (
        f"todo:ok:{theirs.id}",
        f"todo:nd:{theirs.id}",
        f"todo:why:{theirs.id}:no_time",
        f"todo:ppw:{theirs.id}",
        f"todo:delok:{theirs.id}",
        f"todo:due:{theirs.id}:week",
        f"todo:gl:{theirs.id}:0",
        f"todo:v:{theirs.id}:0",
    ):
        await user.press_data(data, message)
        assert last_alert(user) == "Bu işlem size açık değil.", data
    await user.press_data("todo:ok:999999", message)
    assert last_alert(user) == "Bu yapılacak iş artık yok. Hiçbir şey değiştirilmedi."
    for forged in (
        "todo:ok",
        "todo:ok:abc",
        "todo:hack:1",
        "todo:why:1:" + "x" * 40,
        "todo:pg:x:y",
    ):
        await user.press_data(forged, message)
        assert last_alert(user) == "Bu düğme artık geçerli değil.", forged
    assert await snapshot(app_sessions) == before
    # A reason code that does not exist, on one's own to-do.
    await user.press("➕ Yapılacak iş ekle")
    await user.send("Benim işim")
    await user.press("Tarih yok")
    mine = (await todos_of(app_sessions, mentee.person_id))[0]
    after_adding = await snapshot(app_sessions)
    await user.press_data(f"todo:why:{mine.id}:lazy", message)
    assert last_alert(user) == "Bu düğme artık geçerli değil."
    assert await snapshot(app_sessions) == after_adding


async def test_over_long_text_and_stickers_lose_nothing(user, app_sessions, mentee) -> None:
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    await user.send("ç" * 501)
    assert "en fazla 500 karakter" in user.last_text() and "501" in user.last_text()
    await user.send_sticker()
    assert "çıkartma, sesli mesaj ve fotoğraf" in user.last_text()
    await user.send_voice()
    assert "çıkartma, sesli mesaj ve fotoğraf" in user.last_text()
    assert await todos_of(app_sessions, mentee.person_id) == []
    # Still waiting: the next text is the to-do.
    await user.send("ç" * 500)
    assert user.last_text().startswith("Yapılacaklar listenize kaydedildi.")
    await user.press("Bir tarih…")
    await user.send_sticker()
    assert user.last_text().startswith("Bu tarihi okuyamadım. 30.11.2026")
    await user.send("31.11.2026")
    assert user.last_text() == "31 Kasım diye bir gün yok: 2026 yılında Kasım 30 gün çeker."
    await user.send("1 aralık")
    (row,) = await todos_of(app_sessions, mentee.person_id)
    assert len(row.text) == 500 and str(row.due_on) == "2026-12-01"


async def test_access_strangers_mentors_and_mentees(
    app_and_api, user, app_sessions, clock, group
) -> None:
    app, api = app_and_api
    await user.send("/todo")
    assert "davet bağlantısını" in user.last_text()
    await user.press_data(
        "todo:add", {"message_id": 1, "date": 0, "chat": {"id": user.user_id, "type": "private"}}
    )
    assert "davet bağlantısını" in user.last_text()
    mentor = ChatUser(app, api, user_id=7003, language_code="en")
    await make_member(
        app_sessions, clock.now(), group, Role.MENTOR, locale="en", user_id=mentor.user_id
    )
    await mentor.send("/todo")
    assert mentor.last_text() == "The to-do list is for mentees. Mentors give to-dos with /assign."
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await user.send("/assign")
    assert user.last_text() == "Yalnızca grubun mentorları yapılacak iş verebilir."
