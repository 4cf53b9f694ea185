"""/rhythm as a channel-neutral conversation: the steps driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads), in which order the screens come, the
words in both languages, and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.button_data import decode
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView, RoleView
from mentoring.refusals import refusal, refused
from mentoring.rhythm import SETTINGS, screens
from mentoring.rhythm.buttons import RHYTHM
from mentoring.screens import Input, Pressed, Reply, Screen, Typed, short_labels_too_long
from storage.models import GroupSchedule, Role
from tests.support.waves import add_group, add_programme

TR, EN = translator("tr"), translator("en")


def member(role: Role, programme_id: int, *groups: tuple[int, str], locale: str = "tr") -> MemberView:
    roles = tuple(RoleView(role, programme_id, "Nar", group_id, name) for group_id, name in groups)
    return MemberView(1, "Deniz", locale, "Europe/Istanbul", roles, None)


async def two_groups(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> tuple[int, int, int]:
    async with sessions.begin() as session:
        programme = await add_programme(session, clock.now(), date(2026, 11, 23))
        first = await add_group(session, programme, clock.now())
        second = await add_group(session, programme, clock.now(), "Grup 2", timezone="Europe/Berlin")
        return programme.id, first.id, second.id


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
    run: screens.Step, given: Input,
) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, who, given, clock.now())


async def refusal_of(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
    run: screens.Step, given: Input,
) -> DomainError:
    with pytest.raises(DomainError) as error:
        await step(sessions, clock, who, run, given)
    return error.value


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def labels(screen: Screen, locale: str = "tr") -> list[str]:
    tr = translator(locale)
    return [choice.label.render(tr) for choice in screen.all_choices()]


def data_of(screen: Screen, label: str, locale: str = "tr") -> str:
    tr = translator(locale)
    return next(choice.data for choice in screen.all_choices() if choice.label.render(tr) == label)


async def test_a_mentor_of_one_group_sees_its_rhythm_with_a_button_per_setting(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    programme, group, _ = await two_groups(sessions, clock)
    mentor = member(Role.MENTOR, programme, (group, "Grup 1"))
    screen = only_screen(await step(sessions, clock, mentor, screens.start, Typed("/rhythm")))

    text = screen.text.render(TR)
    assert text.startswith("Grup 1 grubunun haftalık ritmi")
    assert "Yansıtma: Cuma, saat 10:00 itibarıyla açılır ve 72 saat açık kalır." in text
    assert "İlk hatırlatma: açıldıktan 24 saat sonra" in text and "Son hatırlatma: kapanmadan 6 saat önce" in text
    assert "Europe/Istanbul" in text
    english = screen.text.render(EN)
    assert "Reflection (yansıtma): opens on Friday at 10:00\u202fAM and stays open for 72 hours." in english
    assert "Peer partner check-in: opens on Wednesday at 10:00\u202fAM and stays open for 48 hours." in english
    # One button per setting, two to a row, each naming its group and setting.
    assert [len(row) for row in screen.choices] == [2, 2, 2, 2]
    pressed = [decode(choice.data) for choice in screen.all_choices()]
    assert [(p.action, p["group"], p["setting"]) for p in pressed] == [
        ("setting", group, code) for code in SETTINGS]
    assert labels(screen, "en")[:3] == ["Reflection day", "Reflection time", "Reflection open for"]


async def test_a_mentor_of_two_groups_picks_one_and_its_rhythm_replaces_the_choice(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    programme, first, second = await two_groups(sessions, clock)
    mentor = member(Role.MENTOR, programme, (first, "Grup 1"), (second, "Grup 2"), locale="en")
    choice = only_screen(await step(sessions, clock, mentor, screens.start, Typed("/rhythm")))
    assert choice.text.render(EN) == "Which group's rhythm?" and not choice.replace
    assert labels(choice) == ["Grup 1", "Grup 2"]
    assert data_of(choice, "Grup 2") == RHYTHM.encode("show", group=second)

    shown = only_screen(await step(sessions, clock, mentor, screens.press, Pressed(data_of(choice, "Grup 2"))))
    assert shown.replace
    assert shown.text.render(EN).startswith("Weekly rhythm of group Grup 2")
    assert "Times are the group's local time (Europe/Berlin)" in shown.text.render(EN)


async def test_a_setting_shows_its_options_and_an_option_is_saved_with_a_note(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    programme, group, _ = await two_groups(sessions, clock)
    mentor = member(Role.MENTOR, programme, (group, "Grup 1"))
    menu = only_screen(await step(sessions, clock, mentor, screens.start, Typed("/rhythm")))

    options = only_screen(await step(sessions, clock, mentor, screens.press,
                                     Pressed(data_of(menu, "İlk hatırlatma"))))
    assert options.replace and options.text.render(TR) == "İlk hatırlatma:"
    assert labels(options) == ["Kapalı", "açıldıktan 12 saat sonra", "açıldıktan 24 saat sonra",
                               "açıldıktan 48 saat sonra", "Geri"]
    assert data_of(options, "Geri") == RHYTHM.encode("show", group=group)
    days = only_screen(await step(sessions, clock, mentor, screens.press, Pressed(data_of(menu, "Yansıtma günü"))))
    assert labels(days)[:2] == ["Pazartesi", "Salı"] and labels(days, "en")[4] == "Friday"
    times = only_screen(await step(sessions, clock, mentor, screens.press, Pressed(data_of(menu, "Yansıtma saati"))))
    assert labels(times, "en")[0] == "8:00\u202fAM" and labels(times)[0] == "08:00"
    async with sessions() as session:
        assert await session.get(GroupSchedule, group) is None, "showing options changes nothing"

    # The group's first change switches a reminder off: stored as off, not as the column's default.
    saved = only_screen(await step(sessions, clock, mentor, screens.press, Pressed(data_of(options, "Kapalı"))))
    assert saved.replace
    text = saved.text.render(TR)
    assert text.startswith("Kaydedildi.") and "İlk hatırlatma: Kapalı" in text
    async with sessions() as session:
        row = await session.get(GroupSchedule, group)
        assert row is not None and row.reminder_after_hours is None and row.reminder_before_close_hours == 6

    back = only_screen(await step(sessions, clock, mentor, screens.press, Pressed(data_of(options, "Geri"))))
    assert "Kaydedildi." not in back.text.render(TR) and "İlk hatırlatma: Kapalı" in back.text.render(TR)


async def test_every_screen_fits_small_buttons_in_every_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    programme, first, second = await two_groups(sessions, clock)
    mentor = member(Role.MENTOR, programme, (first, "Grup 1"), (second, "Grup 2"))
    seen = [only_screen(await step(sessions, clock, mentor, screens.start, Typed("/rhythm")))]
    seen.append(only_screen(await step(sessions, clock, mentor, screens.press,
                                       Pressed(RHYTHM.encode("show", group=first)))))
    for code in SETTINGS:
        options = await step(sessions, clock, mentor, screens.press,
                             Pressed(RHYTHM.encode("setting", group=first, setting=code)))
        seen.append(only_screen(options))
    assert len(seen) == 2 + len(SETTINGS)
    for locale in SUPPORTED_LOCALES:
        for screen in seen:
            assert short_labels_too_long(screen, translator(locale)) == [], (locale, screen.text)
    assert [c.short_label(EN) for c in seen[-1].all_choices()][1:3] == ["3 hours before", "6 hours before"]


async def test_mentees_foreign_groups_forged_and_unfit_presses_are_refused_and_change_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    programme, mine, other = await two_groups(sessions, clock)
    mentee = member(Role.MENTEE, programme, (mine, "Grup 1"))
    error = await refusal_of(sessions, clock, mentee, screens.start, Typed("/rhythm"))
    assert error.code == "access_denied" and error.values["action"] == "see_rhythm"
    assert refusal(error).render(TR) == "Bir grubun haftalık ritmini yalnızca o grubun mentorları ayarlayabilir."
    assert refusal(error).render(EN) == "Only a group's mentors can set its weekly rhythm."
    notice = refused(error).notice
    assert notice is not None and notice.alert

    mentor = member(Role.MENTOR, programme, (mine, "Grup 1"))
    option = RHYTHM.encode("option", group=other, setting="rd", option="0")
    error = await refusal_of(sessions, clock, mentor, screens.press, Pressed(option))
    assert (error.code, error.values["action"]) == ("access_denied", "change_rhythm")
    error = await refusal_of(sessions, clock, mentee, screens.press, Pressed(RHYTHM.encode("show", group=mine)))
    assert (error.code, error.values["action"]) == ("access_denied", "see_rhythm")

    # A time offered for another setting: the codec reads it, the rules do not take it.
    unfit = RHYTHM.encode("option", group=mine, setting="rd", option="1700")
    assert (await refusal_of(sessions, clock, mentor, screens.press, Pressed(unfit))).code == "bad_rhythm_option"
    for given in (Pressed(f"rhy:{mine}:rt:0930"), Pressed("rhy:abc"), Pressed(f"rhy:{mine}:rd:0:extra"),
                  Pressed("set:tz"), Typed("Pazartesi")):
        error = await refusal_of(sessions, clock, mentor, screens.press, given)
        assert error.code == "stale_button"
        assert refusal(error).render(TR) == TR.gettext("This button is no longer active.") != "This button is no longer active."
    async with sessions() as session:
        assert await session.get(GroupSchedule, mine) is None and await session.get(GroupSchedule, other) is None


def test_every_option_of_every_setting_has_a_button_the_codec_reads() -> None:
    for code, setting in SETTINGS.items():
        screen = screens.options(7, code)
        assert [decode(c.data).values.get("option") for c in screen.all_choices()][:-1] == [
            "off" if value is None else f"{value:%H%M}" if isinstance(value, time) else str(value)
            for value in setting.options]
