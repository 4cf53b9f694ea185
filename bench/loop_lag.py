"""Benchmark: does the bot still answer while a full digest pass and a full export run?

    python -m bench.loop_lag [--groups 1000] [--weeks 26]

Seeds a fresh SQLite file with `bench.digest`'s half-year of data (groups of
5 mentees and 2 mentors), plus one mentee and one coordinator who have agreed
to the notice. The real Narbot application (`bot.app.build_application`, a
fixed clock at 09:01 on the morning after the last week closed) runs in this
process and long-polls the Bot API stand-in, which runs in a child process
(as Telegram would) together with the simulated mentee: they send `/todo` and
`/help` in turn, each as soon as the previous reply arrived and a 50 ms pause
later; the child times each reply (update offered to reply received).

Meanwhile this process runs the digest planner (`plan_digests`, pass after
pass, as the planner job does each minute, until every group's digest is
queued) and the coordinator sends `/export` (the whole programme as a zip);
the outbox sender delivers the digests as usual. A ticker task measures the
event loop's lag (how late a 10 ms sleep wakes up). Prints one JSON object
last: `worst_lag_ms`, `p99_reply_ms` (targets: under 100 and 500 ms), the
machine's load and CPU count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import signal
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench import inprocess
from bench.digest import STARTS_ON, ZONE
from bench.digest import seed as seed_digest_data
from bench.machine import machine
from bench.throughput import TimedStandIn
from bot.settings import Settings
from mentoring.calendar import Rhythm, WindowKind, window
from mentoring.clock import ManualClock
from mentoring.digest.rules import morning_after, plan_digests
from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.runtime import SERVICES_KEY, Services
from storage import migrate
from storage.db import create_engine
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role

TOKEN = "123456789:AAHloopLAGloopLAGloopLAGloopLAG12345"
PERSON_USER = 30_000_001
COORDINATOR_USER = 30_000_002
ROUND = ("/todo", "/help")
PAUSE = 0.05  # the person reads the reply before sending the next message
TICK = 0.01


# ---- the child: the stand-in and the simulated people ----


async def person(standin: TimedStandIn, latencies: list[float], stop: asyncio.Event, *, timeout: float) -> None:
    """The mentee: `ROUND` in turn, each PAUSE after the previous reply, until `stop`; each reply's wait
    in `latencies`.

    The caller sets `stop` and then cancels: on Python 3.11 a cancel that meets a reply arriving at
    the same moment is lost inside `wait_for`, and the person would go on waiting for a bot that
    has stopped."""
    loop = asyncio.get_running_loop()
    step = 0
    while not stop.is_set():
        future: asyncio.Future[float] = loop.create_future()
        standin.waiting[PERSON_USER] = future
        pushed = time.perf_counter()
        standin.push_message(PERSON_USER, ROUND[step % len(ROUND)], first_name="Menti", language_code="tr")
        latencies.append(await asyncio.wait_for(future, timeout=timeout) - pushed)
        step += 1
        await asyncio.sleep(PAUSE)


async def _child() -> None:
    """The stand-in and the people, driven by lines on stdin: `go`, then `stop`; results on stdout."""
    async with TimedStandIn(TOKEN) as standin:
        print(f"TELEGRAM_API_BASE_URL={standin.base_url}", flush=True)
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        assert (await reader.readline()).strip() == b"go"
        latencies: list[float] = []
        export_seconds: list[float] = []

        async def coordinator() -> None:
            started = time.perf_counter()
            standin.push_message(COORDINATOR_USER, "/export", first_name="Koordinatör", language_code="tr")
            while not any("document" in m for m in standin.messages_to(COORDINATOR_USER)):
                future: asyncio.Future[float] = loop.create_future()
                standin.waiting[COORDINATOR_USER] = future
                await asyncio.wait_for(future, timeout=900)
            export_seconds.append(time.perf_counter() - started)
            print("EXPORT_DONE", flush=True)

        done = asyncio.Event()
        tasks = [asyncio.create_task(person(standin, latencies, done, timeout=300)),
                 asyncio.create_task(coordinator())]
        await reader.readline()  # stop: the bot has stopped, a message in flight gets no reply
        done.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        document = next((m["document"] for m in standin.messages_to(COORDINATOR_USER) if "document" in m), None)
        print(json.dumps({"latencies": latencies, "export_seconds": export_seconds[0] if export_seconds else None,
                          "export_bytes": document.get("file_size") if document else None}), flush=True)


# ---- the bot's side ----


async def _seed(url: str, groups: int, weeks: int, folder: Path) -> tuple[float, Any]:
    """bench.digest's data plus the mentee and the coordinator; returns (seconds, the planning moment)."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    started = time.perf_counter()
    await seed_digest_data(engine, groups, weeks)
    closes = window(WindowKind.REFLECTION, Rhythm(), STARTS_ON, weeks, ZONE).closes_at
    moment = morning_after(closes, ZONE) + timedelta(minutes=1)
    async with engine.begin() as connection:
        for offset, (user, role, name) in enumerate(
                ((PERSON_USER, Role.MENTEE, "Menti"), (COORDINATOR_USER, Role.COORDINATOR, "Koordinatör"))):
            pid = groups * 7 + 1 + offset
            await connection.execute(insert(Person), [{"id": pid, "display_name": name, "locale": "tr",
                                                       "timezone": "Europe/Istanbul", "created_at": moment}])
            await connection.execute(insert(ChannelIdentity), [{
                "person_id": pid, "channel": "telegram", "external_user_id": str(user), "chat_id": str(user),
                "created_at": moment}])
            await connection.execute(insert(ConsentRecord), [{"person_id": pid, "notice_version": NOTICE_VERSION,
                                                              "accepted_at": moment}])
            await connection.execute(insert(Membership), [{"person_id": pid, "programme_id": 1,
                                                           "group_id": 1 if role is Role.MENTEE else None,
                                                           "role": role.value, "joined_at": moment}])
    await engine.dispose()
    return time.perf_counter() - started, moment


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    """How late the loop wakes a task that asked to sleep TICK seconds."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(TICK)
        lags.append(loop.time() - asked - TICK)


async def _digest_passes(svc: Services, charts: Path) -> tuple[int, int, float]:
    """Planner passes (what the job does each minute) until nothing more is due: (digests, passes, seconds)."""
    started = time.perf_counter()
    total = passes = 0
    while True:
        async with svc.sessions.begin() as session:
            added = await plan_digests(session, svc.clock.now(), chart_dir=charts)
        passes += 1
        total += added
        if not added:
            return total, passes, time.perf_counter() - started


def _rank(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def run(groups: int, weeks: int, folder: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    seeding, moment = await _seed(url, groups, weeks, folder)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.loop_lag", "--child", cwd=Path(__file__).resolve().parents[1],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
        base_url = line.strip().partition("=")[2]
        settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=base_url, database_url=url,
                            log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
        app = await inprocess.prepare(settings, ManualClock(moment))  # the benchmark runs the digest passes
        await inprocess.start(app, settings)
        lags: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(_ticker(lags, stop))
        cpu_before = time.process_time()
        started = time.perf_counter()
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        digests, passes, digest_seconds = await _digest_passes(app.bot_data[SERVICES_KEY], folder / "charts")
        line = (await asyncio.wait_for(child.stdout.readline(), 900)).decode()
        assert line.strip() == "EXPORT_DONE", line
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        stop.set()
        await ticker
        await inprocess.stop(app)
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        found = json.loads((await asyncio.wait_for(child.stdout.readline(), 60)).decode())
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGINT)
            await child.wait()
    latencies = sorted(found["latencies"])
    ordered_lags = sorted(lags)
    return {
        "benchmark": "loop_lag", "groups": groups, "weeks": weeks,
        "digests_queued": digests, "digest_passes": passes, "digest_seconds": round(digest_seconds, 1),
        "export_seconds": round(found["export_seconds"], 1), "export_bytes": found["export_bytes"],
        "replies": len(latencies),
        "p50_reply_ms": round(_rank(latencies, 0.5) * 1000, 1) if latencies else None,
        "p99_reply_ms": round(_rank(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_reply_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "worst_lag_ms": round(ordered_lags[-1] * 1000, 1), "p99_lag_ms": round(_rank(ordered_lags, 0.99) * 1000, 1),
        "seconds": round(seconds, 1), "process_cpu_seconds": round(cpu, 1), "seeding_seconds": round(seeding, 1),
        **machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        asyncio.run(_child())
        return
    with tempfile.TemporaryDirectory(prefix="narbot-bench-loop-lag-") as folder:
        inprocess.settle()
        result = asyncio.run(run(args.groups, args.weeks, Path(folder)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
