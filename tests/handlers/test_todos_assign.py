"""/assign through the real handlers: one mentee or the whole group, told through the outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import OutboxMessage, Role
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.todos import make_member, outbox_keys, snapshot, todos_of


def last_alert(user: ChatUser) -> str:
    return user.api.calls_of("answerCallbackQuery")[-1].get("text", "")


async def test_mentor_of_two_groups_gives_the_whole_group_a_to_do(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    first, second = setup.groups
    await make_member(
        app_sessions, clock.now(), first, Role.MENTOR, name="Zeynep Hoca", user_id=user.user_id
    )
    await make_member(app_sessions, clock.now(), second, Role.MENTOR, user_id=user.user_id)
    ali = await make_member(app_sessions, clock.now(), first, name="Ali")
    bora = await make_member(app_sessions, clock.now(), first, name="Bora", locale="en")
    cem = await make_member(app_sessions, clock.now(), second, name="Cem")

    await user.send("/assign")
    assert user.last_text() == "Yapılacak iş hangi grup için?"
    assert user.buttons() == ["Grup 1", "Grup 2"]
    await user.press("Grup 1")
    assert user.buttons() == ["Tüm grup", "Ali", "Bora"]
    await user.press("Tüm grup")
    assert "Yapılacak işi tüm grup için" in user.last_text()
    await user.send("Bu hafta bir çocukla etkin dinleme dene")
    due_message = {**user.messages()[-1], "reply_markup": dict(user.messages()[-1]["reply_markup"])}
    await user.press("Bu hafta")
    assert (
        user.last_text() == "Grup 1 grubunun tamamına verildi (2 menti). Kendilerine bildirilecek."
    )

    rows = await todos_of(app_sessions, ali.person_id) + await todos_of(
        app_sessions, bora.person_id
    )
    assert len(rows) == 2 and rows[0].assignment_id == rows[1].assignment_id is not None
    assert await todos_of(app_sessions, cem.person_id) == []
    assert await outbox_keys(app_sessions) == sorted(f"todo-assigned:{row.id}" for row in rows)
    async with app_sessions() as session:
        english = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.person_id == bora.person_id)
        )
    assert english is not None and english.text.startswith(
        "Your mentor Zeynep Hoca gave you a to-do:"
    )

    # An old due button (the flow is over) creates nothing more.
    before = await snapshot(app_sessions)
    await user.press("Bu hafta", message=due_message)
    assert last_alert(user) == "Bu düğme artık geçerli değil."
    assert await snapshot(app_sessions) == before


async def test_one_mentee_gets_it_from_the_mentor_and_cannot_delete_it(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    group = (await seed_programme(app_sessions, clock.now())).groups[0]
    await make_member(
        app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca", user_id=user.user_id
    )
    mentee = ChatUser(app, api, user_id=7010, language_code="en")
    ali = await make_member(
        app_sessions, clock.now(), group, name="Ali", locale="en", user_id=mentee.user_id
    )
    await make_member(app_sessions, clock.now(), group, name="Bora")

    await user.send("/assign")
    assert user.buttons() == ["Tüm grup", "Ali", "Bora"]
    await user.press("Ali")
    await user.send("x" * 501)
    assert "en fazla 500 karakter" in user.last_text()
    await user.send_sticker()
    assert "çıkartma" in user.last_text()
    await user.send("Gözlem notu yaz")
    await user.press("Bir tarih…")
    await user.send("10.12.2026")
    assert user.last_text() == "Ali kişisine verildi. Kendisine bildirilecek."
    (row,) = await todos_of(app_sessions, ali.person_id)
    assert (row.text, row.due_kind, str(row.due_on)) == ("Gözlem notu yaz", "date", "2026-12-10")
    assert await outbox_keys(app_sessions) == [f"todo-assigned:{row.id}"]

    await mentee.send("/todo")
    await mentee.press("1. Gözlem notu yaz")
    assert "From your mentor Zeynep Hoca" in mentee.last_text()
    assert "🗑 Delete" not in mentee.buttons() and "✅ Done" in mentee.buttons()
    before = await snapshot(app_sessions)
    for data in (f"todo:del:{row.id}", f"todo:delok:{row.id}"):
        await mentee.press_data(data, mentee.messages()[-1])
        assert last_alert(mentee).startswith("This to-do is from your mentor: you cannot delete it")
    # The mentor cannot work on the mentee's to-do either.
    await user.press_data(f"todo:ok:{row.id}", user.messages()[-1])
    assert await snapshot(app_sessions) == before
    await mentee.press("❌ Not done")
    await mentee.press("I needed help")
    assert "Why it was not done: I needed help" in mentee.last_text()


async def test_a_mentor_cannot_assign_to_another_group_with_forged_buttons(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    first, second = (await seed_programme(app_sessions, clock.now(), groups=2)).groups
    await make_member(app_sessions, clock.now(), first, Role.MENTOR, user_id=user.user_id)
    stranger_mentee = await make_member(app_sessions, clock.now(), second, name="Cem")
    own_mentee = await make_member(app_sessions, clock.now(), first, name="Ali")
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": user.user_id, "type": "private"},
        "text": "x",
    }
    await user.press_data(f"asg:g:{second.id}", message)
    assert last_alert(user) == "Bu işlem size açık değil."
    await user.press_data(f"asg:p:{second.id}:all", message)
    assert last_alert(user) == "Bu işlem size açık değil."
    await user.press_data(f"asg:p:{first.id}:{stranger_mentee.person_id}", message)
    assert last_alert(user) == "Bu düğme artık geçerli değil."
    await user.press_data("asg:due:week", message)
    assert last_alert(user) == "Bu düğme artık geçerli değil."
    await user.press_data("asg:nonsense", message)
    assert last_alert(user) == "Bu düğme artık geçerli değil."
    assert await snapshot(app_sessions) == ((), 0, 0)
    assert await todos_of(app_sessions, own_mentee.person_id) == []
