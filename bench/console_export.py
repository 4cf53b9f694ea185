"""Benchmark: does the bot still answer while the web console streams the full export?

    python -m bench.console_export [--groups 4000] [--weeks 26] [--verify]

Seeds a fresh SQLite file with `bench.loop_lag`'s data (bench.digest's half-year of groups
of 5 mentees and 2 mentors, plus one mentee and one coordinator who agreed to the notice),
in a child process so the figures below are the running bot's own. Then the real Narbot
application (`bot.app.build_application`, a fixed clock, the planner's jobs removed so only
the export competes with the people) and the web console (`bot.console.app.create_app`
served by `bot.web_server.WebServer`) run in THIS process and event loop, as `narbot run`
serves both.

A second child process plays Telegram and the people (the Bot API stand-in, as in
bench.loop_lag) and the coordinator's browser: it logs in through a one-time link (the
login page, then "Continue"), downloads the CSV of the export's biggest table and then
the whole export as .xlsx over HTTP, while the simulated mentee sends `/todo` and `/help`
in turn (each as soon as the previous reply arrived, 50 ms later) and times each reply.
A ticker task in this process measures the event loop's lag.

Prints one JSON object last: `p99_reply_ms` (target < 1000), `worst_lag_ms`,
`export_seconds`, `export_bytes` (both downloads), `peak_rss_mb` (this process: the bot
and the console), the rows each download held against the database's count, and the
machine's load and CPU count (bench.machine). `--verify` also opens the .xlsx with
openpyxl and counts every sheet's rows (slow at full scale; the tests do it in small).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import re
import resource
import signal
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import inprocess
from bench.loop_lag import COORDINATOR_USER, TICK, TOKEN, person
from bench.loop_lag import _seed as seed_loop_lag_data
from bench.machine import machine
from bench.throughput import TimedStandIn
from bot.console.app import create_app
from bot.console.config import ConsoleConfig
from bot.settings import Settings
from bot.web_server import WebServer
from mentoring.clock import ManualClock
from mentoring.console import logins
from mentoring.reports.exports import TABLES
from mentoring.runtime import SERVICES_KEY
from storage.models import ChannelIdentity

PROGRAMME = 1  # bench.digest's programme
SECRET = "bench-console-secret-" + "x" * 24
HERE = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rank(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# ---- the child: Telegram, the mentee and the coordinator's browser ----


async def _log_in(client: Any, token: str) -> None:
    page = await client.get(f"/login/{token}")
    page.raise_for_status()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None, "no Continue form on the login page"
    pressed = await client.post(f"/login/{token}", data={"csrf": csrf.group(1)})
    assert pressed.status_code == 303, pressed.status_code


async def _download(client: Any, path: str, target: Path) -> tuple[int, float]:
    """(bytes, seconds) of one download, written to `target` as it arrives."""
    started = time.perf_counter()
    size = 0
    with target.open("wb") as out:
        async with client.stream("GET", path) as answer:
            assert answer.status_code == 200, answer.status_code
            assert answer.headers["content-disposition"].startswith("attachment;")
            async for chunk in answer.aiter_bytes():
                out.write(chunk)
                size += len(chunk)
    return size, time.perf_counter() - started


def _check(folder: Path, table: str, verify: bool) -> dict[str, Any]:
    """What arrived: the CSV's data rows; the .xlsx's integrity, sheets and (verify) rows per sheet."""
    with (folder / "table.csv").open(encoding="utf-8-sig", newline="") as file:
        csv_rows = sum(1 for _ in csv.reader(file)) - 1
    with zipfile.ZipFile(folder / "export.xlsx") as archive:
        intact = archive.testzip() is None
        sheets = sum(1 for name in archive.namelist() if name.startswith("xl/worksheets/sheet"))
    found: dict[str, Any] = {"csv_file": table, "csv_rows": csv_rows, "xlsx_intact": intact, "xlsx_sheets": sheets}
    if verify:
        from openpyxl import load_workbook

        book = load_workbook(folder / "export.xlsx", read_only=True)
        found["xlsx_rows"] = {name: sum(1 for _ in book[name].iter_rows(values_only=True)) - 1
                              for name in book.sheetnames}
        book.close()
    return found


async def _child(folder: Path, verify: bool) -> None:
    """Driven by lines on stdin: `go CONSOLE_URL TOKEN TABLE`, then `stop`; results on stdout."""
    import httpx

    async with TimedStandIn(TOKEN) as standin:
        print(f"TELEGRAM_API_BASE_URL={standin.base_url}", flush=True)
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        _go, console_url, token, table = (await reader.readline()).decode().split()
        latencies: list[float] = []
        export: dict[str, Any] = {}

        async def browser() -> None:
            # The .xlsx's first byte comes once the whole workbook is written (minutes at full scale).
            timeout = httpx.Timeout(3600.0)
            async with httpx.AsyncClient(base_url=console_url, timeout=timeout) as client:
                await _log_in(client, token)
                started = time.perf_counter()
                csv_bytes, csv_seconds = await _download(client, f"/programmes/{PROGRAMME}/export/{table}",
                                                         folder / "table.csv")
                xlsx_bytes, xlsx_seconds = await _download(client, f"/programmes/{PROGRAMME}/export.xlsx",
                                                           folder / "export.xlsx")
                export.update(seconds=time.perf_counter() - started, csv_bytes=csv_bytes,
                              csv_seconds=csv_seconds, xlsx_bytes=xlsx_bytes, xlsx_seconds=xlsx_seconds)
            print("EXPORT_DONE", flush=True)

        done = asyncio.Event()
        mentee = asyncio.create_task(person(standin, latencies, done, timeout=600))
        await browser()
        done.set()
        mentee.cancel()
        await asyncio.gather(mentee, return_exceptions=True)
        await reader.readline()  # stop: the bot has stopped
        print(json.dumps({"latencies": latencies, "export": export, "arrived": _check(folder, table, verify)}),
              flush=True)


# ---- this process: the bot and the console ----


async def _seed_elsewhere(url: str, groups: int, weeks: int, folder: Path) -> tuple[float, datetime]:
    """bench.loop_lag's seeding, in a child process (its memory is not the bot's)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.console_export", "--seed", url, "--groups", str(groups), "--weeks", str(weeks),
        "--folder", str(folder), cwd=HERE, stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    assert child.returncode == 0, "seeding failed"
    found = json.loads(out.decode().strip().splitlines()[-1])
    return found["seconds"], datetime.fromisoformat(found["moment"])


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(TICK)
        lags.append(loop.time() - asked - TICK)


