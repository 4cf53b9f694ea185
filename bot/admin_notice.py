"""CLI commands of the KVKK notice: `narbot notice show` and `narbot notice load`.

A programme's notice is the project's template (tr, en) filled with the fields
only its data controller can supply, read from a TOML file
(docs/notice.example.toml). `load` refuses a file with any required field
missing and lists every problem; `show` prints the notice as members read it,
from the database or, with --file, from a file before it is loaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from mentoring.clock import SystemClock
from mentoring.i18n import Translator
from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeError, NoticeView
from mentoring.privacy.notice_words import notice_text
from mentoring.programmes import programme_named

CLOCK = SystemClock()


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to `narbot`."""
    notice = commands.add_parser(
        "notice", help="a programme's KVKK notice (aydınlatma metni)"
    ).add_subparsers(dest="notice_command", required=True, metavar="ACTION")
    show = notice.add_parser("show", help="print a programme's notice as members read it (--lang tr|en)")
    show.add_argument("programme", help="programme id or name")
    show.add_argument("--file", type=Path, help="check this notice file and show it, without loading it")
    load = notice.add_parser(
        "load", help="check a notice file and put it in force for a programme (a new version, shown to "
        "every member again)")
    load.add_argument("programme", help="programme id or name")
    load.add_argument("file", type=Path, help="a TOML file like docs/notice.example.toml")


def print_problems(tr: Translator, problems: list[str]) -> None:
    print(tr.gettext("The notice is not complete, so it cannot be used:"))
    for problem in problems:
        print(f"  - {problem}")
    print(tr.gettext("Every field the example file docs/notice.example.toml marks as required must be filled."))


async def notice_show(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    view: NoticeView | None
    if args.file is not None:
        try:
            found = notices.read_file(args.file)
        except NoticeError as error:
            print_problems(tr, error.problems)
            return 1
        view = NoticeView(id=0, programme_id=programme.id, fields=found,
                          retention_days=settings.retention_days_after_programme, issued_at=CLOCK.now())
        print(tr.gettext("Preview: not loaded yet. Load it with: narbot notice load {programme} {file}").format(
            programme=programme.id, file=args.file))
    else:
        view = await notices.current(session, programme.id)
        if view is None:
            print(tr.gettext("Programme {name} has no notice yet, so nobody can be invited to it. Load one "
                             "with: narbot notice load {programme} FILE").format(name=programme.name,
                                                                                 programme=programme.id))
            return 1
    print()
    print(notice_text(view).render(tr))
    return 0


async def notice_load(session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    programme = await programme_named(session, args.programme)
    try:
        found = notices.read_file(args.file)
    except NoticeError as error:
        print_problems(tr, error.problems)
        return 1
    now = CLOCK.now()
    view, new = await notices.load(session, programme.id, found, settings.retention_days_after_programme, now)
    if not new:
        print(tr.gettext("The notice in force for {name} is already this one (version {version}); nothing "
                         "changed.").format(name=programme.name, version=view.version))
        return 0
    print(tr.gettext("Loaded version {version} of the notice for {name}. Members are shown it again before "
                     "anything else they do.").format(version=view.version, name=programme.name))
    return 0


ACTIONS = {
    ("notice", "show"): notice_show,
    ("notice", "load"): notice_load,
}
