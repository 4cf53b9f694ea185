"""The pywa client Narbot uses: Meta's Graph API, or any root the settings name.

pywa always addresses `https://graph.facebook.com/v<version>`; `GraphRoot`
sends those requests to `WHATSAPP_API_BASE_URL` instead (a proxy on a closed
network, or the test suite's stand-in), keeping the version and the path, so
nothing of pywa's own is patched.
"""

from __future__ import annotations

from typing import Any

import httpx
from pywa_async import WhatsApp
from pywa_async.types import User

GRAPH_API_VERSION = "26.0"  # the Cloud API version Narbot is written and tested against
META_GRAPH_HOST = "graph.facebook.com"
TIMEOUT_SECONDS = 15.0


class GraphRoot(httpx.AsyncHTTPTransport):
    """A transport that sends requests meant for Meta's Graph API host to another root."""

    def __init__(self, root: str) -> None:
        super().__init__(retries=0)
        self._root = httpx.URL(root.rstrip("/"))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == META_GRAPH_HOST:
            request.url = request.url.copy_with(
                scheme=self._root.scheme,
                host=self._root.host,
                port=self._root.port,
                raw_path=self._root.raw_path.rstrip(b"/") + request.url.raw_path,
            )
            # The Host header was written for Meta's host when the request was built.
            request.headers["Host"] = request.url.netloc.decode("ascii")
        return await super().handle_async_request(request)


class Sender(User):
    """The person behind a message, with or without a business-scoped user id.

    pywa 4.5 reads `contacts[].user_id` as always there and drops a webhook
    without one; Meta's payloads carried only the phone number (`wa_id`) before
    business-scoped ids, and may still. Such a message is kept: its sender is
    then known by the phone number alone (bot/whatsapp/conversation.py).
    """

    @classmethod
    def from_contact(cls, data: dict[str, Any], client: WhatsApp) -> User:  # type: ignore[override]
        if data.get("user_id"):
            return super().from_contact(data, client)
        return super().from_contact({**data, "user_id": None}, client)


class Client(WhatsApp):
    """pywa's client, reading message senders with `Sender`."""

    _usr_cls = Sender


def whatsapp_client(
    *, phone_number_id: str, access_token: str, app_secret: str, verify_token: str, api_base_url: str | None
) -> WhatsApp:
    """A pywa client that validates webhook signatures and sends through `api_base_url` (Meta's when None)."""
    transport = GraphRoot(api_base_url) if api_base_url else httpx.AsyncHTTPTransport(retries=0)
    return Client(
        phone_id=phone_number_id,
        token=access_token,
        session=httpx.AsyncClient(transport=transport, timeout=TIMEOUT_SECONDS),
        server=None,  # Narbot serves the webhook itself (bot/whatsapp/webhook.py)
        verify_token=verify_token,
        app_secret=app_secret,
        validate_updates=True,
        api_version=GRAPH_API_VERSION,
    )
