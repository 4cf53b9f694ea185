"""`narbot programme list` marks the groups outside the planned shape (mentoring/group_shape.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin import programme_list
from mentoring.i18n import translator
from storage.models import Membership, Role
from tests.support.seed import seed_programme
from tests.support.todos import make_member

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


async def test_groups_outside_the_shape_are_marked_with_real_counts(
    sessions: async_sessionmaker[AsyncSession], capsys: pytest.CaptureFixture[str]
) -> None:
    small, full = (await seed_programme(sessions, NOW, groups=2)).groups
    for index in range(3):
        await make_member(sessions, NOW, small, name=f"Menti {index}")
    await make_member(sessions, NOW, small, Role.MENTOR, name="Zeynep")
    for index in range(6):
        await make_member(sessions, NOW, full, name=f"Tam {index}")
    for name in ("Mert", "Maria", "Can"):
        await make_member(sessions, NOW, full, Role.MENTOR, name=name)
    async with sessions.begin() as session:  # Grup 2's last mentee and last mentor left: 5 and 2 remain
        last = [await session.scalar(select(Membership.id).where(
            Membership.group_id == full.id, Membership.role == role.value).order_by(Membership.id.desc()).limit(1))
            for role in (Role.MENTEE, Role.MENTOR)]
        await session.execute(update(Membership).where(Membership.id.in_(last)).values(left_at=NOW))
    async with sessions.begin() as session:
        assert await programme_list(session, None, None, translator("en")) == 0  # type: ignore[arg-type]
    lines = capsys.readouterr().out.splitlines()
    small_line = next(line for line in lines if "Grup 1" in line)
    full_line = next(line for line in lines if "Grup 2" in line)
    assert small_line.endswith("Grup 1 — 3 mentees, 1 mentors  ⚠ 3 mentees (the programme plans 4-6); "
                               "1 mentor (the programme plans 2-3)")
    assert full_line.endswith("Grup 2 — 5 mentees, 2 mentors")
