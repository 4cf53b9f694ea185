"""CLI commands for reports and exports.

`narbot export PROGRAMME --out DIR` writes the programme's CSV files (the same
ones /export sends) into DIR; `narbot report impact PROGRAMME` and
`narbot report progress GROUP` print the reports as text. Exports and reports
run from the CLI are audited with no actor (the server's operator).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from mentoring import audit
from mentoring.clock import SystemClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, Translator, translator
from mentoring.programmes import programme_named
from mentoring.reports.exports import export_programme
from mentoring.reports.impact import impact_report
from mentoring.reports.rules import due_stage, group_progress
from mentoring.reports.texts import render_impact, render_progress
from mentoring.reports.views import REPORT_ACTION
from storage.models import Group, Programme

CLOCK = SystemClock()


def _reader(args: argparse.Namespace, tr: Translator) -> Translator:
    """The report's language: --lang, or the server's DEFAULT_LOCALE."""
    return translator(args.lang) if args.lang else tr


async def export_run(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(tr.gettext("Cannot write to {path}: {error}").format(path=args.out, error=exc.strerror), file=sys.stderr)
        return 1
    export = await export_programme(session, programme.id, None, CLOCK.now())
    for name, content in export.files.items():
        (args.out / name).write_bytes(content)
        print(f"{args.out / name}\t{export.rows[name]}")
    return 0


async def report_impact(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    report = await impact_report(session, programme.id)
    await audit.record(session, None, REPORT_ACTION, details={"programme": programme.id, "view": "impact"},
                       now=CLOCK.now())
    print("\n\n".join(render_impact(_reader(args, tr), report, programme.name)))
    return 0


async def _group(session: AsyncSession, name_or_id: str) -> Group:
    query = select(Group).where(Group.id == int(name_or_id)) if name_or_id.isdigit() else (
        select(Group).where(Group.name == " ".join(name_or_id.split())))
    found = (await session.scalars(query)).all()
    if len(found) != 1:
        raise DomainError("unknown_group", programme="*", group=name_or_id)
    return found[0]


async def report_progress(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    group = await _group(session, args.group)
    now = CLOCK.now()
    programme = await session.get(Programme, group.programme_id)
    progress = await group_progress(session, group.id, now)
    assert programme is not None and progress is not None
    await audit.record(session, None, REPORT_ACTION,
                       details={"programme": programme.id, "view": "progress", "group": group.id}, now=now)
    print("\n\n".join(render_progress(_reader(args, tr), progress, due_stage(programme, now))))
    return 0


ACTIONS = {("export", "run"): export_run, ("report", "impact"): report_impact, ("report", "progress"): report_progress}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
    export = commands.add_parser("export", help="write a programme's figures as CSV files (no texts)")
    export.set_defaults(export_command="run")
    export.add_argument("programme", help="programme id or name")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the CSV files")
    report = commands.add_parser("report", help="print a report").add_subparsers(
        dest="report_command", required=True, metavar="ACTION")
    impact = report.add_parser("impact", help="impact report (etki analizi) of a programme")
    impact.add_argument("programme", help="programme id or name")
    impact.add_argument("--lang", choices=SUPPORTED_LOCALES, help="tr or en (default: DEFAULT_LOCALE)")
    progress = report.add_parser("progress", help="progress report of a group, per mentee")
    progress.add_argument("group", help="group id (or its name, if no other programme has one of that name)")
    progress.add_argument("--lang", choices=SUPPORTED_LOCALES, help="tr or en (default: DEFAULT_LOCALE)")
