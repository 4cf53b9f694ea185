"""The audit log: recording, reading, and `narbot audit show` / `narbot retention apply` as a coordinator runs them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring import audit
from mentoring.clock import ManualClock
from storage.models import Person
from tests.unit.test_cli import narbot


async def people(sessions: async_sessionmaker[AsyncSession], now: datetime, count: int) -> list[int]:
    async with sessions.begin() as session:
        made = [Person(display_name=f"P{i}", created_at=now) for i in range(count)]
        session.add_all(made)
        await session.flush()
        return [p.id for p in made]


async def test_record_and_read_entries_by_person_and_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    mentor, mentee, other = await people(sessions, clock.now(), 3)
    async with sessions.begin() as session:
        await audit.record(session, mentor, "mentee.detail", mentee, {"group": 4}, now=clock.now())
        await audit.record(session, other, "programme.export", now=clock.now() + timedelta(days=2))
        await audit.record(session, None, audit.RETENTION_APPLIED, now=clock.now() + timedelta(days=3))
    async with sessions() as session:
        about_mentee = await audit.entries(session, person_id=mentee)
        by_mentor = await audit.entries(session, person_id=mentor)
        later = await audit.entries(session, since=clock.now() + timedelta(days=1))
        everything = await audit.entries(session)
    assert [(e.actor_person_id, e.action, e.subject_person_id, e.details) for e in about_mentee] == [
        (mentor, "mentee.detail", mentee, {"group": 4})]
    assert by_mentor == about_mentee
    assert [e.action for e in later] == ["programme.export", audit.RETENTION_APPLIED]
    assert len(everything) == 3 and everything[0].at == clock.now()


async def test_audit_show_cli_filters_by_person_and_day(
    tmp_path: Path, database_url: str, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    day = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    mentor, mentee, other = await people(sessions, day, 3)
    async with sessions.begin() as session:
        await audit.record(session, mentor, "mentee.detail", mentee, {"group": 4}, now=day)
        await audit.record(session, other, "programme.export", now=day + timedelta(days=2))
    await engine.dispose()  # let the CLI process have the database

    result = narbot(database_url, tmp_path, "audit", "show", "--person", str(mentee))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [f'2026-11-20T12:00:00+03:00\t{mentor}\tmentee.detail\t{mentee}\t{{"group": 4}}',
                     "1 audit entry."]
    since = narbot(database_url, tmp_path, "audit", "show", "--since", "2026-11-21")
    assert "programme.export" in since.stdout and "mentee.detail" not in since.stdout
    bad = narbot(database_url, tmp_path, "audit", "show", "--since", "21.11.2026")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_retention_cli_reports_progress_and_a_summary(tmp_path: Path, database_url: str) -> None:
    narbot(database_url, tmp_path, "programme", "create", "Eski", "--starts", "2025-01-01", "--ends", "2025-01-31")
    narbot(database_url, tmp_path, "programme", "create", "Yeni", "--starts", "2026-01-01", "--ends", "2099-06-30")
    dry = narbot(database_url, tmp_path, "retention", "apply", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Programme 1 (Eski): ended 2025-01-31, texts kept until 2025-07-30 — due" in dry.stdout
    assert "Programme 2 (Yeni): ended 2099-06-30, texts kept until 2099-12-27 — not yet" in dry.stdout
    assert "Dry run: 0 personal values would be cleared; nothing was changed." in dry.stdout
    applied = narbot(database_url, tmp_path, "retention", "apply", "--days", "36500")
    assert "texts kept until 2125-01-07 — not yet" in applied.stdout
    assert "0 personal values cleared." in applied.stdout
    shown = narbot(database_url, tmp_path, "audit", "show")
    assert "retention.apply" not in shown.stdout, "nothing was due, so nothing was done"
    assert "--dry-run" in narbot(database_url, tmp_path, "retention", "apply", "--help").stdout
