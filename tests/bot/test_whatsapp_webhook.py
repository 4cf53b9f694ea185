"""The WhatsApp webhook over real HTTP: Meta's handshake, signatures, events, statuses, duplicates.

The stand-in (tests/whatsapp_standin.py) plays the Cloud API: it posts signed
webhooks to the bot's endpoint (served by uvicorn) and takes the bot's sends
through pywa, redirected to it by `WHATSAPP_API_BASE_URL` (bot/whatsapp/client.py).
"""

from __future__ import annotations

import asyncio
import io
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from pywa_async.errors import WhatsAppError

from bot.web_server import WebServer
from bot.whatsapp.client import whatsapp_client
from bot.whatsapp.render import messages_of
from bot.whatsapp.webhook import LANES, Delivery, Event, Received, WebhookEndpoint
from mentoring.i18n import translator
from mentoring.screens import (
    Choice,
    Photo,
    Pressed,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Unsupported,
    Voice,
)
from mentoring.settings.buttons import SETTINGS
from tests.support.whatsapp import client_for, webhook_for
from tests.whatsapp_standin import CloudApiStandIn

WA_ID = "905551112233"
VERIFY_TOKEN = "verify-me"


@dataclass
class Rig:
    cloud: CloudApiStandIn
    endpoint: WebhookEndpoint
    server: WebServer
    events: list[Event]

    @property
    def url(self) -> str:
        return f"{self.server.url}/whatsapp"

    async def received(self) -> list[Received]:
        await self.cloud.settled()
        await self.endpoint.drained()
        return [event for event in self.events if isinstance(event, Received)]

    async def deliveries(self) -> list[Delivery]:
        await self.cloud.settled()
        await self.endpoint.drained()
        return [event for event in self.events if isinstance(event, Delivery)]

    async def send(self, reply: Reply, to: str = WA_ID) -> list[str]:
        """Send a reply through pywa, as the channel will; the message ids the Cloud API gave."""
        ids = []
        for message in messages_of(reply, translator("tr")):
            answer = await self.endpoint.client.api.send_message(
                sender=self.cloud.phone_number_id, to=to, recipient=None, recipient_type="individual",
                typ=message.kind, msg=message.body,
            )
            ids.append(answer["messages"][0]["id"])
        return ids


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    events: list[Event] = []

    async def collect(event: Event) -> None:
        events.append(event)

    async with (
        CloudApiStandIn() as cloud,
        client_for(cloud, VERIFY_TOKEN) as client,
        webhook_for(cloud, client, collect) as (endpoint, server),
    ):
        yield Rig(cloud, endpoint, server, events)


async def test_the_verification_handshake_needs_the_verify_token(rig: Rig) -> None:
    async with aiohttp.ClientSession() as http:
        params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
        async with http.get(rig.url, params=params) as response:
            assert (response.status, await response.text()) == (200, "1158201444")
        async with http.get(rig.url, params={**params, "hub.verify_token": "guess"}) as response:
            assert response.status == 403 and await response.text() != "1158201444"


async def test_a_text_arrives_as_typed_input_with_both_identities(rig: Rig) -> None:
    person = rig.cloud.person(WA_ID, user_id="TR.1234567890")
    message_id = await rig.cloud.write(WA_ID, "Merhaba")
    [event] = await rig.received()
    assert event.message_id == message_id
    assert (event.wa_id, event.user_id, event.given) == (WA_ID, person.user_id, Typed("Merhaba"))
    assert rig.cloud.webhooks[-1].statuses == [200]


async def test_a_message_without_a_business_scoped_id_is_kept_by_the_phone_number(rig: Rig) -> None:
    """Payloads from before business-scoped ids carry only `wa_id`: the message is not dropped."""
    payload, message_id = rig.cloud._message(WA_ID, "text", {"body": "Merhaba"})
    del payload["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"]
    assert await rig.cloud.deliver(payload) == [200]
    [event] = await rig.received()
    assert (event.message_id, event.wa_id, event.user_id, event.given) == (message_id, WA_ID, None, Typed("Merhaba"))


async def test_a_badly_signed_post_is_refused_and_ignored(rig: Rig) -> None:
    payload, _ = rig.cloud._message(WA_ID, "text", {"body": "/start FORGED"})
    assert await rig.cloud.deliver(payload, signature=rig.cloud.signature(b"another body")) == [403, 403, 403]
    async with aiohttp.ClientSession() as http, http.post(rig.url, json=payload) as response:
        assert response.status == 403  # no signature at all
    assert await rig.received() == []


async def test_voice_notes_photos_and_stickers_become_inputs(rig: Rig) -> None:
    await rig.cloud.speak(WA_ID)
    await rig.cloud.show_photo(WA_ID, caption="Bugünkü etkinlik")
    await rig.cloud.stick(WA_ID)
    voice, photo, sticker = (event.given for event in await rig.received())
    assert isinstance(voice, Voice) and voice.ref in rig.cloud.media
    assert isinstance(photo, Photo) and photo.ref in rig.cloud.media and photo.caption == "Bugünkü etkinlik"
    assert sticker == Unsupported("sticker")


