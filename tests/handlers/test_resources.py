"""Resources through the real handlers, on both databases: mentors share with their group, coordinators
with the programme or one of its groups; the people it was shared with (and nobody else) see it under
/resources; mentees mark one useful (and unmark it); only the sharer removes it."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.joining.rules import member_view
from mentoring.privacy.rules import erase_person
from mentoring.resources import screens
from storage.models import ChannelIdentity, OutboxMessage, Role
from storage.models.outbox import PRIORITY_BULK
from storage.models.resources import Resource, ResourceMark
from tests.support.notice import add_coordinator
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme
from tests.support.todos import make_member

LINK = "https://example.org/olumlu-disiplin"
NOTE = "Çocuklarla sınır koyarken önce duyguyu adlandırın, sonra kuralı söyleyin."
NOT_AVAILABLE = "Bu işlem size açık değil."


def chat(user: ChatUser, user_id: int) -> ChatUser:
    """The chat of another person (made with make_member(user_id=...))."""
    return ChatUser(user.app, user.api, user_id=user_id)


async def resources(sessions: async_sessionmaker[AsyncSession]) -> list[Resource]:
    async with sessions() as session:
        return list((await session.scalars(select(Resource).order_by(Resource.id))).all())


async def marks(sessions: async_sessionmaker[AsyncSession], resource_id: int) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(ResourceMark)
                                    .where(ResourceMark.resource_id == resource_id)) or 0


def card_of(user: ChatUser, title: str) -> dict:
    return next(m for m in reversed(user.messages()) if title in m.get("text", ""))


def urls(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [b["url"] for row in markup.get("inline_keyboard", []) for b in row if "url" in b]


async def share(sharer: ChatUser, title: str, content: str, *, target: str | None = None) -> None:
    await sharer.send("/resources")
    await sharer.press("➕ Kaynak paylaş")
    if target is not None:
        await sharer.press(target)
    await sharer.send(title)
    await sharer.send(content)


async def test_a_mentors_link_and_a_coordinators_note_reach_exactly_whom_they_were_shared_with(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    group, second = setup.groups
    elsewhere = await seed_programme(app_sessions, clock.now(), name="Başka Program")
    mentee = await make_member(app_sessions, clock.now(), group, name="Elif Şahin", user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca", user_id=7101)
    await make_member(app_sessions, clock.now(), second, name="İkinci Grup Mentisi", user_id=7102)
    await make_member(app_sessions, clock.now(), elsewhere.groups[0], name="Başka Menti", user_id=7103)
    await add_coordinator(app_sessions, setup.programme.id, 7104, clock.now())
    mentor, second_mentee, stranger, coordinator = (chat(user, uid) for uid in (7101, 7102, 7103, 7104))

    # The mentor: one group, so no question where; the audience said before the title is asked.
    await mentor.send("/resources")
    assert "Sizinle henüz bir kaynak paylaşılmadı." in mentor.last_text()
    await mentor.press("➕ Kaynak paylaş")
    assert "Grup 1 grubundaki herkes görecek: grubun mentileri ve mentorları ile programın koordinatörleri." \
        in mentor.last_text()
    assert "en fazla 100 karakter" in mentor.last_text()
    await mentor.send("x" * 101)
    assert "101" in mentor.last_text() and await resources(app_sessions) == []
    await mentor.send("Olumlu disiplin rehberi")
    await mentor.send(LINK)
    assert "Paylaşıldı: Olumlu disiplin rehberi." in mentor.last_text()
    [link] = await resources(app_sessions)
    assert (link.kind, link.url, link.group_id, link.programme_id) == ("link", LINK, group.id, setup.programme.id)

    # The coordinator: the whole programme or one of its groups.
    clock.advance(timedelta(hours=1))
    await coordinator.send("/resources")
    assert "Olumlu disiplin rehberi" in "\n".join(coordinator.texts())  # they see the group's resources
    await coordinator.press("➕ Kaynak paylaş")
    assert coordinator.buttons() == ["🏠 Nar Taneleri programının tamamı", "👥 Grup 1", "👥 Grup 2"]
    await coordinator.press("🏠 Nar Taneleri programının tamamı")
    assert "Nar Taneleri programındaki herkes görecek" in coordinator.last_text()
    await coordinator.send("Sınır koyarken")
    await coordinator.send(NOTE)
    assert "Paylaşıldı: Sınır koyarken." in coordinator.last_text()
    note = (await resources(app_sessions))[-1]
    assert (note.kind, note.note, note.group_id) == ("note", NOTE, None)

    # The group's mentee sees both, newest first, with who shared them; the link as a link button.
    user.new_texts()
    await user.send("/resources")
    shown = user.new_texts()
    assert "(2 kaynaktan 1–2)" in shown[0]
    assert "Sınır koyarken" in shown[1] and NOTE in shown[1] and "Koordinatör Kaya" in shown[1]
    assert "Olumlu disiplin rehberi" in shown[2] and "Zeynep Hoca" in shown[2] and "Grup 1" in shown[2]
    assert "23 Kasım 2026" in shown[2] and "09:00" in shown[2]  # in the reader's zone (06:00 UTC)
    assert urls(card_of(user, "Olumlu disiplin rehberi")) == [LINK]
    # Another group of the programme: only the programme's note. Another programme: nothing.
    await second_mentee.send("/resources")
    assert "Sınır koyarken" in "\n".join(second_mentee.texts())
    assert "Olumlu disiplin rehberi" not in "\n".join(second_mentee.texts())
    await stranger.send("/resources")
    assert stranger.texts() == ["Sizinle henüz bir kaynak paylaşılmadı."]
    assert stranger.buttons() == []

    # Each share was announced to the others it was shared with, in bulk and outside quiet hours.
    async with app_sessions() as session:
        rows = list((await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "resource_shared"))).all())
    told = {(row.person_id, row.idempotency_key.split(":")[1]) for row in rows}
    assert (mentee.person_id, str(link.id)) in told and (mentee.person_id, str(note.id)) in told
    stranger_id = await _person_of(app_sessions, 7103)
    assert all(row.person_id != stranger_id for row in rows)
    assert all(row.priority == PRIORITY_BULK and row.respect_quiet_hours for row in rows)


async def _person_of(sessions: async_sessionmaker[AsyncSession], user_id: int) -> int:
    async with sessions() as session:
        found = await session.scalar(select(ChannelIdentity.person_id)
                                     .where(ChannelIdentity.external_user_id == str(user_id)))
    assert found is not None
    return found


async def test_a_mentee_marks_a_resource_useful_and_a_second_press_unmarks_it(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca", user_id=7201)
    mentor = chat(user, 7201)
    await share(mentor, "Ergenlerle konuşmak", LINK)
    [link] = await resources(app_sessions)

    await user.send("/resources")
    assert "👍 Yararlı (0)" in user.buttons(card_of(user, "Ergenlerle konuşmak"))
    await user.press("👍 Yararlı (0)")
    assert await marks(app_sessions, link.id) == 1
    assert "✅ Yararlı (1)" in user.buttons(card_of(user, "Ergenlerle konuşmak"))
    # The mentor sees the count, with no button to mark.
    await mentor.send("/resources")
    card = card_of(mentor, "Ergenlerle konuşmak")
    assert "Yararlı (1)" in card["text"] and not any("Yararlı" in b for b in mentor.buttons(card))
    await mentor.press_data(f"rs:u:{link.id}", card)
    assert user.api.calls_of("answerCallbackQuery")[-1].get("text") == NOT_AVAILABLE
    assert await marks(app_sessions, link.id) == 1

    await user.press("✅ Yararlı (1)")
    assert await marks(app_sessions, link.id) == 0
    assert "👍 Yararlı (0)" in user.buttons(card_of(user, "Ergenlerle konuşmak"))


async def test_a_mentee_cannot_share_and_a_mentor_cannot_share_with_another_group(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    group, other = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, user_id=7301)
    mentor = chat(user, 7301)

    await user.send("/resources")
    assert user.buttons() == []  # nothing to share with
    for forged in ("rs:a", f"rs:g:{group.id}", f"rs:p:{setup.programme.id}"):
        await user.press_data(forged, user.messages()[-1])
        assert user.api.calls_of("answerCallbackQuery")[-1].get("text") == NOT_AVAILABLE, forged
    await user.send("Başlık sandım")  # no wait was set: nothing is stored
    await mentor.send("/resources")
    for forged in (f"rs:g:{other.id}", f"rs:p:{setup.programme.id}"):
        await mentor.press_data(forged, mentor.messages()[-1])
        assert user.api.calls_of("answerCallbackQuery")[-1].get("text") == NOT_AVAILABLE, forged
    await mentor.send("Başka grubun kaynağı")
    assert await resources(app_sessions) == []


async def test_only_the_sharer_removes_their_resource(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca", user_id=7401)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Can Hoca", user_id=7402)
    sharer, colleague = chat(user, 7401), chat(user, 7402)
    await share(sharer, "Stres yönetimi", NOTE)
    [note] = await resources(app_sessions)

    await colleague.send("/resources")
    card = card_of(colleague, "Stres yönetimi")
    assert "🗑 Kaldır" not in colleague.buttons(card)
    await colleague.press_data(f"rs:y:{note.id}", card)
    assert user.api.calls_of("answerCallbackQuery")[-1].get("text") == NOT_AVAILABLE
    assert len(await resources(app_sessions)) == 1

    await sharer.send("/resources")
    await sharer.press("🗑 Kaldır")
    assert "“Stres yönetimi” kaldırılsın mı?" in sharer.last_text()
    await sharer.press("Evet, kaldır")
    assert "Kaldırıldı: Stres yönetimi." in sharer.last_text()
    assert await resources(app_sessions) == []
    await user.send("/resources")
    assert user.last_text() == "Sizinle henüz bir kaynak paylaşılmadı."


async def test_a_document_is_kept_by_reference_and_opened_on_its_channel(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, user_id=7501)
    mentor = chat(user, 7501)
    await mentor.send("/resources")
    await mentor.press("➕ Kaynak paylaş")
    await mentor.send("Okul desteği formu")
    await mentor.process({"message": mentor._message(document={
        "file_id": "doc-file-1", "file_unique_id": "d1", "file_name": "okul-destegi.pdf"})})
    assert "Paylaşıldı: Okul desteği formu." in mentor.last_text()
    [document] = await resources(app_sessions)
    assert (document.kind, document.file_id, document.file_name, document.file_channel) == (
        "document", "doc-file-1", "okul-destegi.pdf", "telegram")

    await user.send("/resources")
    await user.press("📄 Dosyayı aç")
    sent = user.api.calls_of("sendDocument")[-1]
    assert sent["document"] == "doc-file-1" and int(sent["chat_id"]) == user.user_id

    # A reader now on WhatsApp is told where the file was shared instead.
    async with app_sessions.begin() as session:
        person_id = await session.scalar(select(ChannelIdentity.person_id)
                                         .where(ChannelIdentity.external_user_id == str(user.user_id)))
        session.add(ChannelIdentity(person_id=person_id, channel="whatsapp", external_user_id="905551112233",
                                    chat_id="905551112233", created_at=clock.now()))
    async with app_sessions() as session:
        member = await member_view(session, "telegram", str(user.user_id))
        assert member is not None
        reply = await screens.listing(session, member, 0)
    words = reply.screens[1].text.render(translator("tr"))
    assert "Okul desteği formu" in words
    assert "Dosya Telegram üzerinden paylaşıldı: yalnızca orada açılabilir." in words
    assert not any(choice.data.startswith("rs:o") for choice in reply.screens[1].all_choices())


async def test_the_list_is_paged_five_at_a_time(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, user_id=7601)
    mentor = chat(user, 7601)
    for number in range(1, 8):
        clock.advance(timedelta(minutes=1))
        await share(mentor, f"Kaynak {number}", f"Not {number}")
    user.new_texts()
    await user.send("/resources")
    shown = user.new_texts()
    assert "(7 kaynaktan 1–5)" in shown[0]
    assert [text.split("\n")[0] for text in shown[1:6]] == [f"📝 Kaynak {n}" for n in (7, 6, 5, 4, 3)]
    assert "Sayfa 1/2." in shown[6]
    await user.press("Daha eski ▶")
    shown = user.new_texts()
    assert "(7 kaynaktan 6–7)" in shown[0]
    assert [text.split("\n")[0] for text in shown[1:3]] == ["📝 Kaynak 2", "📝 Kaynak 1"]


async def test_erasing_the_sharer_keeps_the_resource_and_clears_their_note_and_name(
    app_and_api, user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    [group] = setup.groups
    await make_member(app_sessions, clock.now(), group, user_id=user.user_id)
    await make_member(app_sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca", user_id=7701)
    mentor = chat(user, 7701)
    await share(mentor, "Duygu düzenleme", NOTE)
    async with app_sessions.begin() as session:
        await erase_person(session, await _person_of(app_sessions, 7701), clock.now())
    [kept] = await resources(app_sessions)
    assert kept.title == "Duygu düzenleme" and kept.note is None
    await user.send("/resources")
    card = card_of(user, "Duygu düzenleme")["text"]
    assert "(adı silindi)" in card and "Zeynep" not in card and NOTE not in card
    assert "Bu not, yazan kişinin verileriyle birlikte silindi." in card
