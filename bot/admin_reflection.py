"""CLI commands of the reflection feature: show and load a programme's reflection questions.

Each action is `async def action(session, args, settings, tr) -> int` (exit code)
and runs in one transaction on a migrated database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from mentoring.calendar import week_of
from mentoring.clock import SystemClock
from mentoring.i18n import Translator
from mentoring.programmes import programme_named
from mentoring.reflection.questions import (
    DEFAULT_QUESTIONS,
    add_version,
    describe_problem,
    newest_set,
    parse_question_file,
    to_json,
)

CLOCK = SystemClock()


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
    questions = commands.add_parser(
        "questions", help="a programme's weekly reflection questions"
    ).add_subparsers(dest="questions_command", required=True, metavar="ACTION")
    show = questions.add_parser(
        "show", help="print the newest question set as JSON (the format `load` reads)"
    )
    show.add_argument("programme", help="programme id or name")
    load = questions.add_parser(
        "load", help="replace the question set from a JSON file, from next week's reflection on"
    )
    load.add_argument("programme", help="programme id or name")
    load.add_argument("file", type=Path)


async def questions_show(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await programme_named(session, args.programme)
    found = await newest_set(session, programme.id)
    if found is None:
        print(
            tr.gettext("{programme} uses the default question set.").format(
                programme=programme.name
            ),
            file=sys.stderr,
        )
        questions = to_json(DEFAULT_QUESTIONS)
    else:
        print(
            tr.gettext("{programme}: version {version}, in force from week {week}.").format(
                programme=programme.name, version=found.version, week=found.effective_from_week
            ),
            file=sys.stderr,
        )
        questions = found.questions
    print(json.dumps({"questions": questions}, ensure_ascii=False, indent=2))
    return 0


async def questions_load(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await programme_named(session, args.programme)
    try:
        data = json.loads(args.file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        print(
            tr.gettext("Cannot read {path}: {error}").format(
                path=args.file, error=exc.strerror or exc
            )
        )
        return 1
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(tr.gettext("{path} is not valid JSON: {error}").format(path=args.file, error=exc))
        return 1
    questions, problems = parse_question_file(data)
    if problems:
        for problem in problems:
            print(describe_problem(tr, problem))
        print(tr.gettext("The question set was not loaded; nothing was changed."))
        return 1
    now = CLOCK.now()
    today = now.astimezone(ZoneInfo(programme.timezone)).date()
    # From the next week on: this week's reflections keep the questions they started with.
    next_week = week_of(programme.starts_on or programme.created_at.date(), today) + 1
    added = await add_version(session, programme.id, questions, next_week, now)
    print(
        tr.ngettext(
            "Loaded {count} question for {programme} (version {version}); it applies from week {week}.",
            "Loaded {count} questions for {programme} (version {version}); they apply from week {week}.",
            len(questions),
        ).format(
            count=len(questions),
            programme=programme.name,
            version=added.version,
            week=added.effective_from_week,
        )
    )
    return 0


ACTIONS: dict = {("questions", "show"): questions_show, ("questions", "load"): questions_load}
