"""Plans tied to areas (issue #14, point 5) through the real handlers: a goal's area, the goals grouped by
area, and the group's mentors seeing a mentee's plan from the digest's detail (the digest's group of
tests/support/digest.py: Ayşe, a mentee of Grup 1, mentored by Mert in Turkish and Maria in English)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.plans.buttons import PLAN
from mentoring.plans.mentor_view import PLAN_ACTION
from storage.models.plans import PlanAreaChoice, PlanGoal, SelfAssessment
from storage.models.privacy import AuditEntry
from tests.support.app import AppFactory
from tests.support.digest import TR_MORNING, Seeded, seed_group
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.plans import add_member, chat_of, goals_of, set_dates
from tests.support.seed import seed_programme


async def test_a_goal_asks_its_area_and_the_goals_are_grouped_by_area(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    app, api = app_and_api
    sessions = app.bot_data[SERVICES_KEY].sessions
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), date(2027, 5, 31))
    member = await add_member(sessions, clock.now(), setup.groups[0], locale="tr")
    user = await chat_of(sessions, app, api, member)
    async with sessions.begin() as session:  # a goal from before goals had areas
        session.add(PlanGoal(person_id=member.person_id, programme_id=setup.programme.id, what="Eski hedef",
                             measure="defter", due_kind="1m", due_on=date(2026, 12, 31), status="done",
                             created_at=clock.now(), updated_at=clock.now()))

    await user.send("/plan")
    await user.press("Öncelikli alanlar")
    assert user.buttons()[:8] == [
        "Gelişim dönemine uygun bakım", "Olumlu disiplin ve sınırlar", "Ergenlerle iletişim",
        "Travma bilgili bakım", "Duygu düzenlemeyi desteklemek", "Okul desteği", "Bağımsız yaşama hazırlık",
        "Kendi stresimi yönetmek"]
    await user.press("Kendi stresimi yönetmek")
    await user.press("Olumlu disiplin ve sınırlar")
    await user.press("Tamam")

    # Two chosen areas: the form first asks which one the goal serves (in the programme's order).
    await user.press("Yeni hedef")
    assert user.last_text() == "Yeni hedef: öncelikli gelişim alanlarınızdan hangisiyle ilgili?"
    assert user.buttons() == ["Olumlu disiplin ve sınırlar", "Kendi stresimi yönetmek", "İptal et"]
    await user.send("Bir metin")  # typing at the buttons changes nothing
    assert user.last_text() == "Lütfen alanı yukarıdaki düğmelerden biriyle seçin."
    await user.press("Kendi stresimi yönetmek")
    assert "adım 1/3" in user.texts()[-2]  # the question's message, edited in place
    await user.send("Vardiya sonunda beş dakika nefes egzersizi")
    await user.send("Haftada dört gün yaptığımı işaretlemek")
    await user.press("2 hafta içinde")
    assert user.last_text().startswith("Hedefiniz kaydedildi.\n\nAlan: Kendi stresimi yönetmek\nHedef: Vardiya")

    for what, area in (("Sınırları sakin anlatmak", "Olumlu disiplin ve sınırlar"),
                       ("Kuralları birlikte yazmak", "Olumlu disiplin ve sınırlar")):
        await user.press("Hedeflerime dön")
        await user.press("Yeni hedef")
        await user.press(area)
        await user.send(what)
        await user.send("Ölçüt")
        await user.press("1 ay içinde")
    goals = await goals_of(sessions, member.person_id)
    assert [(g.what, g.area_key) for g in goals] == [
        ("Eski hedef", None), ("Vardiya sonunda beş dakika nefes egzersizi", "own_stress"),
        ("Sınırları sakin anlatmak", "positive_discipline"), ("Kuralları birlikte yazmak", "positive_discipline")]

    await user.press("Hedeflerime dön")
    page = user.last_text()
    assert page.split("\n\n", 1)[1] == (
        "▸ Olumlu disiplin ve sınırlar\n"
        "1. ○ Sınırları sakin anlatmak (son tarih: 23 Aralık 2026 Çarşamba)\n"
        "2. ○ Kuralları birlikte yazmak (son tarih: 23 Aralık 2026 Çarşamba)\n\n"
        "▸ Kendi stresimi yönetmek\n"
        "3. ○ Vardiya sonunda beş dakika nefes egzersizi (son tarih: 7 Aralık 2026 Pazartesi)\n\n"
        "▸ Diğer\n"
        "4. ● Eski hedef (son tarih: 31 Aralık 2026 Perşembe)")
    # The numbers open the goals in the order shown.
    await user.press("4")
    assert user.last_text().startswith("Hedef: Eski hedef")  # no area: no area line
    await user.press("Hedeflerime dön")
    await user.press("1")
    assert user.last_text().startswith("Alan: Olumlu disiplin ve sınırlar\nHedef: Sınırları sakin anlatmak")

    # A forged area (not one of the chosen) is refused and nothing is stored.
    await user.press("Hedeflerime dön")
    await user.press("Yeni hedef")
    await user.press_data(PLAN.encode("ga", area="school_support"), user.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1].get("text") == "Bu düğme artık geçerli değil."


async def _plan_of_ayse(sessions: async_sessionmaker[AsyncSession], seeded: Seeded) -> None:
    """Ayşe's areas (two care topics), a baseline of three statements, goals with and without an area and
    one whose words were erased."""
    ayse, programme = seeded.people["Ayşe"], seeded.programme_id
    async with sessions.begin() as session:
        for key in ("stage_care", "own_stress"):
            session.add(PlanAreaChoice(person_id=ayse, programme_id=programme, area_key=key, chosen_at=TR_MORNING))
        for key, score in (("development", 2), ("confidence", 3), ("skill_empathy", 4)):
            session.add(SelfAssessment(person_id=ayse, programme_id=programme, stage="baseline", area_key=key,
                                       score=score, answered_at=TR_MORNING))
        session.add(SelfAssessment(person_id=ayse, programme_id=programme, stage="end", area_key="development",
                                   score=5, answered_at=TR_MORNING))
        session.add_all([
            PlanGoal(person_id=ayse, programme_id=programme, what="Vardiya sonunda nefes egzersizi",
                     measure="Haftada dört gün", due_kind="date", due_on=date(2027, 1, 15), status="not_started",
                     area_key="own_stress", shared=False, created_at=TR_MORNING, updated_at=TR_MORNING),
            PlanGoal(person_id=ayse, programme_id=programme, what=None, measure=None, due_kind="1m",
                     status="not_started", area_key="own_stress", created_at=TR_MORNING, updated_at=TR_MORNING),
        ])


async def test_a_mentor_sees_a_mentees_plan_from_the_detail_and_comments_on_a_goal(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = await seed_group(sessions, clock.now(), name="Grup 1", base=7600)
    other = await seed_group(sessions, clock.now(), name="Grup 2", base=7700)
    await _plan_of_ayse(sessions, seeded)
    clock.set(TR_MORNING)
    mert = ChatUser(app, api, user_id=int(seeded.external["Mert"]), language_code="tr")

    await mert.send("/digest")
    await mert.press("Ayşe")
    assert "📋 Gelişim planı" in mert.buttons()
    await mert.press("📋 Gelişim planı")
    text = mert.last_text()
    assert text.startswith("📋 Ayşe: gelişim planı\n\nÖncelikli gelişim alanları:\n"
                           "• Gelişim dönemine uygun bakım\n• Kendi stresimi yönetmek\n\n")
    assert ("Başlangıç öz değerlendirmesi (1 = hiç katılmıyorum, 5 = tamamen katılıyorum):\n"
            "• Çocukların gelişim dönemleri ve ihtiyaçları — 2\n"
            "• Rolümde özgüven ve motivasyon — 3\n"
            "• Beceri: empati — 4") in text
    # Every goal with words, with its measure and due date, grouped by area (the seed's goal has none).
    assert ("Ayşe adlı mentinin mentorlarla paylaştığı hedefler:\n\n"
            "▸ Kendi stresimi yönetmek\n"
            "1. ○ Vardiya sonunda nefes egzersizi\n"
            "   Başardığını nasıl anlayacak: Haftada dört gün\n"
            "   Son tarih: 15 Ocak 2027 Cuma · Başlanmadı\n\n"
            "▸ Diğer\n"
            "2. ◐ Her gün bir çocukla oyun\n"
            "   Başardığını nasıl anlayacak: defter\n") in text
    assert text.count("▸") == 2  # the erased goal is not listed
    assert mert.buttons() == ["💬 Hedef 1", "💬 Hedef 2", "Geri"]
    [logged] = [e for e in await _audit(sessions) if e.action == PLAN_ACTION]
    assert (logged.actor_person_id, logged.subject_person_id, logged.details) == (
        seeded.people["Mert"], seeded.people["Ayşe"], {"group_id": seeded.group_id})

    # A goal's button is the existing reply about a goal: the mentor's comment.
    await mert.press("💬 Hedef 1")
    assert "Vardiya sonunda nefes egzersizi" in mert.last_text()
    await mert.press("Geri", message=mert.messages()[-2])
    assert mert.last_text().startswith("👤 Ayşe")

    # Maria reads the same plan in English.
    maria = ChatUser(app, api, user_id=int(seeded.external["Maria"]), language_code="en")
    await maria.send("/digest")
    await maria.press("Ayşe")
    await maria.press("📋 Development plan")
    english = maria.last_text()
    assert "Goals Ayşe shares with mentors:" in english and "• Skill: empathy — 4" in english
    assert "   How they will know: Haftada dört gün" in english

    # Another group's mentor, and a mentee, are refused alike; nothing is audited for them.
    forged = PLAN.encode("m", group=seeded.group_id, person=seeded.people["Ayşe"])
    stranger = ChatUser(app, api, user_id=int(other.external["Mert"]), language_code="tr")
    await stranger.send("/digest")
    await stranger.press_data(forged, stranger.messages()[-1])
    burak = ChatUser(app, api, user_id=int(seeded.external["Burak"]), language_code="tr")
    await burak.send("/plan")
    await burak.press_data(forged, burak.messages()[-1])
    refusals = [c["text"] for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert refusals[-2:] == ["Bu işlem size açık değil.", "Bu işlem size açık değil."]
    assert len([e for e in await _audit(sessions) if e.action == PLAN_ACTION]) == 2  # Mert's and Maria's


async def _audit(sessions: async_sessionmaker[AsyncSession]) -> list[AuditEntry]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())
