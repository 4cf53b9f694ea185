"""Benchmark: one broadcast through the real outbox sender against a hostile Bot API stand-in.

    python -m bench.broadcast [--mode normal|restart] [--messages 5000] [--rate 25]
    python -m bench.broadcast --processes 2 [--messages 1000]   # see bench/broadcast_processes.py

Seeds a fresh SQLite database with one person, one Telegram identity and one
outbox row per chat, starts the stand-in (Telegram's 30/s limit answered with
429 + retry_after, 1 s per private chat, a few percent of sends failing with
500/502 or hanging until the client times out) and runs the sender until every
row is settled. In restart mode the sender is stopped gracefully halfway (as on
SIGTERM) and a new sender with a new engine and bot takes over the same
database. Prints one JSON object (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot

from bot.bot_request import bot_request
from bot.sender import Sender, SenderConfig
from mentoring.clock import SystemClock
from mentoring.outbox import Outgoing, enqueue
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import ChannelIdentity, OutboxMessage, Person
from storage.models.outbox import PRIORITY_BULK
from tests.standin import BotApiStandIn

TOKEN = "123456:BENCH-TOKEN"
FIRST_CHAT = 10_000_000
ROOT = Path(__file__).resolve().parents[1]


async def seed(engine: AsyncEngine, messages: int, *, kind: str = "announcement") -> None:
    """People, identities and one bulk outbox row each (quiet hours off so any hour works)."""
    now = datetime.now(UTC)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "id": n + 1,
                    "display_name": f"Kişi {n}",
                    "locale": "tr",
                    "timezone": "Europe/Istanbul",
                    "created_at": now,
                }
                for n in range(messages)
            ],
        )
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": n + 1,
                    "channel": "telegram",
                    "external_user_id": str(FIRST_CHAT + n),
                    "chat_id": str(FIRST_CHAT + n),
                    "created_at": now,
                }
                for n in range(messages)
            ],
        )
        await enqueue(
            session,
            [
                Outgoing(
                    f"bench:{n}",
                    kind,
                    f"Duyuru {n}",
                    now,
                    person_id=n + 1,
                    priority=PRIORITY_BULK,
                    respect_quiet_hours=False,
                    batch_key="bench",
                )
                for n in range(messages)
            ],
            now,
        )


Counts = Callable[[], Awaitable[dict[str, int]]]


@asynccontextmanager
async def _standin_here(limits: dict[str, float]) -> AsyncIterator[tuple[str, Counts]]:
    api = BotApiStandIn(
        TOKEN,
        rate_limit_per_second=limits["rate"],
        per_chat_interval=1.0,
        fault_rate=limits["faults"],
        timeout_delay=limits["hang"],
        seed=int(limits["seed"]),
    )

    async def counts() -> dict[str, int]:
        return api.stats.as_dict()

    async with api:
        yield api.base_url, counts


@asynccontextmanager
async def _separate_standin(limits: dict[str, float]) -> AsyncIterator[tuple[str, Counts]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.standin",
        "--port",
        str(port),
        "--token",
        TOKEN,
        "--rate-limit",
        str(limits["rate"]),
        "--per-chat-interval",
        "1",
        "--fault-rate",
        str(limits["faults"]),
        "--seed",
        str(int(limits["seed"])),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    base_url = ""
    while not base_url:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        if not line:
            raise RuntimeError("the stand-in did not start")
        if line.startswith("TELEGRAM_API_BASE_URL="):
            base_url = line.strip().partition("=")[2]
    control = base_url.rpartition("/bot")[0] + "/_standin/stats"
    async with aiohttp.ClientSession() as client:

        async def counts() -> dict[str, int]:
            async with client.get(control) as response:
                return (await response.json())["result"]

        try:
            yield base_url, counts
        finally:
            process.send_signal(signal.SIGINT)
            await process.wait()


async def _open_sender(url: str, base_url: str, rate: float) -> tuple[Sender, Bot, AsyncEngine]:
    """What a (re)started process builds: its own engine, bot and sender."""
    engine = create_engine(url)
    bot = Bot(TOKEN, base_url=base_url, request=bot_request(64))  # as `narbot run` builds it
    await bot.initialize()
    sender = Sender(
        bot, create_sessionmaker(engine), SystemClock(), SenderConfig(rate_per_second=rate)
    )
    return sender, bot, engine


async def _unsettled(engine: AsyncEngine) -> int:
    async with create_sessionmaker(engine).begin() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
            or 0
        )


async def _statuses(engine: AsyncEngine) -> dict[str, int]:
    async with create_sessionmaker(engine).begin() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: count for status, count in rows.all()}


async def broadcast(
    messages: int = 5000,
    mode: str = "normal",
    rate: float = 25.0,
    *,
    telegram_rate: float = 30.0,
    fault_rate: float = 0.03,
    hang_seconds: float = 10.0,
    seed_value: int = 1,
    workdir: Path | None = None,
    separate: bool = False,
) -> dict[str, Any]:
    """Run one broadcast and return the figures.

    With `separate`, the stand-in runs in its own process, as Telegram would
    (then a hung request waits for PTB's read timeout, whatever `hang_seconds`).
    """
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{(workdir or Path(scratch)) / 'bench.db'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await seed(engine, messages)
        limits = {
            "rate": telegram_rate,
            "faults": fault_rate,
            "hang": hang_seconds,
            "seed": seed_value,
        }
        standin = _separate_standin(limits) if separate else _standin_here(limits)
        async with standin as (api, counts):
            started = time.monotonic()
            restarts = 0
            sender, bot, sender_engine = await _open_sender(url, api, rate)
            running = asyncio.create_task(sender.run())
            try:
                deadline = started + messages / rate * 2 + 120
                while await _unsettled(engine) and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                    if (
                        mode == "restart"
                        and not restarts
                        and (await counts())["delivered"] >= messages // 2
                    ):
                        await sender.stop()  # what SIGTERM does in the bot
                        await running
                        await bot.shutdown()
                        await sender_engine.dispose()
                        restarts += 1
                        sender, bot, sender_engine = await _open_sender(url, api, rate)
                        running = asyncio.create_task(sender.run())
                seconds = time.monotonic() - started
            finally:
                await sender.stop()
                await running
                await bot.shutdown()
                await sender_engine.dispose()
            statuses = await _statuses(engine)
            final = await counts()
        await engine.dispose()
    unique = final["delivered"] - final["duplicates"]
    achieved = unique / seconds
    return {
        "mode": mode,
        "messages": messages,
        "restarts": restarts,
        "configured_rate": rate,
        "telegram_limit": telegram_rate,
        "fault_rate": fault_rate,
        "achieved_rate": round(achieved, 2),
        "rate_ratio": round(achieved / rate, 3),
        "duplicates": final["duplicates"],
        "lost": messages - unique,
        "429": final["429"],
        "5xx": final["5xx"],
        "timeouts": final["timeouts"],
        "standin": "separate process" if separate else "same process",
        # The machine's load when the run ended: on a busy machine the rate suffers.
        "load_average_1m": round(os.getloadavg()[0], 1),
        "process_cpu_seconds": round(time.process_time(), 1),
        "cpus": os.cpu_count(),
        "seconds": round(seconds, 1),
        "rows": statuses,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.broadcast", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--mode", choices=("normal", "restart"), default="normal")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument(
        "--rate", type=float, default=25.0, help="the sender's overall rate (messages/s)"
    )
    parser.add_argument(
        "--telegram-rate",
        type=float,
        default=30.0,
        help="the stand-in's limit before it answers 429",
    )
    parser.add_argument("--fault-rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--same-process", action="store_true", help="run the stand-in inside the benchmark process"
    )
    parser.add_argument(
        "--processes", type=int, default=0,
        help="N sender processes sharing one PostgreSQL database (bench/broadcast_processes.py)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    if args.processes:
        from bench.broadcast_processes import broadcast_processes

        print(json.dumps(asyncio.run(broadcast_processes(
            args.messages, args.processes, args.rate, telegram_rate=args.telegram_rate,
            fault_rate=args.fault_rate, seed_value=args.seed,
        ))))
        return
    result = asyncio.run(
        broadcast(
            args.messages,
            args.mode,
            args.rate,
            telegram_rate=args.telegram_rate,
            fault_rate=args.fault_rate,
            seed_value=args.seed,
            separate=not args.same_process,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
