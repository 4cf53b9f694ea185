"""`narbot export` and `narbot report`: the files on disk and the reports as text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage.models.privacy import AuditEntry
from tests.support.reporting import SECRET, seed_reporting
from tests.unit.test_cli import narbot


async def test_export_writes_the_csv_files(tmp_path: Path, database_url: str, sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    out = tmp_path / "export"
    done = narbot(database_url, tmp_path, "export", "Nar Raporu", "--out", str(out))
    assert done.returncode == 0, done.stderr
    files = {path.name: path.read_bytes() for path in out.iterdir()}
    assert "people.csv" in files and "checkins.csv" in files and len(files) == 12  # with group_figures.csv
    assert files["todos.csv"].startswith(b"\xef\xbb\xbf")
    assert all(SECRET.encode() not in content for content in files.values())
    assert f"{out / 'todos.csv'}\t5" in done.stdout
    async with sessions() as session:
        logged = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "programme.export"))).all()
    assert [(e.actor_person_id, e.details["programme"]) for e in logged] == [(None, data.programme.id)]


async def test_reports_as_text(tmp_path: Path, database_url: str, sessions, clock) -> None:
    data = await seed_reporting(sessions, clock.now())
    impact = narbot(database_url, tmp_path, "report", "impact", str(data.programme.id))
    assert impact.returncode == 0, impact.stderr
    assert "Impact report (etki analizi): Nar Raporu" in impact.stdout  # DEFAULT_LOCALE=en
    assert "—" + " → " + "—" + " (—), n=<3" in impact.stdout  # the CLI suppresses small cells too
    turkish = narbot(database_url, tmp_path, "report", "impact", "Nar Raporu", "--lang", "tr")
    assert "Etki analizi: Nar Raporu" in turkish.stdout and "n=<3" in turkish.stdout
    progress = narbot(database_url, tmp_path, "report", "progress", "Grup A")
    assert progress.returncode == 0, progress.stderr
    assert "Ayse" in progress.stdout and "2 → 3 → 4" in progress.stdout and SECRET not in progress.stdout
    unknown = narbot(database_url, tmp_path, "report", "progress", "Grup Yok")
    assert unknown.returncode == 1
