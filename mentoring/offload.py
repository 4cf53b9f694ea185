"""CPU-heavy work off the event loop: a small pool of worker threads, shared by the process.

Drawing a digest's chart, writing an export's CSV files and zipping them are
plain CPU work on plain data; run on the event loop they would keep every
person waiting (issue #17). `run(fn, *args)` runs such a function in one of
`WORKERS` threads and awaits it, so the loop answers people meanwhile; at most
`WORKERS` calls run at once and the rest queue in the pool, so a planning pass
cannot flood the machine. Database reads stay on the loop (async, in slices);
only their plain results cross to the workers. What stays on the loop and runs
long (building and rendering a planning pass's digests) takes `Turns`: the loop
answers people every STEP_SECONDS.

Threads rather than processes: the work hands over Python objects (a digest,
rows) that need no pickling, and Pillow and zlib release the GIL for their
heaviest parts; what does not still gives the loop its turn every switch
interval (1 ms, bot/interpreter.py), so the loop never waits long
(`bench/loop_lag.py`). Except in one C call, which keeps the GIL to its end:
work here must not encode or join a whole large file at once (exports.py
encodes each slice as it goes).
The pool starts on first use; `shutdown()` (the application's `post_shutdown`)
lets work in flight finish and the next use starts a new pool.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

WORKERS = 2
THREAD_PREFIX = "narbot-cpu"
# Work that stays on the loop (reading slices, building and rendering digests) runs this long at
# most before the loop gets a turn: by time, not by a count of items, since an item's cost
# differs from machine to machine and from programme to programme.
STEP_SECONDS = 0.01

class _Pool:
    """The process's pool, started on first use and replaced after a shutdown."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor: ThreadPoolExecutor | None = None

    def get(self) -> ThreadPoolExecutor:
        with self.lock:
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=THREAD_PREFIX)
            return self.executor

    def take(self) -> ThreadPoolExecutor | None:
        with self.lock:
            executor, self.executor = self.executor, None
            return executor


_POOL = _Pool()


async def run(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker thread; the loop goes on until it returns (or raises)."""
    call = functools.partial(fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_POOL.get(), call)


class Turns:
    """Long work on the loop, in short steps: `await turns.take()` before each item lets the loop
    answer people once STEP_SECONDS have passed since the last turn."""

    __slots__ = ("since", "step")

    def __init__(self, step: float | None = None) -> None:
        self.step = STEP_SECONDS if step is None else step
        self.since = time.perf_counter()

    async def take(self) -> None:
        if time.perf_counter() - self.since >= self.step:
            await asyncio.sleep(0)
            self.since = time.perf_counter()


def shutdown() -> None:
    """Stop taking work (calls already submitted still finish); the next `run` starts a new pool."""
    executor = _POOL.take()
    if executor is not None:
        executor.shutdown(wait=False)
