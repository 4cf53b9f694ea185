"""`narbot whatsapp templates`: the nudges as Meta's template manager takes them, in a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mentoring.i18n import translator
from mentoring.nudges.templates import NUDGES, TODO
from tests.bot.test_settings import clean_env


def narbot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    # A database in a folder that does not exist: the command must not need one.
    database = f"sqlite+aiosqlite:///{cwd / 'missing' / 'narbot.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "whatsapp", "templates", *args], cwd=cwd, capture_output=True,
        timeout=120, check=False, env=clean_env(DATABASE_URL=database, **env),
    )


def test_prints_every_nudge_in_both_languages_as_utf8_json(tmp_path: Path) -> None:
    # An ASCII terminal still gets UTF-8 (the file is meant to be submitted as it is).
    result = narbot(tmp_path, WHATSAPP_TEMPLATE_PREFIX="nar_test", PYTHONIOENCODING="ascii")

    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    templates = json.loads(text)
    assert "Soruları göster" in text and "\\u" not in text  # ensure_ascii=False
    assert text.startswith('[\n  {\n    "name": ')  # indent 2
    assert [t["language"] for t in templates] == ["tr"] * len(NUDGES) + ["en"] * len(NUDGES)
    assert {t["name"] for t in templates} == {f"nar_test_{nudge.name}" for nudge in NUDGES}
    assert {t["category"] for t in templates} == {"UTILITY"}
    english = {t["name"]: t for t in templates if t["language"] == "en"}
    todo = english["nar_test_todo"]["components"]
    assert todo[0] == {"type": "BODY", "text": TODO.body.render(translator("en"))}
    assert todo[1]["buttons"] == [{"type": "QUICK_REPLY", "text": "Show the to-do"}]
    hint = result.stderr.decode()
    assert "Message templates" in hint and "/message_templates" in hint and len(hint.strip().splitlines()) == 1


def test_one_language_and_another_prefix(tmp_path: Path) -> None:
    result = narbot(tmp_path, "--locale", "en", "--prefix", "kurum2")

    assert result.returncode == 0, result.stderr
    templates = json.loads(result.stdout)
    assert len(templates) == len(NUDGES)
    assert {t["language"] for t in templates} == {"en"}
    assert all(t["name"].startswith("kurum2_") for t in templates)


def test_a_prefix_meta_would_refuse_is_a_usage_error(tmp_path: Path) -> None:
    result = narbot(tmp_path, "--prefix", "Kurum-2")

    assert result.returncode == 2 and result.stdout == b""
    assert b"--prefix" in result.stderr
