"""Broadcasts: compose, audience and its size, send or schedule, the live delivery report, cancel (issue #16)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.console.kit import Kit


def routes(kit: Kit) -> list[BaseRoute]:
    return []
