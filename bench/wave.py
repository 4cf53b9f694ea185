"""Benchmark: a full weekly prompt wave, planned by the real planner and delivered by the real sender.

    python -m bench.wave [--groups 4000] [--rate 25]      # the programme's scale: 20,000 prompts
    python -m bench.wave --groups 400                     # a quick run
    python -m bench.wave --paid-rate 300                  # bulk sends as Telegram paid broadcasts

Seeds a fresh SQLite file with the programme's scale (per group 5 mentees and
2 mentors, a Telegram identity and a current consent record each, so every
mentee is in the wave's audience), then runs the real Narbot application
(`bot.app.build_application`) in this process at the moment week 1's
reflection window opens (a clock that starts there and runs in real time).
The Bot API stand-in runs in a child process, as Telegram would, with
Telegram's limits (30 messages/s answered with 429, 1 s per private chat,
1,000/s for paid broadcasts; it runs without Python's cyclic collector, whose
pauses would make it count requests as arriving together) and a few simulated
mentors who send `/todo` and `/help` in turn during the wave (the child times
each reply).

The benchmark runs one planning pass (`bot.scheduler.plan_pass`, what the
planner job does each minute): `planning_seconds` is until every group's
prompts are queued. The outbox sender delivers them meanwhile;
`delivery_seconds` runs from the end of planning to the last prompt reaching
its chat. `floor_ratio` = (planning start → last prompt delivered) /
(messages / configured rate); with `--paid-rate` the configured rate is the
paid one and `rate_ratio` (prompts per second of delivery / configured) says
how close the sender comes to it. `cpu_ms_per_message` is the bot process's
CPU (planning, sending, replies) per prompt. With BENCH_PROFILE=/path the bot's
process is profiled with cProfile from planning to the last delivery (stats
written there; read with `python -m pstats`). Prints one JSON object last (see
docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import logging
import math
import os
import signal
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import inprocess
from bench.machine import machine
from bench.throughput import TimedStandIn
from bot.scheduler import plan_pass
from bot.settings import Settings
from mentoring.calendar import Rhythm, WindowKind, window
from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.runtime import SERVICES_KEY
from storage import migrate
from storage.db import create_engine
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Membership,
    OutboxMessage,
    Person,
    Programme,
    Role,
)

TOKEN = "123456789:AAHwaveBENCHwaveBENCHwaveBENCH12345"
MENTEES, MENTORS = 5, 2
STARTS_ON = date(2026, 1, 5)  # a Monday
ZONE_NAME = "Europe/Istanbul"
FIRST_CHAT = 20_000_000  # person n writes from chat FIRST_CHAT + n
CHUNK = 5000
ROUND = ("/todo", "/help")
TELEGRAM_LIMIT, PER_CHAT_INTERVAL, PAID_LIMIT = 30.0, 1.0, 1000.0
ROOT = Path(__file__).resolve().parents[1]


class RunningClock:
    """Starts at a given moment and runs in real time (retries and leases fall due as they would)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


def wave_moment() -> datetime:
    """When week 1's reflection window opens (the default rhythm: Friday 10:00, Istanbul)."""
    from zoneinfo import ZoneInfo

    return window(WindowKind.REFLECTION, Rhythm(), STARTS_ON, 1, ZoneInfo(ZONE_NAME)).opens_at


# ---- the child: the stand-in and the simulated people ----


