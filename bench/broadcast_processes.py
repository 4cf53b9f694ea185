"""Benchmark: one broadcast sent by several sender processes that share one PostgreSQL database.

    python -m bench.broadcast --processes 2 [--messages 1000] [--rate 25]

Starts a throwaway PostgreSQL (tests/support/postgres.py), seeds one person and
one outbox row per chat, and runs `--processes` sender processes (each its own
engine, bot and sender, as bot processes would) against the Bot API stand-in
(Telegram's 30/s answered with 429, 1 s per private chat, a few percent of
faults). The stand-in notes when each message arrives; the result counts the
one-second windows in which the processes together sent more than Telegram's
limit (`over_limit_seconds`), the combined rate against the configured one
(`rate_ratio`, first to last arrival; `steady_rate_ratio`, until 95 % had
arrived, leaving out the tail of retries after faults), duplicates and losses. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.broadcast import TOKEN, _open_sender, _statuses, _unsettled, seed
from storage import migrate
from storage.db import create_engine
from tests.standin import BotApiStandIn
from tests.support.postgres import TemporaryPostgres, find_bindir

ROOT = Path(__file__).resolve().parents[1]


class ClockedStandIn(BotApiStandIn):
    """The stand-in, noting the moment every message reaches a chat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals: list[float] = []

    def _store_bot_message(self, chat_id: int, params: Any, content: Any) -> Any:
        self.arrivals.append(time.monotonic())
        return super()._store_bot_message(chat_id, params, content)


def windows_over(moments: list[float], limit: float) -> tuple[int, int]:
    """(seconds in which some one-second window held more than `limit` sends, the most in any window)."""
    moments = sorted(moments)
    over: set[int] = set()
    most, end = 0, 0
    for start, at in enumerate(moments):
        while end < len(moments) and moments[end] < at + 1.0:
            end += 1
        most = max(most, end - start)
        if end - start > limit:
            over.add(int(at - moments[0]))
    return len(over), most


async def worker(database_url: str, base_url: str, rate: float) -> None:
    """One sender process: send until nothing is left to send (pending or being sent)."""
    sender, bot, engine = await _open_sender(database_url, base_url, rate)
    running = asyncio.create_task(sender.run())
    try:
        while await _unsettled(engine):
            await asyncio.sleep(0.25)
    finally:
        await sender.stop()
        await running
        await bot.shutdown()
        await engine.dispose()
    lost = sum(b.lost for b in sender._budgets.values())
    print(json.dumps({"pid": os.getpid(), "slots_lost": lost, "cpu_seconds": round(time.process_time(), 1)}))


async def broadcast_processes(
    messages: int, processes: int, rate: float, *, telegram_rate: float = 30.0, fault_rate: float = 0.03,
    seed_value: int = 1,
) -> dict[str, Any]:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    server = TemporaryPostgres(bindir)
    url = server.start()
    try:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await seed(engine, messages)
        api = ClockedStandIn(
            TOKEN, rate_limit_per_second=telegram_rate, per_chat_interval=1.0, fault_rate=fault_rate,
            timeout_delay=10.0, seed=seed_value,
        )
        async with api:
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            started = time.monotonic()
            workers = [
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bench.broadcast_processes", "--worker", url, api.base_url, str(rate),
                    cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                )
                for _ in range(processes)
            ]
            outputs = await asyncio.wait_for(
                asyncio.gather(*(w.communicate() for w in workers)), messages / rate * 3 + 180
            )
            seconds = time.monotonic() - started
            reports = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs if out.strip()]
            stats = api.stats.as_dict()
            arrivals = list(api.arrivals)
        statuses = await _statuses(engine)
        await engine.dispose()
    finally:
        server.stop()
    unique = stats["delivered"] - stats["duplicates"]
    over, most = windows_over(arrivals, telegram_rate)
    arrivals.sort()
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    # The broadcast's body: until 95 % had arrived (the rest is retries of faults waiting for backoff).
    body = arrivals[: max(2, int(len(arrivals) * 0.95))]
    steady = (len(body) - 1) / (body[-1] - body[0])
    return {
        "mode": "processes",
        "processes": processes,
        "messages": messages,
        "configured_rate": rate,
        "telegram_limit": telegram_rate,
        "fault_rate": fault_rate,
        "over_limit_seconds": over,
        "most_in_one_second": most,
        "achieved_rate": round(achieved, 2),
        "rate_ratio": round(achieved / rate, 3),
        "steady_rate_ratio": round(steady / rate, 3),
        "duplicates": stats["duplicates"],
        "lost": messages - unique,
        "429": stats["429"],
        "5xx": stats["5xx"],
        "timeouts": stats["timeouts"],
        "slots_lost": sum(r["slots_lost"] for r in reports),
        "workers_cpu_seconds": [r["cpu_seconds"] for r in reports],
        "database": "postgresql",
        "load_average_1m": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "seconds": round(seconds, 1),
        "rows": statuses,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast_processes")
    parser.add_argument("--worker", nargs=3, metavar=("DATABASE_URL", "BASE_URL", "RATE"))
    args = parser.parse_args(argv)
    if args.worker:
        database_url, base_url, rate = args.worker
        asyncio.run(worker(database_url, base_url, float(rate)))


if __name__ == "__main__":
    main()
