"""The `narbot` command: run the bot, migrate the database, set up programmes and invite people."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import logging
import os
import pwd
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.logging import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, Translator, compile_catalogues, translator
from mentoring.refusals import describe_error
from storage import migrate
from storage.db import (
    DatabaseNotWritable,
    check_writable,
    create_engine,
    create_sessionmaker,
    normalize_database_url,
)

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use the form YYYY-MM-DD") from None


def admin_modules() -> tuple:
    """Feature modules that add CLI commands: each has add_parsers(commands) and ACTIONS."""
    from bot import (
        admin_notice,
        admin_plan,
        admin_privacy,
        admin_reflection,
        admin_reports,
        admin_status,
        admin_whatsapp,
    )

    return (admin_reflection, admin_plan, admin_privacy, admin_notice, admin_reports, admin_status,
            admin_whatsapp)


def offline_action(args: argparse.Namespace) -> Callable[[argparse.Namespace, Settings], int] | None:
    """A command that needs no database (an admin module's OFFLINE_ACTIONS), or None."""
    key = (args.command, getattr(args, f"{args.command}_command", None))
    for module in admin_modules():
        action = getattr(module, "OFFLINE_ACTIONS", {}).get(key)
        if action is not None:
            return action
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narbot",
        description="Narbot: the group mentoring companion for care workers of children's homes.",
    )
    # `cli_lang`, not `lang`: `narbot report ... --lang` names the report's language.
    parser.add_argument("--lang", dest="cli_lang", choices=SUPPORTED_LOCALES, default=None,
                        help="the language narbot answers in: tr or en (default: DEFAULT_LOCALE)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="apply pending migrations, then run the bot "
                        "(long polling, or a webhook when WEBHOOK_URL is set; "
                        "with the web console when CONSOLE_WITH_BOT=true)")

    commands.add_parser("console", help="serve the web console for coordinators and mentors "
                        "(CONSOLE_URL, CONSOLE_SECRET; docs/console.md)")

    db = commands.add_parser("db", help="database migrations").add_subparsers(
        dest="db_command", required=True, metavar="ACTION")
    up = db.add_parser("upgrade", help="apply migrations (to the newest by default)")
    up.add_argument("revision", nargs="?", default="head")
    down = db.add_parser("downgrade", help="undo migrations (one step by default, 'base' for all)")
    down.add_argument("revision", nargs="?", default="-1")
    db.add_parser("current", help="show the database's revision")

    programme = commands.add_parser("programme", help="create and list programmes").add_subparsers(
        dest="programme_command", required=True, metavar="ACTION")
    create = programme.add_parser("create", help="create a programme")
    create.add_argument("name")
    create.add_argument("--starts", type=_day, help="first day, YYYY-MM-DD (default: today)")
    create.add_argument("--ends", type=_day, help="last day, YYYY-MM-DD")
    create.add_argument("--timezone", default=None, help="IANA zone (default: DEFAULT_TIMEZONE)")
    create.add_argument("--notice", type=Path, metavar="FILE",
                        help="its KVKK notice (TOML, see docs/notice.example.toml); required before inviting")
    programme.add_parser("list", help="list programmes and their groups")

    group = commands.add_parser("group", help="create groups").add_subparsers(
        dest="group_command", required=True, metavar="ACTION")
    group_create = group.add_parser("create", help="create a group in a programme")
    group_create.add_argument("programme", help="programme id or name")
    group_create.add_argument("name")
    group_create.add_argument("--province", help="province name, e.g. Ankara")
    group_create.add_argument("--timezone", help="IANA zone if it differs from the programme's")

    invite = commands.add_parser("invite", help="make invite links").add_subparsers(
        dest="invite_command", required=True, metavar="ACTION")
    invite_create = invite.add_parser("create", help="make an invite link for a role")
    invite_create.add_argument("programme", help="programme id or name")
    invite_create.add_argument("--role", required=True, choices=["mentee", "mentor", "coordinator"])
    invite_create.add_argument("--group", help="group id or name (mentees and mentors)")
    invite_create.add_argument("--name", help="the invited person's name, shown to their mentors")
    uses = invite_create.add_mutually_exclusive_group()
    uses.add_argument("--uses", type=int, default=1, help="how many people may use it (default 1)")
    uses.add_argument("--multi-use", action="store_true", help="any number of people may use it")
    invite_create.add_argument("--days", type=int, default=30, help="valid for this many days (0: no expiry)")
    invite_create.add_argument("--qr", type=Path, metavar="DIR", help="also write a QR code PNG to DIR")

    roster = commands.add_parser("roster", help="import a roster CSV").add_subparsers(
        dest="roster_command", required=True, metavar="ACTION")
    roster_import = roster.add_parser(
        "import", help="make a personal invite for each row of a CSV (name, role, group, province)")
    roster_import.add_argument("programme", help="programme id or name")
    roster_import.add_argument("csv", type=Path)
    roster_import.add_argument("--out", type=Path, help="where to write the CSV with invite links "
                               "(default: <csv>-invites.csv)")
    roster_import.add_argument("--days", type=int, default=30, help="valid for this many days (0: no expiry)")
    roster_import.add_argument("--qr", type=Path, metavar="DIR", help="also write a QR code PNG per person")

    demo = commands.add_parser("demo", help="demo data").add_subparsers(
        dest="demo_command", required=True, metavar="ACTION")
    demo_seed = demo.add_parser("seed", help="create a demo programme with invites for every role")
    demo_seed.add_argument("--qr", type=Path, metavar="DIR", help="also write QR code PNGs")

    for module in admin_modules():
        module.add_parsers(commands)

    i18n = commands.add_parser("i18n", help="translations").add_subparsers(
        dest="i18n_command", required=True, metavar="ACTION")
    i18n.add_parser("compile", help="compile the .po catalogues to .mo files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level)
    _report_fatal_signals()
    # Everything narbot prints goes through this translator: --lang, else DEFAULT_LOCALE.
    args.cli_lang = args.cli_lang or settings.default_locale
    tr = translator(args.cli_lang)
    try:
        offline = offline_action(args)
        if offline is not None:
            return offline(args, settings)
        if args.command != "i18n":  # every other command opens the database
            check_writable(settings.database_url)
        if args.command == "run":
            from bot.runner import run  # imported late: it pulls in the whole bot

            if settings.console_with_bot:  # the console in this process: its settings checked before the bot starts
                from bot.console.serve import console_with_bot

                console_with_bot(settings)
            return run(settings)
        if args.command == "console":
            from bot.console.serve import run_console  # imported late: the web stack

            return run_console(settings)
        if args.command == "i18n":
            for path in compile_catalogues():
                print(path)
            return EXIT_OK
        return asyncio.run(_admin(args, settings, tr))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except DatabaseNotWritable as exc:
        print(describe_unwritable(tr, exc), file=sys.stderr)
        return EXIT_USAGE
    except DomainError as exc:
        print(describe_error(tr, exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def _report_fatal_signals() -> None:
    """A crash in C code (SIGSEGV, or SIGBUS on SQLite's memory-mapped -shm) prints the
    Python stack (file, line and function names only) to stderr instead of nothing."""
    if not faulthandler.is_enabled():
        with contextlib.suppress(ValueError, AttributeError):  # stderr without a file descriptor
            faulthandler.enable()


def describe_unwritable(tr: Translator, exc: DatabaseNotWritable) -> str:
    """One line: which path, why, and what to do."""
    if exc.reason == "missing_folder":
        return tr.gettext(
            "Narbot cannot open its database: the folder {folder} does not exist. "
            "Create it, or point DATABASE_URL to a folder that exists."
        ).format(folder=exc.path)
    if exc.reason == "read_only_file_system":
        return tr.gettext(
            "Narbot cannot write to its database: {path} is on a read-only file system. "
            "Mount it read-write, or point DATABASE_URL to a writable place."
        ).format(path=exc.path)
    try:
        user = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        user = str(os.geteuid())
    return tr.gettext(
        "Narbot cannot write to its database: {path} is not writable for the user {user} ({detail}). "
        "Give that user write access to the database file, its -wal and -shm files and their folder, "
        "or point DATABASE_URL to a writable place."
    ).format(path=exc.path, user=user, detail=exc.detail)


async def _admin(args: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    """Commands that work on the database; the schema is brought up to date first."""
    from bot import admin  # the admin commands, one function each

    engine = create_engine(normalize_database_url(settings.database_url))
    try:
        if args.command == "db":
            return await admin.db(engine, args, tr)
        await migrate.upgrade(engine)
        sessions = create_sessionmaker(engine)
        action: Callable[[AsyncSession, argparse.Namespace, Settings, Translator], Awaitable[int]]
        actions = dict(admin.ACTIONS)
        for module in admin_modules():
            actions.update(module.ACTIONS)
        action = actions[(args.command, getattr(args, f"{args.command}_command", None))]
        async with sessions.begin() as session:
            return await action(session, args, settings, tr)
    finally:
        await engine.dispose()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
