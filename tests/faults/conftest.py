"""Fault tests: a PostgreSQL server of their own, so it can be stopped and started."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.postgres import StoppablePostgres, find_bindir


@pytest.fixture
async def server() -> AsyncIterator[StoppablePostgres]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed here")
    server = StoppablePostgres(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
