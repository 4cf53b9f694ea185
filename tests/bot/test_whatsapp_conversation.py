"""WhatsApp end to end over real HTTP: a newcomer joins by the code a wa.me link fills in, then uses /settings.

The stand-in (tests/whatsapp_standin.py) plays WhatsApp: signed webhooks in,
the bot's sends checked against WhatsApp's limits. Behind the webhook runs the
same domain as on Telegram (`mentoring.entries`, `mentoring.joining.screens`)
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import plan_pass
from bot.sender import Sender
from bot.whatsapp.conversation import CHANNEL, Conversations, invite_code_in
from bot.whatsapp.courier import WhatsAppCourier
from bot.whatsapp.webhook import WebhookEndpoint
from mentoring import inbound
from mentoring.clock import ManualClock
from mentoring.runtime import Services
from mentoring.screens import Typed
from storage.models import ChannelIdentity, ConsentRecord, OutboxMessage, Person
from storage.models.reflections import Reflection, ReflectionAnswer
from tests.support.reflection import WEEK1_OPEN
from tests.support.seed import Setup, seed_programme
from tests.support.sender import VirtualTimer
from tests.support.whatsapp import client_for, webhook_for
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
    async with (
        CloudApiStandIn(clock=lambda: clock.now().timestamp()) as cloud,
        client_for(cloud) as client,
        webhook_for(cloud, client, Conversations(services, client, cloud.phone_number_id).on_event) as (endpoint, _),
    ):
        yield WhatsApp(cloud, endpoint, setup, sessions)


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

    welcome = await whatsapp.press(notice.choices[0][1])  # "I have read it"
    assert any("Grup 1" in sent.text for sent in welcome), [sent.text for sent in welcome]
    assert any("Ayşe" in sent.text for sent in welcome)  # the name WhatsApp gave, stored with consent
    async with whatsapp.sessions() as session:
        identity = await session.scalar(select(ChannelIdentity))
        assert identity is not None and identity.channel == CHANNEL
        person = whatsapp.cloud.people[AYSE]
        assert (identity.external_user_id, identity.chat_id) == (person.user_id, AYSE)
        assert await session.scalar(select(func.count()).select_from(ConsentRecord)) == 1

    [menu] = await whatsapp.write("/settings")
    assert menu.kind == "interactive" and "Saat dilimi: İstanbul" in menu.text
    titles = [title for _, title in menu.choices]
    assert all(len(title) <= 24 for title in titles) and "Saat dilimi" in titles

    [zones] = await whatsapp.press("Saat dilimi")
    assert zones.body["type"] == "list"
    [changed] = await whatsapp.press("Berlin")  # zones are offered by their city, in the reader's language
    assert "Saat dilimi: Berlin" in changed.text
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
    # Three options: reply buttons; seven skills: a list, every title whole (they fit 20 characters).
    assert "soru 1/9" in first.text and first.body["type"] == "button"
    [skill] = await whatsapp.press("Kısmen")
    assert skill.body["type"] == "list" and [title for _, title in skill.choices] == [
        "Empati", "Etkin dinleme", "Soru sorma", "Geri bildirim", "Cesaretlendirme", "Problem çözme",
        "Stres yönetimi"]
    [stress] = await whatsapp.press("Etkin dinleme")
    # A 1-5 scale has five choices: a list on WhatsApp.
    assert stress.body["type"] == "list" and [title for _, title in stress.choices] == ["1", "2", "3", "4", "5"]
    await whatsapp.press("3")
    [text_question] = await whatsapp.press("4")
    assert "soru 5/9" in text_question.text and text_question.kind == "text"  # free input: no buttons to press

    before = len(whatsapp.cloud.messages_to(AYSE))
    voice = await whatsapp.cloud.speak(AYSE)
    await whatsapp.endpoint.drained()
    [asked] = whatsapp.cloud.messages_to(AYSE)[before:]
    # Voice notes are kept only with their own consent, asked at the first one (issue #15).
    assert "Açık rıza: sesli mesajlar ve fotoğraflar" in asked.text and voice.startswith("wamid.in.")
    *_, second = await whatsapp.press("Evet, saklansın")
    assert "soru 6/9" in second.text
    for answer in ("Sessiz kaldılar.", "Yeniden deneyeceğim."):
        [question] = await whatsapp.write(answer)
    assert question.body["type"] == "button" and "soru 8/9" in question.text
    [last] = await whatsapp.press("Evet")
    assert "soru 9/9" in last.text
    [summary] = await whatsapp.press("Geç")
    assert "→ Sesli mesaj\n" in summary.text  # WhatsApp gives no length: none is shown
    assert "3/5" in summary.text and "4/5" in summary.text and "→ Etkin dinleme" in summary.text
    await whatsapp.press("Mentorlarıma gönder")
    async with whatsapp.sessions() as session:
        reflection = await session.scalar(select(Reflection))
        answers = (await session.scalars(select(ReflectionAnswer).order_by(ReflectionAnswer.id))).all()
    assert reflection is not None and reflection.submitted_at is not None
    [voiced] = [a for a in answers if a.file_kind is not None]
    assert voiced.question_key == "happened" and voiced.file_kind == "voice" and voiced.file_id in whatsapp.cloud.media
    assert [a.scale_value for a in answers if a.scale_value is not None] == [3, 4]


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


# ---------------------------------------------------------------------------- the window, statuses, late replies


async def identity(sessions: async_sessionmaker[AsyncSession]) -> ChannelIdentity:
    async with sessions() as session:
        found = await session.scalar(select(ChannelIdentity).where(ChannelIdentity.channel == CHANNEL))
        assert found is not None
        return found


async def outbox_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_the_window_clock_starts_when_joining_and_moves_with_each_message(
    whatsapp: WhatsApp, clock: ManualClock
) -> None:
    await whatsapp.write(whatsapp.setup.codes["mentee1"])
    clock.advance(timedelta(minutes=1))
    await whatsapp.press("Türkçe")
    clock.advance(timedelta(minutes=1))
    accepted = clock.now()
    notice = whatsapp.cloud.messages_to(AYSE)[-1]
    await whatsapp.press(notice.choices[0][1])  # the account is made here, with the moment it was made by
    assert (await identity(whatsapp.sessions)).last_inbound_at == accepted

    clock.advance(inbound.CLOCK_STEP + timedelta(seconds=1))
    await whatsapp.write("/settings")
    assert (await identity(whatsapp.sessions)).last_inbound_at == clock.now()

    clock.advance(inbound.CLOCK_STEP + timedelta(seconds=1))
    await whatsapp.cloud.forge_press(AYSE, "set:tz:Mars/Olympus")  # refused: its transaction is rolled back
    await whatsapp.endpoint.drained()
    assert (await identity(whatsapp.sessions)).last_inbound_at == clock.now()


async def test_a_status_reaches_the_outbox_row_that_sent_the_message(whatsapp: WhatsApp, clock: ManualClock) -> None:
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    person_id = (await identity(whatsapp.sessions)).person_id
    sent = whatsapp.cloud.messages_to(AYSE)[-1]
    async with whatsapp.sessions.begin() as session:  # as the sender leaves a row it sent
        session.add(OutboxMessage(
            idempotency_key="prompt:test", person_id=person_id, kind="reflection_prompt", text="…",
            not_before=clock.now(), status="sent", attempts=1, created_at=clock.now(), sent_at=clock.now(),
            sent_message_id=sent.id, channel=CHANNEL,
        ))
    clock.advance(timedelta(minutes=5))
    await whatsapp.cloud.read(sent.id)
    await whatsapp.endpoint.drained()
    [row] = await outbox_rows(whatsapp.sessions)
    assert row.read_at == clock.now() and row.delivered_at == clock.now()


async def test_a_status_that_cannot_be_recorded_is_logged_and_the_rest_goes_on(
    whatsapp: WhatsApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mentoring import statuses

    async def broken(*_: object) -> None:
        raise RuntimeError("the database went away")

    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    monkeypatch.setattr(statuses, "record", broken)
    await whatsapp.cloud.read(whatsapp.cloud.messages_to(AYSE)[-1].id)
    await whatsapp.endpoint.drained()
    assert "Recording a WhatsApp read status failed" in caplog.text
    assert AYSE not in caplog.text
    [menu] = await whatsapp.write("/settings")  # the webhook still answers people
    assert "Saat dilimi: İstanbul" in menu.text


@pytest.mark.parametrize(("code", "status"), [(130429, 400), (131056, 400), (131000, 500)])
async def test_a_reply_whatsapp_refuses_for_the_moment_is_queued_in_the_outbox(
    whatsapp: WhatsApp, clock: ManualClock, code: int, status: int
) -> None:
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    person_id = (await identity(whatsapp.sessions)).person_id
    whatsapp.cloud.fail_next(code, "Try later", status)
    message_id = await whatsapp.cloud.write(AYSE, "/settings")
    await whatsapp.endpoint.drained()
    assert whatsapp.cloud.refused[-1] == (AYSE, code)
    [row] = await outbox_rows(whatsapp.sessions)
    assert (row.person_id, row.chat_id, row.kind, row.priority, row.status) == (person_id, None, "reply", 0, "pending")
    assert row.idempotency_key == f"reply:whatsapp:{message_id}:0"
    assert not row.respect_quiet_hours and row.not_before == clock.now()
    assert row.expires_at == clock.now() + timedelta(minutes=10)
    assert "Saat dilimi: İstanbul" in row.text
    labels = [button.get("short", button["text"]) for line in row.buttons or [] for button in line]
    assert "Saat dilimi" in labels and all(button["data"].startswith("set:") for line in row.buttons or []
                                           for button in line)


async def test_the_rest_of_a_reply_refused_halfway_is_queued_behind_what_was_sent(
    whatsapp: WhatsApp, clock: ManualClock
) -> None:
    await whatsapp.write(whatsapp.setup.codes["mentee1"])
    await whatsapp.press("Türkçe")
    notice = whatsapp.cloud.messages_to(AYSE)[-1]
    clock.advance(timedelta(seconds=2))
    whatsapp.cloud.throughput = 1  # the welcome's second message is over the number's limit (130429)
    welcome = await whatsapp.press(notice.choices[0][1])
    assert len(welcome) == 1 and whatsapp.cloud.refused[-1] == (AYSE, 130429)
    rows = await outbox_rows(whatsapp.sessions)
    assert rows and all(row.kind == "reply" and row.priority == 0 for row in rows)
    assert [row.idempotency_key.rsplit(":", 1)[1] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert not any(welcome[0].text and welcome[0].text in row.text for row in rows)  # nothing sent twice


async def test_a_reply_refused_for_good_or_to_a_visitor_is_not_queued(
    whatsapp: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    whatsapp.cloud.fail_next(130429, "Rate limit hit")
    await whatsapp.write("Merhaba")  # a stranger: nobody to queue it for
    assert "A reply to a visitor was not sent (130429 RateLimitHit); not queued" in caplog.text
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    whatsapp.cloud.fail_next(131009, "Parameter value is not valid")
    assert await whatsapp.write("/settings") == []
    assert await outbox_rows(whatsapp.sessions) == []
    assert AYSE not in caplog.text


async def test_a_prompt_outside_the_window_goes_as_a_template_whose_button_opens_it(
    whatsapp: WhatsApp, clock: ManualClock
) -> None:
    """Days after joining, the planner's weekly prompt goes as the approved template; its tap shows the prompt."""
    await join(whatsapp, whatsapp.setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)  # four days later: the 24-hour window closed long ago
    services = Services(whatsapp.sessions, clock)
    await plan_pass(services)
    async with client_for(whatsapp.cloud) as client:
        courier = WhatsAppCourier(client, whatsapp.cloud.phone_number_id, rate_per_second=20, pair_seconds=6,
                                  daily_new_people=250, template_prefix="narbot")
        sender = Sender({CHANNEL: courier}, whatsapp.sessions, clock, timer=VirtualTimer())
        assert await sender.drain() >= 1
    nudge = whatsapp.cloud.messages_to(AYSE)[-1]
    assert nudge.template and nudge.body["name"] == "narbot_reflection"
    assert not [code for _, code in whatsapp.cloud.refused]  # no free-form try outside the window

    before = len(whatsapp.cloud.messages_to(AYSE))
    await whatsapp.cloud.tap_template(AYSE)
    await whatsapp.endpoint.drained()
    [prompt] = whatsapp.cloud.messages_to(AYSE)[before:]
    async with whatsapp.sessions() as session:
        queued = await session.scalar(select(OutboxMessage).where(OutboxMessage.template.is_not(None)))
    assert queued is not None and queued.kind == "reflection_prompt"
    assert prompt.text == queued.text and prompt.choices  # the prompt itself, with its buttons
    [started] = await whatsapp.press(prompt.choices[0][1])
    assert "soru 1/9" in started.text  # the flow opens as it would from the prompt itself
