"""Group shape (issue #14, point 8) through the real handlers: the coordinator's /report overview and the
mentors' weekly digest name a group outside 4-6 mentees and 2-3 mentors, and not a group inside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.digest.rules import plan_digests
from storage.models import Membership, OutboxMessage, Role
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING, seed_group
from tests.support.notice import add_coordinator
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.todos import make_member

SMALL_TR = ("👥 Grubunuz planlanan büyüklüğün dışında: 3 menti (programda 4-6 menti öngörülüyor); "
            "1 mentor (programda 2-3 mentor öngörülüyor)")


async def _leave(sessions: async_sessionmaker[AsyncSession], group_id: int, people: list[int], now: datetime) -> None:
    async with sessions.begin() as session:
        await session.execute(update(Membership).where(
            Membership.group_id == group_id, Membership.person_id.in_(people)).values(left_at=now))


async def test_the_overview_names_the_groups_outside_the_shape_with_small_cells(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now(), groups=3)
    small, full, empty = setup.groups
    now = clock.now()
    # Grup 1: 3 active mentees (a fourth left) and 1 mentor; Grup 2: 5 and 2; Grup 3: nobody yet.
    for index in range(3):
        await make_member(app_sessions, now, small, name=f"Menti {index}")
    await make_member(app_sessions, now, small, Role.MENTOR, name="Zeynep")
    left = await make_member(app_sessions, now, small, name="Ayrılan")
    await _leave(app_sessions, small.id, [left.person_id], now)
    for index in range(5):
        await make_member(app_sessions, now, full, name=f"Tam {index}")
    for name in ("Mert", "Maria"):
        await make_member(app_sessions, now, full, Role.MENTOR, name=name)
    await add_coordinator(app_sessions, setup.programme.id, 8101, now)
    await add_coordinator(app_sessions, setup.programme.id, 8102, now, locale="en")

    koray = ChatUser(app, api, user_id=8101, language_code="tr")
    await koray.send("/report")
    text = koray.last_text()
    assert ("⚠️ Planlanan büyüklüğün dışında kalan gruplar:\n"
            "• Grup 1: 3 menti (programda 4-6 menti öngörülüyor); <3 mentor (programda 2-3 mentor öngörülüyor)\n"
            "• Grup 3: 0 menti (programda 4-6 menti öngörülüyor); 0 mentor (programda 2-3 mentor öngörülüyor)"
            ) in text
    assert "Grup 2" not in text and "Gruplar: 3 · mentiler: 8 · mentorlar: 3" in text  # who left is not counted
    carol = ChatUser(app, api, user_id=8102, language_code="en")
    await carol.send("/report")
    assert ("• Grup 1: 3 mentees (the programme plans 4-6); <3 mentors (the programme plans 2-3)"
            in carol.last_text())
    assert "Grup 2" not in carol.last_text()
    assert empty.name == "Grup 3"


async def test_the_digest_names_its_group_outside_the_shape_and_not_one_inside(
    make_app: AppFactory, clock: ManualClock, tmp_path: Path
) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    small = await seed_group(sessions, clock.now(), name="Grup 1", base=7100)
    full = await seed_group(sessions, clock.now(), name="Grup 2", base=7200)
    # Grup 1 keeps 3 of its 5 mentees and 1 of its 2 mentors; Grup 2 stays at 5 and 2.
    await _leave(sessions, small.group_id, [small.people[who] for who in ("Deniz", "Elif", "Maria")], clock.now())
    clock.set(TR_MORNING)

    mert = ChatUser(app, api, user_id=int(small.external["Mert"]), language_code="tr")
    await mert.send("/digest")
    assert SMALL_TR in mert.last_text() and "Yansıtma: 3 mentiden 2" in mert.last_text()
    other = ChatUser(app, api, user_id=int(full.external["Mert"]), language_code="tr")
    await other.send("/digest")
    assert "Yansıtma: 5 mentiden 3" in other.last_text() and "planlanan büyüklüğün" not in other.last_text()

    # The weekly digest the planner queues for each mentor says the same.
    async with sessions.begin() as session:
        await plan_digests(session, TR_MORNING, chart_dir=tmp_path)
    async with sessions() as session:
        rows = {row.person_id: row.text for row in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "digest"))}
    assert set(rows) == {small.people["Mert"], full.people["Mert"], full.people["Maria"]}
    assert SMALL_TR in rows[small.people["Mert"]]
    assert "planlanan büyüklüğün" not in rows[full.people["Mert"]]
    assert "outside the planned size" not in rows[full.people["Maria"]]
