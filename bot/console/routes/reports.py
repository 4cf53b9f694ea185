"""The progress and impact reports as pages, and streamed CSV and .xlsx exports (issue #16)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.console.kit import Kit


def routes(kit: Kit) -> list[BaseRoute]:
    return []