class WaveStandIn(TimedStandIn):
    """Counts deliveries to the wave's chats and says when the expected number has arrived."""

    def __init__(self, *args: Any, wave_chats: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wave_chats = wave_chats
        self.wave_delivered: dict[int, int] = {}
        self.last_wave_delivery = 0.0
        self.expected: int | None = None
        self.done = asyncio.Event()

    def _store_bot_message(self, chat_id: int, params: Any, content: Any) -> Any:
        message = super()._store_bot_message(chat_id, params, content)
        if chat_id in self.wave_chats:
            self.wave_delivered[chat_id] = self.wave_delivered.get(chat_id, 0) + 1
            self.last_wave_delivery = time.monotonic()
            if self.expected is not None and len(self.wave_delivered) >= self.expected:
                self.done.set()
        return message


def _mentee_chats(first: int, last: int) -> set[int]:
    """The mentees' chats between these two (`seed` numbers each group's 5 mentees, then its 2 mentors)."""
    return {chat for chat in range(first, last + 1) if (chat - FIRST_CHAT - 1) % (MENTEES + MENTORS) < MENTEES}


async def _child(first_wave: int, last_wave: int, people: list[int], think: float) -> None:
    """The stand-in and the people, driven by lines on stdin: `go`, `expect N`, then `stop`."""
    async with WaveStandIn(
        TOKEN, rate_limit_per_second=TELEGRAM_LIMIT, paid_rate_limit_per_second=PAID_LIMIT,
        per_chat_interval=PER_CHAT_INTERVAL, wave_chats=_mentee_chats(first_wave, last_wave),
    ) as standin:
        print(f"TELEGRAM_API_BASE_URL={standin.base_url}", flush=True)
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        assert (await reader.readline()).strip() == b"go"
        latencies: list[float] = []

        async def person(user: int, offset: int) -> None:
            step = offset
            await asyncio.sleep(think * offset / max(1, len(people)))  # spread out
            while True:
                future: asyncio.Future[float] = loop.create_future()
                standin.waiting[user] = future
                pushed = time.perf_counter()
                standin.push_message(user, ROUND[step % len(ROUND)], first_name="Mentor", language_code="tr")
                latencies.append(await asyncio.wait_for(future, timeout=600) - pushed)
                step += 1
                await asyncio.sleep(think)  # reads the reply, then writes again

        tasks = [asyncio.create_task(person(user, n)) for n, user in enumerate(people)]
        expected = int((await reader.readline()).split()[1])
        standin.expected = expected
        if len(standin.wave_delivered) >= expected:
            standin.done.set()
        await standin.done.wait()
        print(f"WAVE_DONE {standin.last_wave_delivery}", flush=True)
        await reader.readline()  # stop
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        counts = standin.wave_delivered.values()
        print(json.dumps({
            "latencies": latencies, "stats": standin.stats.as_dict(),
            "wave_chats_reached": len(standin.wave_delivered),
            "wave_duplicates": sum(n - 1 for n in counts), "cpu_seconds": time.process_time(),
        }), flush=True)


# ---- seeding ----


async def _insert(engine: AsyncEngine, model: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(model), rows[start:start + CHUNK])


async def seed(engine: AsyncEngine, groups: int, moment: datetime) -> tuple[list[int], list[int]]:
    """The programme at scale; returns (every mentee's person id, the mentors who will write)."""
    joined = moment - timedelta(days=7)
    await _insert(engine, Programme, [{"id": 1, "name": "Bench", "starts_on": STARTS_ON,
                                       "ends_on": STARTS_ON + timedelta(weeks=26), "timezone": ZONE_NAME,
                                       "created_at": joined}])
    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (Group, Person, ChannelIdentity, ConsentRecord,
                                                              Membership)}
    mentees: list[int] = []
    mentors: list[int] = []
    pid = 0
    for g in range(1, groups + 1):
        rows[Group].append({"id": g, "programme_id": 1, "name": f"Grup {g}", "created_at": joined})
        for index in range(MENTEES + MENTORS):
            pid += 1
            role = Role.MENTEE if index < MENTEES else Role.MENTOR
            (mentees if role is Role.MENTEE else mentors).append(pid)
            rows[Person].append({"id": pid, "display_name": f"Kişi {pid}", "locale": "tr",
                                 "timezone": ZONE_NAME, "created_at": joined})
            rows[ChannelIdentity].append({"person_id": pid, "channel": "telegram",
                                          "external_user_id": str(FIRST_CHAT + pid),
                                          "chat_id": str(FIRST_CHAT + pid), "created_at": joined})
            rows[ConsentRecord].append({"person_id": pid, "notice_version": NOTICE_VERSION,
                                        "accepted_at": joined})
            rows[Membership].append({"person_id": pid, "programme_id": 1, "group_id": g, "joined_at": joined,
                                     "role": role.value})
    for model, items in rows.items():  # in dependency order
        await _insert(engine, model, items)
    return mentees, mentors


async def _wave_rows(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(OutboxMessage.kind, OutboxMessage.status, func.count())
            .group_by(OutboxMessage.kind, OutboxMessage.status)
        )
        return {f"{kind}.{status}": n for kind, status, n in rows}


