"""The WhatsApp channel as one unit the composition root starts and stops (bot/app.py).

`start()` opens the webhook on `WHATSAPP_WEBHOOK_LISTEN:WHATSAPP_WEBHOOK_PORT`
at `/whatsapp` (one ASGI server, in the bot's event loop) with the worker that
hands each message to the domain; `stop()` answers what was already accepted,
then closes the server and the client's connections.
"""

from __future__ import annotations

import logging

from bot.web_server import WebServer
from bot.whatsapp.client import whatsapp_client
from bot.whatsapp.conversation import Conversations
from bot.whatsapp.webhook import PATH, WebhookEndpoint
from mentoring.runtime import Services

logger = logging.getLogger(__name__)


class WhatsAppChannel:
    def __init__(
        self, services: Services, *, phone_number_id: str, access_token: str, app_secret: str, verify_token: str,
        api_base_url: str | None, listen: str, port: int,
    ) -> None:
        self.client = whatsapp_client(
            phone_number_id=phone_number_id, access_token=access_token, app_secret=app_secret,
            verify_token=verify_token, api_base_url=api_base_url,
        )
        self.http = self.client.api._session  # pywa's httpx client, ours to close (whatsapp_client made it)
        self.conversations = Conversations(services, self.client, phone_number_id)
        self.endpoint = WebhookEndpoint(self.client, self.conversations.on_event)
        self._listen, self._port = listen, port
        self.server: WebServer | None = None

    async def start(self) -> None:
        self.server = WebServer(self.endpoint, self._listen, self._port)
        await self.server.start()
        self.endpoint.start()
        logger.info("WhatsApp webhook listening on %s%s", self.server.url, PATH)

    async def stop(self) -> None:
        # New posts get 503 (Meta retries them) while what was accepted is handed on.
        await self.endpoint.stop()
        if self.server is not None:
            await self.server.stop()
            self.server = None
        await self.http.aclose()
