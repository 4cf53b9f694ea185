"""Sessions close properly (issue #14 point 4, E.1.6, E.5.1) through the real handlers: the minutes
reach the members, who acknowledge them; to-dos set in a session are linked to it; the takeaway
becomes a to-do; "I could speak freely" is asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models.sessions import SessionMinutesAck
from storage.models.todos import Todo
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, plan_session, press_on, rows

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


async def acks(sessions: async_sessionmaker[AsyncSession], sid: int) -> dict[int, int]:
    async with sessions() as session:
        found = await session.scalars(select(SessionMinutesAck).where(SessionMinutesAck.session_id == sid))
        return {row.person_id: row.minutes_version for row in found}


async def todos_of(sessions: async_sessionmaker[AsyncSession], person_id: int) -> list[Todo]:
    async with sessions() as session:
        return list(await session.scalars(select(Todo).where(Todo.person_id == person_id).order_by(Todo.id)))


def alert(api) -> str:  # type: ignore[no-untyped-def]
    return api.calls_of("answerCallbackQuery")[-1].get("text", "")


async def test_minutes_reach_the_members_who_acknowledge_them_and_the_mentor_sees_who(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    clock.set(START + timedelta(hours=2))
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/sessions")
    await zeynep.press("Tutanak")
    await zeynep.send("Kararlar: her menti bir gözlem notu getirecek.")
    assert "Tutanak grubun 3 üyesine gönderildi" in zeynep.last_text()

    sent = await rows(sessions, "session_minutes")
    by_person = {row.person_id: row for row in sent}
    assert set(by_person) == {people.mark.person_id, people.ayse.person_id, people.john.person_id}
    assert people.zeynep.person_id not in by_person, "the writer gets no copy"
    ayse_row = by_person[people.ayse.person_id]
    assert ayse_row.idempotency_key == f"session-minutes:{sid}:{people.ayse.person_id}:1"
    assert "25 Kasım 2026 Çarşamba tarihli grup mentorluk görüşmesinin (Grup 1) tutanağı, Zeynep" in ayse_row.text
    assert "Kararlar: her menti bir gözlem notu getirecek." in ayse_row.text
    assert ayse_row.buttons == [[{"text": "Okudum", "data": f"ses:ma:{sid}:1"}]]
    assert "The minutes of the group mentoring session of" in by_person[people.john.person_id].text
    assert "yapılacaklar" not in ayse_row.text, "no to-dos were set in this session"

    ayse, john = chat(app, api, "ayse"), chat(app, api, "john")
    await press_on(ayse, ayse_row, "Okudum")
    assert alert(api) == "Teşekkürler, mentorlarınız tutanağı okuduğunuzu görüyor."
    assert await acks(sessions, sid) == {people.ayse.person_id: 1}
    await press_on(ayse, ayse_row, "Okudum")  # twice is once
    assert await acks(sessions, sid) == {people.ayse.person_id: 1}

    await zeynep.send("/sessions")
    held = zeynep.last_text()
    assert "📝 Tutanağı okuyanlar: Ayşe" in held and "⏳ Henüz okumayanlar: Mark, John" in held

    # Deniz mentors another group: a forged acknowledgement is refused and records nothing.
    deniz = chat(app, api, "deniz")
    await deniz.press_data(f"ses:ma:{sid}:1", ayse.messages()[-1])
    assert alert(api) == "Bu işlem size açık değil."
    assert people.deniz.person_id not in await acks(sessions, sid)

    # Edited minutes go out again as version 2; the unsent copies of version 1 are withdrawn.
    await zeynep.press("Tutanak")
    assert "Şimdiye kadarki tutanak" in zeynep.last_text()
    await zeynep.send("Kararlar: her menti iki gözlem notu getirecek.")
    sent = await rows(sessions, "session_minutes")
    assert [(r.person_id, r.status) for r in sent if r.idempotency_key.endswith(":1")] == [
        (p.person_id, "cancelled") for p in (people.mark, people.ayse, people.john)]
    second = {r.person_id: r for r in sent if r.idempotency_key.endswith(":2")}
    assert set(second) == set(by_person) and all(r.status == "pending" for r in second.values())
    assert "Zeynep, 25 Kasım 2026 Çarşamba tarihli grup mentorluk görüşmesinin (Grup 1) tutanağını güncelledi" \
        in second[people.ayse.person_id].text
    await zeynep.send("/sessions")
    assert "Tutanağı okuyanlar" not in zeynep.last_text()
    assert "⏳ Henüz okumayanlar: Mark, Ayşe, John" in zeynep.last_text()

    # Ayşe's old button now says the minutes changed; it records nothing.
    await press_on(ayse, ayse_row, "Okudum")
    assert alert(api) == "Bu tutanak o zamandan beri değişti. Lütfen yenisini okuyun ve onu onaylayın."
    assert await acks(sessions, sid) == {people.ayse.person_id: 1}
    await press_on(john, second[people.john.person_id], "I have read them")
    assert alert(api) == "Thank you, your mentors see that you have read the minutes."
    await press_on(ayse, second[people.ayse.person_id], "Okudum")
    assert await acks(sessions, sid) == {people.ayse.person_id: 2, people.john.person_id: 2}

    mark = chat(app, api, "mark")
    await mark.send("/sessions")
    assert "📝 Minutes read by: Ayşe, John" in mark.last_text()
    assert "⏳ Not read yet: Mark" in mark.last_text()

    # The same text again is no new version: nothing is sent twice.
    await zeynep.press("Tutanak")
    await zeynep.send("Kararlar: her menti iki gözlem notu getirecek.")
    assert "gönderildi" not in zeynep.last_text()
    assert len(await rows(sessions, "session_minutes")) == 6


async def test_a_to_do_set_in_a_session_is_linked_listed_in_the_minutes_and_shown(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    clock.set(START + timedelta(hours=3))
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/assign")
    await zeynep.press("Ayşe")
    await zeynep.send("Bir gözlem notu yaz")
    await zeynep.press("Bu hafta")
    (todo,) = await todos_of(sessions, people.ayse.person_id)
    assert todo.session_id == sid, "given within 24 hours of the session's start"
    (told,) = await rows(sessions, "todo_assigned")
    assert "25 Kasım 2026 Çarşamba tarihli grup görüşmesinden" in told.text

    await zeynep.send("/sessions")
    await zeynep.press("Tutanak")
    await zeynep.send("Kararlar: gözlem notları.")
    minutes = {r.person_id: r.text for r in await rows(sessions, "session_minutes")}
    assert "Bu görüşmede sizin için belirlenen yapılacaklar:\n• Bir gözlem notu yaz" in minutes[people.ayse.person_id]
    assert "Bir gözlem notu yaz" not in minutes[people.john.person_id], "each member sees their own"

    ayse = chat(app, api, "ayse")
    await ayse.send("/todo")
    await ayse.press("1. Bir gözlem notu yaz")
    assert "25 Kasım 2026 Çarşamba tarihli grup görüşmesinden" in ayse.last_text()

    # Two days later a to-do belongs to no session.
    clock.set(START + timedelta(days=2))
    await zeynep.send("/assign")
    await zeynep.press("Ayşe")
    await zeynep.send("Kitap oku")
    await zeynep.press("Bu hafta")
    later = (await todos_of(sessions, people.ayse.person_id))[-1]
    assert later.text == "Kitap oku" and later.session_id is None


async def test_speak_freely_and_the_takeaway_becomes_a_to_do_of_the_session(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    clock.set(START + timedelta(hours=2))
    mark = chat(app, api, "mark")
    await mark.send("/sessions")
    await mark.press("Who came")
    await mark.press("▫️ John")
    await mark.press("Done")
    await mark.press("Later")
    (prompt,) = await rows(sessions, "session_feedback")
    john = chat(app, api, "john")
    await press_on(john, prompt, "4")
    assert john.last_text() == "Could you speak freely in the session? (1 = not at all, 5 = fully)"
    await john.press("3")
    assert "What is one concrete thing you take away from the session?" in john.last_text()
    await john.send("Listen before I answer.")
    assert "Would you like to make your takeaway a to-do?" in john.last_text()
    offer = john.messages()[-1]
    await john.press("Make it a to-do")
    assert john.last_text() == "It is on your to-do list now, as a to-do from this session."
    (todo,) = await todos_of(sessions, people.john.person_id)
    assert (todo.text, todo.session_id, todo.status, todo.assignment_id) == (
        "Listen before I answer.", sid, "open", None)
    await john.press("Open the to-do")
    assert "From the group session of Wednesday, November 25, 2026" in john.last_text()
    # Pressing the old button again makes no second to-do.
    await john.press_data(f"ses:tt:{sid}", offer)
    assert len(await todos_of(sessions, people.john.person_id)) == 1

    # Ayşe did not come: her forged "speak freely" and "make it a to-do" buttons are refused.
    ayse = chat(app, api, "ayse")
    await ayse.press_data(f"ses:sf:{sid}:5", john.messages()[-1])
    assert alert(api) == "Bu işlem size açık değil."
    await ayse.press_data(f"ses:tt:{sid}", john.messages()[-1])
    assert alert(api) == "Bu işlem size açık değil."
    assert await todos_of(sessions, people.ayse.person_id) == []
