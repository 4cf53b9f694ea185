"""A mentor's group: the week's digest, the agenda, sessions and RSVPs (issue #16)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.console.kit import Kit


def routes(kit: Kit) -> list[BaseRoute]:
    return []
