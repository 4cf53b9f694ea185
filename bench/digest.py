"""Benchmark: every group's weekly digest, built from a realistic half-year of data.

    python -m bench.digest [--groups 4000] [--weeks 26]

Seeds a fresh SQLite file (in a temporary directory) with SQLAlchemy core bulk
inserts: groups of 5 mentees and 2 mentors, each week's reflections (a
confidence answer and a text), peer check-ins, to-dos and some "not done"
reasons, agenda topics and a next session. Then builds every group's digest
for the last week, renders it for one mentor and counts the SQL statements
(`before_cursor_execute`). Prints one JSON object (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.machine import machine
from mentoring.calendar import Rhythm, WindowKind, window
from mentoring.digest.chart import chart_png
from mentoring.digest.data import Target
from mentoring.digest.render import render
from mentoring.digest.rules import BATCH, build_digests
from mentoring.i18n import translator
from mentoring.reflection.questions import DEFAULT_QUESTIONS, to_json
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import ChannelIdentity, Group, Membership, Person, Programme
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.sessions import AgendaTopic, GroupSession
from storage.models.todos import Todo, TodoReason

MENTEES, MENTORS = 5, 2
STARTS_ON = date(2026, 1, 5)
ZONE = ZoneInfo("Europe/Istanbul")
REASONS = ("no_time", "no_chance", "unclear", "needed_help", "other")
CHUNK = 5000
GROUPS_PER_INSERT = 250  # keeps the seeding's memory small


class Ids:
    """Explicit primary keys, so child rows can be written without reading anything back."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, name: str) -> int:
        self.next[name] = self.next.get(name, 0) + 1
        return self.next[name]


async def _insert(engine: AsyncEngine, model: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(model), rows[start:start + CHUNK])


async def _flush(engine: AsyncEngine, rows: dict[Any, list[dict[str, Any]]]) -> None:
    for model, items in rows.items():  # in dependency order
        await _insert(engine, model, items)
        items.clear()


async def seed(engine: AsyncEngine, groups: int, weeks: int, *, seed: int = 7) -> datetime:
    """Seed `groups` groups with `weeks` weeks of activity; returns a moment just after week `weeks` closed."""
    rng = random.Random(seed)
    now = datetime.combine(STARTS_ON, datetime.min.time(), tzinfo=UTC)
    ids = Ids()
    await _insert(engine, Programme, [{"id": 1, "name": "Bench", "starts_on": STARTS_ON,
                                       "ends_on": STARTS_ON + timedelta(weeks=26), "timezone": "Europe/Istanbul",
                                       "created_at": now}])
    await _insert(engine, ReflectionQuestionSet, [{"id": 1, "programme_id": 1, "version": 1, "effective_from_week": 1,
                                                   "questions": to_json(DEFAULT_QUESTIONS), "created_at": now}])
    rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in (
        Group, Person, ChannelIdentity, Membership, Reflection, ReflectionAnswer, PeerPair, PeerPairMember,
        PeerCheckin, Todo, TodoReason, AgendaTopic, GroupSession)}
    for g in range(1, groups + 1):
        if g % GROUPS_PER_INSERT == 0:
            await _flush(engine, rows)
        rows[Group].append({"id": g, "programme_id": 1, "name": f"Grup {g}", "created_at": now})
        members = []
        for index in range(MENTEES + MENTORS):
            pid = ids.take("person")
            members.append(pid)
            rows[Person].append({"id": pid, "display_name": f"Kişi {pid}", "locale": "tr",
                                 "timezone": "Europe/Istanbul", "created_at": now})
            rows[ChannelIdentity].append({"person_id": pid, "channel": "telegram", "external_user_id": str(pid),
                                          "chat_id": str(pid), "created_at": now,
                                          "blocked_at": now if rng.random() < 0.02 else None})
            rows[Membership].append({"person_id": pid, "programme_id": 1, "group_id": g, "joined_at": now,
                                     "role": "mentee" if index < MENTEES else "mentor"})
        mentees = members[:MENTEES]
        pairs = [mentees[0:2], mentees[2:5]]
        pair_ids = []
        for pair in pairs:
            pair_id = ids.take("pair")
            pair_ids.append(pair_id)
            rows[PeerPair].append({"id": pair_id, "group_id": g, "created_at": now})
            rows[PeerPairMember].extend({"pair_id": pair_id, "person_id": pid} for pid in pair)
        for week in range(1, weeks + 1):
            for pid in mentees:
                if rng.random() < 0.85:
                    rid = ids.take("reflection")
                    rows[Reflection].append({"id": rid, "person_id": pid, "group_id": g, "week": week,
                                             "question_set_id": 1, "closes_at": now, "started_at": now,
                                             "submitted_at": now, "numbers_only": rng.random() < 0.2})
                    rows[ReflectionAnswer].append({"reflection_id": rid, "question_key": "confidence",
                                                   "kind": "scale", "skipped": False,
                                                   "scale_value": rng.randint(1, 5), "text": None, "answered_at": now})
                    key = "to_mentors" if rng.random() < 0.3 else "tried"
                    rows[ReflectionAnswer].append({"reflection_id": rid, "question_key": key, "kind": "text",
                                                   "skipped": False, "answered_at": now, "scale_value": None,
                                                   "text": "Çocuklarla oyun oynadık. " * rng.randint(1, 20)})
                todo_id = ids.take("todo")
                status = rng.choice(("done", "open", "not_done"))
                rows[Todo].append({"id": todo_id, "person_id": pid, "group_id": g, "text": "Bir adım",
                                   "status": status, "due_kind": "week", "week": week, "postponed_count": 0,
                                   "due_at": now + timedelta(weeks=week), "created_at": now, "updated_at": now})
                if status == "not_done":
                    rows[TodoReason].append({"todo_id": todo_id, "person_id": pid, "group_id": g, "week": week,
                                             "reason": rng.choice(REASONS), "created_at": now})
            for pair, pair_id in zip(pairs, pair_ids, strict=True):
                for pid in pair:
                    rows[PeerCheckin].append({"person_id": pid, "group_id": g, "pair_id": pair_id, "week": week,
                                              "talked": rng.choice(("yes", "yes", "no")), "supported_other": False,
                                              "answered_at": now, "completed_at": now})
        topic_id = ids.take("topic")
        rows[AgendaTopic].append({"id": topic_id, "group_id": g, "title": "Aktif dinleme", "position": 1,
                                  "created_at": now})
        rows[GroupSession].append({"group_id": g, "starts_at": now + timedelta(weeks=weeks + 1), "place": "Oda",
                                   "topic_id": topic_id, "reminder_hours": [24, 1], "version": 1,
                                   "status": "planned", "created_at": now})
    await _flush(engine, rows)
    closes = window(WindowKind.REFLECTION, Rhythm(), STARTS_ON, weeks, ZONE).closes_at
    return closes + timedelta(hours=1)


