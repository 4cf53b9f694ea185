"""/partner, the weekly check-in and /pairs as channel-neutral conversations, driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads), in which order the screens come, what is
stored, the words in both languages, and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.button_data import decode
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.peers import pairs_screens, prompts, screens
from mentoring.peers.buttons import PAIRS
from mentoring.plans import rules as plans
from mentoring.refusals import refusal
from mentoring.screens import Input, Pressed, Reply, Screen, Typed, short_labels_too_long
from storage.models import Group, Role
from storage.models.peers import PeerCheckin, PeerPair
from tests.support.plans import add_member, set_dates, snapshot
from tests.support.seed import seed_programme

TR, EN = translator("tr"), translator("en")
# Week 2 of a programme that started on Monday 16.11.2026: the check-in is open from Wednesday
# 25.11 10:00 to Friday 27.11 10:00, Istanbul time.
OPEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
CLOSED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def a_group(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, names: list[str],
                  groups: int = 1):
    setup = await seed_programme(sessions, clock.now(), groups=groups)
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), None)
    mentees = [await add_member(sessions, clock.now(), setup.groups[0], name=name) for name in names]
    mentor = await add_member(sessions, clock.now(), setup.groups[0], Role.MENTOR, name="Mentor")
    return setup, mentees, mentor


async def step(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
               run: screens.Step, given: Input) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, who, given, clock.now())


async def refusal_of(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
                     run: screens.Step, given: Input) -> DomainError:
    with pytest.raises(DomainError) as error:
        await step(sessions, clock, who, run, given)
    return error.value


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def text(screen: Screen, locale: str = "tr") -> str:
    return screen.text.render(translator(locale))


def labels(screen: Screen, locale: str = "tr") -> list[str]:
    tr = translator(locale)
    return [choice.label.render(tr) for choice in screen.all_choices()]


def press(screen: Screen, label: str, locale: str = "tr") -> Pressed:
    tr = translator(locale)
    return Pressed(next(choice.data for choice in screen.all_choices() if choice.label.render(tr) == label))


def fits_small_buttons(screen: Screen) -> bool:
    return all(not short_labels_too_long(screen, translator(locale)) for locale in SUPPORTED_LOCALES)


async def share_a_goal(sessions: async_sessionmaker[AsyncSession], member: MemberView, what: str,
                       now: datetime) -> int:
    async with sessions.begin() as session:
        ctx = await plans.plan_context(session, member)
        await plans.start_goal(session, ctx, now)
        await plans.goal_text(session, ctx, "what", what, now)
        await plans.goal_text(session, ctx, "measure", "Ölçüt", now)
        goal = await plans.choose_due(session, ctx, "2w", None, now)
        assert goal is not None
        await plans.set_shared(session, ctx, goal.id, True, now)
    return goal.id


async def paired(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, mentor: MemberView) -> Screen:
    """The mentor pairs the group automatically (one group: /pairs shows its pairs at once)."""
    page = only_screen(await step(sessions, clock, mentor, pairs_screens.start, Typed("/pairs")))
    return only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(page, "Otomatik eşleştir")))


async def checkins(sessions: async_sessionmaker[AsyncSession]) -> dict[int, PeerCheckin]:
    async with sessions() as session:
        return {row.person_id: row for row in (await session.scalars(select(PeerCheckin))).all()}


# ----------------------------------------------------------------------------- /partner and the check-in


async def test_partner_without_a_pair_says_the_mentors_will_pair_and_others_are_refused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, (ayse,), mentor = await a_group(sessions, clock, ["Ayşe"])
    screen = only_screen(await step(sessions, clock, ayse, screens.start, Typed("/partner")))
    assert text(screen) == "Henüz bir eş düzey partneriniz yok; mentorlarınız sizi bir partnerle eşleştirecek."
    assert screen.choices == () and screen.awaits is None

    error = await refusal_of(sessions, clock, mentor, screens.start, Typed("/partner"))
    assert error.code == "access_denied"
    assert refusal(error).render(EN) == "That is not available to you."


async def test_the_check_in_goes_talked_goal_usefulness_and_is_stored_step_by_step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, (ayse, elif_), mentor = await a_group(sessions, clock, ["Ayşe", "Elif"])
    await paired(sessions, clock, mentor)
    goal_id = await share_a_goal(sessions, elif_, "Çocuklarla sakin konuşmak", clock.now())

    # Monday: the page alone, no check-in yet.
    page = only_screen(await step(sessions, clock, ayse, screens.start, Typed("/partner")))
    assert text(page).splitlines() == ["Eş düzey partneriniz:", "", "👤 Elif", "Sizinle paylaşılan hedefler:",
                                       "• Çocuklarla sakin konuşmak"]
    assert page.choices == ()

    clock.advance(OPEN - clock.now())
    reply = await step(sessions, clock, ayse, screens.start, Typed("/partner"))
    assert len(reply.screens) == 2 and reply.notice is None
    prompt = reply.screens[1]
    assert text(prompt).startswith("Partner sorusu, 2. hafta")
    assert "27 Kasım 2026 Cuma 10:00" in text(prompt)  # when it closes, Istanbul time, as every moment is written
    assert labels(prompt) == ["Evet", "Hayır", "Ulaşamadım"]
    assert labels(prompt, "en") == ["Yes", "No", "I could not reach them"]
    assert [choice.data for choice in prompt.all_choices()] == ["pc:t:2:yes", "pc:t:2:no", "pc:t:2:unreachable"]
    assert fits_small_buttons(prompt)
    assert await checkins(sessions) == {}, "showing the question stores nothing"

    support = only_screen(await step(sessions, clock, ayse, screens.press, press(prompt, "Evet")))
    assert support.replace and text(support) == "Güzel! Partnerinizin planının hangi kısmına destek oldunuz?"
    assert labels(support) == ["Çocuklarla sakin konuşmak", "Başka bir konu"]
    assert decode(support.choices[0][0].data).values == {"week": 2, "goal": goal_id}
    assert fits_small_buttons(support)
    assert (await checkins(sessions))[ayse.person_id].talked == "yes"

    # Stopped here (a restart, another day): /partner continues with the same question, as a new message.
    again = await step(sessions, clock, ayse, screens.start, Typed("/partner"))
    assert len(again.screens) == 2 and not again.screens[1].replace
    assert labels(again.screens[1]) == labels(support)

    useful = only_screen(await step(sessions, clock, ayse, screens.press, press(support, "Çocuklarla sakin konuşmak")))
    assert text(useful, "en") == "How useful was your talk? 1 = not much, 5 = very useful."
    assert labels(useful) == ["1", "2", "3", "4", "5"]
    thanks = only_screen(await step(sessions, clock, ayse, screens.press, press(useful, "4")))
    assert text(thanks) == "Teşekkürler! Yanıtınız kaydedildi." and thanks.choices == () and thanks.replace
    row = (await checkins(sessions))[ayse.person_id]
    assert (row.talked, row.supported_goal_id, row.usefulness) == ("yes", goal_id, 4)
    assert row.completed_at == clock.now()

    done = await step(sessions, clock, ayse, screens.start, Typed("/partner"))
    assert len(done.screens) == 1, "an answered check-in is not offered again"
    error = await refusal_of(sessions, clock, ayse, screens.press, Pressed("pc:t:2:no"))
    assert refusal(error).render(TR) == "Bu haftanın partner sorusunu zaten yanıtladınız. Teşekkürler!"

    # Elif did not talk: one answer completes her check-in.
    elif_reply = await step(sessions, clock, elif_, screens.start, Typed("/partner"))
    assert "Henüz sizinle paylaşılan bir hedef yok." in text(elif_reply.screens[0])
    noted = only_screen(await step(sessions, clock, elif_, screens.press, press(elif_reply.screens[1], "Hayır")))
    assert text(noted, "en").startswith("Thank you, noted.")
    assert (await checkins(sessions))[elif_.person_id].completed_at is not None


async def test_check_in_presses_outside_the_window_stale_or_forged_change_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, (ayse, _elif), mentor = await a_group(sessions, clock, ["Ayşe", "Elif"])
    await paired(sessions, clock, mentor)
    before = await snapshot(sessions)
    error = await refusal_of(sessions, clock, ayse, screens.press, Pressed("pc:t:2:yes"))
    assert error.code == "checkin_closed", "Monday: not open yet"
    clock.advance(OPEN - clock.now())
    for data, code in (("pc:t:1:yes", "checkin_closed"), ("pc:t:x:yes", "stale_button"),
                       ("pc:t:2:maybe", "stale_button"), ("pc:g:2:0", "stale"), ("pc:u:2:3", "stale"),
                       ("pairs:v:1", "stale_button")):
        assert (await refusal_of(sessions, clock, ayse, screens.press, Pressed(data))).code == code, data
    assert (await refusal_of(sessions, clock, ayse, screens.press, Typed("yes"))).code == "stale_button"
    clock.advance(CLOSED - clock.now())
    assert (await refusal_of(sessions, clock, ayse, screens.press, Pressed("pc:t:2:yes"))).code == "checkin_closed"
    assert await snapshot(sessions) == before


async def test_a_trio_with_long_plans_keeps_the_page_and_buttons_small(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, mentees, mentor = await a_group(sessions, clock, ["Ayşe", "Elif", "Fatma"])
    await paired(sessions, clock, mentor)
    for partner in mentees[1:]:
        for number in range(12):
            await share_a_goal(sessions, partner, f"{number} " + "uzun hedef " * 45, clock.now())
    clock.advance(OPEN - clock.now())
    page, prompt = (await step(sessions, clock, mentees[0], screens.start, Typed("/partner"))).screens
    assert len(text(page)) < 4096 and text(page).count("… ve 2 hedef daha") == 2
    assert text(page, "en").count("… and 2 more goals") == 2
    support = only_screen(await step(sessions, clock, mentees[0], screens.press, press(prompt, "Evet")))
    assert len(labels(support)) == 21  # ten goals of each partner and "something else"
    assert all(len(label) <= 40 for label in labels(support)) and fits_small_buttons(support)


@pytest.mark.parametrize("locale", ["tr", "en"])
def test_the_outbox_sends_the_same_question_that_partner_shows(locale: str) -> None:
    tr, tz = translator(locale), ZoneInfo("Europe/Istanbul")
    closes = OPEN + timedelta(hours=47)
    for screen, render in ((prompts.prompt(3, closes, tz.key), prompts.checkin_prompt),
                           (prompts.reminder(3, closes, tz.key), prompts.checkin_reminder)):
        words, rows = render(tr, 3, closes, tz)
        assert words == text(screen, locale)
        assert [(b.text, b.data) for row in rows for b in row] == [
            (choice.label.render(tr), choice.data) for choice in screen.all_choices()]
        assert fits_small_buttons(screen)


# ----------------------------------------------------------------------------- /pairs


async def test_a_mentor_pairs_automatically_by_hand_and_ends_a_pair(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, mentees, mentor = await a_group(sessions, clock, ["Ayşe", "Elif", "Fatma", "Zeynep", "Hale"])
    page = only_screen(await step(sessions, clock, mentor, pairs_screens.start, Typed("/pairs")))
    assert text(page).splitlines() == ["Grup 1 grubunun eş düzey ikilileri ve üçlüleri:", "", "Henüz ikili yok.", "",
                                       "Henüz eşleşmeyenler: Ayşe, Elif, Fatma, Zeynep, Hale"]
    assert labels(page) == ["Otomatik eşleştir", "Elle eşleştir"]

    page = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(page, "Otomatik eşleştir")))
    assert page.replace and "1. Ayşe — Elif" in text(page) and "2. Fatma — Zeynep — Hale (üçlü)" in text(page)
    assert labels(page, "en") == ["Pair by hand", "End pair 1", "End trio 2"]
    assert fits_small_buttons(page)

    pick = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(page, "Elle eşleştir")))
    assert text(pick, "en").startswith("Choose two or three mentees to pair.")
    assert labels(pick) == ["Ayşe", "Elif", "Fatma", "Zeynep", "Hale", "Geri"]
    pick = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(pick, "Ayşe")))
    pick = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(pick, "Fatma")))
    assert labels(pick)[:3] == ["✓ Ayşe", "Elif", "✓ Fatma"] and "Eşleştir" in labels(pick)
    before = await snapshot(sessions)
    untick = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(pick, "✓ Fatma")))
    assert labels(untick)[:3] == ["✓ Ayşe", "Elif", "Fatma"]
    assert "Eşleştir" not in labels(untick), "one chosen cannot be paired"
    assert await snapshot(sessions) == before, "ticking stores nothing"

    page = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(pick, "Eşleştir")))
    assert "1. Ayşe — Fatma" in text(page) and "Henüz eşleşmeyenler: Elif, Zeynep, Hale" in text(page)
    page = only_screen(await step(sessions, clock, mentor, pairs_screens.press, press(page, "1. ikiliyi sonlandır")))
    assert "Henüz eşleşmeyenler: Ayşe, Elif, Fatma, Zeynep, Hale" in text(page)
    async with sessions() as session:
        pairs = (await session.scalars(select(PeerPair))).all()
    assert len(pairs) == 3 and all(pair.ended_at is not None for pair in pairs), "ended pairs stay as history"

    four = ".".join(str(m.person_id) for m in mentees[:4])
    error = await refusal_of(sessions, clock, mentor, pairs_screens.press,
                             Pressed(f"pairs:pick:{setup.groups[0].id}:{four}"))
    assert refusal(error).render(EN) == "Choose at most three."


async def test_pairing_is_refused_to_mentees_and_to_mentors_of_other_groups(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, (ayse, elif_), mentor = await a_group(sessions, clock, ["Ayşe", "Elif"], groups=2)
    other = await add_member(sessions, clock.now(), setup.groups[1], Role.MENTOR, name="Other")
    assert (await refusal_of(sessions, clock, ayse, pairs_screens.start, Typed("/pairs"))).code == "access_denied"
    await paired(sessions, clock, mentor)
    async with sessions() as session:
        pair_id = (await session.scalars(select(PeerPair.id))).one()
    first = setup.groups[0].id
    before = await snapshot(sessions)
    for who, data in ((other, f"pairs:auto:{first}"), (other, f"pairs:v:{first}"),
                      (other, f"pairs:make:{first}:{ayse.person_id}.{elif_.person_id}"),
                      (other, f"pairs:end:{pair_id}"), (ayse, f"pairs:end:{pair_id}")):
        error = await refusal_of(sessions, clock, who, pairs_screens.press, Pressed(data))
        assert refusal(error).render(EN) == "That is not available to you.", data
    assert (await refusal_of(sessions, clock, mentor, pairs_screens.press, Pressed("pc:t:2:yes"))).code == \
        "stale_button"
    assert await snapshot(sessions) == before


async def test_a_coordinator_chooses_a_group_from_pages_of_eight(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, _mentees, _mentor = await a_group(sessions, clock, ["Ayşe", "Elif"], groups=2)
    coordinator = await add_member(sessions, clock.now(), setup.groups[0], Role.COORDINATOR, locale="en")
    groups = only_screen(await step(sessions, clock, coordinator, pairs_screens.start, Typed("/pairs")))
    assert text(groups, "en") == "Which group's peer pairs?" and labels(groups) == ["Grup 1", "Grup 2"]
    page = only_screen(await step(sessions, clock, coordinator, pairs_screens.press, press(groups, "Grup 1")))
    assert text(page, "en").startswith("Peer pairs and trios of group Grup 1:")

    many = [Group(id=number, name=f"Grup {number} " + "çok uzun bir ad " * 3) for number in range(1, 11)]
    first = pairs_screens.groups_page(many, 0)
    assert len(first.choices) == 9 and labels(first)[-1] == "▶" and fits_small_buttons(first)
    last = pairs_screens.groups_page(many, 7)  # a page past the end shows the last one
    assert [(decode(choice.data).prefix, decode(choice.data).values) for choice in last.all_choices()] == [
        (PAIRS.prefix, {"group": 9}), (PAIRS.prefix, {"group": 10}), (PAIRS.prefix, {"page": 0})]
    assert labels(last) == [many[8].name, many[9].name, "◀"]
