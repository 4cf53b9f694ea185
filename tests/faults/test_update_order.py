"""End to end with concurrent update processing (64 at once on PostgreSQL, 4 on SQLite): one
person's quick answers land in order, while other people's updates run alongside."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.update_order import PerPersonUpdateProcessor
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models.reflections import ReflectionAnswer
from tests.support.app import AppFactory
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN, use_text_questions
from tests.support.seed import seed_programme
from tests.support.world import join

_ids = itertools.count(50_000_000)


def text_update(user: ChatUser, text: str, app) -> Update:  # type: ignore[no-untyped-def]
    return Update.de_json({"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user.user_id, "type": "private", "first_name": user.first_name},
        "from": {"id": user.user_id, "is_bot": False, "first_name": user.first_name, "language_code": "tr"},
        "text": text}}, app.bot)


async def answers_of(sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[str | None]]:
    async with sessions() as session:
        rows = (await session.execute(select(ReflectionAnswer).order_by(ReflectionAnswer.id))).scalars().all()
    found: dict[str, list[str | None]] = {}
    for row in rows:
        found.setdefault(str(row.reflection_id), []).append(row.text)
    return found


async def test_quick_answers_of_one_person_are_stored_in_order(
    make_app: AppFactory, clock: ManualClock, database_url: str
) -> None:
    app, api = await make_app()
    assert isinstance(app.update_processor, PerPersonUpdateProcessor)
    assert app.update_processor.max_concurrent_updates == (64 if "postgresql" in database_url else 4)
    sessions = app.bot_data[SERVICES_KEY].sessions
    setup = await seed_programme(sessions, clock.now())
    await use_text_questions(sessions, setup.programme.id, clock.now())  # written answers from question 1
    people = [ChatUser(app, api, user_id=660_000 + n, first_name=f"Kişi{n}") for n in range(4)]
    for person in people:
        await join(person, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    for person in people:
        await person.send("/reflect")

    await app.start()
    for round_ in range(3):  # everyone answers three questions as fast as they can type
        for person in people:
            await app.update_queue.put(text_update(person, f"{person.first_name} yanıt {round_ + 1}", app))
    for _ in range(200):
        if sum(len(a) for a in (await answers_of(sessions)).values()) == 12:
            break
        await asyncio.sleep(0.05)
    await app.stop()

    stored = await answers_of(sessions)
    assert len(stored) == 4
    for texts in stored.values():
        owner = texts[0].split()[0]  # type: ignore[union-attr]
        assert texts == [f"{owner} yanıt 1", f"{owner} yanıt 2", f"{owner} yanıt 3"]
    for person in people:
        questions = [t for t in person.texts() if "soru " in t and "/7" in t]
        assert [q.split("soru ")[1][:3] for q in questions][-4:] == ["1/7", "2/7", "3/7", "4/7"]
