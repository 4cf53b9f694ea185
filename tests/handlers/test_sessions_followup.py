"""After a session: attendance, minutes and feedback through the real handlers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import ConversationState
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, plan_session, press_on, rows

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
REFUSED = "Bu işlem size açık değil."


async def feedback_of(
    sessions: async_sessionmaker[AsyncSession], sid: int, person_id: int
) -> SessionFeedback | None:
    async with sessions() as session:
        return await session.get(SessionFeedback, (sid, person_id))


async def test_attendance_minutes_and_feedback_for_attendees_only(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    zeynep = chat(app, api, "zeynep")

    await zeynep.send("/sessions")
    assert "Kimler geldi" not in zeynep.buttons(), "no attendance before the session"
    await zeynep.press_data(f"ses:at:{sid}", zeynep.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Görüşme henüz başlamadı."

    clock.set(START + timedelta(hours=2))
    await zeynep.send("/sessions")
    assert "yapılan görüşmesi" in zeynep.last_text()
    await zeynep.press("Kimler geldi")
    assert "görüşmeye kimler geldi?" in zeynep.last_text()
    assert zeynep.buttons() == ["▫️ Zeynep", "▫️ Mark", "▫️ Ayşe", "▫️ John", "Tamam"]
    await zeynep.press("▫️ Ayşe")
    await zeynep.press("▫️ Zeynep")
    await zeynep.press("▫️ John")
    await zeynep.press("✅ John")  # a mistake, undone
    assert zeynep.buttons() == ["✅ Zeynep", "▫️ Mark", "✅ Ayşe", "▫️ John", "Tamam"]
    await zeynep.press("Tamam")
    assert "Katılım kaydedildi. 1 katılımcıdan geri bildirim isteniyor." in zeynep.texts()[-2]
    assert "toplantı tutanağı" in zeynep.last_text()

    prompts = await rows(sessions, "session_feedback")
    assert [r.person_id for r in prompts] == [people.ayse.person_id], "attending mentees only"
    assert prompts[0].idempotency_key == f"session-feedback:{sid}:{people.ayse.person_id}"
    assert "25 Kasım 2026 Çarşamba tarihli grup mentorluk görüşmesine" in prompts[0].text

    await zeynep.send_sticker()
    assert zeynep.last_text() == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    await zeynep.send("m" * 3001)
    assert zeynep.last_text() == "Bu çok uzun (3001 karakter). Lütfen en fazla 3000 karakter yazın."
    await zeynep.send("Kararlar: her menti bir gözlem notu getirecek.")
    assert "Toplantı tutanağı kaydedildi." in zeynep.last_text() and "/assign" in zeynep.last_text()
    assert "Tutanak grubun 3 üyesine gönderildi" in zeynep.last_text()
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert (
            found is not None and found.minutes == "Kararlar: her menti bir gözlem notu getirecek."
        )
        assert found.minutes_at == clock.now() and found.attendance_recorded_at is not None
        present = set(
            await session.scalars(
                select(SessionAttendance.person_id).where(SessionAttendance.session_id == sid)
            )
        )
        assert present == {people.zeynep.person_id, people.ayse.person_id}

    # Done twice queues no second prompt.
    await zeynep.send("/sessions")
    await zeynep.press("Kimler geldi")
    await zeynep.press("Tamam")
    assert "0 katılımcıdan" in zeynep.texts()[-2]
    assert len(await rows(sessions, "session_feedback")) == 1
    await zeynep.press("Sonra")
    assert "daha sonra /sessions" in zeynep.last_text()

    ayse = chat(app, api, "ayse")
    await press_on(ayse, prompts[0], "4")
    assert "rahatça ifade edebildiniz mi?" in ayse.last_text()
    await ayse.press("5")
    assert "yanınıza aldığınız somut bir şey" in ayse.last_text()
    await ayse.send("Çocukları dinlerken acele etmemek.")
    assert ayse.last_text().startswith("Teşekkürler, geri bildiriminiz kaydedildi.")
    feedback = await feedback_of(sessions, sid, people.ayse.person_id)
    assert feedback is not None and feedback.usefulness == 4 and feedback.spoke_freely == 5
    assert feedback.takeaway == "Çocukları dinlerken acele etmemek."

    # John did not come: a forged feedback button is refused.
    john = chat(app, api, "john")
    await john.press_data(f"ses:fb:{sid}:5", ayse.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "That is not available to you."
    assert await feedback_of(sessions, sid, people.john.person_id) is None


async def test_feedback_takeaway_can_be_skipped_in_english(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    clock.set(START + timedelta(hours=1))
    mark = chat(app, api, "mark")
    await mark.send("/sessions")
    assert "Held session of Grup 1" in mark.last_text()
    await mark.press("Who came")
    await mark.press("▫️ John")
    await mark.press("Done")
    assert "Attendance saved. 1 attendee is asked for feedback." in mark.texts()[-2]
    await mark.press("Later")
    prompt = (await rows(sessions, "session_feedback", people.john.person_id))[0]
    assert "How useful was it for you?" in prompt.text and "November 25, 2026" in prompt.text
    john = chat(app, api, "john")
    await press_on(john, prompt, "2")
    await press_on(john, prompt, "3")  # the latest answer wins
    assert "Could you speak freely in the session?" in john.last_text()
    await john.press("2")
    await john.send_voice()
    assert john.last_text() == "Please send this as a text message."
    await john.press("Skip")
    assert "Thank you, your feedback is saved." in john.texts()
    feedback = await feedback_of(sessions, sid, people.john.person_id)
    assert feedback is not None and feedback.usefulness == 3 and feedback.takeaway is None
    assert feedback.spoke_freely == 2
    async with sessions() as session:
        assert await session.get(ConversationState, people.john.person_id) is None


async def test_only_the_groups_mentors_mark_attendance_and_write_minutes(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    clock.set(START + timedelta(hours=1))
    anywhere = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    for who in ("deniz", "ayse"):
        user = chat(app, api, who)
        for data in (
            f"ses:at:{sid}",
            f"ses:am:{sid}:{people.ayse.person_id}",
            f"ses:ad:{sid}",
            f"ses:mn:{sid}",
        ):
            await user.press_data(data, anywhere)
            assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED, (who, data)
        for data in ("ses:am:1", "ses:at:x"):  # no button carries these
            await user.press_data(data, anywhere)
            assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu düğme artık geçerli değil."
    zeynep = chat(app, api, "zeynep")
    await zeynep.press_data(f"ses:am:{sid}:{people.deniz.person_id}", anywhere)
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED, "Deniz is not in the group"
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert found is not None and found.attendance_recorded_at is None
        assert await session.get(SessionAttendance, (sid, people.ayse.person_id)) is None
    assert await rows(sessions, "session_feedback") == []
