"""After "not done" (E.5.5), through the real handlers: make it smaller, try it later, ask for help."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import OutboxMessage, Role
from storage.models.outbox_mentions import OutboxMention
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.todos import make_member, snapshot, todos_of

OFFER = ["✂️ Adımı küçült", "🗓 Daha sonra dene", "🙋 Yardım iste", "Şimdi değil"]


@pytest.fixture
async def groups(app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock):
    return (await seed_programme(app_sessions, clock.now(), groups=2)).groups


@pytest.fixture
async def mentee(app_sessions, clock, groups, user: ChatUser):
    return await make_member(app_sessions, clock.now(), groups[0], name="Ayşe Yılmaz", user_id=user.user_id)


async def not_done(user: ChatUser, text: str, reason: str = "Zamanım olmadı") -> None:
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    await user.send(text)
    await user.press("Tarih yok")
    await user.press("❌ Yapılamadı")
    await user.press(reason)


async def help_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "todo_help").order_by(OutboxMessage.person_id)
        )).all())


async def test_after_the_reason_a_new_step_is_offered_and_not_now_goes_back(user, mentee) -> None:
    await not_done(user, "Oyun saati düzenle")
    text = user.last_text()
    assert text.startswith("Paylaştığınız için teşekkürler. Not edildi.")
    assert "Neden yapılamadı: Zamanım olmadı" in text and text.endswith("Bir sonraki adımınız ne olabilir?")
    assert user.buttons() == OFFER
    await user.press("Şimdi değil")
    assert "Durum: yapılamadı" in user.last_text() and "⏭ Ertele" in user.buttons()
    # "Other" with the person's own words: the same offer once the words are in.
    await not_done(user, "Akşam kitap oku", "Diğer")
    await user.send("Vardiyam değişti")
    assert "Diğer — Vardiyam değişti" in user.last_text() and user.buttons() == OFFER


async def test_make_it_smaller_adds_a_new_to_do_and_keeps_the_missed_one(user, app_sessions, mentee) -> None:
    await not_done(user, "Her gün oyun saati düzenle")
    await user.press("✂️ Adımı küçült")
    assert "“Her gün oyun saati düzenle” için daha küçük bir adım:" in user.last_text()
    await user.send("Pazar günü 10 dakika oyun oyna")
    assert user.last_text().startswith("Yapılacaklar listenize kaydedildi.")
    await user.press("Bu hafta")
    assert "Pazar günü 10 dakika oyun oyna" in user.last_text() and "Kaydedildi." in user.last_text()
    missed, smaller = await todos_of(app_sessions, mentee.person_id)
    assert (missed.text, missed.status) == ("Her gün oyun saati düzenle", "not_done")
    assert (smaller.text, smaller.status, smaller.due_kind, smaller.due_on) == (
        "Pazar günü 10 dakika oyun oyna", "open", "week", date(2026, 11, 29))
    # The wait is over: the next text is not another smaller step.
    await user.send("bir şey daha")
    assert len(await todos_of(app_sessions, mentee.person_id)) == 2


async def test_try_it_later_moves_the_same_to_do_to_the_typed_date(user, app_sessions, mentee) -> None:
    await not_done(user, "Oyun saati düzenle", "Uygulama fırsatı olmadı")
    await user.press("🗓 Daha sonra dene")
    assert user.last_text().startswith("Ne zaman yeniden denemek istersiniz?")
    assert "örneğin 30.11.2026" in user.last_text()
    await user.send("05.12.2026")
    assert "Kaydedildi." in user.last_text() and "1 kez ertelendi" in user.last_text()
    (row,) = await todos_of(app_sessions, mentee.person_id)
    assert (row.status, row.due_kind, row.due_on, row.postponed_count, row.closed_at) == (
        "open", "date", date(2026, 12, 5), 1, None)


async def test_ask_for_help_tells_each_mentor_of_the_group_and_no_other(
    app_and_api, user, app_sessions, clock, groups, mentee
) -> None:
    zeynep = await make_member(app_sessions, clock.now(), groups[0], Role.MENTOR, name="Zeynep Hoca")
    john = await make_member(app_sessions, clock.now(), groups[0], Role.MENTOR, name="John", locale="en")
    await make_member(app_sessions, clock.now(), groups[1], Role.MENTOR, name="Başka Mentor")
    await not_done(user, "Gece vardiyasından sonra çocuklarla sohbet et", "Desteğe ihtiyacım vardı")
    await user.press("🙋 Yardım iste")
    # Who will see it, before anything is sent.
    assert user.last_text() == ("Bu yapılacak işi ve neden yapılamadığını grubunuzun mentorları görecek: "
                                "John, Zeynep Hoca.\n\nTalebinizi göndereyim mi?")
    assert user.buttons() == ["🙋 Evet, gönder", "◀ Geri"]
    assert await help_rows(app_sessions) == []
    await user.press("🙋 Evet, gönder")
    assert user.last_text().startswith("Mentorlarınıza gönderildi: John, Zeynep Hoca.")
    rows = await help_rows(app_sessions)
    assert [row.person_id for row in rows] == sorted([zeynep.person_id, john.person_id])
    by_person = {row.person_id: row.text for row in rows}
    assert by_person[john.person_id].startswith(
        "🙋 Ayşe Yılmaz (Grup 1) asks for your help with a to-do they could not do:")
    assert "“Gece vardiyasından sonra çocuklarla sohbet et”" in by_person[john.person_id]
    assert "Why it was not done: I needed help" in by_person[john.person_id]
    assert "Neden yapılamadı: Desteğe ihtiyacım vardı" in by_person[zeynep.person_id]
    assert "grup mentorluk görüşmesinde" in by_person[zeynep.person_id]
    async with app_sessions() as session:
        mentioned = set((await session.scalars(select(OutboxMention.person_id))).all())
    assert mentioned == {mentee.person_id}
    # A second tap on the same request tells no one twice, and says so.
    (todo,) = await todos_of(app_sessions, mentee.person_id)
    await user.press_data(f"todo:hpok:{todo.id}", user.messages()[-1])
    assert "zaten gönderildi: John, Zeynep Hoca" in user.last_text()
    assert len(await help_rows(app_sessions)) == 2


async def test_help_in_a_group_without_mentors_is_refused_and_sends_nothing(user, app_sessions, mentee) -> None:
    await not_done(user, "Oyun saati düzenle")
    before = await snapshot(app_sessions)
    await user.press("🙋 Yardım iste")
    alert = user.api.calls_of("answerCallbackQuery")[-1].get("text", "")
    assert alert.startswith("Grubunuzun şu anda mentoru yok")
    assert await snapshot(app_sessions) == before and await help_rows(app_sessions) == []


async def test_next_steps_on_anothers_or_a_done_to_do_change_nothing(
    app_and_api, user, app_sessions, clock, groups, mentee
) -> None:
    app, api = app_and_api
    other = ChatUser(app, api, user_id=7002, first_name="Fatma")
    fatma = await make_member(app_sessions, clock.now(), groups[0], name="Fatma", user_id=other.user_id)
    await make_member(app_sessions, clock.now(), groups[0], Role.MENTOR, name="Zeynep Hoca")
    await not_done(other, "Fatma'nın işi")
    (theirs,) = await todos_of(app_sessions, fatma.person_id)
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    await user.send("Benim işim")
    await user.press("Tarih yok")
    await user.press("✅ Yapıldı")
    (mine,) = await todos_of(app_sessions, mentee.person_id)
    before = await snapshot(app_sessions)
    message = user.messages()[-1]
    for action in ("sm", "lt", "hp", "hpok"):
        await user.press_data(f"todo:{action}:{theirs.id}", message)
        assert user.api.calls_of("answerCallbackQuery")[-1].get("text") == "Bu işlem size açık değil."
        await user.press_data(f"todo:{action}:{mine.id}", message)
        assert user.api.calls_of("answerCallbackQuery")[-1].get("text", "").startswith("Bu yapılacak iş zaten")
    assert await snapshot(app_sessions) == before and await help_rows(app_sessions) == []
