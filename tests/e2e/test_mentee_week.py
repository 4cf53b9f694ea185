"""End to end, over real HTTP: one mentee's week through the running bot.

Ayşe and Elif have joined group 1 and are peer partners. On Wednesday, with the
check-in open, Ayşe answers the partner check-in, adds two to-dos (one done, one
not done with a reason) and writes a development plan goal; on Friday she
answers the weekly reflection to the end and sends it to her mentors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, post_init
from bot.settings import Settings
from mentoring.clock import ManualClock
from mentoring.peers import pairing
from storage.models import ChannelIdentity, Role
from storage.models.peers import PeerCheckin
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.todos import Todo, TodoReason
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.app import stop_running
from tests.support.plans import add_member, goals_of, set_dates
from tests.support.reflection import WEEK1_OPEN
from tests.support.seed import seed_programme

# The programme starts on the clock fixture's Monday (23.11.2026): week 1's check-in is open
# from Wednesday 25.11 10:00 to Friday 27.11 10:00 Istanbul time, and its reflection from Friday 10:00.
CHECKIN_OPEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
TIMEOUT = 30


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TEST_TOKEN, username="narbot_test_bot") as server:
        yield server


class Mentee:
    """A mentee's chat: each step sends a message or presses a button, then waits for the bot's answer."""

    def __init__(self, standin: BotApiStandIn, user_id: int) -> None:
        self.standin, self.user_id = standin, user_id

    def _latest_with(self, label: str) -> tuple[dict, str]:  # type: ignore[type-arg]
        for message in reversed(self.standin.messages_to(self.user_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return message, button["callback_data"]
        raise AssertionError(f"no bot message with a {label!r} button: {self.standin.messages_to(self.user_id)}")

    async def _answer(self, start: int, expect: str) -> str:
        """The first text the bot sends or edits into this chat after `start` that contains `expect`."""

        def find() -> str | None:
            for method, params in self.standin.requests[start:]:
                text = params.get("text") or ""
                if (method in ("sendMessage", "editMessageText") and str(params.get("chat_id")) == str(self.user_id)
                        and expect in text):
                    return text
            return None

        found = await self.standin._wait_until(find, TIMEOUT)
        if found is None:
            raise AssertionError(f"no bot answer containing {expect!r}; chat: "
                                 f"{[m.get('text') for m in self.standin.messages_to(self.user_id)]}")
        return found

    async def send(self, text: str, expect: str) -> str:
        start = len(self.standin.requests)
        self.standin.push_message(self.user_id, text)
        return await self._answer(start, expect)

    async def press(self, label: str, expect: str) -> str:
        message, data = self._latest_with(label)
        start = len(self.standin.requests)
        self.standin.push_callback(self.user_id, data, message_id=message["message_id"])
        return await self._answer(start, expect)


async def test_a_mentee_plays_her_week_through_the_running_bot(
    standin: BotApiStandIn, settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, clock.now().date(), None)  # the check-in needs a start date
    group = setup.groups[0]
    ayse_member = await add_member(sessions, clock.now(), group, name="Ayşe")
    elif_member = await add_member(sessions, clock.now(), group, name="Elif")
    mentor = await add_member(sessions, clock.now(), group, Role.MENTOR, name="Mentor")
    async with sessions.begin() as session:
        pairs = await pairing.auto_pair(session, group, mentor.person_id, clock.now())
    assert len(pairs.pairs) == 1 and not pairs.unpaired
    clock.set(CHECKIN_OPEN)

    settings = settings.model_copy(update={"telegram_api_base_url": standin.base_url})
    app = build_application(settings, clock=clock)
    async with sessions() as session:
        user_id = await session.scalar(select(ChannelIdentity.external_user_id).where(
            ChannelIdentity.person_id == ayse_member.person_id))
    assert user_id is not None
    ayse = Mentee(standin, int(user_id))
    await app.initialize()
    await post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.05)
    try:
        # The partner check-in: talked, supported something else, quite useful.
        await ayse.send("/partner", "Partner sorusu, 1. hafta")
        await ayse.press("Evet", "Partnerinizin planının hangi kısmına destek oldunuz?")
        await ayse.press("Başka bir konu", "1 =")
        assert await ayse.press("4", "Teşekkürler!") == "Teşekkürler! Yanıtınız kaydedildi."

        # Two to-dos without a date: the first done, the second not done for lack of time.
        for todo in ("Cumartesi çocuklarla yemek yap", "Oyun saati düzenle"):
            await ayse.send("/todo", "Yapılacak")
            await ayse.press("➕ Yapılacak iş ekle", "tek bir mesajla yazın")
            await ayse.send(todo, "Yapılacaklar listenize kaydedildi.")
            saved = await ayse.press("Tarih yok", "Kaydedildi.")
            assert todo in saved
            if todo.startswith("Cumartesi"):
                await ayse.press("✅ Yapıldı", "Tebrikler! Yapıldı olarak işaretlendi.")
            else:
                await ayse.press("❌ Yapılamadı", "Ne engel oldu?")
                await ayse.press("Zamanım olmadı", "Neden yapılamadı: Zamanım olmadı")

        # One development plan goal through the three-step form.
        await ayse.send("/plan", "Gelişim planınız")
        await ayse.press("Yeni hedef", "adım 1/3")
        await ayse.send("Zor anlarda çocuklarla sakin konuşmak", "Adım 2/3")
        await ayse.send("Haftada üç kez sesimi yükseltmeden konuşmak", "Adım 3/3: ne zamana kadar?")
        await ayse.press("1 ay içinde", "Hedefiniz kaydedildi.")

        # Friday: the reflection, every question answered, then sent to the mentors.
        clock.set(WEEK1_OPEN)
        await ayse.send("/reflect", "Yansıtma · 1. hafta · soru 1/9")
        await ayse.press("Evet", "soru 2/9")
        await ayse.press("Empati", "soru 3/9")
        await ayse.press("3", "soru 4/9")
        await ayse.press("4", "soru 5/9")
        answers = ["Çocuklar sırasını bekledi.", "Gürültülü anlar zorladı.", "Akşam yemeğinde deneyeceğim."]
        for number, answer in enumerate(answers, start=6):
            await ayse.send(answer, f"soru {number}/9")
        await ayse.press("Evet", "soru 9/9")
        summary = await ayse.send("Teşekkürler, bu hafta çok şey öğrendim.", "1. hafta yansıtmanız:")
        assert "4/5" in summary and "→ Evet" in summary and "(atlandı)" not in summary
        await ayse.press("Mentorlarıma gönder", "1. hafta yansıtmanız mentorlarınıza gönderildi.")
    finally:
        await stop_running(app)

    person_id = ayse_member.person_id
    async with sessions() as session:
        [reflection] = (await session.scalars(select(Reflection).where(Reflection.person_id == person_id))).all()
        stored = {a.question_key: a for a in (await session.scalars(
            select(ReflectionAnswer).where(ReflectionAnswer.reflection_id == reflection.id))).all()}
        checkin = await session.scalar(select(PeerCheckin).where(PeerCheckin.person_id == person_id))
        todos = {t.text: t for t in (await session.scalars(select(Todo).where(Todo.person_id == person_id))).all()}
        reasons = (await session.scalars(select(TodoReason).where(TodoReason.person_id == person_id))).all()
        elif_checkin = await session.scalar(select(PeerCheckin).where(PeerCheckin.person_id == elif_member.person_id))
    assert (reflection.week, reflection.submitted_at) == (1, WEEK1_OPEN)
    assert [stored[key].text for key in ("happened", "hard", "next")] == answers
    assert (stored["plan_tried"].choice_value, stored["skill"].choice_value, stored["stress"].scale_value) == (
        "yes", "empathy", 3)
    assert (stored["confidence"].scale_value, stored["bring_to_session"].choice_value) == (4, "yes")
    assert stored["to_mentors"].text == "Teşekkürler, bu hafta çok şey öğrendim."
    assert len(stored) == 9 and not any(a.skipped for a in stored.values())
    assert checkin is not None and checkin.completed_at is not None and checkin.week == 1
    assert (checkin.talked, checkin.supported_goal_id, checkin.supported_other, checkin.usefulness) == (
        "yes", None, True, 4)
    assert elif_checkin is None, "only Ayşe answered"
    assert {text: todo.status for text, todo in todos.items()} == {
        "Cumartesi çocuklarla yemek yap": "done", "Oyun saati düzenle": "not_done"}
    assert [(r.todo_id, r.reason, r.week) for r in reasons] == [(todos["Oyun saati düzenle"].id, "no_time", 1)]
    [goal] = await goals_of(sessions, person_id)
    assert (goal.what, goal.measure, goal.due_kind) == (
        "Zor anlarda çocuklarla sakin konuşmak", "Haftada üç kez sesimi yükseltmeden konuşmak", "1m")
