"""Sessions and the agenda as channel-neutral conversations: the steps driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads back), which free input it waits for, the
words in both languages, what is stored, and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.button_data import Feature
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
from mentoring.sessions import (
    agenda_screens,
    cards,
    followup,
    followup_screens,
    planning,
    planning_screens,
    screens,
)
from mentoring.sessions.buttons import AGENDA, SESSIONS
from storage.models import OutboxMessage
from storage.models.sessions import AgendaTopic, GroupSession, SessionAttendance, SessionFeedback
from tests.support.sessions import Cast, cast, plan_session

TR, EN = translator("tr"), translator("en")
START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # Wednesday 18:30 in Istanbul
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def people(sessions: Sessions, clock: ManualClock) -> Cast:
    return await cast(sessions, clock.now())


async def step(
    sessions: Sessions, clock: ManualClock, member: MemberView, run: cards.Step, given: Input
) -> Reply:
    """One step in one transaction, as an adapter runs it (a refusal rolls it back)."""
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


async def refused(
    sessions: Sessions, clock: ManualClock, member: MemberView, run: cards.Step, given: Input
) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await step(sessions, clock, member, run, given)
    return caught.value


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def actions(screen: Screen, feature: Feature = SESSIONS) -> list[list[str]]:
    """Each row's choices as the codec reads them back."""
    return [[Pressed(choice.data).decode(feature).action for choice in row] for row in screen.choices]


def labels(screen: Screen, locale: str = "tr") -> list[str]:
    return [choice.label.render(translator(locale)) for choice in screen.all_choices()]


def fits_small_buttons(screen: Screen) -> None:
    for locale in SUPPORTED_LOCALES:
        assert short_labels_too_long(screen, translator(locale)) == [], locale


def ses(action: str, **values: object) -> Pressed:
    return Pressed(SESSIONS.encode(action, **values))


def agd(action: str, **values: object) -> Pressed:
    return Pressed(AGENDA.encode(action, **values))


async def waiting(sessions: Sessions, member: MemberView) -> tuple[str, str] | None:
    async with sessions() as session:
        state = await conversation.pending(session, member.person_id)
        return (state.flow, state.step) if state is not None else None


