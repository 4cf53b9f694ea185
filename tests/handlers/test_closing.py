"""The programme ends (issue #14, point 6), through the real handlers, the planner and the sender, on both
databases: the closing weeks played with a controlled clock.

The digest's group (tests/support/digest.py): a programme from 23 November 2026 to 23 May 2027, mentees
Ayşe, Burak, Cem, Deniz and Elif (who blocked the bot), mentors Mert and Maria. The closing steps open
on 10 May 2027, the first day of the last two weeks.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import plan_pass
from bot.sender import Sender
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.closing.offers import KIND as OFFER
from mentoring.closing.rules import SUGGESTION_KIND
from mentoring.i18n import translator
from mentoring.refusals import STALE
from mentoring.reports.impact import impact_report
from mentoring.reports.texts import render_impact
from storage.models import OutboxMessage
from storage.models.closing import (
    ClosingAnswer,
    ClosingProgress,
    ClosingRecommendation,
    ClosingSurvey,
)
from storage.models.outbox import PRIORITY_BULK
from storage.models.outbox_mentions import OutboxMention
from storage.models.plans import SelfAssessment
from storage.models.sessions import GroupSession, SessionAttendance
from tests.support.app import AppFactory
from tests.support.digest import Seeded, seed_group
from tests.support.offline import ChatUser
from tests.support.sender import VirtualTimer

BEFORE = datetime(2027, 5, 9, 6, 0, tzinfo=UTC)  # 9 May, 09:00 Istanbul: the day before the window
NIGHT = datetime(2027, 5, 9, 21, 30, tzinfo=UTC)  # 10 May, 00:30 Istanbul: open, but quiet hours
MORNING = datetime(2027, 5, 10, 5, 30, tzinfo=UTC)  # 10 May, 08:30 Istanbul
SUGGESTION = "Her hafta bir akşam kendinize yansıtma zamanı ayırın."
SURVEY_HEAD = "Program hakkında kısa bir anket"


async def _count(sessions: async_sessionmaker[AsyncSession], model: type, *where: object) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def _setup(make_app: AppFactory, clock: ManualClock):  # type: ignore[no-untyped-def]
    app, api = await make_app()
    svc = app.bot_data[SERVICES_KEY]
    sessions: async_sessionmaker[AsyncSession] = svc.sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7600)
    async with sessions.begin() as session:  # the group's one session was held; Ayşe was there
        await session.execute(update(GroupSession).where(GroupSession.group_id == seeded.group_id)
                              .values(attendance_recorded_at=clock.now()))
        planned = await session.scalar(select(GroupSession.id).where(GroupSession.group_id == seeded.group_id))
        session.add(SessionAttendance(session_id=planned, person_id=seeded.people["Ayşe"], marked_at=clock.now()))
    sender = Sender(app.bot, sessions, clock, timer=VirtualTimer(), rng=random.Random(1))  # type: ignore[arg-type]
    return app, api, svc, sessions, seeded, sender


def _user(app, api, seeded: Seeded, who: str) -> ChatUser:  # type: ignore[no-untyped-def]
    return ChatUser(app, api, user_id=int(seeded.external[who]), language_code="tr")


async def _to_survey(user: ChatUser) -> None:
    """Skip every step before the survey (each skippable), and check it is the survey now."""
    await user.send("/closing")
    for _ in range(12):
        if SURVEY_HEAD in user.last_text():
            return
        labels = user.buttons()
        await user.press(next(label for label in ("Geç", "Devam et", "Tamam") if label in labels))
    raise AssertionError(user.texts()[-3:])


async def test_the_closing_weeks_end_to_end(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, svc, sessions, seeded, sender = await _setup(make_app, clock)
    ayse, mert = _user(app, api, seeded, "Ayşe"), _user(app, api, seeded, "Mert")
    mentees = {seeded.people[who] for who in ("Ayşe", "Burak", "Cem", "Deniz")}

    # Before the window: no offer, and /closing says when it opens.
    clock.set(BEFORE)
    await plan_pass(svc)
    assert await _count(sessions, OutboxMessage, OutboxMessage.kind == OFFER) == 0
    await ayse.send("/closing")
    assert "Kapanış adımları programın son iki haftasında" in ayse.last_text()
    assert "10 Mayıs 2027" in ayse.last_text()
    assert await _count(sessions, ClosingProgress) == 0

    # The window opens at night: the offers are queued for the reachable mentees only, and held
    # until the quiet hours end.
    clock.set(NIGHT)
    await plan_pass(svc)
    async with sessions() as session:
        offers = list((await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == OFFER))).all())
    assert {row.person_id for row in offers} == mentees  # not Elif (blocked), not the mentors
    assert all(row.priority == PRIORITY_BULK and row.respect_quiet_hours for row in offers)
    await sender.drain()
    assert not [m for m in ayse.texts() if "Program yakında bitiyor" in m]
    clock.set(MORNING)
    await plan_pass(svc)  # once: a second pass queues nothing new
    assert await _count(sessions, OutboxMessage, OutboxMessage.kind == OFFER) == 4
    await sender.drain()
    assert "Program yakında bitiyor" in ayse.last_text()
    assert "Kapanış adımlarına başla" in ayse.buttons()

    # A mentor suggests a way to go on; the mentee is told (naming the mentor).
    await mert.send("/closing")
    assert "Şimdiye kadar 3 yanıttan az var" in mert.last_text()
    await mert.press("💡 Ayşe için öneri")
    await mert.send(SUGGESTION)
    assert "Ayşe kişisine gönderildi" in mert.last_text()
    async with sessions() as session:
        told = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == SUGGESTION_KIND))
        assert told is not None and told.person_id == seeded.people["Ayşe"]
        mentioned = await session.scalar(select(OutboxMention.person_id)
                                         .where(OutboxMention.outbox_id == told.id))
        assert mentioned == seeded.people["Mert"]

    # The mentee goes through every step from the offer's button.
    await ayse.press("Kapanış adımlarına başla")
    assert "Program sonu öz değerlendirmeniz (1/" in ayse.last_text()
    found = re.search(r"öz değerlendirmeniz \(1/(\d+)\)", ayse.last_text())
    assert found is not None
    areas = int(found.group(1))
    for _ in range(areas):
        await ayse.press("4")
    assert "Kapanış yansıtması" in ayse.last_text() and "bir çocuğun tanınabileceği fotoğraf" in ayse.last_text()
    # Stopping and coming back continues at the same step.
    await ayse.send("/closing")
    assert "Kapanış yansıtması" in ayse.last_text() and "Kapanış adımları (2/" in ayse.last_text()
    await ayse.send("Çocukları dinlemeye daha çok zaman ayırıyorum.")
    assert "Kaydedildi." in ayse.last_text()
    await ayse.press("Geç")  # the second question, skipped
    await ayse.send("Duygu adlandırmayı sürdüreceğim.")
    summary = ayse.last_text()
    assert "Ulaşılan hedefler: 1 hedeften 0" in summary
    assert "Yapılan işler: 3 işten 1" in summary
    assert "Katıldığınız grup görüşmeleri: yapılan 1 görüşmeden 1" in summary
    assert "Gönderilen yansıtmalar: 25 haftada 2" in summary
    await ayse.press("Devam et")
    assert "Mentorlarınızın önerileri:" in ayse.last_text() and SUGGESTION in ayse.last_text()
    assert "(Mert)" in ayse.last_text()
    await ayse.send("Ayda bir eş düzey partnerimle konuşacağım.")
    assert "Sizin yazdıklarınız:" in ayse.last_text()
    await ayse.press("Tamam")
    await ayse.press("Evet, sürdürüyoruz")
    assert SURVEY_HEAD in ayse.last_text()
    for score in ("5", "4", "4"):
        await ayse.press(score)
    await ayse.send("Teşekkürler.")
    assert "Kapanış adımlarını tamamladınız" in ayse.last_text()

    me = seeded.people["Ayşe"]
    async with sessions() as session:
        progress = await session.scalar(select(ClosingProgress).where(ClosingProgress.person_id == me))
        assert progress is not None and progress.finished_at == MORNING and progress.pair_choice == "yes"
        answers = (await session.scalars(select(ClosingAnswer.question).where(ClosingAnswer.person_id == me)
                                         .order_by(ClosingAnswer.question))).all()
        assert list(answers) == ["r1", "r3"]
        survey = await session.scalar(select(ClosingSurvey).where(ClosingSurvey.person_id == me))
        assert survey is not None
        assert (survey.facilitation, survey.climate, survey.pairs, survey.comment) == (5, 4, 4, "Teşekkürler.")
        assert survey.group_id == seeded.group_id
        own = await session.scalar(select(func.count()).select_from(ClosingRecommendation).where(
            ClosingRecommendation.mentee_id == me, ClosingRecommendation.person_id == me))
        assert own == 1
    assert await _count(sessions, SelfAssessment, SelfAssessment.person_id == me,
                        SelfAssessment.stage == "end") == areas
    # An old button of a finished step changes nothing.
    await ayse.press("Evet, sürdürüyoruz")
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == translator("tr").gettext(STALE)
    # Finished: the offer is not queued again.
    await plan_pass(svc)
    assert await _count(sessions, OutboxMessage, OutboxMessage.kind == OFFER) == 4

    # The mentors' summary: hidden below three answers, then totals only.
    burak, cem = _user(app, api, seeded, "Burak"), _user(app, api, seeded, "Cem")
    await _to_survey(burak)
    for score in ("3", "4", "5"):
        await burak.press(score)
    await mert.send("/closing")
    assert "Şimdiye kadar 3 yanıttan az var" in mert.last_text() and "ortalama" not in mert.last_text()
    await _to_survey(cem)
    await cem.press("4")
    await cem.press("Geç")  # climate skipped
    await cem.press("5")
    await cem.press("Bitir")
    await mert.send("/closing")
    shown = mert.last_text()
    assert "Yanıtlar: 3" in shown
    assert "Mentorların kolaylaştırıcılığı: ortalama 4,0 (n=3; 1: 0 · 2: 0 · 3: 1 · 4: 1 · 5: 1)" in shown
    assert "Grup ortamı: göstermek için yanıt sayısı çok az" in shown  # two answers
    assert "Teşekkürler." not in shown  # texts never reach the mentors

    # The impact report shows goal attainment and participation beside the self-ratings.
    async with sessions() as session:
        report = await impact_report(session, seeded.programme_id)
    text = "\n".join(render_impact(translator("tr"), report, "Nar Grup 1", suppress=False))
    assert "Hedeflere ulaşma: 1 hedeften 0" in text
    assert "Gönderilen yansıtmalar:" in text and "Grup görüşmelerine katılım: 1/5" in text


async def test_a_mentee_outside_the_window_is_told_when_it_opens(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, _svc, sessions, seeded, _sender = await _setup(make_app, clock)
    deniz = _user(app, api, seeded, "Deniz")
    clock.set(BEFORE - timedelta(days=30))
    await deniz.send("/closing")
    assert deniz.last_text() == ("Kapanış adımları programın son iki haftasında, 10 Mayıs 2027 Pazartesi "
                                 "tarihinde açılır. O gün size bir mesaj gelecek.")
    # Its buttons do nothing before then either.
    await deniz.press_data("cl:sk:0", deniz.messages()[-1])
    assert await _count(sessions, ClosingProgress) == 0
    # After the grace weeks it is closed.
    clock.set(datetime(2027, 6, 8, 6, 0, tzinfo=UTC))
    await deniz.send("/closing")
    assert deniz.last_text() == "Programınızın kapanış adımları kapandı."
