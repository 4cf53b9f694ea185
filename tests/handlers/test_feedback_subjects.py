"""Mentors answer goals and to-dos too (issue #14, point 2), through the real handlers and the sender.

The digest's group (tests/support/digest.py): Ayşe has the goal "Her gün bir çocukla
oyun", a to-do done and two open; Cem two to-dos not done. Mert mentors in
Turkish, Maria in English; "Grup 2" has its own Mert.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from mentoring.clock import ManualClock
from mentoring.feedback.buttons import FEEDBACK
from mentoring.feedback.rules import KIND_ANSWER, KIND_REPLY
from storage.models import OutboxMessage
from storage.models.feedback import FeedbackMessage
from storage.models.plans import PlanGoal
from storage.models.todos import Todo
from tests.handlers.test_feedback import _detail, _rows, _setup, _user
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING

GOAL = "Her gün bir çocukla oyun"
REPLY = "Zor bir haftaydı, görüşmede birlikte küçük bir adım seçelim."
ANSWER = "Tamam, vardiyalarım değişti, konuşalım."


async def _ids(sessions, seeded):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        goal = await session.scalar(select(PlanGoal.id).where(PlanGoal.person_id == seeded.people["Ayşe"]))
        cem_todo = await session.scalar(select(Todo.id).where(
            Todo.person_id == seeded.people["Cem"], Todo.status == "not_done").order_by(Todo.id).limit(1))
        open_todo = await session.scalar(select(Todo.id).where(
            Todo.person_id == seeded.people["Ayşe"], Todo.status == "open").order_by(Todo.id).limit(1))
    return goal, cem_todo, open_todo


async def test_a_mentor_reacts_to_a_goal_and_replies_to_a_not_done_todo(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api, sessions, seeded, _other, sender = await _setup(make_app, clock)
    mert, maria = _user(app, api, seeded, "Mert"), _user(app, api, seeded, "Maria", "en")
    ayse, cem = _user(app, api, seeded, "Ayşe"), _user(app, api, seeded, "Cem")

    # Mert: from Ayşe's detail, her goal and her to-do done (not the open ones), then a ready reaction.
    await _detail(mert, "Ayşe")
    await mert.press("💬 Hedefe ya da işe yanıt ver")
    assert mert.buttons() == [f"🎯 {GOAL}", "✅ Ayşe done"]
    await mert.press(f"🎯 {GOAL}")
    assert f"“{GOAL}” hedefine yanıt verin" in mert.last_text()
    await mert.press("👏 Tebrikler")
    assert mert.last_text() == "Gönderildi: Ayşe."

    # Maria writes to Cem about a to-do he marked not done.
    await _detail(maria, "Cem")
    await maria.press("💬 Reply about a goal or to-do")
    assert maria.buttons() == ["❌ Cem not_done", "❌ Cem not_done"]
    await maria.press("❌ Cem not_done")
    assert "about their to-do “Cem not_done”" in maria.last_text()
    await maria.press("✏️ Write a reply")
    await maria.send("x" * 501)
    assert "501" in maria.last_text()
    await maria.send(REPLY)
    assert maria.last_text() == "Sent to Cem."

    goal, cem_todo, _open = await _ids(sessions, seeded)
    stored = await _rows(sessions, FeedbackMessage)
    assert [(f.person_id, f.to_person_id, f.goal_id, f.todo_id, f.reflection_id, f.reaction, f.text)
            for f in stored] == [
        (seeded.people["Mert"], seeded.people["Ayşe"], goal, None, None, "well_done", None),
        (seeded.people["Maria"], seeded.people["Cem"], None, cem_todo, None, None, REPLY)]
    replies = await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_REPLY)
    assert [m.person_id for m in replies] == [seeded.people["Ayşe"], seeded.people["Cem"]]

    # Both arrive naming who wrote and about what.
    assert await sender.drain() >= 2
    to_ayse = next(m for m in ayse.messages() if "Mert" in m.get("text", ""))
    assert f"Mert, “{GOAL}” hedefinize yanıt verdi" in to_ayse["text"] and "Tebrikler" in to_ayse["text"]
    to_cem = next(m for m in cem.messages() if REPLY in m.get("text", ""))
    assert "Maria, yapılmadı olarak işaretlediğiniz “Cem not_done” işine yanıt verdi" in to_cem["text"]

    # Cem answers once; the second time is refused and nothing more is stored.
    await cem.press("Yanıtla", message=to_cem)
    await cem.send(ANSWER)
    assert cem.last_text() == "Gönderildi: Maria."
    await cem.press("Yanıtla", message=to_cem)
    assert [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")][-1] == \
        "Bu yanıta zaten cevap verdiniz."
    [answer] = await _rows(sessions, FeedbackMessage, FeedbackMessage.answer_to_id.is_not(None))
    assert (answer.person_id, answer.to_person_id, answer.text) == (
        seeded.people["Cem"], seeded.people["Maria"], ANSWER)
    # Ayşe answers Mert's reaction to her goal.
    await ayse.press("Yanıtla", message=to_ayse)
    await ayse.send("Teşekkürler!")
    assert ayse.last_text() == "Gönderildi: Mert."
    clock.set(TR_MORNING + timedelta(hours=8))  # after Maria's quiet hours in New York
    assert await sender.drain() >= 2
    assert any(ANSWER in t and "Cem answered your reply about their to-do “Cem not_done”" in t
               for t in maria.texts())
    assert any(f"Ayşe, “{GOAL}” hedefine verdiğiniz yanıtı yanıtladı" in t for t in mert.texts())
    assert len(await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_ANSWER)) == 2


async def test_other_groups_mentor_a_mentee_an_open_todo_and_an_erased_goal_are_refused(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api, sessions, seeded, other, _sender = await _setup(make_app, clock)
    goal, cem_todo, open_todo = await _ids(sessions, seeded)
    stranger, burak, mert = _user(app, api, other, "Mert"), _user(app, api, seeded, "Burak"), _user(
        app, api, seeded, "Mert")
    await stranger.send("/digest")
    await burak.send("/digest")
    forged = [FEEDBACK.encode("l", group=seeded.group_id, person=seeded.people["Ayşe"]),
              FEEDBACK.encode("g", goal=goal), FEEDBACK.encode("gq", goal=goal, reaction="well_done"),
              FEEDBACK.encode("gw", goal=goal), FEEDBACK.encode("t", todo=cem_todo),
              FEEDBACK.encode("tq", todo=cem_todo, reaction="help"), FEEDBACK.encode("tw", todo=cem_todo)]
    for user in (stranger, burak):
        for data in forged:
            await user.press_data(data, user.messages()[-1])
        await user.send("Yazıyorum")
    # A to-do still open has nothing to reply to, not even for the group's mentor.
    await mert.send("/digest")
    await mert.press_data(FEEDBACK.encode("tq", todo=open_todo, reaction="well_done"), mert.messages()[-1])
    refusals = [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert refusals[-15:] == ["Bu işlem size açık değil."] * 15
    assert await _rows(sessions, FeedbackMessage) == []
    assert await _rows(sessions, OutboxMessage, OutboxMessage.kind == KIND_REPLY) == []

    # A goal whose words are gone (erased) offers no reply: the list no longer holds it.
    async with sessions.begin() as session:
        await session.execute(update(PlanGoal).where(PlanGoal.id == goal).values(what=None))
    await _detail(mert, "Ayşe")
    await mert.press("💬 Hedefe ya da işe yanıt ver")
    assert mert.buttons() == ["✅ Ayşe done"]
    await mert.press_data(FEEDBACK.encode("gq", goal=goal, reaction="well_done"), mert.messages()[-1])
    assert [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")][-1] == \
        "Bu işlem size açık değil."
    assert await _rows(sessions, FeedbackMessage) == []
