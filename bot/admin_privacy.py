"""CLI commands of the privacy feature: `narbot retention apply` and `narbot audit show`.

Each action is `async def action(session, args, settings, tr) -> int` (exit code)
and runs in one transaction on a migrated database.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from mentoring import audit
from mentoring.clock import SystemClock
from mentoring.i18n import Translator
from mentoring.privacy.retention import apply_retention
from mentoring.privacy.screens import KIND_LABELS, OTHER_RECORDS

CLOCK = SystemClock()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use the form YYYY-MM-DD") from None


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
    retention = commands.add_parser(
        "retention", help="clear personal texts after programmes end"
    ).add_subparsers(dest="retention_command", required=True, metavar="ACTION")
    apply = retention.add_parser(
        "apply", help="clear reflections and other personal texts of programmes that ended more "
        "than RETENTION_DAYS_AFTER_PROGRAMME days ago (figures stay)")
    apply.add_argument("--dry-run", action="store_true", help="only count what would be cleared")
    apply.add_argument("--days", type=int, default=None,
                       help="days to keep texts after a programme ends (default: the setting)")

    audit_log = commands.add_parser(
        "audit", help="the audit log of views, exports and erasures"
    ).add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    show = audit_log.add_parser("show", help="show audit entries, oldest first")
    show.add_argument("--person", type=int, help="only entries by or about this person id")
    show.add_argument("--since", type=_day, help="only entries from this day on, YYYY-MM-DD")
    show.add_argument("--limit", type=int, default=1000, help="at most this many entries (default 1000)")


async def retention_apply(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    _ = tr.gettext
    days = args.days if args.days is not None else settings.retention_days_after_programme
    if days < 0:
        print(_("The number of days cannot be negative."))
        return 2
    report = await apply_retention(session, CLOCK.now(), days, dry_run=args.dry_run)
    for programme in report.programmes:
        line = _("Programme {id} ({name}): ended {ends}, texts kept until {until}").format(
            id=programme.programme_id, name=programme.name, ends=programme.ends_on.isoformat(),
            until=programme.keep_until.isoformat())
        print(line + " — " + (_("due") if programme.due else _("not yet")))
    # Kinds of records in the operator's words (as /mydata names them), not table names.
    kinds: dict[str, int] = {}
    for table, count in report.values.items():
        label = _(KIND_LABELS.get(table, OTHER_RECORDS))
        kinds[label] = kinds.get(label, 0) + count
    for label, count in sorted(kinds.items()):
        print(f"  {label}: {count}")
    n = report.total
    summary = (
        tr.ngettext("Dry run: {count} personal value would be cleared; nothing was changed.",
                    "Dry run: {count} personal values would be cleared; nothing was changed.", n)
        if args.dry_run
        else tr.ngettext("{count} personal value cleared.", "{count} personal values cleared.", n)
    )
    print(summary.format(count=n))
    return 0


async def audit_show(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    since = None
    if args.since is not None:
        since = datetime.combine(args.since, time(0), settings.timezone).astimezone(UTC)
    found = await audit.entries(session, person_id=args.person, since=since, limit=args.limit)
    for entry in found:
        print("\t".join([
            entry.at.astimezone(settings.timezone).isoformat(timespec="seconds"),
            str(entry.actor_person_id) if entry.actor_person_id is not None else "-",
            entry.action,
            str(entry.subject_person_id) if entry.subject_person_id is not None else "-",
            json.dumps(entry.details or {}, ensure_ascii=False, sort_keys=True),
        ]))
    count = len(found)
    print(tr.ngettext("{count} audit entry.", "{count} audit entries.", count).format(count=count))
    return 0


ACTIONS = {
    ("retention", "apply"): retention_apply,
    ("audit", "show"): audit_show,
}
