"""A lean way to the Bot API for the sender's paid broadcasts: JSON over keep-alive HTTP/1.1 connections.

At hundreds of messages a second (Telegram's paid broadcasts, up to 1,000/s)
PTB's HTTPX stack cost the bot more CPU per message than everything else the
sender does (docs/performance.md): httpx's request and response models, and
httpcore's pool, which looks at every open connection with a system call
before each request and writes a request's head and body separately. This is
PTB's own request interface (`telegram.request.BaseRequest`: PTB turns each
answer into its result or raises `RetryAfter`, `Forbidden`, `BadRequest`,
`NetworkError` ... exactly as for its own requests) over the least HTTP/1.1
that one JSON endpoint needs: one write per request, answers with a
Content-Length, chunked or up to the close, and keep-alive connections reused
last-in first-out. A connection that meets any fault (a timeout, a reset) is
closed, never reused: its request's fate is unknown, as with PTB's client. A
kept-alive connection the server closes just as it is reused fails as a
`NetworkError`, and the sender retries the row like any network fault (httpx
looks at the socket first, with a system call per request, and still meets
the same race now and then).

The bot's own JSON calls (replies, getUpdates) go this way too
(bot/bot_request.py). The courier's paid broadcasts use a lean request of
their own for text messages (files go through the bot), only when the bot
talks plain HTTPX or that pair, without a proxy (bot/telegram_courier.py,
bot/bot_request.py's `lean_request_for`).
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's HTTPXRequest defaults (seconds).
CONNECT_TIMEOUT = READ_TIMEOUT = WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class NeverLeft(ConnectionError):
    """The cause of a `TimedOut` whose request never left this process (no connection was had in
    time), so sending it again cannot make a second copy (bot/reply_bot.py)."""


class _Closed(ConnectionError):
    """The server closed the connection before its answer was complete."""


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.keep_alive = True
        self._buffer = bytearray()
        self._answer: asyncio.Future[tuple[int, bytes]] | None = None
        self._status: int | None = None
        self._length: int | None = None
        self._chunked = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        answer = self._answer
        if answer is None or answer.done():
            return
        if self._status is not None and self._length is None and not self._chunked:
            answer.set_result((self._status, bytes(self._buffer)))  # a body up to the close
        else:
            answer.set_exception(_Closed("the connection closed before the answer was complete"))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._answer is None or self._answer.done():
            self.close()  # nothing was asked: the connection is not in a state we know
            return
        try:
            found = self._parse()
        except (ValueError, IndexError) as error:
            self._answer.set_exception(NetworkError(f"Malformed answer from the Bot API: {error}"))
            self.close()
            return
        if found is not None:
            self._answer.set_result(found)

    def _parse(self) -> tuple[int, bytes] | None:
        if self._status is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return None
            lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            del self._buffer[: end + 4]
            version, code = lines[0].split(" ", 2)[:2]
            status, length, chunked = int(code), None, False
            keep_alive = version != "HTTP/1.0"
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding":
                    chunked = "chunked" in value
                elif name == "connection":
                    keep_alive = value == "keep-alive" or (keep_alive and value != "close")
            self._status, self._length, self._chunked, self.keep_alive = status, length, chunked, keep_alive
        if self._chunked:
            body = self._dechunk()
        elif self._length is not None:
            if len(self._buffer) < self._length:
                return None
            body = bytes(self._buffer[: self._length])
            del self._buffer[: self._length]
        else:
            self.keep_alive = False
            return None  # the body runs until the server closes (connection_lost)
        if body is None:
            return None
        status, self._status = self._status, None
        return status, body

    def _dechunk(self) -> bytes | None:
        """The whole chunked body, once it is all here (answers are small)."""
        parts, at = [], 0
        while True:
            end = self._buffer.find(b"\r\n", at)
            if end < 0:
                return None
            size = int(bytes(self._buffer[at:end]).split(b";")[0], 16)
            if size == 0:
                close = self._buffer.find(b"\r\n\r\n", end)  # no trailers expected
                if close < 0:
                    return None
                del self._buffer[: close + 4]
                return b"".join(parts)
            start = end + 2
            if len(self._buffer) < start + size + 2:
                return None
            parts.append(bytes(self._buffer[start : start + size]))
            at = start + size + 2

    async def ask(self, request: bytes, timeout: float | None) -> tuple[int, bytes]:
        """Write the request and wait for its answer (`TimedOut` after `timeout` seconds)."""
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        answer = self._answer = loop.create_future()
        self.transport.write(request)
        timer = None if timeout is None else loop.call_later(timeout, self._time_out, answer)
        try:
            return await answer
        finally:
            if timer is not None:
                timer.cancel()
            self._answer = None

    def _time_out(self, answer: asyncio.Future[tuple[int, bytes]]) -> None:
        if not answer.done():
            answer.set_exception(TimedOut())

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class LeanRequest(BaseRequest):
    """PTB's `BaseRequest` for JSON requests over a pool of keep-alive HTTP/1.1 connections."""

    def __init__(
        self, connection_pool_size: int = 256, *, connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT, write_timeout: float = WRITE_TIMEOUT,
        pool_timeout: float = POOL_TIMEOUT,
    ) -> None:
        self._size = connection_pool_size
        self._connect_timeout, self._read_timeout = connect_timeout, read_timeout
        self._write_timeout, self._pool_timeout = write_timeout, pool_timeout
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._room: asyncio.Semaphore | None = None
        self._targets: dict[str, tuple[tuple[str, str, int], bytes]] = {}
        self._tls: ssl.SSLContext | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        for connection in list(self._open):
            connection.close()
        self._open.clear()
        self._idle.clear()

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE, write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE, pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is not None and request_data.contains_files:
            raise ValueError("LeanRequest sends JSON only; files go through the bot's own request")
        where, head = self._target(url, method)
        body = request_data.json_payload if request_data is not None else b""
        request = b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body)
        wait = self._read_timeout if read_timeout is DEFAULT_NONE else read_timeout
        if self._room is None:
            self._room = asyncio.Semaphore(self._size)
        room = self._room
        if room.locked():  # else a free connection is taken at once, with no timer (no task) at all
            try:
                await asyncio.wait_for(room.acquire(), self._value(pool_timeout, self._pool_timeout))
            except TimeoutError as error:
                raise TimedOut("Pool timeout: all connections of the lean request are busy") from NeverLeft(
                    f"no free connection: {error!r}")
        else:
            await room.acquire()
        connection: _Connection | None = None
        try:
            connection = await self._connection(where, connect_timeout)
            try:
                status, payload = await connection.ask(request, wait)  # type: ignore[arg-type]
            except (TimedOut, OSError) as error:
                connection.close()
                if isinstance(error, TimedOut):
                    raise
                raise NetworkError(f"Connection to the Bot API lost: {error!r}") from error
            if connection.keep_alive and not connection.closed:
                self._idle.setdefault(where, []).append(connection)
            else:
                connection.close()
            return status, payload
        finally:
            if connection is not None and connection.closed:
                self._open.discard(connection)
            room.release()

    def _target(self, url: str, method: str) -> tuple[tuple[str, str, int], bytes]:
        known = self._targets.get(url)
        if known is None:
            parts = urlsplit(url)
            https = parts.scheme == "https"
            host = parts.hostname or ""
            port = parts.port or (443 if https else 80)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            authority = host if parts.port is None else f"{host}:{parts.port}"
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {authority}\r\n"
                "Content-Type: application/json\r\nAccept: application/json\r\n"
                "User-Agent: Narbot sender\r\n"
            ).encode()
            known = self._targets[url] = ((parts.scheme, host, port), head)
        return known

    async def _connection(self, where: tuple[str, str, int], connect_timeout: ODVInput[float]) -> _Connection:
        idle = self._idle.get(where)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
            self._open.discard(connection)
        scheme, host, port = where
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(_Connection, host, port, ssl=tls, server_hostname=host if tls else None),
                self._value(connect_timeout, self._connect_timeout),
            )
        except TimeoutError as error:
            raise TimedOut("Timed out connecting to the Bot API") from NeverLeft(f"not connected: {error!r}")
        except OSError as error:
            raise NetworkError(f"Could not connect to the Bot API: {error!r}") from error
        self._open.add(connection)
        return connection

    @staticmethod
    def _value(given: ODVInput[float], default: float) -> float | None:
        return default if given is DEFAULT_NONE else given  # type: ignore[return-value]

