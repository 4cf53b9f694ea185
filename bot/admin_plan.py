"""CLI commands of the development plan: a programme's list of priority development areas.

`narbot areas show PROGRAMME` prints the list (the default eight outcome areas
until a coordinator loads their own); `narbot areas load PROGRAMME FILE.json`
replaces it after checking the whole file, so a bad file changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator, translator
from mentoring.plans.areas import parse_areas, programme_areas, replace_areas
from mentoring.programmes import programme_named

_PROBLEMS = {
    "areas_count": N_("The file must hold a list of 1 to {most} areas."),
    "area_fields": N_("Area {number} must have exactly the fields key, tr and en."),
    "area_key": N_("Area {number}: the key must be 2-32 lower-case letters, digits or _ (e.g. empathy)."),
    "area_title": N_("Area {number}: each title must be 1 to {most} characters."),
    "area_duplicate": N_("The key {key} appears twice."),
}


async def areas_show(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    turkish, english = translator("tr"), translator("en")
    for area in await programme_areas(session, programme.id):
        print(f"{area.key}\t{area.title(turkish)}\t{area.title(english)}")
    return 0


async def areas_load(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        print(tr.gettext("Cannot read {path}: {error}").format(path=args.file, error=exc.strerror), file=sys.stderr)
        return 1
    except ValueError:
        print(tr.gettext("{path} is not valid JSON; nothing was changed.").format(path=args.file), file=sys.stderr)
        return 1
    try:
        areas = parse_areas(data)
    except DomainError as error:
        print(tr.gettext(_PROBLEMS[error.code]).format(**error.values), file=sys.stderr)
        print(tr.gettext("Nothing was changed."), file=sys.stderr)
        return 1
    await replace_areas(session, programme.id, areas)
    print(tr.ngettext("Loaded {count} development area for {programme}.",
                      "Loaded {count} development areas for {programme}.", len(areas)).format(
        count=len(areas), programme=programme.name))
    return 0


ACTIONS = {("areas", "show"): areas_show, ("areas", "load"): areas_load}


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
    areas = commands.add_parser("areas", help="a programme's priority development areas").add_subparsers(
        dest="areas_command", required=True, metavar="ACTION")
    show = areas.add_parser("show", help="list the areas (key, Turkish and English title)")
    show.add_argument("programme", help="programme id or name")
    load = areas.add_parser("load", help='replace the list from a JSON file: [{"key": ..., "tr": ..., "en": ...}]')
    load.add_argument("programme", help="programme id or name")
    load.add_argument("file", type=Path)
