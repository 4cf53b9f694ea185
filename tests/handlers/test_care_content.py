"""Content that fits care work (issue #14, point 9) through the real handlers: the default reflection
feeds the digest as before, and the care work's not-done reasons are recorded, counted and shown to
the mentors in the digest and the progress report."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.todos.list_screens import REASON_LABELS
from mentoring.todos.rules import not_done_reasons
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING, seed_group
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_CLOSES, WEEK1_OPEN
from tests.support.seed import seed_programme

TR = translator("tr")
WEEK = timedelta(days=7)
IN_WEEK2 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday of programme week 2


def label(code: str) -> str:
    """A reason's button in Turkish, as the catalogue words it."""
    return TR.gettext(REASON_LABELS[code])


async def join(user: ChatUser, code: str) -> None:
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Okudum")


async def reflect(user: ChatUser, confidence: str, happened: str) -> None:
    """The default reflection, every question through its buttons or a text."""
    await user.send("/reflect")
    for pressed in ("Kısmen", "Cesaretlendirme", "2", confidence):
        await user.press(pressed)
    await user.send(happened)
    await user.press("Geç")  # what was hard
    await user.press("Geç")  # what next
    await user.press("Belki")
    await user.press("Geç")  # a message for the mentors
    await user.press("Mentorlarıma gönder")
    assert "mentorlarınıza gönderildi" in user.last_text()


async def test_the_default_reflection_still_feeds_confidence_and_attention_in_the_digest(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    mentee, mentor = ChatUser(app, api, user_id=5601), ChatUser(app, api, user_id=5602, first_name="Mert")
    await join(mentee, setup.codes["mentee1"])
    await join(mentor, setup.codes["mentor1"])
    clock.set(WEEK1_OPEN)
    await reflect(mentee, "5", "Çocuklarla sırayla konuşma oyununu oynadık.")
    clock.set(WEEK1_OPEN + WEEK)
    await reflect(mentee, "2", "Bu hafta vardiyalar çok yordu.")

    clock.set(WEEK1_CLOSES + WEEK + timedelta(hours=23))
    await mentor.send("/digest")
    digest = mentor.last_text()
    assert "✅ Ayşe Yılmaz: özgüven 2 (-3);" in digest and "Yansıtma: 1 mentiden 1" in digest
    attention = digest.split(TR.gettext("⚠️ Needs attention:"))[1]
    assert TR.gettext("{name}: confidence down by {points}").format(name="Ayşe Yılmaz", points=3) in attention
    assert "Bu hafta vardiyalar çok yordu." in digest, "the open answer reaches the mentors as before"


async def test_care_reasons_are_recorded_counted_and_shown_to_the_mentors(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now())
    burak = ChatUser(app, api, user_id=int(seeded.external["Burak"]))
    mert = ChatUser(app, api, user_id=int(seeded.external["Mert"]))
    clock.set(IN_WEEK2)
    for number, code in enumerate(("shift", "children", "shift", "children", "team_support", "not_worked"), 1):
        await burak.send("/todo")
        await burak.press("➕ Yapılacak iş ekle")
        await burak.send(f"Adım {number}")
        await burak.press("Tarih yok")
        await burak.press("❌ Yapılamadı")
        assert label(code) in burak.buttons()
        await burak.press(label(code))
        assert f"Neden yapılamadı: {label(code)}" in burak.last_text()
    async with sessions() as session:
        recorded = await not_done_reasons(session, seeded.group_id)
    burak_reasons = [(reason, week) for person, reason, week in recorded if person == seeded.people["Burak"]]
    assert Counter(burak_reasons) == {("shift", 2): 2, ("children", 2): 2, ("team_support", 2): 1,
                                      ("not_worked", 2): 1}

    clock.set(TR_MORNING)
    await mert.send("/digest")
    digest = mert.last_text()
    assert f"{label('shift')} (2)" in digest and f"{label('children')} (2)" in digest, digest
    same = TR.gettext("{name}: the same reason twice for a to-do not done ({reason})")
    assert same.format(name="Burak", reason=label("shift")) in digest
    assert same.format(name="Burak", reason=label("children")) in digest

    await mert.send("/report")
    report = mert.last_text()
    for code, count in (("shift", 2), ("children", 2), ("team_support", 1), ("not_worked", 1)):
        assert f"{label(code)} ×{count}" in report, report
