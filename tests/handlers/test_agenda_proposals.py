"""From practice to the group (issue #14, point 3) through the real handlers: agenda proposals from
reflections and from mentees, the mentors' decision, and roles on agenda topics.

The cast (tests/support/sessions.py): group 1 with mentors Zeynep (tr) and Mark (en), mentees Ayşe
(tr) and John (en); group 2 with mentor Deniz.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.sessions.proposals import KIND_DECISION, KIND_ROLE
from storage.models import Role
from storage.models.agenda import AgendaProposal, AgendaRole
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import AgendaTopic
from tests.support.app import AppFactory
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN
from tests.support.sessions import USER_IDS, cast, chat, make_member, press_on, rows

REFUSED = "Bu işlem size açık değil."


def _api_alert(user: ChatUser) -> str:
    return str(user.api.calls_of("answerCallbackQuery")[-1].get("text", ""))


async def _all(sessions: async_sessionmaker[AsyncSession], model: Any) -> list[Any]:
    async with sessions() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def reflect(user: ChatUser, locale: str, *, bring: str, numbers_only: bool = False) -> None:
    """Answer the open reflection whatever its questions: each text question "Answer <n>", each scale 4,
    "bring it to the group session" with `bring`; then send it."""
    tr = translator(locale)
    # The options' labels are the question set's own words (mentoring/reflection/questions.py).
    send, wanted = tr.gettext("Send to my mentors"), {"tr": {"yes": "Evet", "maybe": "Belki"},
                                                      "en": {"yes": "Yes", "maybe": "Maybe"}}[locale][bring]
    skip = tr.gettext("Skip")
    await user.send("/reflect")
    for n in range(1, 30):
        buttons = user.buttons()
        if send in buttons:
            break
        choices = [b for b in buttons if b != skip]
        if wanted in choices:
            await user.press(wanted)
        elif "4" in choices:
            await user.press("4")
        elif choices:
            await user.press(choices[0])
        else:
            await user.send(f"Answer {n}")
    else:
        raise AssertionError(user.last_text())
    if numbers_only:
        await user.press(next(b for b in user.buttons() if b.startswith("☐")))
    await user.press(send)


async def hard_text(sessions: async_sessionmaker[AsyncSession], person_id: int) -> str | None:
    async with sessions() as session:
        return await session.scalar(
            select(ReflectionAnswer.text).join(Reflection, Reflection.id == ReflectionAnswer.reflection_id)
            .where(Reflection.person_id == person_id, ReflectionAnswer.question_key == "hard"))


async def test_a_yes_reflection_becomes_a_proposal_a_mentor_accepts_and_the_mentee_is_told(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    clock.set(WEEK1_OPEN)
    ayse = chat(app, api, "ayse")
    await reflect(ayse, "tr", bring="yes")
    hard = await hard_text(sessions, people.ayse.person_id)
    assert hard and hard.startswith("Answer")
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.person_id, proposal.group_id, proposal.status, proposal.text) == (
        people.ayse.person_id, people.group.id, "pending", hard)
    assert proposal.reflection_id is not None

    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    assert "Bekleyen öneriler (1)" in zeynep.buttons()
    await zeynep.press("Bekleyen öneriler (1)")
    assert f"1. Ayşe — “{hard}”" in zeynep.last_text()
    await zeynep.press("1. Ayşe")
    assert zeynep.last_text() == f"Ayşe öneriyor:\n“{hard}”"
    await zeynep.press("Başlık vererek kabul et")
    await zeynep.send("Zor anlarda sakin kalmak")
    assert zeynep.last_text().startswith("Gündeme eklendi; Ayşe bilgilendirilecek.")
    assert "Bekleyen öneri yok." in zeynep.last_text()

    [topic] = await _all(sessions, AgendaTopic)
    assert (topic.title, topic.group_id, topic.created_by) == (
        "Zor anlarda sakin kalmak", people.group.id, people.zeynep.person_id)
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.status, proposal.topic_id, proposal.decided_by) == ("accepted", topic.id, people.zeynep.person_id)
    [told] = await rows(sessions, KIND_DECISION)
    assert told.person_id == people.ayse.person_id
    assert told.text.startswith("✅ Zeynep önerinizi grup görüşmesinin gündemine aldı:")
    assert "Konu: Zor anlarda sakin kalmak" in told.text
    await press_on(ayse, told, "Gündemi göster")
    assert ayse.last_text().startswith("Grup 1 grubunun formal gündemi:\n1. Zor anlarda sakin kalmak")

    # Decided once: the old button now says so, and changes nothing.
    await zeynep.press_data(f"agd:pd:{proposal.id}", zeynep.messages()[-1])
    assert _api_alert(zeynep) == "Bu öneri için zaten karar verildi."
    assert len(await rows(sessions, KIND_DECISION)) == 1


async def test_a_numbers_only_reflection_proposes_without_text_and_maybe_proposes_nothing(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    clock.set(WEEK1_OPEN)
    await reflect(chat(app, api, "john"), "en", bring="yes", numbers_only=True)
    await reflect(chat(app, api, "ayse"), "tr", bring="maybe")
    assert await hard_text(sessions, people.john.person_id)  # John wrote it; his mentors may not read it
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.person_id, proposal.text) == (people.john.person_id, None)

    mark = chat(app, api, "mark")
    await mark.send("/agenda")
    await mark.press("Proposals waiting (1)")
    assert "1. John — (from the reflection of week 1; no text shared)" in mark.last_text()
    assert "Answer" not in mark.last_text()
    await mark.press("1. John")
    assert "✅ Accept as it is" not in mark.buttons() and "Accept with a title" in mark.buttons()
    # Forged "accept as it is" on a proposal with no words: a title is needed.
    await mark.press_data(f"agd:pa:{proposal.id}", mark.messages()[-1])
    assert _api_alert(mark) == "Please write some text."
    await mark.press("Accept with a title")
    await mark.send("Keeping calm")
    [topic] = await _all(sessions, AgendaTopic)
    assert topic.title == "Keeping calm"
    [told] = await rows(sessions, KIND_DECISION)
    assert "(from the reflection of week 1; no text shared)" in told.text and "Answer" not in told.text


async def test_a_mentees_own_proposal_is_declined_and_the_mentee_is_told(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    ayse = chat(app, api, "ayse")
    await ayse.send("/agenda")
    assert ayse.last_text().startswith("Grup 1 grubunun formal gündemi:\nGündem boş.")
    await ayse.press("Konu öner")
    assert "en fazla 200 karakter" in ayse.last_text() and "çocuğun adını" in ayse.last_text()
    await ayse.send_voice()
    assert ayse.last_text() == "Lütfen bunu yazılı bir mesaj olarak gönderin."
    await ayse.send("   ")
    assert ayse.last_text() == "Lütfen bir metin yazın."
    await ayse.send("ç" * 201)
    assert ayse.last_text() == "Bu çok uzun (201 karakter). Lütfen en fazla 200 karakter yazın."
    assert await _all(sessions, AgendaProposal) == []
    await ayse.send("Gece vardiyasından sonra  çocuklarla sabah rutini")
    assert "Mentorlarınız önerinizi görecek" in ayse.messages()[-2]["text"]
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.text, proposal.reflection_id, proposal.status) == (
        "Gece vardiyasından sonra çocuklarla sabah rutini", None, "pending")

    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    await zeynep.press("Bekleyen öneriler (1)")
    await zeynep.press("1. Ayşe")
    await zeynep.press("❌ Öneriyi kabul etme")
    assert zeynep.last_text().startswith("Kabul edilmedi; Ayşe bilgilendirilecek.")
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.status, proposal.topic_id, proposal.decided_by) == ("declined", None, people.zeynep.person_id)
    assert await _all(sessions, AgendaTopic) == []
    [told] = await rows(sessions, KIND_DECISION, people.ayse.person_id)
    assert told.text.startswith("Zeynep önerinizi bu kez grubun gündemine almadı:")
    assert "“Gece vardiyasından sonra çocuklarla sabah rutini”" in told.text
    await zeynep.send("/agenda")
    assert not [b for b in zeynep.buttons() if b.startswith("Bekleyen öneriler")]


async def test_only_the_groups_mentors_decide_and_only_its_mentees_propose(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    ayse = chat(app, api, "ayse")
    await ayse.send("/agenda")
    await ayse.press("Konu öner")
    await ayse.send("Empati")
    [proposal] = await _all(sessions, AgendaProposal)
    group2 = people.setup.groups[1]
    await make_member(sessions, clock.now(), people.group, Role.COORDINATOR, USER_IDS["koray"], name="Koray")
    await make_member(sessions, clock.now(), group2, Role.MENTEE, 7299, name="Selin")
    selin = ChatUser(app, api, user_id=7299, first_name="Selin", last_name=None)
    deciders = [chat(app, api, "deniz"), chat(app, api, "koray"), selin, chat(app, api, "john"), ayse]
    for who in deciders:
        await who.send("/agenda")
        anywhere = who.messages()[-1]
        for data in (f"agd:pl:{people.group.id}", f"agd:p:{proposal.id}", f"agd:pa:{proposal.id}",
                     f"agd:pe:{proposal.id}", f"agd:pd:{proposal.id}"):
            await who.press_data(data, anywhere)
            expected = "That is not available to you." if who is deciders[3] else REFUSED  # John reads English
            assert _api_alert(who) == expected, (who.first_name, data)
    # A mentee of another group cannot propose for this one; a mentor does not propose.
    await selin.press_data(f"agd:pp:{people.group.id}", selin.messages()[-1])
    assert _api_alert(selin) == "Gündem için konuları grubun mentileri önerir."
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    await zeynep.press_data(f"agd:pp:{people.group.id}", zeynep.messages()[-1])
    assert _api_alert(zeynep) == "Gündem için konuları grubun mentileri önerir."
    [proposal] = await _all(sessions, AgendaProposal)
    assert (proposal.status, proposal.decided_by) == ("pending", None)
    assert await rows(sessions, KIND_DECISION) == []


async def test_a_role_is_asked_accepted_and_shown_and_stale_or_foreign_answers_are_refused(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, api = await make_app()
    sessions = app.bot_data["narbot.services"].sessions
    people = await cast(sessions, clock.now())
    zeynep = chat(app, api, "zeynep")
    await zeynep.send("/agenda")
    for title in ("Empati", "Sınır koymak"):
        await zeynep.press("Konu ekle")
        await zeynep.send(title)
    await zeynep.press("1. Empati")
    await zeynep.press("Bir mentiye görev öner")
    assert zeynep.last_text() == "“Empati” konusunda hangi görev?"
    await zeynep.press("bir vaka getirmek")
    assert zeynep.last_text() == "Kime sormak istersiniz (bir vaka getirmek)?"
    assert zeynep.buttons()[:2] == ["Ayşe", "John"]
    await zeynep.press("Ayşe")
    assert zeynep.last_text().startswith("Soru Ayşe adlı mentiye iletildi; yanıtı burada görünecek.")
    assert "🎭 Ayşe: bir vaka getirmek (soruldu, henüz yanıt yok)" in zeynep.last_text()

    [asked] = await rows(sessions, KIND_ROLE)
    assert asked.person_id == people.ayse.person_id
    assert asked.text.startswith("Zeynep, önümüzdeki grup görüşmelerinden birine “Empati” konusunda işinizden")
    assert "hiçbir çocuğun adını kullanmayın" in asked.text
    ayse = chat(app, api, "ayse")
    await press_on(ayse, asked, "✅ Evet, üstlenirim")
    assert ayse.last_text().startswith("Teşekkürler! “Empati” konusundaki görevi (bir vaka getirmek) kabul ettiniz.")
    [role] = await _all(sessions, AgendaRole)
    assert (role.person_id, role.role, role.status, role.asked_by) == (
        people.ayse.person_id, "case", "accepted", people.zeynep.person_id)
    await zeynep.send("/agenda")
    assert "1. Empati\n   🎭 Ayşe: bir vaka getirmek (kabul etti)\n2. Sınır koymak" in zeynep.last_text()

    # Someone else's request: refused, nothing changes.
    john = chat(app, api, "john")
    await john.send("/agenda")
    await john.press_data(f"agd:rn:{role.id}", john.messages()[-1])
    assert _api_alert(john) == "This request was sent to someone else."
    # Another group's mentor and a coordinator cannot ask for roles.
    deniz = chat(app, api, "deniz")
    await deniz.send("/agenda")
    await deniz.press_data(f"agd:rk:{role.topic_id}:pr:{people.ayse.person_id}", deniz.messages()[-1])
    assert _api_alert(deniz) == REFUSED
    # A mentor cannot ask someone outside the group's mentees.
    await zeynep.press_data(f"agd:rk:{role.topic_id}:pr:{people.deniz.person_id}", zeynep.messages()[-1])
    assert _api_alert(zeynep) == REFUSED
    assert [(r.person_id, r.status) for r in await _all(sessions, AgendaRole)] == [(people.ayse.person_id, "accepted")]
    assert len(await rows(sessions, KIND_ROLE)) == 1

    # Once the topic is gone, the request is stale.
    await zeynep.press("1. Empati")
    await zeynep.press("Sil")
    await press_on(ayse, asked, "❌ Bu kez olmaz")
    assert _api_alert(ayse) == "Bu istek artık geçerli değil."
    assert await _all(sessions, AgendaRole) == []
