"""One ASGI server inside the bot's event loop (uvicorn), for the WhatsApp webhook and later the console.

`WebServer(app, host, port)` binds in `start()` (port 0 picks a free port, as
the tests do) and stops in `stop()`; it never installs signal handlers, since
the bot's runner owns the process's signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The bot's runner owns SIGINT/SIGTERM; uvicorn would take them for itself.
        yield


class WebServer:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self._socket = socket.create_server((host, port), reuse_port=False)
        self.host, self.port = self._socket.getsockname()[:2]
        # log_config=None: uvicorn's own handlers would bypass Narbot's logging filters.
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", log_config=None)
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        # Bound already, so the port is known and taken before the first request can come.
        self._task = asyncio.get_running_loop().create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.005)
        if self._task.done():
            self._task.result()  # the error that kept it from starting

    async def stop(self) -> None:
        if self._task is None:
            self._socket.close()
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        self._socket.close()
