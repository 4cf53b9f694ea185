"""The digest's charts are drawn off the event loop with the same bytes, and the planner's slices
change nothing it queues."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import offload
from mentoring.clock import ManualClock
from mentoring.digest import chart
from mentoring.digest import rules as digest
from mentoring.digest import screens as digest_screens
from mentoring.digest.model import GroupDigest
from mentoring.digest.render import render
from mentoring.i18n import translator
from mentoring.joining import rules as joining
from storage.models import OutboxMessage
from tests.support.digest import TR_MORNING, Seeded, seed_group


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Seeded:
    return await seed_group(sessions, clock.now())


@dataclass
class Drawing:
    draw: Callable[[GroupDigest], bytes]  # the real chart_png, called in line
    threads: list[int] = field(default_factory=list)  # where the code under test drew


@pytest.fixture
def drawing(monkeypatch: pytest.MonkeyPatch) -> Drawing:
    """The real chart_png, noting the thread each chart is drawn in."""
    found = Drawing(chart.chart_png)

    def noting(digest_: GroupDigest) -> bytes:
        found.threads.append(threading.get_ident())
        return found.draw(digest_)

    monkeypatch.setattr(chart, "chart_png", noting)
    monkeypatch.setattr(digest_screens, "chart_png", noting)
    return found


async def _closed(session: AsyncSession, seeded: Seeded, who: str) -> GroupDigest:
    member = await joining.member_view(session, "telegram", seeded.external[who])
    assert member is not None
    found = await digest.digest_for(session, member, seeded.group_id, TR_MORNING)
    assert found is not None
    return found


async def test_planned_charts_are_drawn_in_a_worker_with_the_same_bytes(
        sessions, seeded: Seeded, tmp_path: Path, drawing: Drawing, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "SLICE", 1)  # a statement per message
    monkeypatch.setattr(offload, "STEP_SECONDS", 0)  # a turn of the loop before every group, digest and message
    async with sessions.begin() as session:
        assert await digest.plan_digests(session, TR_MORNING, chart_dir=tmp_path) == 2
    assert drawing.threads and threading.get_ident() not in drawing.threads
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))).all()
        built = await _closed(session, seeded, "Mert")
    assert len(rows) == 2
    assert {row.attachment["path"] for row in rows} == {str(tmp_path / f"digest-{seeded.group_id}-w2.png")}
    assert Path(rows[0].attachment["path"]).read_bytes() == drawing.draw(built)
    texts = {row.person_id: row.text for row in rows}
    assert texts[seeded.people["Mert"]] == render(built, translator("tr"), digest.zone_of("Europe/Istanbul"))


async def test_the_digest_on_demand_sends_the_same_chart_drawn_in_a_worker(
        sessions, seeded: Seeded, drawing: Drawing) -> None:
    async with sessions.begin() as session:
        mert = await joining.member_view(session, "telegram", seeded.external["Mert"])
        assert mert is not None
        reply = await digest_screens.show_closed(session, mert, seeded.group_id, TR_MORNING)
        found = await _closed(session, seeded, "Mert")
    (screen,) = reply.screens
    assert screen.media is not None and screen.media.content == drawing.draw(found)
    assert drawing.threads and threading.get_ident() not in drawing.threads
