"""Benchmark: the real `narbot run` process SIGKILLed at random moments while an announcement goes out.

    python -m bench.crash [--kills 20] [--messages 800] [--database-url URL] [--seed 1]

Seeds a database with people and one announcement row each (kind "broadcast",
as a coordinator's announcement is queued), starts the Bot API stand-in in this
process, then again and again: starts `narbot run`, waits until it polls and a
random 0.2-1.5 s of sending more, and kills it with SIGKILL. After the last kill
one more process runs until every row is settled. The lease is short
(SENDER_LEASE_SECONDS=10) so claims of the dead are settled while the benchmark
runs; everything else is as in production.

Prints one JSON object: `kills`; `in_doubt` (rows whose request had started
when their process died); `in_doubt_per_kill`; `duplicates` (extra copies any
person received); `lost` (rows that never reached their person). Targets
(issue #10): lost 0, duplicates <= in_doubt, in_doubt_per_kill <= 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.broadcast import FIRST_CHAT, seed
from bench.machine import machine
from storage import migrate
from storage.db import create_engine
from storage.models import OutboxMessage
from tests.standin import BotApiStandIn

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAHbenchTOKENbenchTOKENbenchTOKEN1234"
LEASE_SECONDS = 10
SETTLE_TIMEOUT = 600.0


def _command() -> list[str]:
    script = Path(sys.executable).parent / "narbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


async def _start(api: BotApiStandIn, url: str, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "SENDER_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, DATABASE_URL=url,
        PYTHONPATH=str(ROOT), LOG_LEVEL="INFO", SENDER_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            *_command(), "run", cwd=log.parent, env=env, stdout=out, stderr=out
        )
    calls = len(api.requests)
    deadline = time.monotonic() + 60
    while not any(method == "getUpdates" for method, _ in api.requests[calls:]):
        if process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"narbot run did not start; see {log}")
        await asyncio.sleep(0.02)
    return process


async def _unsettled(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(("pending", "sending")))
        ) or 0


async def crash(kills: int, messages: int, url: str | None, seed_value: int) -> dict[str, Any]:
    rng = random.Random(seed_value)
    folder = Path(tempfile.mkdtemp(prefix="narbot-crash-"))
    url = url or f"sqlite+aiosqlite:///{folder / 'crash.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await seed(engine, messages, kind="broadcast")
    log = folder / "narbot.log"
    started = time.monotonic()
    async with BotApiStandIn(TOKEN, per_chat_interval=1.0) as api:
        for _ in range(kills):
            process = await _start(api, url, log)
            await asyncio.sleep(rng.uniform(0.2, 1.5))  # sending: the kill comes at a random moment
            process.send_signal(signal.SIGKILL)
            await process.wait()
        process = await _start(api, url, log)
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while await _unsettled(engine):
            if time.monotonic() > deadline:
                raise RuntimeError("rows were never settled")
            await asyncio.sleep(0.5)
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)
        delivered = Counter(api.stats.delivered)

    async with engine.connect() as connection:
        rows = (await connection.execute(
            select(OutboxMessage.person_id, OutboxMessage.text, OutboxMessage.status,
                   OutboxMessage.in_doubt)
        )).all()
        statuses = dict(Counter(row.status for row in rows))
    await engine.dispose()
    in_doubt = sum(1 for row in rows if row.in_doubt)
    lost = sum(1 for row in rows if delivered[(FIRST_CHAT + row.person_id - 1, row.text)] == 0)
    return {
        "benchmark": "crash",
        "database": url.split(":", 1)[0],
        "messages": messages,
        "kills": kills,
        "in_doubt": in_doubt,
        "in_doubt_per_kill": round(in_doubt / kills, 2) if kills else 0.0,
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "lost": lost,
        "rows": statuses,
        "seconds": round(time.monotonic() - started, 1),
        "log": str(log),
        **machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--messages", type=int, default=800)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(crash(args.kills, args.messages, args.database_url, args.seed))))


if __name__ == "__main__":
    main()
