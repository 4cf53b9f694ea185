"""/plan through the real handlers: areas, the goal form, status, sharing, notes, bad input, restarts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from telegram import Update
from telegram.ext import Application, CallbackContext

from handlers.plans import offer_baseline
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models import Role
from storage.models.plans import PlanAreaChoice
from tests.support.app import AppFactory
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.plans import add_member, chat_of, goals_of, set_dates, snapshot
from tests.support.seed import seed_programme


def alert(user: ChatUser) -> str:
    return user.api.calls_of("answerCallbackQuery")[-1].get("text", "")


async def mentee_chat(app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock, *, locale: str = "tr",
                      ends_on: date | None = date(2027, 5, 31)):
    app, api = app_and_api
    sessions = app.bot_data[SERVICES_KEY].sessions
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), ends_on)
    member = await add_member(sessions, clock.now(), setup.groups[0], locale=locale)
    return sessions, setup, member, await chat_of(sessions, app, api, member)


async def test_turkish_plan_areas_goal_form_status_sharing_and_note(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, member, user = await mentee_chat(app_and_api, clock)
    await user.send("/plan")
    assert user.last_text().startswith("Gelişim planınız")
    assert user.buttons() == ["Öncelikli alanlar", "Hedeflerim", "Yeni hedef", "Öz değerlendirme"]

    await user.press("Öncelikli alanlar")
    await user.press("Travma bilgili bakım")
    assert "✓ Travma bilgili bakım" in user.buttons()
    await user.press("Tamam")
    assert "• Travma bilgili bakım" in user.last_text()
    async with sessions() as session:
        assert (await session.scalars(select(PlanAreaChoice.area_key))).all() == ["trauma_informed"]

    await user.press("Yeni hedef")  # one chosen area: the goal serves it, no question
    assert "Adım 1/3" not in user.last_text() and "adım 1/3" in user.last_text()
    await user.send("Zor anlarda çocuklarla sakin konuşmak")
    assert user.last_text().startswith("Adım 2/3")
    await user.send("Haftada üç kez sesimi yükseltmeden konuştuğumu not etmek")
    assert user.last_text() == "Adım 3/3: ne zamana kadar?"
    assert user.buttons() == ["2 hafta içinde", "1 ay içinde", "Program sonuna kadar", "Tarih yazayım", "İptal et"]
    await user.press("1 ay içinde")
    saved = user.last_text()
    assert saved.startswith("Hedefiniz kaydedildi.\n\nAlan: Travma bilgili bakım\nHedef: Zor anlarda")
    assert "23 Aralık 2026 Çarşamba" in saved
    assert "Durum: Başlanmadı" in saved and "Bu hedefi mentorlarınız görebilir; eş düzey partneriniz göremez." in saved

    await user.press("Devam ediyor")
    assert "Durum: Devam ediyor" in user.last_text() and "• Devam ediyor" in user.buttons()
    await user.press("Partnerimle paylaş")
    assert "Bu hedefi mentorlarınız ve eş düzey partneriniz görebilir." in user.last_text()
    await user.press("Not ekle")
    await user.send("İlk hafta iki kez başardım")
    assert "Not: İlk hafta iki kez başardım" in user.last_text()

    [goal] = await goals_of(sessions, member.person_id)
    assert (goal.status, goal.shared, goal.due_kind, goal.due_on) == ("in_progress", True, "1m", date(2026, 12, 23))
    assert goal.area_key == "trauma_informed"
    assert goal.note == "İlk hafta iki kez başardım"

    await user.press("Hedeflerime dön")
    assert user.last_text().startswith("Hedefleriniz (sayfa 1/1):")
    assert "▸ Travma bilgili bakım\n1. ◐ Zor anlarda çocuklarla sakin konuşmak" in user.last_text()


async def test_english_goal_with_a_typed_date_and_paging(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, member, user = await mentee_chat(app_and_api, clock, locale="en", ends_on=None)
    for number in range(1, 7):
        await user.send("/plan")
        await user.press("New goal")
        await user.send(f"Goal number {number}")
        await user.send("I will see it")
        assert "By the end of the programme" not in user.buttons()
        await user.press("Type a date")
        assert user.last_text().startswith("Type the date, for example 30.11.2026")
        await user.send("31.02.2027")
        assert user.last_text() == "31 February does not exist: February 2027 has 28 days."
        await user.send("15 January 2027")
        assert user.last_text().startswith("Your goal is saved.") and "Friday, January 15, 2027" in user.last_text()
    assert len(await goals_of(sessions, member.person_id)) == 6
    await user.press("Back to my goals")
    assert user.last_text().startswith("Your goals (page 1 of 2):") and "6." not in user.last_text()
    await user.press("▶")
    assert user.last_text().startswith("Your goals (page 2 of 2):") and "6. ○ Goal number 6" in user.last_text()
    await user.press("6")
    await user.press("Completed")
    assert "Status: Completed" in user.last_text()


async def test_a_restart_in_the_middle_of_the_goal_form_continues(
    make_app: AppFactory, clock: ManualClock
) -> None:
    first = await make_app()
    sessions, _setup, member, user = await mentee_chat(first, clock)
    await user.send("/plan")
    await user.press("Yeni hedef")
    await user.send("Her sabah çocuklarla kahvaltı sohbeti")

    second_app, second_api = await make_app()
    again = await chat_of(sessions, second_app, second_api, member)
    await again.send("Üç hafta boyunca her gün")
    assert again.last_text() == "Adım 3/3: ne zamana kadar?"
    await again.press("2 hafta içinde")
    [goal] = await goals_of(sessions, member.person_id)
    assert goal.what == "Her sabah çocuklarla kahvaltı sohbeti" and goal.due_on == date(2026, 12, 7)
    assert goal.measure == "Üç hafta boyunca her gün"

    await again.press("Hedeflerime dön")
    await again.press("Yeni hedef")
    await again.send("İkinci hedef")
    await again.send("Ölçüt")
    await again.send("01.03.2027")  # a date typed at the buttons is taken too
    assert again.last_text().startswith("Hedefiniz kaydedildi.") and "1 Mart 2027 Pazartesi" in again.last_text()


async def test_stickers_long_texts_stale_and_foreign_buttons_change_nothing(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, setup, member, user = await mentee_chat(app_and_api, clock)
    await user.send("/plan")
    await user.press("Yeni hedef")
    await user.send_sticker()
    assert "yazıyla gönderin" in user.last_text()
    await user.send("x" * 600)
    assert "600 karakter" in user.last_text() and "en fazla 500" in user.last_text()
    await user.send("Kısa hedef")
    assert user.last_text().startswith("Adım 2/3")
    await user.send_voice()
    assert "yazıyla gönderin" in user.last_text()
    await user.send("Ölçüt")
    await user.send_sticker()  # at the date buttons
    assert user.last_text().startswith("Bu tarihi okuyamadım.")
    await user.press("İptal et")
    assert "Hiçbir şey kaydedilmedi." in user.texts()  # the question with the buttons says so
    assert await goals_of(sessions, member.person_id) == []
    before = await snapshot(sessions)
    old_form = user.messages()[-1]
    await user.press_data("plan:due:2w", old_form)
    assert alert(user) == "Bu düğme artık geçerli değil."
    assert await snapshot(sessions) == before

    # Someone else's goal, and forged data: refused, nothing changes.
    other = await add_member(sessions, clock.now(), setup.groups[0], name="Elif")
    other_chat = await chat_of(sessions, user.app, user.api, other)
    await other_chat.send("/plan")
    await other_chat.press("Yeni hedef")
    await other_chat.send("Elif'in hedefi")
    await other_chat.send("Ölçüt")
    await other_chat.press("2 hafta içinde")
    [elifs] = await goals_of(sessions, other.person_id)
    before = await snapshot(sessions)
    for data in (f"plan:st:{elifs.id}:done", f"plan:sh:{elifs.id}:1", f"plan:g:{elifs.id}", f"plan:n:{elifs.id}"):
        await user.press_data(data, old_form)
        assert alert(user) == "Bu işlem size açık değil.", data
    for data in (f"plan:st:{elifs.id}:lost", "plan:st:abc:done", "plan:a:nope", "plan:sa:middle:go", "plan:zz"):
        await user.press_data(data, old_form)
        assert alert(user) == "Bu düğme artık geçerli değil.", data
    assert await snapshot(sessions) == before
    await user.send("Bu metin hiçbir akışa ait değil")
    assert "anlayamadım" in user.last_text()


async def test_only_mentees_have_a_plan(app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock) -> None:
    app, api = app_and_api
    sessions = app.bot_data[SERVICES_KEY].sessions
    setup = await seed_programme(sessions, clock.now())
    mentor = await add_member(sessions, clock.now(), setup.groups[0], Role.MENTOR, locale="en")
    user = await chat_of(sessions, app, api, mentor)
    await user.send("/plan")
    assert user.last_text() == "That is not available to you."


async def test_self_assessment_from_the_plan_and_after_joining(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock, make_app: AppFactory
) -> None:
    sessions, _setup, member, user = await mentee_chat(app_and_api, clock, locale="en")
    await user.send("/plan")
    await user.press("Self-assessment")
    question = user.messages()[-1]
    assert user.last_text().startswith("Self-assessment (1 of 15)")
    assert "“I know the development stages of the children I care for and what they need.”" in user.last_text()
    assert "How much do you agree? 1 = strongly disagree, 5 = strongly agree." in user.last_text()
    await user.press("4")
    assert user.last_text().startswith("Self-assessment (2 of 15)")
    await user.press_data("plan:sa:baseline:development:1", question)  # the first question again
    assert alert(user) == "This button is no longer active."

    second_app, second_api = await make_app()  # a restart mid-way continues at question 3
    again = await chat_of(sessions, second_app, second_api, member)
    await again.send("/plan")
    await again.press("Self-assessment")
    assert again.last_text().startswith("Self-assessment (2 of 15)")
    for _ in range(7):
        await again.press("3")
    # After the eight outcomes, the seven skills.
    assert again.last_text().startswith("Self-assessment (9 of 15)")
    assert "“I put myself in the children's place and understand how they feel.”" in again.last_text()
    for _ in range(7):
        await again.press("3")
    assert again.last_text() == "Thank you! Your self-assessment is saved."
    await again.send("/plan")
    assert "Self-assessment" not in again.buttons()
    snap = await snapshot(sessions)
    assert [row[3] for row in snap[2]] == [4] + [3] * 14
    assert [row[2] for row in snap[2]][-1] == "skill_stress"


async def test_offer_baseline_after_the_welcome_and_not_when_done(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    _sessions, _setup, member, user = await mentee_chat(app_and_api, clock)

    async def offer() -> None:
        update = Update.de_json({"update_id": 1, "message": {
            "message_id": 1, "date": 0, "chat": {"id": user.user_id, "type": "private"},
            "from": {"id": user.user_id, "is_bot": False, "first_name": "Ayşe"}, "text": "/start"}}, user.app.bot)
        await offer_baseline(update, CallbackContext.from_update(update, user.app), member)

    await offer()
    assert user.last_text().startswith("Başlamadan önce kısa bir öz değerlendirme")
    await user.press("Öz değerlendirmeye başla")
    for _ in range(15):
        await user.press("5")
    assert user.last_text() == "Teşekkürler! Öz değerlendirmeniz kaydedildi."
    count = len(user.messages())
    await offer()
    assert len(user.messages()) == count, "a finished baseline is not offered again"
