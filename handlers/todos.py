"""Handlers of the todos feature (filled in by that feature)."""

from __future__ import annotations

from telegram.ext import BaseHandler


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return []
