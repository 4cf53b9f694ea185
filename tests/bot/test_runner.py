"""`narbot run` hands its polling settings to python-telegram-bot."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import Application

from bot import runner
from bot.settings import Settings
from tests.conftest import TEST_TOKEN


def test_polling_uses_the_configured_pause(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner.interpreter, "settle", lambda: None)  # not this test process's interpreter
    monkeypatch.setattr(Application, "run_polling", lambda self, **kwargs: seen.update(kwargs))
    settings = Settings(_env_file=None, telegram_bot_token=TEST_TOKEN,  # type: ignore[call-arg]
                        database_url=f"sqlite:///{tmp_path / 'n.db'}", poll_interval_seconds=0.05)
    assert runner.run(settings) == 0
    assert seen["poll_interval"] == 0.05


def test_the_interpreter_is_settled_before_the_bot_is_built(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    order: list[str] = []
    monkeypatch.setattr(runner.interpreter, "settle", lambda: order.append("settle"))
    real_build = runner.build_application

    def build(*args: Any, **kwargs: Any) -> Application:
        order.append("build")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(runner, "build_application", build)
    monkeypatch.setattr(Application, "run_polling", lambda self, **kwargs: order.append("poll"))
    settings = Settings(_env_file=None, telegram_bot_token=TEST_TOKEN,  # type: ignore[call-arg]
                        database_url=f"sqlite:///{tmp_path / 'n.db'}")
    assert runner.run(settings) == 0
    assert order == ["settle", "build", "poll"]
