"""/rhythm through the real handlers: mentors set their group's weekly rhythm; nobody else can."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import GroupSchedule
from tests.support.app import AppFactory
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.waves import join


async def schedule_of(sessions: async_sessionmaker[AsyncSession], group_id: int) -> GroupSchedule | None:
    async with sessions() as session:
        return await session.scalar(select(GroupSchedule).where(GroupSchedule.group_id == group_id))


async def test_a_turkish_mentor_changes_the_reflection_day_and_switches_a_reminder_off(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock, make_app: AppFactory
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    group = setup.groups[0]
    await join(user, setup.codes["mentor1"])
    await user.send("/rhythm")
    shown = user.last_text()
    assert "Grup 1 grubunun haftalık ritmi" in shown
    assert "Yansıtma: Cuma, saat 10:00 itibarıyla açılır ve 72 saat açık kalır." in shown
    assert "İlk hatırlatma: açıldıktan 24 saat sonra" in shown and "Son hatırlatma: kapanmadan 6 saat önce" in shown
    assert "Europe/Istanbul" in shown
    assert await schedule_of(app_sessions, group.id) is None, "defaults until the first change"

    await user.press("Yansıtma günü")
    assert "Pazartesi" in user.buttons() and "Geri" in user.buttons()
    app, api = await make_app()  # a restart between showing the options and choosing one
    api.messages = user.api.messages  # the chat history stays on the phone
    again = ChatUser(app, api, user_id=user.user_id)
    await again.press("Pazartesi")
    assert "Kaydedildi." in again.last_text() and "Yansıtma: Pazartesi, saat 10:00" in again.last_text()
    schedule = await schedule_of(app_sessions, group.id)
    assert schedule is not None and schedule.reflection_weekday == 0
    assert schedule.reflection_time == time(10, 0) and schedule.reminder_after_hours == 24

    await again.press("İlk hatırlatma")
    await again.press("Kapalı")
    assert "İlk hatırlatma: Kapalı" in again.last_text()
    schedule = await schedule_of(app_sessions, group.id)
    assert schedule is not None and schedule.reminder_after_hours is None
    assert schedule.reminder_before_close_hours == 6


async def test_an_english_mentor_of_two_groups_picks_one(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    await join(user, setup.codes["mentor1"], english=True)
    await user.send(f"/start {setup.codes['mentor2']}")
    await user.send("/rhythm")
    assert user.last_text() == "Which group's rhythm?" and user.buttons() == ["Grup 1", "Grup 2"]
    await user.press("Grup 2")
    assert "Weekly rhythm of group Grup 2" in user.last_text()
    assert "Peer partner check-in: opens on Wednesday at 10:00\u202fAM and stays open for 48 hours." in user.last_text()
    await user.press("Check-in open for")
    await user.press("24 hours")
    assert "stays open for 24 hours" in user.last_text()
    schedule = await schedule_of(app_sessions, setup.groups[1].id)
    assert schedule is not None and schedule.checkin_open_hours == 24
    assert await schedule_of(app_sessions, setup.groups[0].id) is None


async def test_mentees_foreign_groups_and_forged_options_are_refused(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock, make_app: AppFactory
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    mine, other = setup.groups
    await join(user, setup.codes["mentor1"])
    await user.send("/rhythm")
    menu = user.messages()[-1]

    await user.press_data(f"rhy:{other.id}:rd:0", menu)
    answer = user.api.calls_of("answerCallbackQuery")[-1]
    assert answer.get("show_alert") and "yalnızca o grubun mentorları" in answer["text"]
    for forged in (f"rhy:{mine.id}:rt:0930", f"rhy:{mine.id}:zz:1", "rhy:abc", f"rhy:{mine.id}:rd:0:extra"):
        await user.press_data(forged, menu)
        answer = user.api.calls_of("answerCallbackQuery")[-1]
        assert answer.get("show_alert") and "artık geçerli değil" in answer["text"]
    assert await schedule_of(app_sessions, mine.id) is None
    assert await schedule_of(app_sessions, other.id) is None

    app, api = await make_app()
    mentee = ChatUser(app, api, user_id=5002, first_name="Can")
    await join(mentee, setup.codes["mentee1"])
    await mentee.send("/rhythm")
    assert "yalnızca o grubun mentorları" in mentee.last_text()
    await mentee.press_data(f"rhy:{mine.id}:rd:0", {**menu, "chat": {"id": 5002, "type": "private"}})
    assert await schedule_of(app_sessions, mine.id) is None
