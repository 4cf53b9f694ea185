"""mentoring.offload: CPU work runs in a bounded pool of worker threads while the event loop goes on."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from mentoring import offload


async def test_the_work_runs_in_a_worker_thread_and_its_result_comes_back() -> None:
    loop_thread = threading.get_ident()
    ident, name = await offload.run(lambda: (threading.get_ident(), threading.current_thread().name))
    assert ident != loop_thread
    assert name.startswith(offload.THREAD_PREFIX)
    assert await offload.run(sum, [1, 2, 3], start=4) == 10


async def test_an_error_in_the_work_reaches_the_caller() -> None:
    def fails() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        await offload.run(fails)


async def test_the_loop_answers_while_a_worker_is_busy() -> None:
    """The worker waits for something only the loop can do: if `run` held the loop, this would hang."""
    answered = threading.Event()

    async def answer() -> None:
        answered.set()

    task = asyncio.create_task(answer())
    assert await asyncio.wait_for(offload.run(answered.wait, 10), timeout=20) is True
    await task


async def test_no_more_than_the_pool_runs_at_once() -> None:
    lock = threading.Lock()
    running = [0]
    most = [0]

    def work() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    await asyncio.gather(*(offload.run(work) for _ in range(3 * offload.WORKERS)))
    assert 1 <= most[0] <= offload.WORKERS


async def test_after_a_shutdown_the_next_call_starts_a_new_pool() -> None:
    first = await offload.run(threading.current_thread)
    offload.shutdown()
    offload.shutdown()  # twice is harmless
    second = await offload.run(threading.current_thread)
    assert second.name.startswith(offload.THREAD_PREFIX)
    first.join(timeout=5)  # the old pool's threads end
    assert not first.is_alive()


async def _others_ran_between_takes(takes: int, step: float | None = None) -> int:
    """Run `takes` turns of work while another task counts how often it got the loop."""
    ran = [0]
    stop = asyncio.Event()

    async def other() -> None:
        while not stop.is_set():
            ran[0] += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other())
    await asyncio.sleep(0)  # the other task is waiting for the loop
    before = ran[0]
    turns = offload.Turns(step)
    for _ in range(takes):
        await turns.take()
    during = ran[0] - before
    stop.set()
    await task
    return during


async def test_turns_give_the_loop_a_turn_once_a_step_has_run_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offload, "STEP_SECONDS", 0)
    assert await _others_ran_between_takes(5) == 5


async def test_turns_keep_the_loop_while_the_step_is_short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offload, "STEP_SECONDS", 3600)
    assert await _others_ran_between_takes(5) == 0


async def test_a_caller_may_ask_for_shorter_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sender's claim does: at paid-broadcast pace a send is due every millisecond.
    monkeypatch.setattr(offload, "STEP_SECONDS", 3600)
    assert await _others_ran_between_takes(5, step=0) == 5
