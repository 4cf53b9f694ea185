"""CLI commands of this feature: `add_parsers(commands)` adds them, ACTIONS runs them.

Each action is `async def action(session, args, settings, tr) -> int` (exit code)
and runs in one transaction on a migrated database.
"""

from __future__ import annotations

import argparse

ACTIONS: dict = {}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