async def test_a_pressed_button_and_a_chosen_row_come_back_as_their_data(rig: Rig) -> None:
    await rig.cloud.write(WA_ID, "/settings")  # opens the 24-hour window
    menu = Screen(Raw("Ayarlar"), [[Choice(SETTINGS.encode("pause"), Text("Pause for a week")),
                                    Choice(SETTINGS.encode("resume"), Text("Resume"))]])
    zones = Screen(Raw("Saat dilimi"), [[Choice(SETTINGS.encode("zone", zone=zone), Raw(zone))]
                                         for zone in ("Europe/Istanbul", "Europe/Berlin", "Europe/London",
                                                      "Asia/Baku")])
    await rig.send(Reply(menu, zones))
    await rig.cloud.press(WA_ID, "set:pause")
    await rig.cloud.choose(WA_ID, "set:tz:Europe/Berlin")
    given = [event.given for event in await rig.received()]
    assert given[1:] == [Pressed("set:pause"), Pressed("set:tz:Europe/Berlin")]


async def test_every_send_reports_sent_and_delivered_then_read(rig: Rig) -> None:
    await rig.cloud.write(WA_ID, "merhaba")
    [message_id] = await rig.send(Reply(Screen(Raw("Hoş geldiniz"))))
    await rig.cloud.settled()  # read after delivered, as a phone does
    await rig.cloud.read(message_id)
    statuses = [(d.message_id, d.status, d.error_code) for d in await rig.deliveries()]
    assert statuses == [(message_id, "sent", None), (message_id, "delivered", None), (message_id, "read", None)]


async def test_a_body_meta_sends_twice_is_handled_once(rig: Rig) -> None:
    payload, _ = rig.cloud._message(WA_ID, "text", {"body": "bir kez"})
    assert await rig.cloud.deliver(payload) == [200]
    assert await rig.cloud.deliver(payload) == [200]  # answered, so Meta stops retrying
    assert [event.given for event in await rig.received()] == [Typed("bir kez")]


async def test_free_form_outside_the_24_hour_window_is_refused_with_131047(rig: Rig) -> None:
    with pytest.raises(WhatsAppError) as refused:
        await rig.send(Reply(Screen(Raw("Haftalık yansıtma açıldı"))), to="905559998877")
    assert refused.value.code == 131047
    assert rig.cloud.sent == [] and rig.cloud.refused == [("905559998877", 131047)]


async def test_the_stand_in_refuses_what_whatsapp_refuses(rig: Rig) -> None:
    await rig.cloud.write(WA_ID, "merhaba")
    too_long = {"type": "button", "body": {"text": "Seçin"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "set:pause", "title": "Bir haftalığına duraklat"}}]}}
    with pytest.raises(WhatsAppError) as refused:
        await rig.endpoint.client.api.send_message(
            sender=rig.cloud.phone_number_id, to=WA_ID, recipient=None, recipient_type="individual",
            typ="interactive", msg=too_long,
        )
    assert refused.value.code == 131009


async def test_a_reaction_is_nobodys_answer(rig: Rig) -> None:
    await rig.cloud.write(WA_ID, "merhaba")
    [message_id] = await rig.send(Reply(Screen(Raw("Hoş geldiniz"))))
    await rig.cloud.react(WA_ID, message_id)
    assert [event.given for event in await rig.received()] == [Typed("merhaba")]


async def test_an_oversized_post_is_refused_before_it_is_read(rig: Rig) -> None:
    async with aiohttp.ClientSession() as http, http.post(rig.url, data=io.BytesIO(b"x" * (3 * 1024 * 1024 + 1))) as response:
        assert response.status == 413
    assert await rig.received() == []


async def test_while_stopping_posts_are_refused_so_meta_retries_them(rig: Rig) -> None:
    await rig.endpoint.stop()
    assert await rig.cloud.write(WA_ID, "geç kaldım")
    assert rig.cloud.webhooks[-1].statuses == [503, 503, 503]


async def test_one_slow_answer_holds_up_only_its_lane_and_each_person_keeps_order() -> None:
    slow, fast = "905550000001", next(
        f"9055500000{n:02d}" for n in range(2, 99)
        if zlib.crc32(f"TR.9055500000{n:02d}".encode()) % LANES != zlib.crc32(b"TR.905550000001") % LANES
    )
    release, handled = asyncio.Event(), []

    async def on_event(event: Event) -> None:
        if isinstance(event, Received):
            if event.wa_id == slow and event.given == Typed("1"):
                await release.wait()  # an upload that takes its time
            handled.append((event.wa_id, event.given))

    async with CloudApiStandIn() as cloud:
        for wa_id in (slow, fast):
            cloud.person(wa_id, user_id=f"TR.{wa_id}")
        client = whatsapp_client(
            phone_number_id=cloud.phone_number_id, access_token=cloud.token, app_secret=cloud.app_secret,
            verify_token=VERIFY_TOKEN, api_base_url=cloud.base_url,
        )
        endpoint = WebhookEndpoint(client, on_event)
        server = WebServer(endpoint, "127.0.0.1", 0)
        await server.start()
        endpoint.start()
        cloud.webhook_url = f"{server.url}/whatsapp"
        try:
            await cloud.write(slow, "1")
            await cloud.write(slow, "2")
            await cloud.write(fast, "merhaba")
            lane = endpoint._lane(f"TR.{fast}")
            await lane.join()  # the other person is answered while the slow one waits
            assert handled == [(fast, Typed("merhaba"))]
            release.set()
            await endpoint.drained()
            assert handled[1:] == [(slow, Typed("1")), (slow, Typed("2"))]  # in the order they came
        finally:
            await endpoint.stop()
            await server.stop()
            await client.api._session.aclose()
