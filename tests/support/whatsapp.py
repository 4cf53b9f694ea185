"""Narbot's WhatsApp parts pointed at the Cloud API stand-in (tests/whatsapp_standin.py), for the tests."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pywa_async import WhatsApp

from bot.web_server import WebServer
from bot.whatsapp.client import whatsapp_client
from bot.whatsapp.webhook import EventHandler, WebhookEndpoint
from tests.whatsapp_standin import CloudApiStandIn


@asynccontextmanager
async def client_for(cloud: CloudApiStandIn, verify_token: str = "verify") -> AsyncIterator[WhatsApp]:
    """Narbot's pywa client, sending to the stand-in; its connections closed afterwards."""
    client = whatsapp_client(
        phone_number_id=cloud.phone_number_id, access_token=cloud.token, app_secret=cloud.app_secret,
        verify_token=verify_token, api_base_url=cloud.base_url,
    )
    try:
        yield client
    finally:
        await client.api._session.aclose()


@asynccontextmanager
async def webhook_for(
    cloud: CloudApiStandIn, client: WhatsApp, on_event: EventHandler
) -> AsyncIterator[tuple[WebhookEndpoint, WebServer]]:
    """The `/whatsapp` webhook served on a free port, the stand-in posting to it."""
    endpoint = WebhookEndpoint(client, on_event)
    server = WebServer(endpoint, "127.0.0.1", 0)
    await server.start()
    endpoint.start()
    cloud.webhook_url = f"{server.url}/whatsapp"
    try:
        yield endpoint, server
    finally:
        await cloud.settled()
        await endpoint.stop()
        await server.stop()


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """Distinct free ports: every probe stays bound until all are chosen (two `free_port()` calls in a
    row can return the same port, which failed a CI run with a port clash)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()
