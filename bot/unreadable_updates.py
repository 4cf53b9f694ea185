"""Polling that survives an update python-telegram-bot cannot read.

PTB parses a whole getUpdates batch at once. When one update in it fails to
parse, PTB logs the failure (bot/logging.py keeps the update's content out of
that line), does not confirm the batch and asks for the same batch again at the
next poll: one unreadable update would stop the bot for good, every later
message waiting behind it, with two CRITICAL lines per poll.

`SkipUnreadableUpdates` wraps the getUpdates connection. When PTB asks again
for the batch it was just given (the offset did not move although updates came
back, which only happens when PTB could not use them), it parses each update
of the answer on its own, drops the ones that fail with one CRITICAL line each
(update id and kind, never the content) and hands PTB the rest. If a dropped
update was the newest of the batch, the next request starts after it, so
Telegram forgets it. A batch PTB reads is never parsed twice.

The webhook path is not covered: PTB answers an unreadable webhook update with
400 and Telegram sends it again (docs/security.md).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

# RequestData is built from these; PTB exports the one but not the other (stable since v20).
from telegram.request._requestparameter import RequestParameter

from bot.logging import describe_update

logger = logging.getLogger(__name__)


class SkipUnreadableUpdates(BaseRequest):
    """The getUpdates request of a polling bot, with unreadable updates skipped."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner
        # (offset, had updates) of the last getUpdates answer.
        self._last: tuple[int, bool] | None = None
        # After dropping the newest update of a batch: PTB's next offset -> the one to ask instead.
        self._skip: tuple[int, int] | None = None
        self.skipped: list[int] = []  # update ids dropped, for the health of the process and tests

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        offset = _offset(url, request_data)
        if offset is None:
            return await self._inner.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout)
        if self._skip is not None and offset == self._skip[0]:
            offset = self._skip[1]
            request_data = _with_offset(request_data, offset)  # type: ignore[arg-type]
        self._skip = None
        repeated = self._last == (offset, True)
        code, payload = await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout)
        if code != 200:
            return code, payload
        if repeated:
            payload = self._without_unreadable(payload, offset)
        # Cheap: an answer with updates names "update_id"; PTB parses the body itself.
        self._last = (offset, b'"update_id"' in payload)
        return code, payload

    def _without_unreadable(self, payload: bytes, offset: int) -> bytes:
        """The answer without the updates PTB cannot parse (each logged by id and kind)."""
        try:
            body = json.loads(payload)
            updates = body["result"]
        except (ValueError, KeyError, TypeError):
            return payload  # not a batch: PTB says what is wrong with it
        if not isinstance(updates, list):
            return payload
        readable: list[Any] = []
        dropped: list[int] = []
        for data in updates:
            try:
                Update.de_json(data, None)
            except Exception as exc:  # noqa: BLE001 - whatever PTB raises, the update is unusable
                update_id = data.get("update_id") if isinstance(data, dict) else None
                logger.critical(
                    "Skipped %s from Telegram: python-telegram-bot cannot read it (%s); "
                    "its content is not logged",
                    describe_update(data), type(exc).__name__,
                )
                if isinstance(update_id, int):
                    dropped.append(update_id)
                continue
            readable.append(data)
        if not dropped and len(readable) == len(updates):
            return payload
        self.skipped.extend(dropped)
        newest_read = max((u["update_id"] for u in readable), default=None)
        if dropped and (newest_read is None or max(dropped) > newest_read):
            # PTB confirms up to what it read; ask past the dropped ones instead.
            self._skip = ((newest_read + 1) if newest_read is not None else offset, max(dropped) + 1)
        body["result"] = readable
        return json.dumps(body).encode()


def _offset(url: str, request_data: RequestData | None) -> int | None:
    """The offset of a getUpdates request with a confirming (non-negative) offset, else None."""
    if request_data is None or not url.endswith("/getUpdates"):
        return None
    offset = request_data.parameters.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        return None
    return offset


def _with_offset(request_data: RequestData, offset: int) -> RequestData:
    parameters = dict(request_data.parameters, offset=offset)
    return RequestData([RequestParameter.from_input(name, value) for name, value in parameters.items()])
