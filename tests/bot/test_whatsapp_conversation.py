"""WhatsApp end to end over real HTTP: a newcomer joins by the code a wa.me link fills in, then uses /settings.

The stand-in (tests/whatsapp_standin.py) plays WhatsApp: signed webhooks in,
the bot's sends checked against WhatsApp's limits. Behind the webhook runs the
same domain as on Telegram (`mentoring.entries`, `mentoring.joining.screens`)
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.web_server import WebServer
from bot.whatsapp.client import whatsapp_client
from bot.whatsapp.conversation import CHANNEL, Conversations, invite_code_in
from bot.whatsapp.webhook import WebhookEndpoint
from mentoring.clock import ManualClock
from mentoring.runtime import Services
from mentoring.screens import Typed
from storage.models import ChannelIdentity, ConsentRecord, Person
from storage.models.reflections import Reflection, ReflectionAnswer
from tests.support.reflection import WEEK1_OPEN
from tests.support.seed import Setup, seed_programme
from tests.whatsapp_standin import CloudApiStandIn, Sent

AYSE = "905551112233"


@dataclass
class WhatsApp:
    cloud: CloudApiStandIn
    endpoint: WebhookEndpoint
    setup: Setup
    sessions: async_sessionmaker[AsyncSession]

    async def write(self, text: str, wa_id: str = AYSE) -> list[Sent]:
        before = len(self.cloud.messages_to(wa_id))
        await self.cloud.write(wa_id, text)
        await self.endpoint.drained()
        return self.cloud.messages_to(wa_id)[before:]

    async def press(self, title: str, wa_id: str = AYSE) -> list[Sent]:
        """Press the choice with this title on the newest message that offers it."""
        before = len(self.cloud.messages_to(wa_id))
        data = next(choice_id for sent in reversed(self.cloud.messages_to(wa_id))
                    for choice_id, shown in sent.choices if shown == title)
        sent_by = self.cloud.press if self.cloud._carrying(wa_id, data)[0].body.get("type") == "button" \
            else self.cloud.choose
        await sent_by(wa_id, data)
        await self.endpoint.drained()
        return self.cloud.messages_to(wa_id)[before:]


@pytest.fixture
async def whatsapp(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> AsyncIterator[WhatsApp]:
    setup = await seed_programme(sessions, clock.now())
    services = Services(sessions, clock)
    async with CloudApiStandIn(clock=lambda: clock.now().timestamp()) as cloud:
        client = whatsapp_client(
            phone_number_id=cloud.phone_number_id, access_token=cloud.token, app_secret=cloud.app_secret,
            verify_token="verify", api_base_url=cloud.base_url,
        )
        endpoint = WebhookEndpoint(client, Conversations(services, client, cloud.phone_number_id).on_event)
        server = WebServer(endpoint, "127.0.0.1", 0)
        await server.start()
        endpoint.start()
        cloud.webhook_url = f"{server.url}/whatsapp"
        try:
            yield WhatsApp(cloud, endpoint, setup, sessions)
        finally:
            await cloud.settled()
            await endpoint.stop()
            await server.stop()
            await client.api._session.aclose()


async def join(whatsapp: WhatsApp, code: str) -> None:
    await whatsapp.write(code)
    await whatsapp.press("Türkçe")
    notice = whatsapp.cloud.messages_to(AYSE)[-1]
    await whatsapp.press(notice.choices[0][1])


async def people(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Person)) or 0


def test_the_code_is_found_in_what_the_link_fills_in() -> None:
    assert invite_code_in(Typed("abcd2345ef")) == "abcd2345ef"
    assert invite_code_in(Typed("Merhaba, katılmak istiyorum: ABCD2345EF")) == "abcd2345ef"
    assert invite_code_in(Typed("/start abcd2345ef")) == "abcd2345ef"
    assert invite_code_in(Typed("Merhaba")) is None
    assert invite_code_in(Typed("abcd2345ef0")) is None  # eleven characters: not a code


async def test_a_stranger_is_told_how_to_join_and_nothing_is_stored(whatsapp: WhatsApp) -> None:
    [answer] = await whatsapp.write("Merhaba")
    assert answer.kind == "text" and "davet" in answer.text.lower()
    assert await people(whatsapp.sessions) == 0


async def test_a_newcomer_joins_by_the_code_then_changes_a_setting(whatsapp: WhatsApp) -> None:
    code = whatsapp.setup.codes["mentee1"]
    whatsapp.cloud.person(AYSE, name="Ayşe")
    [question] = await whatsapp.write(f"Merhaba! {code}")
    assert [title for _, title in question.choices] == ["Türkçe", "English"]
    assert await people(whatsapp.sessions) == 0  # nothing stored before consent

    *before, notice = await whatsapp.press("Türkçe")
    # The notice is longer than an interactive body takes: its first parts come as text.
    assert all(sent.kind == "text" for sent in before) and notice.kind == "interactive"
    words = "\n".join(sent.text for sent in [*before, notice])
    assert "6698" in words and len(notice.text) <= 1024
    assert len(notice.choices) == 2 and await people(whatsapp.sessions) == 0

    welcome = await whatsapp.press(notice.choices[0][1])  # "I agree"
    assert any("Grup 1" in sent.text for sent in welcome), [sent.text for sent in welcome]
    assert any("Ayşe" in sent.text for sent in welcome)  # the name WhatsApp gave, stored with consent
    async with whatsapp.sessions() as session:
        identity = await session.scalar(select(ChannelIdentity))
        assert identity is not None and identity.channel == CHANNEL
        person = whatsapp.cloud.people[AYSE]
        assert (identity.external_user_id, identity.chat_id) == (person.user_id, AYSE)
        assert await session.scalar(select(func.count()).select_from(ConsentRecord)) == 1

    [menu] = await whatsapp.write("/settings")
    assert menu.kind == "interactive" and "Europe/Istanbul" in menu.text
    titles = [title for _, title in menu.choices]
    assert all(len(title) <= 24 for title in titles) and "Saat dilimi" in titles

    [zones] = await whatsapp.press("Saat dilimi")
    assert zones.body["type"] == "list"
    [changed] = await whatsapp.press("Europe/Berlin")
    assert "Europe/Berlin" in changed.text
    async with whatsapp.sessions() as session:
        assert (await session.scalar(select(Person.timezone))) == "Europe/Berlin"


async def test_a_forged_press_is_refused_in_words_and_changes_nothing(whatsapp: WhatsApp) -> None:
    code = whatsapp.setup.codes["mentee1"]
    await whatsapp.write(code)
    await whatsapp.press("Türkçe")
    notice = whatsapp.cloud.messages_to(AYSE)[-1]
    await whatsapp.press(notice.choices[0][1])
    before = len(whatsapp.cloud.messages_to(AYSE))
    await whatsapp.cloud.forge_press(AYSE, "set:tz:Mars/Olympus")
    await whatsapp.endpoint.drained()
    [refusal] = whatsapp.cloud.messages_to(AYSE)[before:]
    assert refusal.kind == "text" and "artık" in refusal.text.lower()  # "Bu düğme artık geçerli değil."
    async with whatsapp.sessions() as session:
        assert (await session.scalar(select(Person.timezone))) == "Europe/Istanbul"


async def test_a_mentee_reflects_with_a_voice_note_a_scale_and_buttons(whatsapp: WhatsApp, clock: ManualClock) -> None:
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    [first] = await whatsapp.write("/reflect")
    assert "soru 1/7" in first.text and first.kind == "text"  # free input: no buttons to press

    before = len(whatsapp.cloud.messages_to(AYSE))
    voice = await whatsapp.cloud.speak(AYSE)
    await whatsapp.endpoint.drained()
    [second] = whatsapp.cloud.messages_to(AYSE)[before:]
    assert "soru 2/7" in second.text and voice.startswith("wamid.in.")
    for answer in ("Kitap okuduk.", "Sessiz kaldılar.", "Yeniden deneyeceğim."):
        [question] = await whatsapp.write(answer)
    assert "soru 5/7" in question.text
    # A 1-5 scale has five choices: a list on WhatsApp.
    assert question.body["type"] == "list" and [title for _, title in question.choices] == ["1", "2", "3", "4", "5"]
    [yes_no] = await whatsapp.press("4")
    assert yes_no.body["type"] == "button" and "soru 6/7" in yes_no.text
    [last] = await whatsapp.press("Evet")
    assert "soru 7/7" in last.text
    [summary] = await whatsapp.press("Geç")
    assert "→ Sesli mesaj\n" in summary.text  # WhatsApp gives no length: none is shown
    assert "4/5" in summary.text
    await whatsapp.press("Mentorlarıma gönder")
    async with whatsapp.sessions() as session:
        reflection = await session.scalar(select(Reflection))
        answers = (await session.scalars(select(ReflectionAnswer).order_by(ReflectionAnswer.id))).all()
    assert reflection is not None and reflection.submitted_at is not None
    assert answers[0].file_kind == "voice" and answers[0].file_id in whatsapp.cloud.media
    assert [a.scale_value for a in answers if a.scale_value is not None] == [4]


async def test_a_message_delivered_again_by_another_process_is_handled_once(whatsapp: WhatsApp) -> None:
    """Same message id, a different body (a retry reaching a process without pywa's in-memory record)."""
    payload, _ = whatsapp.cloud._message(AYSE, "text", {"body": "Merhaba"})
    retried = {**payload, "entry": [{**payload["entry"][0], "id": "another-waba-view"}]}
    assert await whatsapp.cloud.deliver(payload) == [200]
    assert await whatsapp.cloud.deliver(retried) == [200]
    await whatsapp.endpoint.drained()
    assert len(whatsapp.cloud.messages_to(AYSE)) == 1  # one answer ("how to join"), not two


async def test_a_members_answer_shaped_like_a_code_is_an_answer_not_a_join(whatsapp: WhatsApp) -> None:
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    [answer] = await whatsapp.write("strawberry")  # ten letters of the invite alphabet
    assert "davet" not in answer.text.lower()  # not "that invite is not valid"
    async with whatsapp.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelIdentity)) == 1


async def test_a_fault_while_handling_is_answered_with_an_apology(
    whatsapp: WhatsApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mentoring import entries

    async def broken(*_: object) -> None:
        raise RuntimeError("the database went away")

    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    monkeypatch.setitem(entries.COMMANDS, "settings", broken)  # type: ignore[arg-type]
    [apology] = await whatsapp.write("/settings")
    assert apology.text.startswith("Üzgünüm")
    assert "Handling a WhatsApp message failed" in caplog.text


async def test_mydata_reaches_whatsapp_as_a_text_file(whatsapp: WhatsApp) -> None:
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    sent = await whatsapp.write("/mydata")
    [document] = [s for s in sent if s.kind == "document"]
    content, mime = whatsapp.cloud.media[document.body["id"]]
    assert mime == "text/plain" and document.body["filename"].endswith(".txt")
    assert b"display_name" in content or b"people" in content