async def _row_counts(sessions: Any) -> dict[str, int]:
    """Each export table's rows, counted by the database (what a whole download holds)."""
    async with sessions() as session:
        return {table.filename: await session.scalar(
            select(func.count()).select_from(table.query(PROGRAMME).order_by(None).subquery())) or 0
            for table in TABLES}


async def run(groups: int, weeks: int, folder: Path, verify: bool = False) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    seeding, moment = await _seed_elsewhere(url, groups, weeks, folder)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.console_export", "--child", "--folder", str(folder),
        *(["--verify"] if verify else []), cwd=HERE, limit=2**28,  # its last line holds every reply's latency
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    server: WebServer | None = None
    try:
        line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
        base_url = line.strip().partition("=")[2]
        settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=base_url, database_url=url,
                            log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
        app = await inprocess.prepare(settings, ManualClock(moment))  # only the export competes with the people
        services = app.bot_data[SERVICES_KEY]
        counts = await _row_counts(services.sessions)
        table = max(counts, key=lambda name: counts[name])
        async with services.sessions.begin() as session:
            coordinator = await session.scalar(select(ChannelIdentity.person_id).where(
                ChannelIdentity.external_user_id == str(COORDINATOR_USER)))
            assert coordinator is not None
            token = await logins.issue(session, coordinator, services.clock.now())
        deferred = _Deferred()
        server = WebServer(deferred, "127.0.0.1", 0)  # bound first: its URL is the console's
        deferred.app = create_app(services, ConsoleConfig(server.url, SECRET))
        await server.start()
        await inprocess.start(app, settings)
        lags: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(_ticker(lags, stop))
        rss_before = _rss_mb()
        cpu_before = time.process_time()
        child.stdin.write(f"go {server.url} {token} {table}\n".encode())
        await child.stdin.drain()
        line = (await asyncio.wait_for(child.stdout.readline(), 7200)).decode()
        assert line.strip() == "EXPORT_DONE", line
        cpu = time.process_time() - cpu_before
        stop.set()
        await ticker
        await inprocess.stop(app)
        await server.stop()
        server = None
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        found = json.loads((await asyncio.wait_for(child.stdout.readline(), 3600)).decode())
        await child.wait()
    finally:
        if server is not None:
            await server.stop()
        if child.returncode is None:
            child.send_signal(signal.SIGINT)
            await child.wait()
    latencies = sorted(found["latencies"])
    ordered_lags = sorted(lags)
    export = found["export"]
    return {
        "benchmark": "console_export", "groups": groups, "weeks": weeks,
        "export_seconds": round(export["seconds"], 1),
        "export_bytes": export["csv_bytes"] + export["xlsx_bytes"],
        "csv_table": table, "csv_bytes": export["csv_bytes"], "csv_seconds": round(export["csv_seconds"], 1),
        "xlsx_bytes": export["xlsx_bytes"], "xlsx_seconds": round(export["xlsx_seconds"], 1),
        "rows": counts, "export_rows": sum(counts.values()), "arrived": found["arrived"],
        "replies": len(latencies),
        "p50_reply_ms": round(_rank(latencies, 0.5) * 1000, 1) if latencies else None,
        "p99_reply_ms": round(_rank(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_reply_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "worst_lag_ms": round(ordered_lags[-1] * 1000, 1) if ordered_lags else None,
        "p99_lag_ms": round(_rank(ordered_lags, 0.99) * 1000, 1) if ordered_lags else None,
        "peak_rss_mb": round(_rss_mb(), 1), "rss_before_export_mb": round(rss_before, 1),
        "process_cpu_seconds": round(cpu, 1), "seeding_seconds": round(seeding, 1),
        **machine(),
    }


class _Deferred:
    """The console's app, given once the server has bound its port (the console's URL)."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def _seed_main(url: str, groups: int, weeks: int, folder: Path) -> None:
    seconds, moment = asyncio.run(seed_loop_lag_data(url, groups, weeks, folder))
    print(json.dumps({"seconds": seconds, "moment": moment.isoformat()}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=4000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--verify", action="store_true", help="count the .xlsx's rows with openpyxl")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        _seed_main(args.seed, args.groups, args.weeks, Path(args.folder))
        return
    if args.child:
        asyncio.run(_child(Path(args.folder), args.verify))
        return
    with tempfile.TemporaryDirectory(prefix="narbot-bench-console-export-") as folder:
        inprocess.settle()
        result = asyncio.run(run(args.groups, args.weeks, Path(folder), args.verify))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
