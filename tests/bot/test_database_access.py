"""A SQLite database the process may not write is refused at start, in one line, with exit code 2.

The real `narbot` command runs in a subprocess that cannot write a copy of a
live database (file, -wal, -shm, folder). The tests run as root in CI, and root
writes anything whatever the file modes say; so as root the command runs with
every capability dropped (`setpriv --bounding-set=-all`), which leaves the
kernel's ordinary permission checks in force, as for any user. (`setpriv
--reuid=nobody` would be the other way, but the interpreter here lives under
/root, which nobody may not enter.) A read-only mount is made in a private
mount namespace (`unshare --mount`), where even root with every capability
cannot write. Missing tools fail the test; nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.test_settings import clean_env
from tests.conftest import TEST_TOKEN


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"this test needs `{name}` (Debian: util-linux); it is not on PATH")
    return path


def without_privileges() -> list[str]:
    """The prefix that runs a command without the power to ignore file modes."""
    if os.geteuid() != 0:
        return []
    return [tool("setpriv"), "--bounding-set=-all", "--inh-caps=-all"]


def narbot(database: Path, *args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    env = clean_env(DATABASE_URL=f"sqlite:///{database}", TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                    TELEGRAM_BOT_USERNAME="narbot_test_bot", DEFAULT_LOCALE="en",
                    # Nothing answers here: if the check let `run` through, it would fail differently.
                    TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
    return subprocess.run(
        [*(without_privileges() if prefix is None else prefix), sys.executable, "-m", "bot.cli", *args],
        cwd=next(p for p in database.parents if p.is_dir()), env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def live_copy(tmp_path: Path) -> Path:
    """A migrated database copied, with its -wal and -shm, while a connection had it open."""
    source = tmp_path / "source" / "narbot.db"
    source.parent.mkdir()
    migrated = narbot(source, "db", "upgrade", prefix=[])
    assert migrated.returncode == 0, migrated.stderr
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("UPDATE alembic_version SET version_num = version_num")
        connection.commit()
        copy = tmp_path / "copy"
        copy.mkdir()
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{source}{suffix}", copy / f"narbot.db{suffix}")
    finally:
        connection.close()
    return copy / "narbot.db"


def read_only(*paths: Path) -> None:
    for path in paths:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)


def assert_cannot_write(path: Path) -> None:
    """The test's premise, checked with the same prefix: writing really is refused."""
    target = path / ".probe" if path.is_dir() else path
    probe = subprocess.run([*without_privileges(), "sh", "-c", f"echo x >> '{target}'"],
                           capture_output=True, text=True, check=False)
    assert probe.returncode != 0, f"{target} is still writable for the test's command; the test proves nothing"


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr  # one line, nothing else
    assert f"{path} {words}" in lines[0], lines[0]
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr and "Fatal Python error" not in result.stderr


@pytest.mark.parametrize("command", [["run"], ["programme", "list"], ["db", "current"]])
def test_a_read_only_copy_of_a_live_database_is_refused(live_copy: Path, command: list[str]) -> None:
    folder = live_copy.parent
    read_only(live_copy, Path(f"{live_copy}-wal"), Path(f"{live_copy}-shm"), folder)
    assert_cannot_write(live_copy)

    result = narbot(live_copy, *command)

    assert_refused(result, live_copy, "is not writable for the user")
    assert "Permission denied" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["narbot.db", "narbot.db-shm", "narbot.db-wal"]


def test_a_read_only_shm_alone_is_refused(live_copy: Path) -> None:
    shm = Path(f"{live_copy}-shm")
    read_only(shm)
    assert_cannot_write(shm)

    assert_refused(narbot(live_copy, "run"), shm, "is not writable for the user")


def test_a_folder_where_sqlite_cannot_create_its_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    read_only(folder)
    assert_cannot_write(folder)

    assert_refused(narbot(folder / "narbot.db", "run"), folder, "is not writable for the user")
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    result = narbot(tmp_path / "nowhere" / "narbot.db", "programme", "list")
    assert result.returncode == 2
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in result.stderr


def test_a_read_only_mount_is_refused_even_for_root(live_copy: Path) -> None:
    """Root with every capability, as CI runs: only the mount flag tells."""
    folder = live_copy.parent
    if os.geteuid() == 0:
        namespace = [tool("unshare"), "--mount", "--propagation", "private"]
    else:
        namespace = [tool("unshare"), "--user", "--map-root-user", "--mount", "--propagation", "private"]
    remount_read_only = [
        "sh", "-ec", 'mount --bind "$0" "$0"; mount -o remount,bind,ro "$0"; exec "$@"', str(folder),
    ]

    result = narbot(live_copy, "run", prefix=[*namespace, *remount_read_only])

    assert_refused(result, folder, "is on a read-only file system")


def test_a_crash_in_c_code_leaves_the_python_stack(tmp_path: Path) -> None:
    """Should SQLite's mapped -shm still raise SIGBUS, the process says where it was."""
    database = tmp_path / "narbot.db"
    script = ("import os, signal\nfrom bot.cli import main\n"
              "assert main(['db', 'upgrade']) == 0\nos.kill(os.getpid(), signal.SIGBUS)\n")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env=clean_env(DATABASE_URL=f"sqlite:///{database}", DEFAULT_LOCALE="en"),
    )
    assert result.returncode == -signal.SIGBUS
    assert "Fatal Python error: Bus error" in result.stderr
    assert 'File "<string>", line 4' in result.stderr
