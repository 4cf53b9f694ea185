"""The import rules of docs/architecture.md, read from the source (no module is imported).

- `mentoring/` (the domain) imports neither a channel library (`telegram`, `pywa`)
  nor a layer above it (`handlers`, `bot`);
- `storage/` imports none of `mentoring`, `handlers`, `bot` or a channel library;
- the Telegram adapter (`handlers/`) imports no `bot` and, from `storage`, only
  the session factory (`storage.db`), never models or repositories;
- the WhatsApp adapter (`bot/whatsapp/`) imports no `telegram`, no `handlers` and,
  from `storage`, no models or repositories;
- the web console (`bot/console/`) imports no channel library, no `handlers` and,
  from `storage`, no models or repositories;
- jobs (the JobQueue callbacks in `bot/`) import no channel adapter and no models.

`KNOWN_DEBT` lists the imports that still break a rule while issue #11 moves the
features' words and flows into the domain. It may only shrink: a new violation
fails, and so does an entry that no longer is one (delete it then).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_LIBRARIES = ("telegram", "pywa", "pywa_async")
JOBS = ("bot/scheduler.py", "bot/sender_job.py", "bot/broadcast_progress.py")

KNOWN_DEBT: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> Iterator[str]:
    """Every absolute module an import statement names (relative imports stay inside a package)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def broken_rule(source: str, module: str) -> str | None:
    """Which rule importing `module` from the file `source` (relative to the root) breaks, if any."""
    layer = source.split("/", 1)[0]
    if layer == "mentoring" and _within(module, *CHANNEL_LIBRARIES, "handlers", "bot"):
        return "the domain imports no channel and no layer above it"
    if layer == "storage" and _within(module, *CHANNEL_LIBRARIES, "mentoring", "handlers", "bot"):
        return "storage imports no layer above it"
    if layer == "handlers" and (
        _within(module, "bot") or (_within(module, "storage") and not _within(module, "storage.db"))
    ):
        return "the Telegram adapter imports the domain and, from storage, only the session factory"
    if source.startswith("bot/whatsapp/") and _within(
        module, "telegram", "handlers", "storage.models", "storage.repositories"
    ):
        return "the WhatsApp adapter imports the domain and, from storage, only the session factory"
    if source.startswith("bot/console/") and _within(
        module, *CHANNEL_LIBRARIES, "handlers", "storage.models", "storage.repositories"
    ):
        return "the web console imports the domain and, from storage, only the session factory"
    if source in JOBS and _within(module, "handlers", "storage.models", "storage.repositories"):
        return "jobs import no channel adapter and no models"
    return None


def violations() -> set[tuple[str, str]]:
    found = set()
    for layer in ("mentoring", "storage", "handlers", "bot"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            source = path.relative_to(ROOT).as_posix()
            if source.startswith("storage/migrations/"):
                continue  # Alembic scripts are frozen history
            for module in imported_modules(path):
                if broken_rule(source, module):
                    found.add((source, module))
    return found


def test_the_rules_catch_what_they_forbid() -> None:
    assert broken_rule("mentoring/reflection/flow.py", "telegram.ext")
    assert broken_rule("mentoring/x.py", "pywa_async.types")
    assert broken_rule("mentoring/x.py", "handlers.common")
    assert broken_rule("storage/db.py", "mentoring.clock")
    assert broken_rule("handlers/todos.py", "storage.models")
    assert broken_rule("handlers/todos.py", "storage.repositories.outbox")
    assert broken_rule("handlers/todos.py", "bot.settings")
    assert broken_rule("bot/scheduler.py", "handlers.services")
    assert not broken_rule("handlers/todos.py", "storage.db")
    assert not broken_rule("handlers/todos.py", "mentoring.todos.rules")
    assert not broken_rule("bot/app.py", "handlers")
    assert not broken_rule("bot/sender.py", "telegram")
    assert not broken_rule("mentoring/todos/rules.py", "storage.models")
    assert broken_rule("bot/whatsapp/webhook.py", "telegram")
    assert broken_rule("bot/whatsapp/webhook.py", "storage.models.core")
    assert broken_rule("bot/whatsapp/webhook.py", "handlers.render")
    assert not broken_rule("bot/whatsapp/webhook.py", "pywa_async.types")
    assert not broken_rule("bot/whatsapp/render.py", "mentoring.screens")
    assert broken_rule("bot/console/app.py", "storage.models.console")
    assert broken_rule("bot/console/app.py", "telegram")
    assert not broken_rule("bot/console/app.py", "mentoring.console.views")


def test_imports_point_the_right_way() -> None:
    found = violations()
    new = sorted(found - KNOWN_DEBT)
    assert not new, f"imports that break docs/architecture.md's rules: {new}"


def test_the_known_debt_only_shrinks() -> None:
    paid = sorted(KNOWN_DEBT - violations())
    assert not paid, f"no longer violations, delete them from KNOWN_DEBT: {paid}"
