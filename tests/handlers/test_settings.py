"""/settings through the real handlers: time zone, quiet hours, pause and leave, in Turkish and English."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import Person
from tests.support.app import AppFactory
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.waves import join, person_of


async def test_a_turkish_mentee_picks_a_zone_from_the_buttons(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    shown = user.last_text()
    assert "Ayarlarınız" in shown and "Saat dilimi: İstanbul (orada saat şu an 09:00)" in shown
    assert "Sessiz saatler: 22:00–08:00" in shown and "Ara verilmedi" in shown
    assert user.buttons() == ["Saat dilimi", "Sessiz saatler", "Bir hafta ara ver", "Şu tarihe kadar izindeyim…"]

    await user.press("Saat dilimi")
    # Cities in the reader's language, the most likely first.
    assert user.buttons()[:4] == ["İstanbul", "Berlin", "Amsterdam", "Viyana"]
    assert "Londra" in user.buttons() and "Başka bir şehir yazın" in user.buttons()
    await user.press("Berlin")
    assert "Saat dilimi kaydedildi." in user.last_text()
    assert "Saat dilimi: Berlin (orada saat şu an 07:00)" in user.last_text()
    assert (await person_of(app_sessions, user)).timezone == "Europe/Berlin"


async def test_a_typed_zone_survives_a_restart_and_wrong_answers_are_explained(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock, make_app: AppFactory
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    await user.press("Saat dilimi")
    await user.press("Başka bir şehir yazın")
    assert "Saatini kullandığınız şehri yazın" in user.last_text()

    app, api = await make_app()  # a restart: the wait is in the database
    again = ChatUser(app, api, user_id=user.user_id)
    await again.send("Mars/Olympus")
    assert "Mars/Olympus adında bir şehir ya da saat dilimi bulamadım" in again.last_text()
    await again.send_sticker()
    assert "yanıtınızı yazıyla gönderin" in again.last_text()
    await again.send("x" * 500)
    assert "en fazla 64 karakter" in again.last_text()
    assert (await person_of(app_sessions, user)).timezone == "Europe/Istanbul"

    await again.send("asia/tbilisi")
    assert "Kaydedildi." in again.last_text() and "Saat dilimi: Tiflis" in again.last_text()
    await again.send("Europe/Paris")  # the question was answered; this is just text now
    assert (await person_of(app_sessions, user)).timezone == "Asia/Tbilisi"


async def test_quiet_hours_in_english_from_presets_and_typed(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"], english=True)
    await user.send("/settings")
    assert "Quiet hours: 10:00\u202fPM–8:00\u202fAM" in user.last_text()
    await user.press("Quiet hours")
    await user.press("11:00\u202fPM–7:00\u202fAM")
    assert "Quiet hours saved." in user.last_text()
    person = await person_of(app_sessions, user)
    assert (person.quiet_hours_start, person.quiet_hours_end) == (time(23, 0), time(7, 0))

    await user.press("Quiet hours")
    await user.press("Type other hours")
    for wrong in ("25:00-08:00", "22-22", "soon"):
        await user.send(wrong)
        assert "I could not read those hours" in user.last_text()
    await user.send("21.30 - 6")
    assert "Saved." in user.last_text()
    person = await person_of(app_sessions, user)
    assert (person.quiet_hours_start, person.quiet_hours_end) == (time(21, 30), time(6, 0))


async def test_pause_resume_and_leave_until_a_date(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    await user.press("Bir hafta ara ver")
    await user.press("Bir hafta ara ver")  # a double tap changes nothing more
    assert "Bir haftalık ara verildi." in user.last_text() and "Ara verildi:" in user.last_text()
    assert (await person_of(app_sessions, user)).paused_until == clock.now() + timedelta(days=7)
    await user.press("Şimdi devam et")
    assert "yeniden başlıyor" in user.last_text() and (await person_of(app_sessions, user)).paused_until is None

    await user.press("Şu tarihe kadar izindeyim…")
    # The example is a week from today (Monday 23.11.2026), never a day in the past.
    assert "Hangi güne kadar izindesiniz?" in user.last_text() and "örneğin 30.11.2026" in user.last_text()
    await user.send("32.13.2026")
    assert user.last_text().startswith("Bu tarihi okuyamadım. 30.11.2026, “31 Aralık”, “yarın”")
    await user.send("31.02.2027")
    assert user.last_text().startswith("31 Şubat diye bir gün yok: 2027 yılında Şubat 28 gün çeker.")
    await user.send("01.11.2026")
    assert "O gün geçti" in user.last_text()
    await user.send("01.01.2030")
    assert "bir yıl" in user.last_text()
    await user.send("31.12.2026")
    assert "Kaydedildi." in user.last_text() and "1 Ocak 2027" in user.last_text()
    # Through the last day of leave, in the person's zone: midnight in Istanbul is 21:00 UTC.
    expected = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
    assert (await person_of(app_sessions, user)).paused_until == expected


async def test_back_cancels_a_question_and_stale_or_forged_buttons_change_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock, make_app: AppFactory
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    menu = user.messages()[-1]
    await user.press("Saat dilimi")
    await user.press("Başka bir şehir yazın")
    await user.press("Geri")
    assert "Ayarlarınız" in user.last_text()
    await user.send("Europe/Paris")
    assert (await person_of(app_sessions, user)).timezone == "Europe/Istanbul", "Back stopped the question"

    for forged in ("set:tz:Mars/Base", "set:q:0000-2359", "set:nothing", "set:pause:forever"):
        await user.press_data(forged, menu)
        answer = user.api.calls_of("answerCallbackQuery")[-1]
        assert answer.get("show_alert") and "artık geçerli değil" in answer["text"]
    person = await person_of(app_sessions, user)
    assert person.timezone == "Europe/Istanbul" and person.paused_until is None
    assert (person.quiet_hours_start, person.quiet_hours_end) == (time(22, 0), time(8, 0))

    # Someone who never joined presses a settings button: told how to join, nothing stored.
    app, api = await make_app()
    stranger = ChatUser(app, api, user_id=6001)
    await stranger.press_data("set:pause", {**menu, "chat": {"id": 6001, "type": "private", "first_name": "X"}})
    assert "davet" in stranger.last_text()
    async with app_sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_a_typed_city_finds_its_zone_in_either_language(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    await user.press("Saat dilimi")
    assert user.buttons()[0] == "İstanbul"
    await user.press("Başka bir şehir yazın")
    await user.send("berlin")
    assert "Kaydedildi." in user.last_text() and "Saat dilimi: Berlin (orada saat şu an 07:00)" in user.last_text()
    assert (await person_of(app_sessions, user)).timezone == "Europe/Berlin"

    # A city named in Turkish, and a name several cities begin with: the bot asks which.
    await user.press("Saat dilimi")
    await user.press("Başka bir şehir yazın")
    await user.send("Londra")
    assert (await person_of(app_sessions, user)).timezone == "Europe/London"
    await user.press("Saat dilimi")
    await user.press("Başka bir şehir yazın")
    await user.send("sant")
    assert "Hangisini kastediyorsunuz?" in user.last_text()
    assert "Santiago" in user.buttons() and "Santo Domingo" in user.buttons()
    await user.press("Santiago")
    assert "Saat dilimi kaydedildi." in user.last_text()
    assert (await person_of(app_sessions, user)).timezone == "America/Santiago"


async def test_a_leave_day_can_be_typed_the_way_people_say_it(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())  # Monday 23.11.2026, Istanbul
    await join(user, setup.codes["mentee1"])
    await user.send("/settings")
    for typed, through in (("cuma", datetime(2026, 11, 27, 21, 0, tzinfo=UTC)),
                           ("yarın", datetime(2026, 11, 24, 21, 0, tzinfo=UTC)),
                           ("31 Aralık", datetime(2026, 12, 31, 21, 0, tzinfo=UTC)),
                           ("5.12", datetime(2026, 12, 5, 21, 0, tzinfo=UTC))):
        await user.press("Şu tarihe kadar izindeyim…")
        await user.send(typed)
        assert "Kaydedildi." in user.last_text(), typed
        assert (await person_of(app_sessions, user)).paused_until == through, typed
        await user.press("Şimdi devam et")
