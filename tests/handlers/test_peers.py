"""/pairs and /partner through the real handlers: pairing, re-pairing, the check-in and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from telegram.ext import Application

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.plans import rules as plans
from storage.models import Person, Role
from storage.models.peers import PeerCheckin, PeerPair
from tests.support.app import AppFactory
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.plans import add_member, chat_of, set_dates, snapshot
from tests.support.seed import seed_programme

# Week 2 of a programme that started on Monday 16.11.2026: the check-in is open from Wednesday
# 25.11 10:00 to Friday 27.11 10:00, Istanbul time.
OPEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
CLOSED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def alert(user: ChatUser) -> str:
    return user.api.calls_of("answerCallbackQuery")[-1].get("text", "")


async def a_group(app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock, names: list[str],
                  locale: str = "tr"):
    app, api = app_and_api
    sessions = app.bot_data[SERVICES_KEY].sessions
    setup = await seed_programme(sessions, clock.now(), groups=2)
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), None)
    mentees = [await add_member(sessions, clock.now(), setup.groups[0], name=name, locale=locale) for name in names]
    mentor = await add_member(sessions, clock.now(), setup.groups[0], Role.MENTOR, name="Mentor", locale=locale)
    return sessions, setup, mentees, await chat_of(sessions, app, api, mentor)


async def share_a_goal(sessions, member, what: str, now: datetime) -> int:
    async with sessions.begin() as session:
        ctx = await plans.plan_context(session, member)
        await plans.start_goal(session, ctx, now)
        await plans.goal_text(session, ctx, "what", what, now)
        await plans.goal_text(session, ctx, "measure", "Ölçüt", now)
        goal = await plans.choose_due(session, ctx, "2w", None, now)
        assert goal is not None
        await plans.set_shared(session, ctx, goal.id, True, now)
    return goal.id


async def test_mentor_pairs_five_mentees_into_a_pair_and_a_trio_then_re_pairs_by_hand(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif", "Fatma", "Zeynep", "Hale"])
    await mentor.send("/pairs")
    assert mentor.last_text().startswith("Grup 1 grubunun eş düzey ikilileri ve üçlüleri:")
    assert "Henüz eşleşmeyenler: Ayşe, Elif, Fatma, Zeynep, Hale" in mentor.last_text()
    await mentor.press("Otomatik eşleştir")
    text = mentor.last_text()
    assert "1. Ayşe — Elif" in text and "2. Fatma — Zeynep — Hale (üçlü)" in text and "Henüz" not in text

    await mentor.press("Elle eşleştir")
    await mentor.press("Ayşe")
    await mentor.press("Fatma")
    assert "✓ Ayşe" in mentor.buttons() and "✓ Fatma" in mentor.buttons()
    await mentor.press("Eşleştir")
    text = mentor.last_text()
    assert "1. Ayşe — Fatma" in text and "Henüz eşleşmeyenler: Elif, Zeynep, Hale" in text
    await mentor.press("Otomatik eşleştir")
    assert "2. Elif — Zeynep — Hale (üçlü)" in mentor.last_text()
    await mentor.press("1. ikiliyi sonlandır")
    assert "Henüz eşleşmeyenler: Ayşe, Fatma" in mentor.last_text()
    async with sessions() as session:
        pairs = (await session.scalars(select(PeerPair))).all()
    assert len(pairs) == 4 and sum(p.ended_at is None for p in pairs) == 1, "ended pairs stay as history"

    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    await ayse.send("/partner")
    assert ayse.last_text() == "Henüz bir eş düzey partneriniz yok; mentorlarınız sizi bir partnerle eşleştirecek."


async def test_check_in_in_turkish_and_english_and_disagreement_is_stored(
    make_app: AppFactory, clock: ManualClock
) -> None:
    first = await make_app()
    sessions, _setup, mentees, mentor = await a_group(first, clock, ["Ayşe", "Elif"])
    await mentor.send("/pairs")
    await mentor.press("Otomatik eşleştir")
    goal_id = await share_a_goal(sessions, mentees[1], "Çocuklarla sakin konuşmak", clock.now())
    async with sessions.begin() as session:
        elif_person = await session.get(Person, mentees[1].person_id)
        assert elif_person is not None
        elif_person.locale = "en"  # Elif reads English
    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])

    await ayse.send("/partner")  # Monday: the check-in is not open yet
    assert "👤 Elif" in ayse.last_text() and "• Çocuklarla sakin konuşmak" in ayse.last_text()
    assert ayse.buttons() == []

    clock.advance(OPEN - clock.now())
    await ayse.send("/partner")
    assert ayse.last_text().startswith("Partner sorusu, 2. hafta")
    assert ayse.buttons() == ["Evet", "Hayır", "Ulaşamadım"]
    prompt = ayse.messages()[-1]
    await ayse.press("Evet")
    assert ayse.buttons() == ["Çocuklarla sakin konuşmak", "Başka bir konu"]

    second_app, second_api = await make_app()  # a restart between two steps: /partner continues
    ayse = await chat_of(sessions, second_app, second_api, mentees[0])
    await ayse.send("/partner")
    assert ayse.last_text() == "Güzel! Partnerinizin planının hangi kısmına destek oldunuz?"
    await ayse.press("Çocuklarla sakin konuşmak")
    await ayse.press("4")
    assert ayse.last_text() == "Teşekkürler! Yanıtınız kaydedildi."
    await ayse.send("/partner")
    assert ayse.buttons() == [], "an answered check-in is not offered again"
    await ayse.press_data("pc:t:2:no", prompt)  # twice
    assert alert(ayse) == "Bu haftanın partner sorusunu zaten yanıtladınız. Teşekkürler!"

    elif_ = await chat_of(sessions, second_app, second_api, mentees[1])
    await elif_.send("/partner")
    assert "👤 Ayşe" in elif_.texts()[-2] and "No goals shared with you yet." in elif_.texts()[-2]
    assert elif_.last_text().startswith("Peer partner check-in, week 2")
    await elif_.press("No")
    assert elif_.last_text().startswith("Thank you, noted.")

    async with sessions() as session:
        rows = {r.person_id: r for r in (await session.scalars(select(PeerCheckin))).all()}
    assert (rows[mentees[0].person_id].talked, rows[mentees[0].person_id].supported_goal_id,
            rows[mentees[0].person_id].usefulness) == ("yes", goal_id, 4)
    assert rows[mentees[1].person_id].talked == "no"


async def test_check_in_outside_the_window_or_for_an_old_week_changes_nothing(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif"], locale="en")
    await mentor.send("/pairs")
    await mentor.press("Pair automatically")
    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    await ayse.send("/partner")
    page = ayse.messages()[-1]
    before = await snapshot(sessions)
    await ayse.press_data("pc:t:2:yes", page)  # Monday: not open yet
    assert alert(ayse).startswith("This check-in is closed; nothing was changed.")
    clock.advance(OPEN - clock.now())
    for data in ("pc:t:1:yes", "pc:t:3:yes", "pc:t:x:yes", "pc:t:2:maybe", "pc:g:2:0", "pc:u:2:3"):
        await ayse.press_data(data, page)
        assert alert(ayse), data
    clock.advance(CLOSED - clock.now())
    await ayse.press_data("pc:t:2:yes", page)
    assert alert(ayse).startswith("This check-in is closed")
    assert await snapshot(sessions) == before


async def test_pairing_is_refused_to_mentees_and_to_mentors_of_other_groups(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif"], locale="en")
    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    await ayse.send("/pairs")
    assert ayse.last_text() == "That is not available to you."
    other = await add_member(sessions, clock.now(), setup.groups[1], Role.MENTOR, name="Other", locale="en")
    outsider = await chat_of(sessions, mentor.app, mentor.api, other)
    page = {"message_id": 1, "date": 0, "chat": {"id": outsider.user_id, "type": "private"}}
    first = setup.groups[0].id
    before = await snapshot(sessions)
    for data in (f"pairs:auto:{first}", f"pairs:v:{first}",
                 f"pairs:make:{first}:{mentees[0].person_id}.{mentees[1].person_id}"):
        await outsider.press_data(data, page)
        assert alert(outsider) == "That is not available to you.", data
    assert await snapshot(sessions) == before
    await mentor.send("/pairs")
    await mentor.press("Pair automatically")
    pair_id = (await snapshot(sessions))[3][0][0]
    await outsider.press_data(f"pairs:end:{pair_id}", page)
    assert alert(outsider) == "That is not available to you."
    await outsider.press_data("pairs:pick:1:1.2.3.4", page)
    assert alert(outsider) in ("Choose at most three.", "That is not available to you.")
    await ayse.press_data(f"pairs:end:{pair_id}", page)
    assert alert(ayse) == "That is not available to you."
    assert (await snapshot(sessions))[3][0][1] is None, "the pair is still active"


async def test_a_coordinator_chooses_among_the_programmes_groups(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, setup, _mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif"], locale="en")
    coordinator = await add_member(sessions, clock.now(), setup.groups[0], Role.COORDINATOR, locale="en")
    user = await chat_of(sessions, mentor.app, mentor.api, coordinator)
    await user.send("/pairs")
    assert user.last_text() == "Which group's peer pairs?" and user.buttons() == ["Grup 1", "Grup 2"]
    await user.press("Grup 1")
    assert user.last_text().startswith("Peer pairs and trios of group Grup 1:")
    await user.press("Pair by hand")
    await user.press("Ayşe")
    await user.press("Elif")
    await user.press("Pair them")
    assert "1. Ayşe — Elif" in user.last_text()


async def test_partner_page_stays_under_telegram_limits_with_long_plans(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif", "Fatma"])
    await mentor.send("/pairs")
    await mentor.press("Otomatik eşleştir")
    for partner in mentees[1:]:
        for number in range(12):
            await share_a_goal(sessions, partner, f"{number} " + "uzun hedef " * 45, clock.now())
    clock.advance(OPEN - clock.now())
    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    await ayse.send("/partner")
    page = ayse.texts()[-2]
    assert len(page) < 4096 and page.count("… ve 2 hedef daha") == 2
    await ayse.press("Evet")
    assert len(ayse.buttons()) == 21  # ten goals of each partner and "something else"
