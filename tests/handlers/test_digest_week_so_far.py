"""/digest while a reflection window is open: the week so far, marked in progress (issue #13, point 2).

The seeded group (tests/support/digest.py) has the default rhythm: each week's
reflection window opens on Friday 10:00 Istanbul (07:00 UTC) and stays open 72 hours.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models import Membership
from tests.support.app import AppFactory
from tests.support.digest import MESSAGE, SECRET, WEEK2_CLOSES, Seeded, seed_group
from tests.support.offline import ChatUser

WEEK1_OPEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday of week 1, its window open, none closed yet
WEEK2_OPEN = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # Saturday of week 2: week 2 open, week 1 closed
NO_REFLECTION_TWICE = "iki haftadır yansıtma yok"
CLOSED_HEADER = "📋 Haftalık grup özeti: Grup 1"


async def _setup(make_app: AppFactory, clock: ManualClock, at: datetime, *, groups: int = 1):  # type: ignore[no-untyped-def]
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = [await seed_group(sessions, clock.now(), name=f"Grup {i}", base=7000 + 100 * i)
              for i in range(1, groups + 1)]
    clock.set(at)
    return app, api, sessions, seeded


def _user(app, api, seeded: Seeded, who: str, language: str = "tr") -> ChatUser:  # type: ignore[no-untyped-def]
    return ChatUser(app, api, user_id=int(seeded.external[who]), language_code=language)


def _photos(api, user: ChatUser) -> int:  # type: ignore[no-untyped-def]
    return len([c for c in api.calls_of("sendPhoto") if int(c["chat_id"]) == user.user_id])


async def test_open_week_so_far_names_who_answered_and_links_the_closed_week(make_app: AppFactory,
                                                                             clock: ManualClock) -> None:
    app, api, _, (seeded,) = await _setup(make_app, clock, WEEK2_OPEN)
    mert = _user(app, api, seeded, "Mert")
    await mert.send("/digest")
    text = mert.last_text()
    assert "⏳ Bu hafta şimdiye kadar: Grup 1, hafta 2/26" in text
    assert "Devam ediyor: yansıtmalar" in text and CLOSED_HEADER not in text
    assert "Şimdiye kadar yansıtma: 5 mentiden 3" in text
    assert "✅ Yanıtlayanlar: Ayşe, Burak, Deniz" in text and "⏳ Henüz yanıtlamayanlar: Cem, Elif" in text
    # Flags already visible: Ayşe's drop, Cem's repeated reason, Elif unreachable, Cem & Deniz disagree;
    # "no reflection two weeks running" waits for the close (Cem may still answer).
    flags = text.split("⚠️")[1]
    assert "Ayşe: özgüven 2 puan düştü" in flags and "Elif: ulaşılamıyor" in flags and "Cem & Deniz" in flags
    assert NO_REFLECTION_TWICE not in text
    # The same privacy as the weekly digest: the message for the mentors, never a numbers-only answer.
    assert MESSAGE in text and SECRET not in text
    assert _photos(api, mert) == 0, "the week so far comes without the chart"
    assert mert.buttons() == ["Ayşe", "Burak", "Cem", "Deniz", "Elif", "📋 1. haftanın grup özeti"]

    # One tap to the closed week's digest, exactly as before (with its chart).
    await mert.press("📋 1. haftanın grup özeti")
    closed = mert.last_text()
    assert CLOSED_HEADER + ", hafta 1/26" in closed and "Yansıtma: 5 mentiden 3" in closed
    assert "Bu hafta şimdiye kadar" not in closed and _photos(api, mert) == 1

    # Once the window has closed, /digest is the closed week's digest again.
    clock.set(WEEK2_CLOSES)
    await mert.send("/digest")
    after = mert.last_text()
    assert CLOSED_HEADER + ", hafta 2/26" in after and NO_REFLECTION_TWICE in after
    assert "Bu hafta şimdiye kadar" not in after


async def test_in_english_with_the_close_in_the_readers_zone(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, _, (seeded,) = await _setup(make_app, clock, WEEK2_OPEN)
    maria = _user(app, api, seeded, "Maria", "en")
    await maria.send("/digest")
    text = maria.last_text()
    assert "⏳ This week so far: Grup 1, week 2 of 26" in text
    # Week 2 closes Monday 7 December 07:00 UTC: 2 AM in New York.
    assert "In progress: reflections close on Monday, December 7, 2026, 2:00\u202fAM" in text
    assert "✅ Answered: Ayşe, Burak, Deniz" in text and "⏳ Not yet: Cem, Elif" in text
    assert "Reflections so far: 3 of 5" in text and "Peer partner check-ins so far: 1 of 2 pairs met" in text
    assert maria.buttons()[-1] == "📋 Digest of week 1"


async def test_a_mentor_whose_mentees_answered_before_any_week_closed(make_app: AppFactory,
                                                                        clock: ManualClock) -> None:
    app, api, _, (seeded,) = await _setup(make_app, clock, WEEK1_OPEN)
    mert = _user(app, api, seeded, "Mert")
    await mert.send("/digest")
    text = mert.last_text()
    assert "kapanmadı" not in text and "⏳ Bu hafta şimdiye kadar: Grup 1, hafta 1/26" in text
    assert "✅ Yanıtlayanlar: Ayşe, Burak, Elif" in text and "⏳ Henüz yanıtlamayanlar: Cem, Deniz" in text
    assert mert.buttons() == ["Ayşe", "Burak", "Cem", "Deniz", "Elif"], "no closed week to link yet"


async def test_the_closed_week_button_is_for_the_groups_mentors_only(make_app: AppFactory,
                                                                    clock: ManualClock) -> None:
    app, api, sessions, (first, second) = await _setup(make_app, clock, WEEK2_OPEN, groups=2)
    mert = _user(app, api, first, "Mert")
    await mert.send("/digest")
    message = mert.messages()[-1]
    sent = len(mert.messages())
    other, ayse = _user(app, api, second, "Mert"), _user(app, api, first, "Ayşe")
    await other.press_data(f"dg:w:{first.group_id}", message)
    await ayse.press_data(f"dg:w:{first.group_id}", message)
    assert other.messages() == [] and ayse.messages() == [] and len(mert.messages()) == sent
    alerts = [c for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert len(alerts) == 2
    # A mentee's /digest says it is for mentors, and shows nobody's answers.
    await ayse.send("/digest")
    assert "mentorları" in ayse.last_text() and "Yanıtlayanlar" not in ayse.last_text()
    # A mentor of both groups picks one, and gets that group's week so far.
    async with sessions.begin() as session:
        session.add(Membership(person_id=first.people["Mert"], programme_id=second.programme_id,
                               group_id=second.group_id, role="mentor", joined_at=clock.now()))
    await mert.send("/digest")
    await mert.press("Grup 2")
    assert "⏳ Bu hafta şimdiye kadar: Grup 2, hafta 2/26" in mert.last_text()
