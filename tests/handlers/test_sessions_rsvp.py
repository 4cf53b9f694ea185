"""RSVPs, /sessions, moving and cancelling sessions through the real handlers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import Role
from storage.models.sessions import GroupSession, SessionRsvp
from tests.support.app import AppFactory
from tests.support.sessions import cast, chat, make_member, plan_session, press_on, rows

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # Wednesday 18:30 in Istanbul
REFUSED = "Bu işlem size açık değil."


async def rsvp_of(
    sessions: async_sessionmaker[AsyncSession], session_id: int, person_id: int
) -> SessionRsvp | None:
    async with sessions() as session:
        return await session.get(SessionRsvp, (session_id, person_id))


async def statuses(
    sessions: async_sessionmaker[AsyncSession], kind: str, person_id: int | None = None
) -> list[str]:
    return [r.status for r in await rows(sessions, kind, person_id)]


async def test_rsvp_from_the_invitation_is_stored_and_not_coming_stops_the_reminders(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    ayse = chat(app, api, "ayse")
    invitation = (await rows(sessions, "session_invite", people.ayse.person_id))[0]

    await press_on(ayse, invitation, "Geliyorum")
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Teşekkürler, yanıtınız kaydedildi."
    assert "Yanıtınız: Geliyorum" in ayse.last_text()
    answer = await rsvp_of(sessions, sid, people.ayse.person_id)
    assert answer is not None and answer.answer == "yes" and answer.answered_at == clock.now()

    clock.advance(timedelta(hours=1))
    await press_on(ayse, invitation, "Gelmiyorum")
    answer = await rsvp_of(sessions, sid, people.ayse.person_id)
    assert answer is not None and answer.answer == "no" and answer.answered_at == clock.now()
    assert await statuses(sessions, "session_reminder", people.ayse.person_id) == [
        "cancelled",
        "cancelled",
    ]
    assert set(await statuses(sessions, "session_reminder", people.john.person_id)) == {"pending"}

    await press_on(ayse, invitation, "Emin değilim")
    assert await statuses(sessions, "session_reminder", people.ayse.person_id) == [
        "pending",
        "pending",
    ]
    answer = await rsvp_of(sessions, sid, people.ayse.person_id)
    assert answer is not None and answer.answer == "maybe"


async def test_sessions_lists_my_answer_and_lets_me_change_it_in_english(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    john = chat(app, api, "john")
    await john.send("/sessions")
    assert john.last_text() == "There are no upcoming group sessions."
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    await john.send("/sessions")
    assert "Upcoming group sessions:" in john.texts()[-2]
    card = john.last_text()
    assert "Wednesday, November 25, 2026, 3:30" in card and "Your answer: not given yet" in card
    assert john.buttons() == ["I'm coming", "Not coming", "Not sure"], (
        "a mentee cannot move or cancel"
    )
    await john.press("Not coming")
    assert "Your answer: Not coming" in john.last_text()
    answer = await rsvp_of(sessions, sid, people.john.person_id)
    assert answer is not None and answer.answer == "no"

    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/sessions")
    assert (
        "Yanıtlar: 1 geliyor, 1 gelmiyor, 0 emin değil, 2 henüz yanıt vermedi" in zeynep.last_text()
    )
    assert zeynep.buttons()[-2:] == ["Ertele / taşı", "İptal et"]


async def test_moving_a_session_replans_and_tells_everyone(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    ayse = chat(app, api, "ayse")
    await press_on(
        ayse, (await rows(sessions, "session_invite", people.ayse.person_id))[0], "Gelmiyorum"
    )

    clock.advance(timedelta(hours=2))
    mark = chat(app, api, "mark")
    await mark.send("/sessions")
    await mark.press("Move")
    assert "New time for the session of Grup 1." in mark.last_text()
    await mark.send("27.11.2026")
    await mark.press("17:00")
    assert "The session has been moved; everyone will be told." in mark.last_text()
    new_start = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
    assert found is not None and found.starts_at == new_start and found.version == 2

    old = [r for r in await rows(sessions) if r.batch_key == f"session:{sid}:v1"]
    assert old and {r.status for r in old} == {"cancelled"}, "nothing of the old time goes out"
    moved = await rows(sessions, "session_moved")
    assert sorted(r.person_id for r in moved) == sorted(
        p.person_id for p in (people.zeynep, people.ayse, people.john)
    )
    assert all(r.not_before == clock.now() and r.idempotency_key.endswith(":2") for r in moved)
    ayse_moved = next(r for r in moved if r.person_id == people.ayse.person_id)
    assert (
        "Grup mentorluk görüşmesinin zamanı değiştirildi." in ayse_moved.text
        and "17:00" in ayse_moved.text
    )
    new_reminders = [
        r for r in await rows(sessions, "session_reminder") if r.batch_key == f"session:{sid}:v2"
    ]
    assert {r.person_id for r in new_reminders} == {
        people.zeynep.person_id,
        people.mark.person_id,
        people.john.person_id,
    }, "Ayşe said no"
    assert {r.not_before for r in new_reminders} == {
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
    }
    assert {r.expires_at for r in new_reminders} == {new_start}
    # Ayşe can come at the new time after all: the moved notice asks again, and her reminders come.
    await press_on(ayse, ayse_moved, "Geliyorum")
    hers = [
        r
        for r in await rows(sessions, "session_reminder", people.ayse.person_id)
        if r.batch_key == f"session:{sid}:v2"
    ]
    assert sorted((r.not_before, r.status) for r in hers) == [
        (new_start - timedelta(hours=24), "pending"),
        (new_start - timedelta(hours=1), "pending"),
    ]


async def test_cancelling_tells_everyone_and_cancels_reminders(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/sessions")
    await zeynep.press("İptal et")
    assert "Bu görüşme iptal edilsin mi?" in zeynep.last_text()
    await zeynep.press("Hayır, kalsın")
    assert set(await statuses(sessions, "session_reminder")) == {"pending"}
    await zeynep.press("İptal et")
    await zeynep.press("Evet, iptal et")
    assert "Görüşme iptal edildi; herkese haber verilecek." in zeynep.last_text()
    assert set(await statuses(sessions, "session_reminder")) == {"cancelled"}
    assert set(await statuses(sessions, "session_invite")) == {"cancelled"}
    notices = await rows(sessions, "session_cancelled")
    assert sorted(r.person_id for r in notices) == sorted(
        p.person_id for p in (people.mark, people.ayse, people.john)
    )
    john_notice = next(r for r in notices if r.person_id == people.john.person_id)
    assert "The group mentoring session has been cancelled." in john_notice.text

    # The stale invitation button gets a polite note and changes nothing.
    ayse = chat(app, api, "ayse")
    await press_on(
        ayse, (await rows(sessions, "session_invite", people.ayse.person_id))[0], "Geliyorum"
    )
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu görüşme iptal edildi."
    assert await rsvp_of(sessions, sid, people.ayse.person_id) is None
    await zeynep.send("/sessions")
    assert zeynep.last_text().startswith("Yaklaşan grup mentorluk görüşmesi yok.")


async def test_started_sessions_and_foreign_or_forged_buttons_change_nothing(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    deniz = chat(app, api, "deniz")
    await deniz.send("/sessions")
    message = deniz.messages()[-1]
    before = [(r.id, r.status) for r in await rows(sessions)]
    for data in (
        f"ses:mv:{sid}",
        f"ses:xc:{sid}",
        f"ses:r:{sid}:y",
        "ses:xc:999999",
    ):
        await deniz.press_data(data, message)
        assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED, data
    for data in ("ses:zz:1", "ses:r:x:y", f"ses:r:{sid}:q"):  # no button carries these
        await deniz.press_data(data, message)
        assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu düğme artık geçerli değil.", data
    assert [(r.id, r.status) for r in await rows(sessions)] == before
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert found is not None and found.status == "planned" and found.version == 1
        assert list(
            await session.scalars(
                select(SessionRsvp.person_id).where(SessionRsvp.session_id == sid)
            )
        ) == [people.zeynep.person_id]

    clock.set(START + timedelta(minutes=5))
    ayse = chat(app, api, "ayse")
    await press_on(
        ayse, (await rows(sessions, "session_invite", people.ayse.person_id))[0], "Geliyorum"
    )
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == "Bu görüşme zaten başladı."
    assert await rsvp_of(sessions, sid, people.ayse.person_id) is None


async def test_a_coordinator_sees_the_programmes_sessions_as_numbers_only(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    coordinator = await make_member(
        sessions, clock.now(), people.group, Role.COORDINATOR, 7301, name="Koray"
    )
    koray = chat(app, api, "koray")
    await koray.send("/sessions")
    assert (
        "Yanıtlar: 1 geliyor, 0 gelmiyor, 0 emin değil, 3 henüz yanıt vermedi" in koray.last_text()
    )
    assert "Yanıtınız" not in koray.last_text() and koray.buttons() == []
    await koray.press_data(f"ses:r:{sid}:y", koray.messages()[-1])
    await koray.press_data(f"ses:xc:{sid}", koray.messages()[-1])
    assert api.calls_of("answerCallbackQuery")[-1]["text"] == REFUSED
    await koray.send("/session")
    assert koray.last_text() == REFUSED
    assert await rsvp_of(sessions, sid, coordinator.person_id) is None
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
    assert found is not None and found.status == "planned"
