"""The join flow through the real handlers: invite -> language -> consent -> welcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.privacy.consent import NOTICE_VERSION
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role
from tests.support.notice import shown_notice
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme, single_invite


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    return {
        "people": await count(sessions, Person),
        "identities": await count(sessions, ChannelIdentity),
        "memberships": await count(sessions, Membership),
        "consents": await count(sessions, ConsentRecord),
    }


NOTHING = {"people": 0, "identities": 0, "memberships": 0, "consents": 0}


async def test_turkish_join_goes_through_language_consent_and_welcome(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())

    await user.send(f"/start {setup.codes['mentee1']}")
    question = user.last_text()
    assert "Lütfen dilinizi seçin" in question and "Please choose your language" in question
    assert user.buttons() == ["Türkçe", "English"]
    assert await counts(app_sessions) == NOTHING

    await user.press("Türkçe")
    notice = shown_notice(user)
    assert "KVKK" in notice and "Veri sorumlusu: Ankara İl Müdürlüğü" in notice
    assert "bir rıza değildir" in notice, "reading the notice is confirmed, not consented to"
    assert "bittikten sonra 180 gün boyunca" in notice and "30 gün" in notice
    assert user.buttons() == ["Okudum", "Şimdi değil"]
    assert await counts(app_sessions) == NOTHING, "nothing is stored before the notice is read"

    await user.press("Okudum")
    texts = user.texts()
    assert "Teşekkürler, kaydedildi" in texts[-3]
    welcome = texts[-2]
    assert "öz değerlendirme" in texts[-1].lower(), "a new mentee is offered the baseline self-assessment"
    assert "Hoş geldiniz Ayşe Yılmaz!" in welcome
    assert "Grup 1 grubunda menti (Nar Taneleri)" in welcome
    assert "/help" in welcome
    assert await counts(app_sessions) == {"people": 1, "identities": 1, "memberships": 1, "consents": 1}

    async with app_sessions() as session:
        person = await session.scalar(select(Person))
        membership = await session.scalar(select(Membership))
        consent = await session.scalar(select(ConsentRecord))
        identity = await session.scalar(select(ChannelIdentity))
    assert person is not None and person.locale == "tr" and person.timezone == "Europe/Istanbul"
    assert membership is not None and membership.role == Role.MENTEE.value
    assert membership.group_id == setup.groups[0].id
    assert consent is not None and consent.notice_version.startswith(f"{NOTICE_VERSION}.n")
    assert consent.accepted_at == clock.now() and consent.declined_at is None
    assert identity is not None and identity.external_user_id == "5001" and identity.chat_id == "5001"

    menus = [call for call in user.api.calls_of("setMyCommands") if "scope" in call]
    assert menus and menus[-1]["scope"] == {"type": "chat", "chat_id": 5001}
    menu = [c["command"] for c in menus[-1]["commands"]]
    assert menu[-6:] == ["mydata", "forgetme", "privacy", "language", "help", "start"]


async def test_english_join_speaks_english_and_stores_the_choice(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await user.send(f"/start {setup.codes['mentor1']}")
    await user.press("English")
    assert "Please confirm that you have read this notice" in user.last_text()
    await user.press("I have read it")
    assert "Mentor of group Grup 1 (Nar Taneleri)" in user.last_text()
    assert "digest" in user.last_text()
    async with app_sessions() as session:
        person = await session.scalar(select(Person))
    assert person is not None and person.locale == "en"


async def test_declining_stores_only_the_refusal(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    code = setup.codes["mentee1"]
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Şimdi değil")
    assert f"/start {code}" in user.last_text()
    assert "hiçbir bilgi kaydedilmedi" in user.last_text()
    assert await counts(app_sessions) == {**NOTHING, "consents": 1}
    async with app_sessions() as session:
        refusal = await session.scalar(select(ConsentRecord))
    assert refusal is not None
    assert refusal.person_id is None and refusal.declined_at == clock.now() and refusal.accepted_at is None

    # Coming back later works: the same code still joins.
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Okudum")
    assert await count(app_sessions, Person) == 1


async def test_start_without_code_explains_how_to_join(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    await user.send("/start")
    assert "davet bağlantısını" in user.last_text()
    assert await counts(app_sessions) == NOTHING


async def test_unknown_expired_and_used_codes_get_clear_answers(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    group = setup.groups[0]
    expiring = await single_invite(app_sessions, clock.now(), setup.programme, group, valid_for=timedelta(days=1))
    single = await single_invite(app_sessions, clock.now(), setup.programme, group)

    first = ChatUser(app, api, user_id=6001, language_code="en")
    await first.send("/start zzzzzzzzzz")
    assert "I do not know this invite code." in first.last_text()
    await first.send("/start " + "x" * 200)
    assert "I do not know this invite code." in first.last_text()

    await first.send(f"/start {single}")
    await first.press("English")
    await first.press("I have read it")
    second = ChatUser(app, api, user_id=6002, language_code="tr")
    await second.send(f"/start {single}")
    assert "Bu davet zaten kullanılmış." in second.last_text()

    clock.advance(timedelta(days=2))
    await second.send(f"/start {expiring}")
    assert "Bu davetin süresi dolmuş." in second.last_text()
    assert await count(app_sessions, Person) == 1


async def test_a_member_who_starts_again_sees_where_they_are_and_nothing_is_duplicated(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    code = setup.codes["mentee1"]
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Okudum")
    before = await counts(app_sessions)

    await user.send(f"/start {code}")
    assert "Programdaki rolleriniz" in user.last_text()
    await user.send("/start")
    assert "Grup 1 grubunda menti" in user.last_text()
    assert await counts(app_sessions) == before


async def test_a_member_can_take_a_second_role_with_a_new_code(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    await user.send(f"/start {setup.codes['mentor1']}")
    await user.press("Türkçe")
    await user.press("Okudum")
    await user.send(f"/start {setup.codes['mentor2']}")
    assert "Grup 2 grubunun mentoru" in user.last_text()
    assert await count(app_sessions, Membership) == 2
    assert await count(app_sessions, ConsentRecord) == 1


async def test_old_join_buttons_change_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await user.send(f"/start {setup.codes['mentee1']}")
    await user.press("Türkçe")
    notice = user.messages()[-1]
    notice_copy = {**notice, "reply_markup": dict(notice["reply_markup"])}
    await user.press("Okudum")
    # A second tap on the same (old) consent message.
    await user.press("Okudum", message=notice_copy)
    assert "Zaten katıldınız." in user.texts()[-1] or "Zaten katıldınız." in notice["text"]
    assert await counts(app_sessions) == {"people": 1, "identities": 1, "memberships": 1, "consents": 1}


async def test_consent_after_the_code_expired_stores_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    code = await single_invite(app_sessions, clock.now(), setup.programme, setup.groups[0], valid_for=timedelta(hours=1))
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    clock.advance(timedelta(hours=2))
    await user.press("Okudum")
    assert "süresi dolmuş" in user.last_text()
    assert await counts(app_sessions) == NOTHING


async def test_forged_join_data_is_refused(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await seed_programme(app_sessions, clock.now())
    message = {"message_id": 1, "date": 0, "chat": {"id": 5001, "type": "private"}, "text": "x"}
    for data in ("join:yes:xx:abc", "join:yes:tr", "join:yes:tr:nonexistent", "join:hack:tr:abc"):
        await user.press_data(data, message)
    assert await counts(app_sessions) == NOTHING
    assert len(user.api.calls_of("answerCallbackQuery")) == 4


async def test_roster_name_is_used_instead_of_the_telegram_name(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    code = await single_invite(app_sessions, clock.now(), setup.programme, setup.groups[0], name="Fatma Demir")
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    await user.press("Okudum")
    assert "Hoş geldiniz Fatma Demir!" in user.texts()[-2]


async def test_a_shared_group_link_lets_several_people_join(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    for user_id in (7001, 7002, 7003):
        person = ChatUser(app, api, user_id=user_id)
        await person.send(f"/start {setup.codes['mentee1']}")
        await person.press("Türkçe")
        await person.press("Okudum")
        assert "Hoş geldiniz" in person.texts()[-2]
    assert await count(app_sessions, Membership) == 3
