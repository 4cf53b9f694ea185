"""The safeguarding path through the real handlers: /worry and the reflection's button tell the group's
mentors at once (even in quiet hours), coordinators see only a count, /forgetme erases the note."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import Sender
from mentoring.clock import ManualClock
from mentoring.delivery import Send, decide
from mentoring.safeguarding.rules import worries_count
from storage.models import ChannelIdentity, OutboxMessage, Person, Role
from storage.models.outbox import PRIORITY_REPLY
from storage.models.outbox_mentions import OutboxMention
from storage.models.safeguarding import SafeguardingConcern
from tests.support.notice import add_coordinator
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN, send_photo, to_first_text_question
from tests.support.seed import seed_programme
from tests.support.sender import VirtualTimer
from tests.support.todos import make_member

# 23:00 in Istanbul: inside everyone's quiet hours (22:00-08:00).
NIGHT = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
NOTE = "Bugün bir çocuğun kolunda morluk gördüm, nereden olduğunu söylemedi."


async def worries(sessions: async_sessionmaker[AsyncSession]) -> list[SafeguardingConcern]:
    async with sessions() as session:
        return list((await session.scalars(select(SafeguardingConcern).order_by(SafeguardingConcern.id))).all())


async def urgent_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "safeguarding").order_by(OutboxMessage.person_id)
        )).all())


async def test_a_worry_at_night_reaches_both_mentors_at_once(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    group, other = setup.groups
    mentee = await make_member(app_sessions, clock.now(), group, name="Elif Şahin", user_id=user.user_id)
    zeynep = await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca")
    john = await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="John", locale="en")
    stranger_mentor = await make_member(app_sessions, clock.now(), other, Role.MENTOR, name="Başka Mentor")

    clock.set(NIGHT)
    await user.send("/worry")
    shown = user.last_text()
    for expected in ("Bir çocuk için endişeleniyor musunuz?", "çocuk koruma prosedürünü", "nöbetçi yöneticiye",
                     "112", "ALO 183", "Aile ve Sosyal Hizmetler Bakanlığının", "isim yazmayın",
                     "en fazla 500 karakter"):
        assert expected in shown, expected
    assert user.buttons() == ["Mentorlarıma notsuz haber ver", "Şimdi değil"]
    # Nothing is told before the person says so.
    assert await urgent_rows(app_sessions) == [] and await worries(app_sessions) == []

    await send_photo(user)
    assert "çocukların fotoğrafını göndermeyin" in user.last_text()
    await user.send("x" * 501)
    assert "501" in user.last_text() and "500" in user.last_text()
    assert await worries(app_sessions) == []

    await user.send(NOTE)
    assert "2 mentora şimdi haber verildi" in user.last_text()
    assert "112" in user.last_text()

    [stored] = await worries(app_sessions)
    assert (stored.person_id, stored.group_id, stored.note, stored.created_at) == (
        mentee.person_id, group.id, NOTE, NIGHT)
    rows = await urgent_rows(app_sessions)
    assert sorted(r.person_id for r in rows) == sorted([zeynep.person_id, john.person_id])
    assert stranger_mentor.person_id not in [r.person_id for r in rows]
    for row in rows:
        assert row.priority == PRIORITY_REPLY and row.respect_quiet_hours is False and row.not_before == NIGHT
        assert "Elif Şahin" in row.text and "Grup 1" in row.text and NOTE in row.text
    english = next(r for r in rows if r.person_id == john.person_id)
    assert english.text.startswith("⚠️ A worry about a child") and "ALO 183" in english.text

    # The rule itself: in quiet hours, sent now, not deferred to the morning.
    async with app_sessions() as session:
        for row in rows:
            person = await session.get(Person, row.person_id)
            identities = list((await session.scalars(
                select(ChannelIdentity).where(ChannelIdentity.person_id == row.person_id))).all())
            assert isinstance(decide(row, person, identities, NIGHT), Send)
    # And the real sender delivers both at 23:00.
    sender = Sender(app.bot, app_sessions, clock, timer=VirtualTimer(), rng=random.Random(1))  # type: ignore[arg-type]
    assert await sender.drain() >= 2
    zeynep_chat = ChatUser(app, api, user_id=int(await _external_id(app_sessions, zeynep.person_id)))
    john_chat = ChatUser(app, api, user_id=int(await _external_id(app_sessions, john.person_id)))
    assert any(NOTE in text and "Elif Şahin" in text for text in zeynep_chat.texts())
    assert any("raised a worry about a child" in text for text in john_chat.texts())
    assert {r.status for r in await urgent_rows(app_sessions)} == {"sent"}

    # A second tap on the old "without a note" button of the same opening tells no one twice.
    guidance = next(m for m in reversed(user.messages()) if "ALO 183" in m.get("text", "")
                    and m.get("reply_markup"))
    await user.press("Mentorlarıma notsuz haber ver", message=guidance)
    assert "zaten haber verildi" in user.last_text()
    assert len(await worries(app_sessions)) == 1 and len(await urgent_rows(app_sessions)) == 2


async def _external_id(sessions: async_sessionmaker[AsyncSession], person_id: int) -> str:
    async with sessions() as session:
        found = await session.scalar(select(ChannelIdentity.external_user_id)
                                     .where(ChannelIdentity.person_id == person_id))
    assert found is not None
    return found


async def test_coordinators_see_a_count_and_no_note_and_forgetme_erases_the_note(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    mentee = await make_member(app_sessions, clock.now(), group, name="Elif Şahin", user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca")
    month_start = datetime(2026, 11, 1, tzinfo=UTC)

    await user.send("/worry")
    await user.send(NOTE)
    clock.advance(timedelta(minutes=5))
    await user.send("/worry")
    await user.press("Mentorlarıma notsuz haber ver")
    assert "1 mentora şimdi haber verildi" in user.last_text()

    async with app_sessions() as session:
        assert await worries_count(session, setup.programme.id, month_start) == 2
        assert await worries_count(session, setup.programme.id, clock.now()) == 1
        assert await worries_count(session, setup.programme.id + 1000, month_start) == 0

    # A coordinator's /worry shows what to do, offers nothing and stores nothing; /report names no one.
    coordinator = ChatUser(app, api, user_id=7301)
    await add_coordinator(app_sessions, setup.programme.id, coordinator.user_id, clock.now())
    await coordinator.send("/worry")
    assert "ALO 183" in coordinator.last_text() and "haber verilecek bir mentor yok" in coordinator.last_text()
    assert coordinator.buttons() == []
    await coordinator.send("/report")
    seen = "\n".join(coordinator.texts())
    assert NOTE not in seen and "Elif" not in seen and "morluk" not in seen
    # Only the count: two worries in the last 30 days.
    assert "Son 30 günde bir çocuk için bildirilen endişeler: 2" in seen
    assert len(await worries(app_sessions)) == 2

    async with app_sessions() as session:
        # The mentors' copies name the person, so erasing them reaches those copies.
        assert set((await session.scalars(select(OutboxMention.person_id))).all()) == {mentee.person_id}

    # /mydata counts the worries; /forgetme erases the note (and the mentors' copies), the count stays.
    await user.send("/mydata")
    assert any("Bir çocuk için bildirdiğiniz endişeler: 2" in text for text in user.texts())
    await user.send("/forgetme")
    confirm = next(data for row in user.messages()[-1]["reply_markup"]["inline_keyboard"] for data in
                   (b["callback_data"] for b in row) if data.startswith("privacy:forget:"))
    await user.press_data(confirm, user.messages()[-1])
    stored = await worries(app_sessions)
    assert len(stored) == 2 and all(w.note is None for w in stored)
    assert all(w.person_id == mentee.person_id for w in stored)
    assert all(NOTE not in r.text and "Elif" not in r.text for r in await urgent_rows(app_sessions))
    async with app_sessions() as session:
        assert await worries_count(session, setup.programme.id, month_start) == 2


async def test_the_reflection_hints_and_its_button_opens_the_path(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, name="Elif Şahin", user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca")
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    assert "çocukların adını" not in user.last_text()  # a question with buttons has no hint
    await to_first_text_question(user)
    assert "çocukların adını yazmayın" in user.last_text()  # a text question carries the hint
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    await send_photo(user, caption="Resim")
    await user.press("Evet, saklansın")  # the media consent, asked at the first photo
    assert "hiçbir çocuğun tanınamadığından emin olun" in user.last_text()
    assert "soru 7/9" in user.last_text() and "çocukların adını yazmayın" in user.last_text()
    await user.send("Gelecek hafta aynı oyunu akşam deneyeceğim.")
    assert "soru 8/9" in user.last_text() and "çocukların adını" not in user.last_text()  # a choice
    await user.press("Evet")
    await user.press("Geç")
    await user.press("Mentorlarıma gönder")
    assert "mentorlarınıza gönderildi" in user.last_text()
    assert user.buttons() == ["Bir çocuk için endişeliyim"]

    await user.press("Bir çocuk için endişeliyim")
    assert "ALO 183" in user.last_text() and user.buttons() == ["Mentorlarıma notsuz haber ver", "Şimdi değil"]
    await user.press("Şimdi değil")
    assert "ALO 183" in user.last_text() and user.buttons() == []  # the guidance stays, nothing is sent
    assert await worries(app_sessions) == [] and await urgent_rows(app_sessions) == []
    await user.send("Bu artık bir not değil.")  # nothing waits for a note any more
    assert await worries(app_sessions) == []
