"""/settings as a channel-neutral conversation: the steps driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads), which free input it waits for, the
words in both languages, and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.screens import (
    Awaits,
    Expect,
    Input,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    Voice,
    short_labels_too_long,
)
from mentoring.settings import COMMON_ZONES, QUIET_PRESETS, screens
from mentoring.settings.buttons import SETTINGS
from mentoring.todos.buttons import TODOS
from storage.models import Person

TR, EN = translator("tr"), translator("en")


@pytest.fixture
async def member(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> MemberView:
    async with sessions.begin() as session:
        person = Person(display_name="Deniz", locale="tr", timezone="Europe/Istanbul", created_at=clock.now())
        session.add(person)
        await session.flush()
        return MemberView(person.id, "Deniz", "tr", "Europe/Istanbul", (), None)


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
    run: screens.Step, given: Input,
) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def actions(screen: Screen) -> list[list[str]]:
    """Each row's choices as the codec reads them back."""
    return [[Pressed(choice.data).decode(SETTINGS).action for choice in row] for row in screen.choices]


def press(action: str, **values: object) -> Pressed:
    return Pressed(SETTINGS.encode(action, **values))


async def person(sessions: async_sessionmaker[AsyncSession], member: MemberView) -> Person:
    async with sessions() as session:
        found = await session.get(Person, member.person_id)
        assert found is not None
        return found


async def waiting(sessions: async_sessionmaker[AsyncSession], member: MemberView) -> str | None:
    """The step of the settings question waiting for a typed answer, if one is."""
    async with sessions() as session:
        state = await conversation.pending(session, member.person_id)
        return state.step if state is not None and state.flow == screens.FLOW else None


async def test_the_menu_says_it_in_both_languages_and_offers_resume_only_while_paused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    menu = only_screen(await step(sessions, clock, member, screens.start, Typed("/settings")))
    assert menu.text.render(TR) == (
        "Ayarlarınız\nSaat dilimi: İstanbul (orada saat şu an 09:00)\n"
        "Sessiz saatler: 22:00–08:00. Sorular ve hatırlatmalar bu saatler bitene kadar bekler.\n"
        "Ara verilmedi: bu haftanın sorularını ve hatırlatmalarını alırsınız."
    )
    english = menu.text.render(EN)
    assert english.startswith("Your settings\nTime zone: Istanbul (it is 9:00\u202fAM there now)")
    assert "Not paused" in english
    assert actions(menu) == [["tz", "quiet"], ["pause", "leave"]]
    assert menu.replace and menu.awaits is None

    paused = only_screen(await step(sessions, clock, member, screens.press, press("pause")))
    assert actions(paused) == [["tz", "quiet"], ["pause", "leave"], ["resume"]]
    assert paused.text.render(EN).startswith("Paused for a week.\n\nYour settings")
    assert "Paused: no prompts or reminders until Monday, November 30, 2026, 9:00\u202fAM." in paused.text.render(EN)
    assert (await person(sessions, member)).paused_until == clock.now() + timedelta(days=7)

    resumed = only_screen(await step(sessions, clock, member, screens.press, press("resume")))
    assert actions(resumed) == [["tz", "quiet"], ["pause", "leave"]]
    assert resumed.text.render(EN).startswith("Welcome back: prompts and reminders resume.")
    assert (await person(sessions, member)).paused_until is None