async def test_planning_asks_day_time_and_place_and_waits_for_typed_answers(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    zeynep = people.zeynep
    day = only_screen(await step(sessions, clock, zeynep, screens.press, ses("grp", group=people.group.id)))
    assert day.text.render(TR) == (
        "Grup 1 grubu için bir grup mentorluk görüşmesi planlanıyor.\n\n"
        "Hangi gün? Aşağıdan seçin ya da yazın: örneğin 01.12.2026, “31 Aralık”, “yarın” ya da bir gün adı (“cuma”)."
    )
    assert actions(day) == [["d"] * 4, ["d"] * 3, ["stop"]]
    assert labels(day)[0] == "Sal 24 Kas" and labels(day, "en")[0] == "Tue 24 Nov"
    assert day.awaits == Awaits(Expect.TEXT, planning.FLOW) and day.replace
    assert await waiting(sessions, zeynep) == (planning.FLOW, "date")

    # Anything but text is refused and the step stays open.
    for given in (Unsupported("sticker"), Voice("file", 3)):
        error = await refused(sessions, clock, zeynep, planning_screens.answer, given)
        assert refusal(error).render(TR) == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    error = await refused(sessions, clock, zeynep, planning_screens.answer, Typed("31.02.2026"))
    assert error.code == "no_such_date"
    assert refusal(error).render(TR) == "31 Şubat diye bir gün yok: 2026 yılında Şubat 28 gün çeker."
    assert await waiting(sessions, zeynep) == (planning.FLOW, "date")

    at = only_screen(await step(sessions, clock, zeynep, planning_screens.answer, Typed("25.11.2026")))
    assert at.text.render(EN) == "At what time (the group's local time)? Choose below or type it as HH:MM."
    assert actions(at) == [["t"] * 4, ["stop"]] and labels(at)[:4] == ["10:00", "14:00", "17:00", "19:00"]
    assert at.awaits is not None
    place = only_screen(await step(sessions, clock, zeynep, screens.press, Pressed(at.choices[0][3].data)))
    assert place.text.render(TR) == "Grup nerede buluşacak? Yeri ya da çevrim içi bağlantıyı gönderin."
    assert actions(place) == [["stop"]] and place.awaits is not None
    done = only_screen(await step(sessions, clock, zeynep, planning_screens.answer, Typed("Salon")))
    text = done.text.render(TR)
    assert text.startswith("Görüşme planlandı.\n\nGrup: Grup 1\nNe zaman: 25 Kasım 2026 Çarşamba 19:00")
    assert text.endswith("Davetler 3 üyeye gönderiliyor.") and done.choices == ()
    async with sessions() as session:
        found = await session.scalar(select(GroupSession))
    assert found is not None and found.starts_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert await waiting(sessions, zeynep) is None


async def test_the_topic_step_offers_open_agenda_topics_and_stop_ends_planning(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    mark = people.mark
    await step(sessions, clock, mark, agenda_screens.press, agd("add", group=people.group.id))
    long_title = "Active listening with teenagers who do not want to talk"
    await step(sessions, clock, mark, agenda_screens.title, Typed(long_title))
    await step(sessions, clock, mark, screens.press, ses("grp", group=people.group.id))
    await step(sessions, clock, mark, planning_screens.answer, Typed("26.11.2026"))
    await step(sessions, clock, mark, planning_screens.answer, Typed("14:00"))
    topic = only_screen(await step(sessions, clock, mark, planning_screens.answer, Typed("https://meet.example.org/x")))
    assert topic.text.render(EN) == "Which agenda topic will the session work on?"
    assert labels(topic, "en") == [long_title, "No particular topic"]
    assert [Pressed(c.data).decode(SESSIONS)["topic"] for c in topic.all_choices()][1] == 0
    fits_small_buttons(topic)
    assert topic.choices[0][0].short_label(EN) == long_title[:20]
    typed = only_screen(await step(sessions, clock, mark, planning_screens.answer, Typed("the first one")))
    assert typed.text.render(EN) == "Please choose a topic with the buttons above."

    stopped = only_screen(await step(sessions, clock, mark, screens.press, ses("stop")))
    assert stopped.text.render(TR) == "Planlama durduruldu." and stopped.replace
    assert await waiting(sessions, mark) is None
    # The finished flow's buttons are stale now and change nothing.
    error = await refused(sessions, clock, mark, screens.press, Pressed(topic.choices[0][0].data))
    assert error.code == "stale"


async def test_sessions_lists_cards_and_an_answer_is_saved_with_a_notice(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    empty = only_screen(await step(sessions, clock, people.zeynep, screens.start, Typed("/sessions")))
    assert empty.text.render(EN) == "There are no upcoming group sessions.\nPlan one with /session."
    assert only_screen(await step(sessions, clock, people.john, screens.start, Typed("/sessions"))).text.render(
        EN) == "There are no upcoming group sessions."
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())

    listed = await step(sessions, clock, people.john, screens.start, Typed("/sessions"))
    heading, card = listed.screens
    assert heading.text.render(EN) == "Upcoming group sessions:" and heading.choices == ()
    assert "Wednesday, November 25, 2026, 3:30\u202fPM (London time)" in card.text.render(EN)
    assert "Your answer: not given yet" in card.text.render(EN) and not card.replace
    assert actions(card) == [["r", "r", "r"]]
    assert [Pressed(c.data).decode(SESSIONS)["answer"] for c in card.all_choices()] == ["y", "n", "m"]

    answered = await step(sessions, clock, people.john, screens.press, ses("r", session=sid, answer="n"))
    assert answered.notice is not None and answered.notice.text.render(TR) == "Teşekkürler, yanıtınız kaydedildi."
    assert not answered.notice.alert
    assert "Your answer: Not coming" in answered.screens[0].text.render(EN) and answered.screens[0].replace

    mentor_card = (await step(sessions, clock, people.mark, screens.start, Typed("/sessions"))).screens[1]
    assert actions(mentor_card) == [["r", "r", "r"], ["mv", "x"]]
    assert "Answers: 1 coming, 1 not coming, 0 not sure, 2 no answer yet" in mentor_card.text.render(EN)
    fits_small_buttons(mentor_card)


async def test_cancelling_asks_first_and_closed_sessions_are_refused_in_words(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    ask = only_screen(await step(sessions, clock, people.zeynep, screens.press, ses("x", session=sid)))
    assert ask.text.render(TR).startswith("Bu görüşme iptal edilsin mi? Herkese haber verilecek.\n\nGrup: Grup 1")
    assert actions(ask) == [["xc", "xn"]] and labels(ask) == ["Evet, iptal et", "Hayır, kalsın"]
    kept = only_screen(await step(sessions, clock, people.zeynep, screens.press, ses("xn", session=sid)))
    assert actions(kept) == [["r", "r", "r"], ["mv", "x"]]

    error = await refused(sessions, clock, people.deniz, screens.press, ses("xc", session=sid))
    assert refusal(error).render(TR) == "Bu işlem size açık değil."
    done = only_screen(await step(sessions, clock, people.zeynep, screens.press, ses("xc", session=sid)))
    assert done.text.render(EN).startswith("The session has been cancelled; everyone will be told.")
    assert done.choices == ()
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert found is not None and found.status == "cancelled"
    error = await refused(sessions, clock, people.ayse, screens.press, ses("r", session=sid, answer="y"))
    assert refusal(error).render(TR) == "Bu görüşme iptal edildi."
    # Data no session button carries, or no press at all, is a stale button.
    for given in (Pressed("ses:zz:1"), Pressed(AGENDA.encode("g", group=1)), Typed("ses:x:1")):
        assert (await refused(sessions, clock, people.zeynep, screens.press, given)).code == "stale_button"


async def test_moving_asks_for_the_new_day_then_moves(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    day = only_screen(await step(sessions, clock, people.mark, screens.press, ses("mv", session=sid)))
    assert day.text.render(EN).startswith("New time for the session of Grup 1.")
    await step(sessions, clock, people.mark, planning_screens.answer, Typed("27.11.2026"))
    moved = only_screen(await step(sessions, clock, people.mark, planning_screens.answer, Typed("17:00")))
    assert moved.text.render(EN).startswith("The session has been moved; everyone will be told.\n\nGroup: Grup 1")
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
    assert found is not None and found.starts_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


async def test_attendance_minutes_and_feedback(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    error = await refused(sessions, clock, people.zeynep, screens.press, ses("at", session=sid))
    assert refusal(error).render(EN) == "The session has not started yet."
    clock.set(START + timedelta(hours=2))
    held = (await step(sessions, clock, people.zeynep, screens.start, Typed("/sessions"))).screens[-1]
    assert held.text.render(EN).startswith("Held session of Grup 1, Wednesday, November 25, 2026")
    assert actions(held) == [["at", "mn"]] and labels(held) == ["Kimler geldi", "Tutanak"]

    sheet = only_screen(await step(sessions, clock, people.zeynep, screens.press, Pressed(held.choices[0][0].data)))
    assert labels(sheet) == ["▫️ Zeynep", "▫️ Mark", "▫️ Ayşe", "▫️ John", "Tamam"]
    assert actions(sheet) == [["am"], ["am"], ["am"], ["am"], ["ad"]] and sheet.replace
    sheet = only_screen(await step(sessions, clock, people.zeynep, screens.press,
                                   ses("am", session=sid, person=people.ayse.person_id)))
    assert labels(sheet)[2] == "✅ Ayşe"

    finished = await step(sessions, clock, people.zeynep, screens.press, ses("ad", session=sid))
    saved, ask = finished.screens
    assert saved.text.render(EN) == "Attendance saved. 1 attendee is asked for feedback." and saved.replace
    assert ask.awaits == Awaits(Expect.TEXT, followup.MINUTES_FLOW) and not ask.replace
    assert actions(ask) == [["ms"]]
    error = await refused(sessions, clock, people.zeynep, followup_screens.minutes, Typed("m" * 3001))
    assert refusal(error).render(EN) == (
        "That is too long (3001 characters). Please keep it to 3000 characters.")
    minutes = only_screen(await step(sessions, clock, people.zeynep, followup_screens.minutes, Typed("Kararlar")))
    assert minutes.text.render(EN) == (
        "The minutes are saved.\n\nThey were sent to 3 members of the group, who are asked to confirm reading "
        "them.\n\nTo-dos agreed in the session? Give them to members with /assign.")
    again = only_screen(await step(sessions, clock, people.zeynep, screens.press, ses("mn", session=sid)))
    assert again.text.render(EN).endswith("\n\nMinutes so far (your message replaces them):\nKararlar")

    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert found is not None and found.minutes == "Kararlar"
        assert await session.get(SessionAttendance, (sid, people.ayse.person_id)) is not None
        prompt = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "session_feedback"))
    assert prompt is not None and prompt.person_id == people.ayse.person_id

    ask_freely = only_screen(await step(sessions, clock, people.ayse, screens.press,
                                        ses("fb", session=sid, score=4)))
    assert ask_freely.awaits is None and actions(ask_freely) == [["sf"] * 5]
    ask_takeaway = only_screen(await step(sessions, clock, people.ayse, screens.press,
                                          ses("sf", session=sid, score=5)))
    assert ask_takeaway.awaits == Awaits(Expect.TEXT, followup.TAKEAWAY_FLOW)
    assert actions(ask_takeaway) == [["fs"]] and labels(ask_takeaway) == ["Geç"]
    thanks = only_screen(await step(sessions, clock, people.ayse, followup_screens.takeaway, Typed("Sabır")))
    assert thanks.text.render(TR) == ("Teşekkürler, geri bildiriminiz kaydedildi. Yanınıza aldığınız şeyi "
                                      "yapılacaklar listenize eklemek ister misiniz?")
    assert actions(thanks) == [["tt"]]
    async with sessions() as session:
        feedback = await session.get(SessionFeedback, (sid, people.ayse.person_id))
    assert feedback is not None and (feedback.usefulness, feedback.spoke_freely, feedback.takeaway) == (4, 5, "Sabır")
    error = await refused(sessions, clock, people.john, screens.press, ses("fb", session=sid, score=5))
    assert error.code == "access_denied"


async def test_the_agenda_is_kept_by_mentors_and_read_by_nobody_else(
    sessions: Sessions, clock: ManualClock, people: Cast
) -> None:
    zeynep = people.zeynep
    empty = only_screen(await step(sessions, clock, zeynep, agenda_screens.start, Typed("/agenda")))
    assert empty.text.render(TR).startswith("Grup 1 grubunun formal gündemi:\nGündem boş.")
    assert actions(empty, AGENDA) == [["add"]]
    ask = only_screen(await step(sessions, clock, zeynep, agenda_screens.press, Pressed(empty.choices[0][0].data)))
    assert ask.awaits == Awaits(Expect.TEXT, "agenda_add") and "en fazla 200 karakter" in ask.text.render(TR)
    error = await refused(sessions, clock, zeynep, agenda_screens.title, Typed("y" * 201))
    assert error.code == "topic_too_long"
    for title in ("Empati", "Aktif dinleme"):
        await step(sessions, clock, zeynep, agenda_screens.press, agd("add", group=people.group.id))
        shown = only_screen(await step(sessions, clock, zeynep, agenda_screens.title, Typed(title)))
    assert "1. Empati\n2. Aktif dinleme" in shown.text.render(TR)
    assert actions(shown, AGENDA) == [["t"], ["t"], ["add"]]
    async with sessions() as session:
        first = await session.scalar(select(AgendaTopic.id).where(AgendaTopic.title == "Empati"))
    assert first is not None

    topic = only_screen(await step(sessions, clock, zeynep, agenda_screens.press, agd("t", topic=first)))
    assert topic.text.render(TR) == "Konu: Empati"
    assert actions(topic, AGENDA) == [["up", "dn"], ["cv", "del"], ["ro"], ["g"]]
    fits_small_buttons(topic)
    covered = only_screen(await step(sessions, clock, zeynep, agenda_screens.press, agd("cv", topic=first)))
    assert "1. Empati ✓ (işlendi)" in covered.text.render(TR) and labels(covered)[0] == "✓ 1. Empati"
    moved = only_screen(await step(sessions, clock, zeynep, agenda_screens.press, agd("dn", topic=first)))
    assert "1. Aktif dinleme\n2. Empati ✓ (işlendi)" in moved.text.render(TR)

    read = only_screen(await step(sessions, clock, people.ayse, agenda_screens.start, Typed("/agenda")))
    assert actions(read, AGENDA) == [["pp"]]  # a mentee reads and may propose, no more (issue #14)
    error = await refused(sessions, clock, people.deniz, agenda_screens.press, agd("del", topic=first))
    assert refusal(error).render(TR) == "Bu işlem size açık değil."
    error = await refused(sessions, clock, people.deniz, agenda_screens.press, agd("del", topic=999999))
    assert refusal(error).render(TR) == "Bu konu artık gündemde değil."
    assert (await refused(sessions, clock, zeynep, agenda_screens.press, Pressed("agd:zz:1"))).code == (
        "stale_button")
    async with sessions() as session:
        assert list(await session.scalars(select(AgendaTopic.title).order_by(AgendaTopic.position))) == [
            "Aktif dinleme", "Empati"]
