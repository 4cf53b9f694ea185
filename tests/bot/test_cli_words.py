"""What the privacy and status commands print: the operator's language, never a table's name (issue #13, 7)."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin_privacy import retention_apply
from bot.admin_status import status_lines
from bot.settings import Settings
from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.programmes import ProgrammeSpec, create_programme
from storage.models import Membership, Person, Role
from storage.models.plans import PlanGoal

TABLE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


async def an_old_goal(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """A goal written in a programme that ended long before the retention period."""
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Eski", date(2024, 9, 1), date(2025, 1, 31)), now)
        person = Person(display_name="Ali", created_at=now)
        session.add(person)
        await session.flush()
        session.add(Membership(person_id=person.id, programme_id=programme.id, role=Role.COORDINATOR.value,
                               joined_at=now))
        session.add(PlanGoal(person_id=person.id, programme_id=programme.id, what="Sakin kalmak", measure="Not",
                             due_kind="1m", status="in_progress", created_at=now, updated_at=now))


@pytest.mark.parametrize(("locale", "label"), [("tr", "Gelişim planı hedefleri"), ("en", "Development plan goals")])
async def test_retention_names_kinds_of_records_in_the_operators_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings,
    capsys: pytest.CaptureFixture[str], locale: str, label: str,
) -> None:
    await an_old_goal(sessions, clock.now())
    async with sessions.begin() as session:
        code = await retention_apply(session, argparse.Namespace(days=180, dry_run=True), settings,
                                     translator(locale))
    printed = capsys.readouterr().out
    assert code == 0
    assert f"  {label}: 2" in printed.splitlines(), printed  # what and measure
    assert "plan_goals" not in printed
    assert not [line for line in printed.splitlines() if line.startswith("  ") and TABLE_NAME.search(line)]


async def test_status_lines_in_turkish(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    async with sessions() as session:
        lines = await status_lines(session, clock.now(), translator("tr"))
    assert lines == ["Giden kutusu: 0 gönderilmeyi bekliyor, 0 gönderiliyor",
                     "Hiçbir gönderici ya da planlayıcı haber vermedi: bot çalışıyor mu?"]
