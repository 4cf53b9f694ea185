"""The week so far (issue #13, point 2): which week is open, what it shows, and to whom; no channel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import access
from mentoring.calendar import Rhythm
from mentoring.clock import ManualClock
from mentoring.digest import rules as digest
from mentoring.digest import screens
from mentoring.digest.buttons import DIGEST
from mentoring.digest.model import FlagKind
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.screens import Pressed, Typed, short_labels_too_long
from mentoring.waves import RunningGroup
from tests.support.digest import (
    ENDS_ON,
    MESSAGE,
    SECRET,
    STARTS_ON,
    WEEK2_CLOSES,
    Seeded,
    seed_group,
)

SEEDED_AT = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
WEEK2_OPENS = WEEK2_CLOSES - timedelta(hours=72)
GROUP = RunningGroup(1, 1, ZoneInfo("Europe/Istanbul"), STARTS_ON, ENDS_ON, Rhythm())


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Seeded:
    found = await seed_group(sessions, SEEDED_AT)
    clock.set(WEEK2_OPENS + timedelta(hours=1))
    return found


async def member(sessions: async_sessionmaker[AsyncSession], seeded: Seeded, who: str) -> MemberView:
    async with sessions() as session:
        found = await joining.member_view(session, "telegram", seeded.external[who])
    assert found is not None
    return found


def test_the_open_week_is_the_reflection_window_open_now() -> None:
    assert digest.open_week(GROUP, WEEK2_OPENS - timedelta(seconds=1)) is None
    opened = digest.open_week(GROUP, WEEK2_OPENS)
    assert opened is not None and opened.week == 2 and opened.closes_at == WEEK2_CLOSES
    assert digest.open_week(GROUP, WEEK2_CLOSES - timedelta(seconds=1)) is not None
    assert digest.open_week(GROUP, WEEK2_CLOSES) is None
    # While week 2 is open, the closed week is week 1; once it closes, week 2.
    closed = digest.closed_week(GROUP, WEEK2_OPENS)
    assert closed is not None and closed.week == 1
    after = digest.closed_week(GROUP, WEEK2_CLOSES)
    assert after is not None and after.week == 2
    # A window that opens after the programme's last day is no week of it.
    short = RunningGroup(1, 1, ZoneInfo("Europe/Istanbul"), STARTS_ON, date(2026, 12, 3), Rhythm())
    assert digest.open_week(short, WEEK2_OPENS + timedelta(hours=1)) is None


async def test_the_week_so_far_keeps_the_digests_rules_but_waits_for_the_close_to_flag_silence(
        sessions, clock, seeded) -> None:
    mert = await member(sessions, seeded, "Mert")
    async with sessions() as session:
        so_far = await digest.week_so_far(session, mert, seeded.group_id, clock.now())
        closed = await digest.digest_for(session, mert, seeded.group_id, WEEK2_CLOSES)
    assert so_far is not None and closed is not None
    assert so_far.in_progress and so_far.closes_at == WEEK2_CLOSES and not closed.in_progress
    assert so_far.week == closed.week == 2 and so_far.reflections == closed.reflections == 3
    kinds = {flag.kind for flag in so_far.flags}
    assert FlagKind.NO_REFLECTION_TWICE not in kinds
    assert FlagKind.NO_REFLECTION_TWICE in {flag.kind for flag in closed.flags}
    assert {f for f in closed.flags if f.kind is not FlagKind.NO_REFLECTION_TWICE} == set(so_far.flags)
    # Numbers-only reflections give no quotes, in progress as after the close.
    assert [q.text for q in so_far.quotes] == [q.text for q in closed.quotes]
    assert all(SECRET not in q.text for q in so_far.quotes) and any(MESSAGE in q.text for q in so_far.quotes)


async def test_no_week_so_far_outside_a_window_and_none_for_a_mentee(sessions, clock, seeded) -> None:
    mert, ayse = await member(sessions, seeded, "Mert"), await member(sessions, seeded, "Ayşe")
    async with sessions() as session:
        assert await digest.week_so_far(session, mert, seeded.group_id, WEEK2_CLOSES) is None
        with pytest.raises(access.AccessDenied):
            await digest.week_so_far(session, ayse, seeded.group_id, clock.now())


async def test_the_screen_is_marked_in_progress_and_offers_the_closed_week(sessions, clock, seeded) -> None:
    mert = await member(sessions, seeded, "Mert")
    async with sessions.begin() as session:
        reply = await screens.start(session, mert, Typed("/digest"), clock.now())
    (screen,) = reply.screens
    assert screen.media is None
    for locale in SUPPORTED_LOCALES:
        tr = translator(locale)
        assert short_labels_too_long(screen, tr) == []
        assert "⏳" in screen.text.render(tr)
    last = Pressed(screen.choices[-1][0].data).decode(DIGEST)
    assert last.action == "w" and dict(last.values) == {"group": seeded.group_id}
    async with sessions.begin() as session:
        closed = await screens.press(session, mert, Pressed(screen.choices[-1][0].data), clock.now())
    text = closed.screens[0].text.render(translator("en"))
    assert text.startswith("📋 Weekly digest: Grup 1, week 1 of 26")
