"""/digest through the real handlers: the digest, a mentee's detail, the chart switch, refusals, restart."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.services import SERVICES_KEY
from mentoring.audit import entries
from mentoring.clock import ManualClock
from mentoring.digest.detail import DETAIL_ACTION
from storage.models import Membership
from storage.models.digests import DigestPreference
from tests.support.app import AppFactory
from tests.support.digest import MESSAGE, SECRET, TR_MORNING, Seeded, seed_group
from tests.support.offline import ChatUser


async def _setup(make_app: AppFactory, clock: ManualClock, *, groups: int = 1):  # type: ignore[no-untyped-def]
    app, api = await make_app()
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    seeded = [await seed_group(sessions, clock.now(), name=f"Grup {i}", base=7000 + 100 * i)
              for i in range(1, groups + 1)]
    clock.set(TR_MORNING)
    return app, api, sessions, seeded


def _user(app, api, seeded: Seeded, who: str, language: str = "tr") -> ChatUser:  # type: ignore[no-untyped-def]
    return ChatUser(app, api, user_id=int(seeded.external[who]), language_code=language)


def _digest_message(user: ChatUser) -> dict:  # type: ignore[type-arg]
    return next(m for m in reversed(user.messages()) if "reply_markup" in m and "dg:c:" in str(m["reply_markup"]))


async def test_digest_with_chart_in_turkish_and_english(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, _, (seeded,) = await _setup(make_app, clock)
    mert, maria = _user(app, api, seeded, "Mert"), _user(app, api, seeded, "Maria", "en")
    await mert.send("/digest")
    photos = [c for c in api.calls_of("sendPhoto") if int(c["chat_id"]) == mert.user_id]
    assert len(photos) == 1
    text = mert.last_text()
    assert "Yansıtma: 5 mentiden 3" in text and MESSAGE in text and SECRET not in text
    assert mert.buttons()[:5] == ["Ayşe", "Burak", "Cem", "Deniz", "Elif"]
    await maria.send("/digest")
    assert "Reflections: 3 of 5" in maria.last_text() and "AM" in maria.last_text()


async def test_detail_button_audited_and_chart_switch_survives_restart(make_app: AppFactory,
                                                                        clock: ManualClock) -> None:
    app, api, sessions, (seeded,) = await _setup(make_app, clock)
    maria = _user(app, api, seeded, "Maria", "en")
    await maria.send("/digest")
    await maria.press("Ayşe")
    assert "Latest reflection (week 2)" in maria.last_text() and MESSAGE in maria.last_text()
    await maria.press("Turn the chart off")
    assert maria.last_text() == "Your digests will come without the chart."
    assert "Turn the chart on" in maria.buttons(_digest_message(maria))
    # A restart: a new application on the same database remembers the choice.
    app2, api2 = await make_app()
    maria2 = ChatUser(app2, api2, user_id=maria.user_id, language_code="en")
    await maria2.send("/digest")
    assert api2.calls_of("sendPhoto") == []
    assert "Turn the chart on" in maria2.buttons()
    async with sessions() as session:
        pref = await session.scalar(select(DigestPreference))
        logged = [e.subject_person_id for e in await entries(session) if e.action == DETAIL_ACTION]
    assert pref is not None and pref.chart_off and logged == [seeded.people["Ayşe"]]


async def test_foreign_forged_and_stale_buttons_show_nothing(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, sessions, (first, second) = await _setup(make_app, clock, groups=2)
    mert = _user(app, api, first, "Mert")
    await mert.send("/digest")
    digest_message = _digest_message(mert)
    sent = len(mert.messages())
    # A mentor of another group, a mentee of this one, and a forged person id: refused, nothing shown.
    other = _user(app, api, second, "Mert")
    await other.press_data(f"dg:m:{first.group_id}:{first.people['Ayşe']}", digest_message)
    ayse = _user(app, api, first, "Ayşe")
    await ayse.press_data(f"dg:m:{first.group_id}:{first.people['Burak']}", digest_message)
    await mert.press_data(f"dg:m:{first.group_id}:{second.people['Burak']}", digest_message)
    await mert.press_data("dg:m:x", digest_message)
    assert len(mert.messages()) == sent and other.messages() == [] and ayse.messages() == []
    answers = [c for c in api.calls_of("answerCallbackQuery") if c.get("show_alert")]
    assert len(answers) == 4
    assert answers[-1]["text"] == "Bu düğme artık geçerli değil."  # dg:m:x: no button carries it
    async with sessions() as session:
        assert [e for e in await entries(session) if e.action == DETAIL_ACTION] == []


async def test_mentee_and_group_choice(make_app: AppFactory, clock: ManualClock) -> None:
    app, api, sessions, (first, second) = await _setup(make_app, clock, groups=2)
    ayse = _user(app, api, first, "Ayşe")
    await ayse.send("/digest")
    assert "mentorları" in ayse.last_text() and "5 mentiden" not in ayse.last_text()
    # Mert mentors both groups: he chooses, and gets the chosen group's digest.
    async with sessions.begin() as session:
        session.add(Membership(person_id=first.people["Mert"], programme_id=second.programme_id,
                               group_id=second.group_id, role="mentor", joined_at=clock.now()))
    mert = _user(app, api, first, "Mert")
    await mert.send("/digest")
    assert mert.last_text() == "Hangi grubun haftalık özeti?" and mert.buttons() == ["Grup 1", "Grup 2"]
    await mert.press("Grup 2")
    assert "Grup 2" in mert.last_text() and "Yansıtma: 5 mentiden 3" in mert.last_text()