async def build_all(engine: AsyncEngine, groups: int, weeks: int, now: datetime) -> tuple[int, int]:
    """Build and render every group's digest; returns (digests, text characters)."""
    targets = [Target(g, f"Grup {g}", 1, weeks, 26) for g in range(1, groups + 1)]
    tr = translator("tr")
    sessions = create_sessionmaker(engine)
    built = chars = 0
    async with sessions() as session:
        for start in range(0, len(targets), BATCH):
            chunk = targets[start:start + BATCH]
            for digest in await build_digests(session, chunk, {}, now):
                chars += len(render(digest, tr, ZONE))
                built += 1
    return built, chars


def count_queries(engine: AsyncEngine) -> list[int]:
    counter = [0]

    def count(*_: Any) -> None:
        counter[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    return counter


async def run(groups: int, weeks: int, folder: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await migrate.upgrade(engine)
    started = time.perf_counter()
    now = await seed(engine, groups, weeks)
    seeding = time.perf_counter() - started
    counter = count_queries(engine)
    started = time.perf_counter()
    built, chars = await build_all(engine, groups, weeks, now)
    total = time.perf_counter() - started
    queries = counter[0]
    # Memory of one batch, traced separately so tracing does not slow the timed run.
    tracemalloc.start()
    await build_all(engine, min(groups, BATCH), weeks, now)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sample = [Target(g, f"Grup {g}", 1, weeks, 26) for g in range(1, min(groups, 100) + 1)]
    async with create_sessionmaker(engine)() as session:
        digests = await build_digests(session, sample, {}, now)
    started = time.perf_counter()
    for digest in digests:
        chart_png(digest)
    chart_ms = (time.perf_counter() - started) * 1000 / max(1, len(digests))
    await engine.dispose()
    return {
        "benchmark": "digest",
        "groups": groups, "weeks": weeks, "mentees_per_group": MENTEES, "digests": built,
        "seconds": round(total, 2), "ms_per_group": round(total * 1000 / max(1, built), 3),
        "queries": queries, "queries_per_group": round(queries / max(1, built), 4),
        "batch_size": BATCH, "queries_per_batch": round(queries / max(1, -(-built // BATCH)), 1),
        "average_text_chars": round(chars / max(1, built)),
        "chart_ms_per_group": round(chart_ms, 2),
        "traced_peak_mb_one_batch": round(traced_peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seeding_seconds": round(seeding, 2),
        **machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=4000)
    parser.add_argument("--weeks", type=int, default=26)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="narbot-bench-digest-") as folder:
        result = asyncio.run(run(args.groups, args.weeks, Path(folder)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
