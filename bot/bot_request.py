"""The bot's own way to the Bot API: JSON calls over the lean client, files and downloads over HTTPX.

Every reply, every getUpdates poll and every outbox text is one JSON POST to
one endpoint. Profiled under `bench.throughput` (docs/performance.md), PTB's
HTTPX stack (httpx's request and response models, cookies, httpcore's pool
and h11) was about a quarter of the bot's CPU per update, more than the
handlers themselves. `BotRequest` sends those calls through `LeanRequest`
(bot/sender_http.py: PTB's own `BaseRequest`, so PTB still maps every answer
and raises `RetryAfter`, `Forbidden`, `BadRequest`, `TimedOut` as before) and
leaves what the lean client does not do to HTTPX: uploads (multipart), and
file downloads (GET, large bodies, a URL per file).

With a proxy in the environment the bot keeps plain HTTPX: the lean client
knows no proxies.
"""

from __future__ import annotations

import urllib.request
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.sender_http import READ_TIMEOUT, LeanRequest


class BotRequest(BaseRequest):
    """JSON POSTs through `lean`; uploads and downloads through `files` (HTTPX)."""

    def __init__(self, lean: LeanRequest, files: HTTPXRequest) -> None:
        self.lean = lean
        self.files = files

    @property
    def read_timeout(self) -> float | None:
        return self.lean.read_timeout

    async def initialize(self) -> None:
        await self.lean.initialize()
        await self.files.initialize()

    async def shutdown(self) -> None:
        await self.lean.shutdown()
        await self.files.shutdown()

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE, write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE, pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        lean = method == "POST" and (request_data is None or not request_data.contains_files)
        return await (self.lean if lean else self.files).do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout)


def bot_request(connection_pool_size: int) -> BaseRequest:
    """The bot's request with `connection_pool_size` connections: a `BotRequest`, or plain HTTPX
    (PTB's default) when a proxy is configured in the environment."""
    files = HTTPXRequest(connection_pool_size=connection_pool_size)
    if urllib.request.getproxies():
        return files
    return BotRequest(LeanRequest(connection_pool_size, read_timeout=files.read_timeout), files)


def lean_request_for(request: Any) -> LeanRequest | None:
    """A lean request of the courier's own for paid broadcasts, when the bot talks plain HTTPX (PTB's
    default) or a `BotRequest`, and no proxy is configured (the lean client knows none); else None."""
    if type(request) not in (HTTPXRequest, BotRequest):
        return None  # a test's scripted request, a custom client: keep the bot's way
    if getattr(request, "_client_kwargs", {}).get("proxy") or urllib.request.getproxies():
        return None
    return LeanRequest(connection_pool_size=256, read_timeout=request.read_timeout or READ_TIMEOUT)
