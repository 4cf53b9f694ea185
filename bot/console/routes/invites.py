"""Open invites: who has not joined yet, and revoking an invite (issue #16)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.console.kit import Kit


def routes(kit: Kit) -> list[BaseRoute]:
    return []
