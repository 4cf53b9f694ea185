"""Benchmark: updates per second of the real bot against the local Bot API stand-in.

    python -m bench.throughput [--people 500] [--updates 20000] [--targets sqlite,postgres,echo,echo4]

Each target runs as its own process in long-polling mode against the stand-in
(tests/standin.py, no rate limits) over real HTTP: `narbot run` on a fresh
SQLite file, `narbot run` on a throwaway PostgreSQL (tests/support/postgres.py),
and a bare python-telegram-bot echo bot (bench/echo_bot.py) as the baseline:
with PTB's defaults, one update at a time (`echo`, the ratios of issue #17), and
with as many updates at once as Narbot takes on SQLite (`echo4`: the
`*_vs_echo4` ratios, so the figures also show what concurrency alone gives).
Simulated people (mentees of one programme, reflection open) each send their
next update as soon as the previous one was answered: a mix of reflection
steps (/reflect and answers), the to-do list (/todo) and the check-in
(/partner). Latency is measured from pushing an update into the stand-in to
the bot's reply arriving there. Peak memory is the bot process's VmHWM.
Prints one JSON object (see docs/performance.md). With BENCH_PROFILE=/path the
Narbot processes run under cProfile and write their profile there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update

from bench.machine import machine
from bot.app import SQLITE_UPDATES_AT_ONCE
from mentoring.clock import SystemClock
from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    GroupSchedule,
    Membership,
    Person,
    Programme,
    Role,
)
from tests.standin import BotApiStandIn
from tests.support.postgres import TemporaryPostgres, find_bindir

TOKEN = "123456789:AAHbenchTOKENbenchTOKENbenchTOKEN1234"
FIRST_USER = 20_000_000
ROOT = Path(__file__).resolve().parents[1]
# One person's round: reflection steps, the to-do list, the check-in.
ROUND = ("/reflect", "Oyun saatinde sırayla konuşmayı denedim.", "Çocuklar sıralarını bekledi.", "/todo",
         "/partner", "/reflect")


class TimedStandIn(BotApiStandIn):
    """The stand-in, telling the waiting person the moment a message reaches their chat."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiting: dict[int, asyncio.Future[float]] = {}

    def _store_bot_message(self, chat_id: int, params: Any, content: Any) -> Any:
        message = super()._store_bot_message(chat_id, params, content)
        future = self.waiting.pop(chat_id, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return message


async def seed(database_url: str, people: int) -> None:
    """One programme started three weeks ago, reflection open now, `people` mentees in 10 groups."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    now = SystemClock().now()
    today = now.astimezone(ZoneInfo("Europe/Istanbul")).date()
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Bench"), now)
        groups = [await create_group(session, programme, f"Grup {n}", now) for n in range(10)]
        await session.execute(update(Programme).values(starts_on=today - timedelta(days=21)))
        for group in groups:
            session.add(GroupSchedule(group_id=group.id, reflection_weekday=today.weekday(),
                                      reflection_time=clock_time(0, 0), reflection_open_hours=72))
        ids = (await session.execute(insert(Person).returning(Person.id), [
            {"display_name": f"Menti {n}", "locale": "tr", "timezone": "Europe/Istanbul", "created_at": now}
            for n in range(people)])).scalars().all()
        await session.execute(insert(ChannelIdentity), [
            {"person_id": pid, "channel": "telegram", "external_user_id": str(FIRST_USER + n),
             "chat_id": str(FIRST_USER + n), "created_at": now} for n, pid in enumerate(ids)])
        await session.execute(insert(ConsentRecord), [
            {"person_id": pid, "notice_version": NOTICE_VERSION, "accepted_at": now} for pid in ids])
        await session.execute(insert(Membership), [
            {"person_id": pid, "programme_id": programme.id, "group_id": groups[n % 10].id,
             "role": Role.MENTEE.value, "joined_at": now} for n, pid in enumerate(ids)])
    await engine.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def _sample(pid: int, target: str) -> asyncio.subprocess.Process | None:
    """With BENCH_PYSPY=/tmp/prefix, py-spy samples the bot while people send (prefix-TARGET.txt, collapsed)."""
    if "BENCH_PYSPY" not in os.environ:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    return await asyncio.create_subprocess_exec(
        str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--nonblocking", *os.environ.get("BENCH_PYSPY_ARGS", "").split(),
        "-o", f"{os.environ['BENCH_PYSPY']}-{target}.txt", stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)


async def run_target(target: str, people: int, updates: int, database_url: str | None) -> dict[str, Any]:
    async with TimedStandIn(TOKEN) as standin:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, PYTHONPATH=str(ROOT),
                   LOG_LEVEL="WARNING", SENDER_RATE_PER_SECOND="0.01")  # no outbox traffic in the way
        if database_url is not None:
            env["DATABASE_URL"] = database_url
            await seed(database_url, people)
            profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if "BENCH_PROFILE" in os.environ else []
            command = [sys.executable, *profile, "-m", "bot.cli", "run"]
        else:
            command = [sys.executable, "-m", "bench.echo_bot"]
            env["ECHO_UPDATES_AT_ONCE"] = str(SQLITE_UPDATES_AT_ONCE if target == "echo4" else 1)
        process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env,
                                                       stdout=asyncio.subprocess.DEVNULL)
        try:
            while not any(method == "getUpdates" for method, _ in standin.requests):
                await asyncio.sleep(0.05)
            latencies: list[float] = []
            per_person = max(1, updates // people)

            async def person(n: int) -> None:
                user = FIRST_USER + n
                for step in range(per_person):
                    future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
                    standin.waiting[user] = future
                    pushed = time.perf_counter()
                    standin.push_message(user, ROUND[(step + n) % len(ROUND)], first_name="Menti",
                                         language_code="tr")
                    latencies.append(await asyncio.wait_for(future, timeout=120) - pushed)

            spy = await _sample(process.pid, target)
            cpu_before = cpu_seconds(process.pid)
            harness_before = time.process_time()
            first_request = len(standin.requests)
            started = time.perf_counter()
            await asyncio.gather(*(person(n) for n in range(people)))
            seconds = time.perf_counter() - started
            memory = peak_rss_mb(process.pid)
            cpu = cpu_seconds(process.pid) - cpu_before
            harness_cpu = time.process_time() - harness_before
            calls = Counter(method for method, _ in standin.requests[first_request:])
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                await asyncio.wait_for(spy.wait(), timeout=60)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
                await asyncio.wait_for(process.wait(), timeout=60)
    latencies.sort()
    return {
        "updates": len(latencies),
        "updates_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "peak_rss_mb": memory,
        "cpu_ms_per_update": round(cpu * 1000 / len(latencies), 2),
        "standin_cpu_ms_per_update": round(harness_cpu * 1000 / len(latencies), 2),
        "bot_api_calls": dict(calls.most_common()),
        "seconds": round(seconds, 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"benchmark": "throughput", "people": args.people, "updates": args.updates,
                               "load_average": [round(x, 2) for x in os.getloadavg()], **machine()}
    targets = args.targets.split(",")
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in targets:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            results["narbot_sqlite"] = await run_target("sqlite", args.people, args.updates, url)
        if "postgres" in targets:
            bindir = find_bindir()
            if bindir is None:
                results["narbot_postgres"] = "skipped: PostgreSQL is not installed"
            else:
                server = TemporaryPostgres(bindir)
                server.start()
                try:
                    results["narbot_postgres"] = await run_target("postgres", args.people, args.updates, server.url)
                finally:
                    server.stop()
        for echo in ("echo", "echo4"):
            if echo in targets:
                results[echo] = await run_target(echo, args.people, args.updates, None)
    for echo, suffix in (("echo", ""), ("echo4", "_vs_echo4")):
        for name in ("narbot_sqlite", "narbot_postgres"):
            if isinstance(results.get(name), dict) and isinstance(results.get(echo), dict):
                results[f"ratio_{name.removeprefix('narbot_')}{suffix}"] = round(
                    results[name]["updates_per_second"] / results[echo]["updates_per_second"], 2)
    return results


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--targets", default="sqlite,postgres,echo,echo4")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(_arguments())), indent=2))
