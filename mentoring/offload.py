"""CPU-heavy work off the event loop: a small pool of worker threads, shared by the process.

Drawing a digest's chart, writing an export's CSV files and zipping them are
plain CPU work on plain data; run on the event loop they would keep every
person waiting (issue #17). `run(fn, *args)` runs such a function in one of
`WORKERS` threads and awaits it, so the loop answers people meanwhile; at most
`WORKERS` calls run at once and the rest queue in the pool, so a planning pass
cannot flood the machine. Database reads stay on the loop (async, in slices);
only their plain results cross to the workers.

Threads rather than processes: the work hands over Python objects (a digest,
rows) that need no pickling, and Pillow and zlib release the GIL for their
heaviest parts; what does not still gives the loop its turn every switch
interval (5 ms), so the loop never waits long (`bench/loop_lag.py`).
The pool starts on first use; `shutdown()` (the application's `post_shutdown`)
lets work in flight finish and the next use starts a new pool.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

WORKERS = 2
THREAD_PREFIX = "narbot-cpu"

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


async def turn() -> None:
    """Let the event loop answer people before the next slice of work that cannot leave it."""
    await asyncio.sleep(0)


def shutdown() -> None:
    """Stop taking work (calls already submitted still finish); the next `run` starts a new pool."""
    executor = _POOL.take()
    if executor is not None:
        executor.shutdown(wait=False)