async def test_zone_and_hours_choices_carry_what_they_change(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    zones = only_screen(await step(sessions, clock, member, screens.press, press("tz")))
    assert zones.text.render(EN) == "Choose your time zone:" and zones.replace
    chosen = [Pressed(c.data).decode(SETTINGS) for c in zones.all_choices()]
    assert [b["zone"] for b in chosen if b.action == "zone"] == list(COMMON_ZONES)
    # Cities in the reader's language, the most likely first.
    assert [c.label.render(TR) for c in zones.all_choices()][:4] == ["İstanbul", "Berlin", "Amsterdam", "Viyana"]
    assert [c.label.render(EN) for c in zones.all_choices()][:4] == ["Istanbul", "Berlin", "Amsterdam", "Vienna"]
    assert [(b.action, dict(b.values)) for b in chosen[-2:]] == [("type", {"question": "timezone"}), ("menu", {})]

    hours = only_screen(await step(sessions, clock, member, screens.press, press("quiet")))
    chosen = [Pressed(c.data).decode(SETTINGS) for c in hours.all_choices()]
    assert [b["hours"] for b in chosen if b.action == "hours"] == list(QUIET_PRESETS)
    assert hours.choices[1][0].label.render(EN) == "11:00\u202fPM–7:00\u202fAM"
    assert hours.choices[1][0].label.render(TR) == "23:00–07:00"

    saved = only_screen(await step(sessions, clock, member, screens.press, Pressed(hours.choices[1][0].data)))
    assert saved.text.render(EN).startswith("Quiet hours saved.")
    found = await person(sessions, member)
    assert (found.quiet_hours_start, found.quiet_hours_end) == (time(23), time(7))

    berlin = only_screen(await step(sessions, clock, member, screens.press, press("zone", zone="Europe/Berlin")))
    assert berlin.text.render(TR).startswith("Saat dilimi kaydedildi.")
    assert "Saat dilimi: Berlin (orada saat şu an 07:00)" in berlin.text.render(TR)
    assert (await person(sessions, member)).timezone == "Europe/Berlin"


async def test_a_question_waits_for_typed_text_in_the_database(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    asked = only_screen(await step(sessions, clock, member, screens.press, press("type", question="timezone")))
    assert asked.awaits == Awaits(Expect.TEXT, "settings")
    assert actions(asked) == [["menu"]]
    assert asked.text.render(EN).startswith("Type the city whose time you keep")
    assert await waiting(sessions, member) == "timezone"

    saved = only_screen(await step(sessions, clock, member, screens.answer, Typed("asia/tbilisi")))
    assert saved.text.render(EN).startswith("Saved.\n\nYour settings") and saved.awaits is None
    assert actions(saved)[0] == ["tz", "quiet"]
    assert (await person(sessions, member)).timezone == "Asia/Tbilisi"
    assert await waiting(sessions, member) is None, "answered: nothing waits any more"


async def test_wrong_answers_are_worded_once_and_the_question_stays_open(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    await step(sessions, clock, member, screens.press, press("type", question="timezone"))
    wrong = only_screen(await step(sessions, clock, member, screens.answer, Typed("Mars/Olympus")))
    assert wrong.text == refusal(DomainError("unknown_city", typed="Mars/Olympus"))
    assert wrong.text.render(EN) == ("I do not know a city or time zone called Mars/Olympus. "
                                     "Type a city in your time zone, for example Berlin.")
    assert actions(wrong) == [["menu"]] and not wrong.replace

    for given, code in ((Voice("v1", 3), "text_expected"), (Unsupported("sticker"), "text_expected"),
                        (Typed("x" * 65), "text_too_long")):
        with pytest.raises(DomainError) as refused:
            await step(sessions, clock, member, screens.answer, given)
        assert refused.value.code == code
    assert refusal(refused.value).render(EN) == "That is too long (65 characters). Please keep it to 64 characters."
    assert await waiting(sessions, member) == "timezone"
    assert (await person(sessions, member)).timezone == "Europe/Istanbul"

    await step(sessions, clock, member, screens.press, press("type", question="quiet"))
    for typed in ("25:00-08:00", "22-22", "soon"):
        wrong = only_screen(await step(sessions, clock, member, screens.answer, Typed(typed)))
        assert wrong.text == refusal(DomainError("bad_quiet_hours"))
    only_screen(await step(sessions, clock, member, screens.answer, Typed("21.30 - 6")))
    found = await person(sessions, member)
    assert (found.quiet_hours_start, found.quiet_hours_end) == (time(21, 30), time(6))


async def test_a_leave_lasts_through_the_typed_day_in_the_persons_zone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    asked = only_screen(await step(sessions, clock, member, screens.press, press("leave")))
    assert asked.awaits == Awaits(Expect.TEXT, "settings")
    assert asked.text.render(TR) == ("Hangi güne kadar izindesiniz? Tarihi yazın, örneğin 30.11.2026, "
                                     "“31 Aralık”, “yarın” ya da “cuma” gibi bir gün adı.")
    assert await waiting(sessions, member) == "leave"
    for typed, error in (("32.13.2026", DomainError("bad_date", example="30.11.2026")),
                         ("01.11.2026", DomainError("date_in_past")), ("01.01.2030", DomainError("date_too_far"))):
        wrong = only_screen(await step(sessions, clock, member, screens.answer, Typed(typed)))
        assert wrong.text == refusal(error)
    impossible = only_screen(await step(sessions, clock, member, screens.answer, Typed("31.04")))
    assert impossible.text.render(TR) == "31 Nisan diye bir gün yok: 2027 yılında Nisan 30 gün çeker."
    assert (await person(sessions, member)).paused_until is None

    saved = only_screen(await step(sessions, clock, member, screens.answer, Typed("31.12.2026")))
    assert "1 Ocak 2027" in saved.text.render(TR) and actions(saved)[-1] == ["resume"]
    # Midnight after the last day, in Istanbul, is 21:00 UTC.
    assert (await person(sessions, member)).paused_until == datetime(2026, 12, 31, 21, 0, tzinfo=UTC)


async def test_any_other_button_closes_the_question(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    await step(sessions, clock, member, screens.press, press("type", question="quiet"))
    back = only_screen(await step(sessions, clock, member, screens.press, press("menu")))
    assert back.text.render(EN).startswith("Your settings") and back.replace
    assert await waiting(sessions, member) is None
    # A late typed answer changes nothing; the menu is shown again.
    late = only_screen(await step(sessions, clock, member, screens.answer, Typed("21-6")))
    assert late.text.render(EN).startswith("Your settings")
    assert (await person(sessions, member)).quiet_hours_start == time(22)


@pytest.mark.parametrize("given", [
    Pressed("set:nothing"), Pressed("set:tz:Mars/Base"), Pressed("set:pause:forever"),
    Pressed(TODOS.encode("add")), Typed("set:pause"),
])
async def test_data_no_settings_button_carries_is_refused_as_stale(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, given: Input
) -> None:
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, member, screens.press, given)
    assert refused.value.code == "stale_button"
    assert refusal(refused.value).render(EN) == "This button is no longer active."
    assert (await person(sessions, member)).paused_until is None


async def test_every_choice_offered_leads_somewhere_and_its_short_label_fits_small_buttons(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    """Walk every screen the feature can show by pressing every choice it offers."""
    seen: set[str] = set()
    shown: list[Screen] = []
    todo = [only_screen(await step(sessions, clock, member, screens.start, Typed("/settings")))]
    while todo:
        screen = todo.pop()
        shown.append(screen)
        for choice in screen.all_choices():
            if choice.data in seen:
                continue
            seen.add(choice.data)
            todo.extend((await step(sessions, clock, member, screens.press, Pressed(choice.data))).screens)
    assert {Pressed(data).decode(SETTINGS).action for data in seen} == set(SETTINGS.actions)
    assert any(screen.awaits is not None for screen in shown)
    for locale in SUPPORTED_LOCALES:
        for screen in shown:
            assert short_labels_too_long(screen, translator(locale)) == [], locale
