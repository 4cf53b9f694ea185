"""Telegram timing out on a reply (after the request left: it may have arrived, so it is not sent
again, bot/reply_bot.py): what the person did is kept once, and they can go on."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import TimedOut

from mentoring.clock import ManualClock
from storage.models.reflections import ReflectionAnswer
from storage.models.todos import Todo
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN, use_text_questions
from tests.support.seed import seed_programme
from tests.support.snapshot import changed_tables, fingerprint
from tests.support.world import join


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_reflection_answer_is_kept_when_the_next_question_times_out(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await use_text_questions(app_sessions, setup.programme.id, clock.now())  # written answers from question 1
    await join(user, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    assert "soru 1/7" in user.last_text()
    sent = len(user.messages())

    user.api.fail_next["sendMessage"] = TimedOut()
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    assert len(user.messages()) == sent, "the next question never arrived"
    assert await count(app_sessions, ReflectionAnswer) == 1, "the answer was stored"

    # The person wonders and asks again: Narbot continues at question 2, nothing is asked twice.
    await user.send("/reflect")
    assert "soru 2/7" in user.last_text()
    await user.send("Çocuklar sıralarını bekledi.")
    assert "soru 3/7" in user.last_text()
    assert await count(app_sessions, ReflectionAnswer) == 2


async def test_a_todo_is_stored_once_when_replies_and_button_answers_time_out(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/todo")
    await user.press_data("todo:add", user.messages()[-1])

    user.api.fail_next["sendMessage"] = TimedOut()
    await user.send("Vaka notlarını düzenle")
    assert await count(app_sessions, Todo) == 1

    await user.send("/todo")
    listing = user.messages()[-1]
    [item] = [b["callback_data"] for row in listing["reply_markup"]["inline_keyboard"] for b in row
              if b["callback_data"].startswith("todo:v:")]
    todo_id = int(item.split(":")[2])
    await user.press_data(item, listing)

    # Marking it done: Telegram times out on answering the button, the change is kept.
    user.api.fail_next["answerCallbackQuery"] = TimedOut()
    await user.press_data(f"todo:ok:{todo_id}", user.messages()[-1])
    async with app_sessions() as session:
        todo = await session.get(Todo, todo_id)
    assert todo is not None and todo.status == "done"

    # The person taps again (they saw no reaction): nothing is done twice.
    before = await fingerprint(app_sessions)
    answers = len(user.api.calls_of("answerCallbackQuery"))
    await user.press_data(f"todo:ok:{todo_id}", user.messages()[-1])
    assert len(user.api.calls_of("answerCallbackQuery")) == answers + 1
    assert not changed_tables(before, await fingerprint(app_sessions))
    assert await count(app_sessions, Todo) == 1
