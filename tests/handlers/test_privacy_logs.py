"""What a person writes never reaches the logs, even with LOG_LEVEL=DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logging import OWN_PACKAGES, configure_logging
from mentoring.clock import ManualClock
from tests.support.offline import ChatUser
from tests.support.privacy import join
from tests.support.seed import seed_programme

REFLECTION = "Bu hafta Elif'in öfke nöbetinde yanına oturup sessizce bekledim; sakinleşti"
NAME = "Ayşe Yılmaz"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as production sets it up with LOG_LEVEL=DEBUG, captured by caplog."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level,
             {name: logging.getLogger(name).level for name in (*OWN_PACKAGES, "httpx", "httpcore")})
    configure_logging("DEBUG")
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


async def test_a_reflection_like_text_is_not_logged_at_debug(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send(REFLECTION)
    await user.send("/mydata")
    await user.send("/forgetme")
    await user.press("Evet, verilerimi sil")

    assert any(record.name.startswith(("handlers", "mentoring")) for record in debug_logs.records), "logs were captured"
    logged = debug_logs.text
    assert REFLECTION not in logged and "öfke nöbetinde" not in logged
    assert NAME not in logged
