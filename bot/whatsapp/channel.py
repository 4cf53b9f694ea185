"""The WhatsApp channel as one unit the composition root starts and stops (bot/app.py).

`start()` opens the webhook on `WHATSAPP_WEBHOOK_LISTEN:WHATSAPP_WEBHOOK_PORT`
at `/whatsapp` (one ASGI server, in the bot's event loop) with the worker that
hands each message to the domain; `courier` is the outbox sender's way out on
WhatsApp. Stopping goes in two steps around the sender's stop:
`stop_receiving()` answers what was already accepted and closes the server,
`close()` (once the sender is done) closes the client's connections.
"""

from __future__ import annotations

import logging

from bot.settings import WhatsAppSettings
from bot.web_server import WebServer
from bot.whatsapp.client import whatsapp_client
from bot.whatsapp.conversation import Conversations
from bot.whatsapp.courier import WhatsAppCourier
from bot.whatsapp.webhook import PATH, WebhookEndpoint
from mentoring.runtime import Services

logger = logging.getLogger(__name__)


class WhatsAppChannel:
    def __init__(self, services: Services, settings: WhatsAppSettings) -> None:
        self.client = whatsapp_client(
            phone_number_id=settings.phone_number_id, access_token=settings.access_token,
            app_secret=settings.app_secret, verify_token=settings.verify_token,
            api_base_url=settings.api_base_url,
        )
        self.http = self.client.api._session  # pywa's httpx client, ours to close (whatsapp_client made it)
        self.conversations = Conversations(services, self.client, settings.phone_number_id)
        self.endpoint = WebhookEndpoint(self.client, self.conversations.on_event)
        self.courier = WhatsAppCourier(
            self.client, settings.phone_number_id, rate_per_second=settings.rate_per_second,
            pair_seconds=settings.pair_seconds, daily_new_people=settings.daily_new_people,
            template_prefix=settings.template_prefix,
        )
        self._listen, self._port = settings.webhook_listen, settings.webhook_port
        self.server: WebServer | None = None

    async def start(self) -> None:
        self.server = WebServer(self.endpoint, self._listen, self._port)
        await self.server.start()
        self.endpoint.start()
        logger.info("WhatsApp webhook listening on %s%s", self.server.url, PATH)

    async def stop_receiving(self) -> None:
        # New posts get 503 (Meta retries them) while what was accepted is handed on.
        await self.endpoint.stop()
        if self.server is not None:
            await self.server.stop()
            self.server = None
        await self.conversations.close()

    async def close(self) -> None:
        """Close the client's connections (after the sender stopped using them)."""
        await self.stop_receiving()
        await self.http.aclose()
