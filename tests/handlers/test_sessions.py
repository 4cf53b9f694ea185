"""Planning group sessions through the real handlers: the flow, invitations and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.i18n import translator
from storage.models import ConversationState
from storage.models.sessions import GroupSession
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, rows

# The clock fixture is Monday 23.11.2026 09:00 in Istanbul (UTC+3).
WEDNESDAY_1830 = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


def day_label(locale: str, day: date) -> str:
    return translator(locale).date(day, "EEE d MMM")


async def only_session(sessions: async_sessionmaker[AsyncSession]) -> GroupSession:
    async with sessions() as session:
        found = list(await session.scalars(select(GroupSession)))
    assert len(found) == 1
    return found[0]


async def test_a_mentor_plans_a_session_step_by_step_in_turkish(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")

    await zeynep.send("/session")
    assert "Grup 1 grubu için bir grup mentorluk görüşmesi planlanıyor." in zeynep.last_text()
    assert "örneğin 01.12.2026" in zeynep.last_text()  # an example ahead of today, not a format
    assert zeynep.buttons()[0] == day_label("tr", date(2026, 11, 24)) == "Sal 24 Kas"
    assert "Planlamayı durdur" in zeynep.buttons()

    await zeynep.send("25.11.2026")
    assert "Saat kaçta" in zeynep.last_text()
    await zeynep.send("18:30")
    assert "Grup nerede buluşacak?" in zeynep.last_text()
    await zeynep.send("Çocuk evi toplantı salonu")
    text = zeynep.last_text()
    assert text.startswith("Görüşme planlandı.")
    assert "25 Kasım 2026 Çarşamba 18:30" in text and "Nerede: Çocuk evi toplantı salonu" in text
    assert "Davetler 3 üyeye gönderiliyor." in text

    found = await only_session(sessions)
    assert found.starts_at == WEDNESDAY_1830 and found.group_id == people.group.id
    assert found.reminder_hours == [24, 1] and found.version == 1

    invitations = await rows(sessions, "session_invite")
    assert sorted(r.person_id for r in invitations) == sorted(
        p.person_id for p in (people.mark, people.ayse, people.john)
    )
    for row in invitations:
        assert row.not_before == clock.now() and row.expires_at == WEDNESDAY_1830
        assert row.idempotency_key == f"session-invite:{found.id}:{row.person_id}:1"
    by_person = {r.person_id: r.text for r in invitations}
    assert "Bir grup mentorluk görüşmesine davetlisiniz." in by_person[people.ayse.person_id]
    assert "Wednesday, November 25, 2026, 3:30" in by_person[people.john.person_id], (
        "John reads London time"
    )
    assert "(London time)" in by_person[people.john.person_id]
    assert "Wednesday, November 25, 2026, 6:30" in by_person[people.mark.person_id]

    reminders = await rows(sessions, "session_reminder")
    assert len(reminders) == 4 * 2, "every member, the planner included, gets two reminders"
    assert {(r.not_before, r.expires_at) for r in reminders} == {
        (WEDNESDAY_1830 - timedelta(hours=24), WEDNESDAY_1830),
        (WEDNESDAY_1830 - timedelta(hours=1), WEDNESDAY_1830),
    }
    ayse_24 = next(
        r
        for r in reminders
        if r.person_id == people.ayse.person_id
        and r.not_before == WEDNESDAY_1830 - timedelta(hours=24)
    )
    assert "Hatırlatma: grup mentorluk görüşmesi 24 saat sonra başlıyor." in ayse_24.text
    async with sessions() as session:
        assert await session.get(ConversationState, people.zeynep.person_id) is None


async def test_an_english_mentor_picks_day_slot_and_agenda_topic(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    mark = chat(app, api, "mark")
    await mark.send("/agenda")
    assert "The agenda is empty." in mark.last_text()
    for title in ("Active listening with teenagers", "Stress after night shifts"):
        await mark.press("Add a topic")
        await mark.send(title)
    await mark.press("1. Active listening with teenagers")
    await mark.press("Mark covered")
    assert "✓ (covered)" in mark.last_text()

    await mark.send("/session")
    await mark.press(day_label("en", date(2026, 11, 26)))
    await mark.press("14:00")
    await mark.send("https://meet.example.org/nar")
    assert mark.last_text() == "Which agenda topic will the session work on?"
    assert mark.buttons() == ["Stress after night shifts", "No particular topic"], (
        "covered topics are not offered"
    )
    await mark.press("Stress after night shifts")
    assert "The session is planned." in mark.last_text()
    assert "Topic: Stress after night shifts" in mark.last_text()
    found = await only_session(sessions)
    assert found.starts_at == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    ayse_invite = (await rows(sessions, "session_invite", people.ayse.person_id))[0]
    assert "Konu: Stress after night shifts" in ayse_invite.text
    assert [b["text"] for b in ayse_invite.buttons[0]] == [
        "Geliyorum",
        "Gelmiyorum",
        "Emin değilim",
    ]


async def test_without_a_chosen_topic_the_next_agenda_topic_is_shown(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    await zeynep.press("Konu ekle")
    await zeynep.send("Empati")
    await zeynep.send("/session")
    await zeynep.send("25.11.2026")
    await zeynep.press("10:00")
    await zeynep.send("Salon")
    await zeynep.press("Belirli bir konu yok")
    reminder = (await rows(sessions, "session_reminder", people.ayse.person_id))[0]
    assert "Konu: Empati" in reminder.text


async def test_a_restart_in_the_middle_of_planning_continues(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/session")
    await zeynep.send("25.11.2026")
    date_buttons = zeynep.messages()[0]

    restarted, api2 = await make_app()
    again = chat(restarted, api2, "zeynep")
    await again.send("18:30")
    assert "Grup nerede buluşacak?" in again.last_text()
    await again.send("Salon")
    assert again.last_text().startswith("Görüşme planlandı.")
    assert (await only_session(sessions)).starts_at == WEDNESDAY_1830

    # An old day button of the finished flow changes nothing.
    await again.press_data("ses:d:20261127", date_buttons)
    answer = api2.calls_of("answerCallbackQuery")[-1]
    assert answer["text"] == "Bu düğme artık geçerli değil."
    assert (await only_session(sessions)).starts_at == WEDNESDAY_1830


async def test_bad_dates_times_and_places_are_explained_and_lose_nothing(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/session")
    await zeynep.send("31.02.2026")
    assert zeynep.last_text() == "31 Şubat diye bir gün yok: 2026 yılında Şubat 28 gün çeker."
    await zeynep.send("gelecek ay")  # an example a week from today (Monday 23.11.2026), never a past one
    assert zeynep.last_text() == ("Bu tarihi okuyamadım. 30.11.2026, “31 Aralık”, “yarın” ya da “cuma” "
                                  "gibi bir gün adıyla yazın.")
    await zeynep.send("01.11.2026")
    assert zeynep.last_text() == "O gün geçti. Lütfen bugünden itibaren bir gün seçin."
    await zeynep.send("01.01.2029")
    assert zeynep.last_text() == "Lütfen önümüzdeki bir yıl içinde bir gün seçin."
    await zeynep.send_sticker()
    assert zeynep.last_text() == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    await zeynep.send("23.11.2026")
    await zeynep.send("25:00")
    assert zeynep.last_text() == "Lütfen saati SS:DD biçiminde yazın, örneğin 18:30."
    await zeynep.send("08:00")
    assert zeynep.last_text() == "O saat geçti. Lütfen daha ileri bir saat seçin."
    await zeynep.send("20.00")
    await zeynep.send_voice()
    assert zeynep.last_text() == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    await zeynep.send("x" * 301)
    assert zeynep.last_text() == "Bu çok uzun (301 karakter). Lütfen en fazla 300 karakter yazın."
    async with sessions() as session:
        state = await session.get(ConversationState, people.zeynep.person_id)
        assert state is not None and state.step == "place", "the flow waits at the same step"
        assert await session.scalar(select(GroupSession)) is None
    await zeynep.send("Salon")
    assert (await only_session(sessions)).starts_at == datetime(
        2026, 11, 23, 17, 0, tzinfo=UTC
    )


async def test_stop_ends_the_planning(make_app: AppFactory, clock: ManualClock) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/session")
    await zeynep.press("Planlamayı durdur")
    assert zeynep.last_text() == "Planlama durduruldu."
    async with sessions() as session:
        assert await session.get(ConversationState, people.zeynep.person_id) is None


async def test_only_a_groups_mentors_plan_sessions(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    ayse = chat(app, api, "ayse")
    await ayse.send("/session")
    assert ayse.last_text() == "Bu işlem size açık değil."
    deniz = chat(app, api, "deniz")
    await deniz.send("/session")
    await deniz.press_data(f"ses:grp:{people.group.id}", deniz.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu işlem size açık değil."
    await deniz.press_data("ses:t:9999", deniz.messages()[-1])  # no button carries this time
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu düğme artık geçerli değil."
    async with sessions() as session:
        state = await session.get(ConversationState, people.deniz.person_id)
        assert state is not None and state.data == {"group_id": people.setup.groups[1].id}


async def test_an_impossible_day_is_called_impossible_and_a_weekday_is_the_next_one(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    await cast(sessions, clock.now())
    mark = chat(app, api, "mark")  # a mentor who reads English; today is Monday 23.11.2026
    await mark.send("/session")
    await mark.send("31.02.2027")
    assert mark.last_text() == "31 February does not exist: February 2027 has 28 days."
    await mark.send("31.4")
    assert mark.last_text() == "31 April does not exist: April 2027 has 30 days."
    await mark.send("Friday")
    assert "At what time" in mark.last_text()
    await mark.send("18:30")
    await mark.send("Hall")
    assert "Friday, November 27, 2026, 6:30\u202fPM" in mark.last_text()
    assert (await only_session(sessions)).starts_at == datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