def _rank(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# ---- the run ----


async def wave(
    groups: int = 4000, rate: float = 25.0, paid_rate: float = 0.0, *, people: int = 3, think: float = 2.0,
    folder: Path | None = None,
) -> dict[str, Any]:
    """Seed, plan and deliver one wave; the figures (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="narbot-bench-wave-") as scratch:
        return await _run(groups, rate, paid_rate, people, think, folder or Path(scratch))


async def _run(groups: int, rate: float, paid_rate: float, people: int, think: float,
               folder: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{folder / 'wave.db'}"
    moment = wave_moment()
    engine = create_engine(url)
    await migrate.upgrade(engine)
    started = time.perf_counter()
    mentees, mentors = await seed(engine, groups, moment)
    seeding = time.perf_counter() - started
    writers = [FIRST_CHAT + pid for pid in mentors[:: max(1, len(mentors) // max(1, people))][:people]]
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.wave", "--child", str(FIRST_CHAT + mentees[0]),
        str(FIRST_CHAT + mentees[-1]), ",".join(map(str, writers)), str(think), cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
        base_url = line.strip().partition("=")[2]
        settings = Settings(
            telegram_bot_token=TOKEN, telegram_api_base_url=base_url, database_url=url, log_level="WARNING",
            sender_rate_per_second=rate, telegram_paid_broadcast_rate=paid_rate, _env_file=None,
        )  # type: ignore[call-arg]
        app = await inprocess.prepare(settings, RunningClock(moment))  # the benchmark runs the planning pass
        await inprocess.start(app, settings)  # the JobQueue starts the outbox sender
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        svc = app.bot_data[SERVICES_KEY]
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        if profile is not None:
            profile.enable()
        cpu_before = time.process_time()
        plan_started = time.monotonic()
        await plan_pass(svc)
        plan_ended = time.monotonic()
        cpu_planned = time.process_time()
        async with svc.sessions() as session:
            messages = await session.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.kind == "reflection_prompt")
            ) or 0
        child.stdin.write(f"expect {messages}\n".encode())
        await child.stdin.drain()
        configured = paid_rate or rate
        timeout = messages / configured * 3 + 300
        line = (await asyncio.wait_for(child.stdout.readline(), timeout)).decode()
        assert line.startswith("WAVE_DONE"), line
        last_delivery = float(line.split()[1])
        cpu_after = time.process_time()
        cpu, sending_cpu = cpu_after - cpu_before, cpu_after - cpu_planned
        if profile is not None:
            profile.disable()
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        await inprocess.stop(app)
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        found = json.loads((await asyncio.wait_for(child.stdout.readline(), 60)).decode())
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGINT)
            await child.wait()
    rows = await _wave_rows(engine)
    await engine.dispose()
    planning = plan_ended - plan_started
    delivery = max(0.0, last_delivery - plan_ended)
    total = last_delivery - plan_started
    floor = messages / configured
    latencies = sorted(found["latencies"])
    stats = found["stats"]
    return {
        "benchmark": "wave", "groups": groups, "mentees": len(mentees), "mentors": len(mentors),
        "messages": messages, "configured_rate": configured, "sender_rate": rate, "paid_rate": paid_rate,
        "planning_seconds": round(planning, 2), "delivery_seconds": round(delivery, 1),
        "total_seconds": round(total, 1), "floor_seconds": round(floor, 1),
        "floor_ratio": round(total / floor, 3) if floor else None,
        "achieved_rate": round(messages / delivery, 2) if delivery else None,
        "rate_ratio": round(messages / delivery / configured, 3) if delivery else None,
        "delivered": found["wave_chats_reached"], "duplicates": found["wave_duplicates"],
        "lost": messages - found["wave_chats_reached"],
        "paid_sends": stats["paid"], "429": stats["429"],
        "replies": len(latencies), "people": len(writers),
        "p50_reply_ms": round(_rank(latencies, 0.5) * 1000, 1) if latencies else None,
        "p99_reply_ms": round(_rank(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_reply_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "cpu_ms_per_message": round(cpu * 1000 / messages, 2) if messages else None,
        "sending_cpu_ms_per_message": round(sending_cpu * 1000 / messages, 2) if messages else None,
        "process_cpu_seconds": round(cpu, 1), "seeding_seconds": round(seeding, 1),
        "standin_cpu_seconds": round(found["cpu_seconds"], 1),
        "rows": rows, "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wave", description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=4000)
    parser.add_argument("--rate", type=float, default=25.0, help="SENDER_RATE_PER_SECOND (≤ 30)")
    parser.add_argument("--paid-rate", type=float, default=0.0,
                        help="TELEGRAM_PAID_BROADCAST_RATE: bulk sends as paid broadcasts (≤ 1000)")
    parser.add_argument("--people", type=int, default=3, help="mentors writing to the bot during the wave")
    parser.add_argument("--think", type=float, default=2.0, help="seconds each waits after a reply")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        first, last, users, think = args.child
        # Telegram's servers do not pause for our collector. The stand-in stamps each request as it
        # reads it, and a 50-60 ms collection stamped the requests that had waited meanwhile as
        # arriving together: 1,000 "within a second" that had left over more, and a 429. For its
        # half minute of life it collects nothing (what it keeps is small; most is freed at once).
        gc.freeze()
        gc.disable()
        asyncio.run(_child(int(first), int(last), [int(u) for u in users.split(",") if u], float(think)))
        return
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    inprocess.settle()
    print(json.dumps(asyncio.run(wave(args.groups, args.rate, args.paid_rate, people=args.people,
                                      think=args.think))))


if __name__ == "__main__":
    main()
