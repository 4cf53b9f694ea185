"""End to end, over real HTTP: after a group's week, both mentors get their digest from the running bot.

The week (reflections, check-ins, to-dos, a session) is written to the
database; the real application then plans the digests on its own timer, the
outbox sender delivers them (chart photo with the text), and a mentor opens a
mentee's detail with the button under the digest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, post_init
from bot.scheduler import PLAN_JOB
from bot.settings import Settings
from mentoring.clock import ManualClock
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.app import stop_running
from tests.support.digest import MESSAGE, SECRET, seed_group

# Both mentors' mornings have come and neither is in quiet hours: 17:00 in Istanbul, 09:00 in New York.
AFTERNOON = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TEST_TOKEN, username="narbot_test_bot") as server:
        yield server


def _with_buttons(messages: list[dict]) -> dict:  # type: ignore[type-arg]
    return next(m for m in messages if "reply_markup" in m)


async def test_both_mentors_receive_the_weeks_digest(
    standin: BotApiStandIn, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    seeded = await seed_group(sessions, clock.now())
    clock.set(AFTERNOON)
    settings = settings.model_copy(update={"telegram_api_base_url": standin.base_url})
    app = build_application(settings, clock=clock)
    await app.initialize()
    await post_init(app)
    mert, maria = int(seeded.external["Mert"]), int(seeded.external["Maria"])
    await app.start()
    assert app.updater is not None and app.job_queue is not None
    await app.updater.start_polling(poll_interval=0.05)
    try:
        # One tick of the planner's own job (its first tick at start can be lost, see the report).
        await app.job_queue.get_jobs_by_name(PLAN_JOB)[0].run(app)
        turkish = await standin.wait_for_messages(mert, 2, timeout=30)
        english = await standin.wait_for_messages(maria, 2, timeout=30)
        # The chart photo first, then the text (longer than a caption) with its buttons.
        assert [("photo" in m) for m in turkish[:2]] == [True, False]
        text = _with_buttons(turkish)["text"]
        assert "Grup 1" in text and "Yansıtma: 5 mentiden 3" in text and "Cem: iki haftadır yansıtma yok" in text
        assert MESSAGE in text and SECRET not in text and "17:00" in text
        digest = _with_buttons(english)
        assert "Reflections: 3 of 5" in digest["text"] and "9:00" in digest["text"]
        standin.push_callback(maria, f"dg:m:{seeded.group_id}:{seeded.people['Ayşe']}",
                              message_id=digest["message_id"])
        messages = await standin.wait_for_messages(maria, len(english) + 1, timeout=30)
        assert "Latest reflection (week 2)" in messages[-1]["text"]
    finally:
        await stop_running(app)
    # Nothing twice: one digest per mentor.
    photos = [c for c in standin.calls if c.method == "sendPhoto" and int(c.params["chat_id"]) in (mert, maria)]
    assert len(photos) == 2
