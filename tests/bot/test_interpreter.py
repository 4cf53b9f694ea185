"""The interpreter's settings for `narbot run` (bot/interpreter.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, json
import sys
before = gc.get_threshold(), sys.getswitchinterval()
from bot import interpreter
interpreter.settle()
print(json.dumps({"before": before[0], "after": gc.get_threshold(), "frozen": gc.get_freeze_count(),
                  "switch_before": before[1], "switch_after": sys.getswitchinterval()}))
"""


def test_settle_freezes_start_up_collects_young_objects_less_often_and_switches_sooner() -> None:
    # In a process of its own: freezing this test process's objects would outlive the test.
    found = json.loads(subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, check=True, capture_output=True,
                                      text=True).stdout)
    assert found["before"][0] == 700, "CPython's default, which the bot changes"
    assert found["after"] == [10_000, found["before"][1], found["before"][2]]
    assert found["frozen"] > 1000, "the modules and classes loaded so far are frozen"
    assert found["switch_before"] == 0.005, "CPython's default"
    assert found["switch_after"] == 0.001


def test_narbot_console_settles_the_interpreter_before_it_serves(monkeypatch, tmp_path) -> None:
    from bot import interpreter
    from bot.console import serve
    from bot.settings import Settings

    order: list[str] = []

    async def serving(settings: Settings, config: object) -> None:
        order.append("serve")

    monkeypatch.setattr(interpreter, "settle", lambda: order.append("settle"))  # not this test process's
    monkeypatch.setattr(serve, "_serve", serving)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'n.db'}",  # type: ignore[call-arg]
                        console_secret="s" * 40, console_url="http://127.0.0.1:8080")
    assert serve.run_console(settings) == 0
    assert order == ["settle", "serve"]
