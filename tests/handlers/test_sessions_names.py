"""/sessions for a group's mentors: who is coming, not coming, not sure and silent, by name (issue #13, point 2).

Mentees see their own answer (as before), a coordinator numbers only, and a
mentor of another group does not see the session at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mentoring.clock import ManualClock
from storage.models import Role
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, make_member, plan_session, press_on, rows

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # Wednesday 18:30 in Istanbul


async def test_mentors_see_each_answer_by_name_and_mentees_do_not(make_app: AppFactory,
                                                                  clock: ManualClock) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    ayse, john = chat(app, api, "ayse"), chat(app, api, "john")
    await press_on(ayse, (await rows(sessions, "session_invite", people.ayse.person_id))[0], "Geliyorum")
    await john.send("/sessions")
    await john.press("Not coming")

    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/sessions")
    card = zeynep.last_text()
    # The mentor who planned it counts as coming.
    assert "Yanıtlar: 2 geliyor, 1 gelmiyor, 0 emin değil, 1 henüz yanıt vermedi" in card
    assert "✅ Geliyor: Zeynep, Ayşe" in card and "❌ Gelmiyor: John" in card
    assert "💤 Henüz yanıt vermedi: Mark" in card
    assert "Emin değil:" not in card, "an answer nobody gave is left out"

    # The other mentor answers on his card: the names follow at once, in his language.
    mark = chat(app, api, "mark")
    await mark.send("/sessions")
    assert "💤 No answer yet: Mark" in mark.last_text()
    await mark.press("Not sure")
    card = mark.last_text()
    assert "❔ Not sure: Mark" in card and "No answer yet" not in card and "✅ Coming: Zeynep, Ayşe" in card

    # Mentees see their own answer, nobody else's name.
    await ayse.send("/sessions")
    mine = ayse.last_text()
    assert "Yanıtınız: Geliyorum" in mine and "John" not in mine and "Mark" not in mine
    await john.send("/sessions")
    assert "Ayşe" not in john.last_text() and "Coming:" not in john.last_text()


async def test_a_coordinator_gets_numbers_and_another_groups_mentor_nothing(make_app: AppFactory,
                                                                             clock: ManualClock) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    ayse = chat(app, api, "ayse")
    await press_on(ayse, (await rows(sessions, "session_invite", people.ayse.person_id))[0], "Geliyorum")
    await make_member(sessions, clock.now(), people.group, Role.COORDINATOR, 7301, name="Koray")
    koray = chat(app, api, "koray")
    await koray.send("/sessions")
    assert "Yanıtlar: 2 geliyor" in koray.last_text()
    assert "Ayşe" not in koray.last_text() and "Geliyor:" not in koray.last_text()
    deniz = chat(app, api, "deniz")
    await deniz.send("/sessions")
    assert all("Ayşe" not in text for text in deniz.texts())
    # Pressing the session's card button from another group is refused and shows no names.
    await deniz.press_data(f"ses:xn:{sid}", deniz.messages()[-1])
    assert all("Ayşe" not in text for text in deniz.texts())
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu işlem size açık değil."
