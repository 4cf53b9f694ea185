"""The administrative CLI commands: each takes a session in an open transaction."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from bot.qr import write_qr
from bot.settings import Settings, SettingsError
from mentoring.clock import SystemClock
from mentoring.demo import seed_demo
from mentoring.i18n import Translator
from mentoring.joining.invites import InviteSpec, create_invite, invite_link, whatsapp_link
from mentoring.joining.roster import (
    RosterError,
    decode_roster,
    describe_problem,
    import_roster,
    parse_roster,
    write_roster,
)
from mentoring.programmes import (
    ProgrammeSpec,
    create_group,
    create_programme,
    group_named,
    programme_named,
)
from storage import migrate
from storage.models import Role
from storage.repositories import programmes as programmes_repo

CLOCK = SystemClock()


def validity(days: int) -> timedelta | None:
    """How long an invite stays valid; 0 or less means it never expires."""
    return timedelta(days=days) if days > 0 else None


NO_LINKS = (
    "Invite links need a channel: set TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_USERNAME) for Telegram links, "
    "WHATSAPP_DISPLAY_NUMBER for WhatsApp links, or both."
)


async def bot_username(settings: Settings) -> str | None:
    """The bot's username for invite links: from the settings, else asked from Telegram.

    None when Telegram is not configured at all and WhatsApp links will do (a WhatsApp-only deployment).
    """
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if settings.telegram_bot_token is None:
        if settings.whatsapp_display_number:
            return None
        raise SettingsError(NO_LINKS)
    bot = Bot(
        settings.require_token(),
        base_url=(settings.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/"),
        base_file_url=settings.base_file_url or "https://api.telegram.org/file/bot",
    )
    try:
        async with bot:
            return bot.username
    except TelegramError as exc:
        raise SettingsError(
            f"Could not ask Telegram for the bot's username ({exc}). Set TELEGRAM_BOT_USERNAME "
            "in .env to make invite links without reaching Telegram."
        ) from None


def _expiry(tr: Translator, settings: Settings, moment: datetime | None) -> str:
    if moment is None:
        return tr.gettext("never")
    return tr.datetime(moment, settings.timezone, "short")


async def db(engine: AsyncEngine, args: argparse.Namespace, tr: Translator) -> int:
    if args.db_command == "upgrade":
        await migrate.upgrade(engine, args.revision)
    elif args.db_command == "downgrade":
        await migrate.downgrade(engine, args.revision)
    revision = await migrate.current_revision(engine)
    print(tr.gettext("Database revision: {revision} (newest: {head})").format(
        revision=revision or "base", head=migrate.head_revision()))
    return 0


async def programme_create(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await create_programme(
        session,
        ProgrammeSpec(args.name, args.starts, args.ends, args.timezone or settings.default_timezone),
        CLOCK.now(),
    )
    print(tr.gettext("Created programme {id}: {name}").format(id=programme.id, name=programme.name))
    return 0


async def programme_list(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    found = await programmes_repo.programmes(session)
    if not found:
        print(tr.gettext("No programmes yet. Create one with: narbot programme create NAME"))
    for programme in found:
        print(f"{programme.id}\t{programme.name}")
        for group, mentees, mentors in await programmes_repo.groups_of(session, programme.id):
            print("\t" + tr.gettext("group {id}: {name} — {mentees} mentees, {mentors} mentors").format(
                id=group.id, name=group.name, mentees=mentees, mentors=mentors))
    return 0


async def group_create(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await programme_named(session, args.programme)
    group = await create_group(
        session, programme, args.name, CLOCK.now(), province=args.province, timezone=args.timezone
    )
    print(tr.gettext("Created group {id}: {name}").format(id=group.id, name=group.name))
    return 0


async def invite_create(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await programme_named(session, args.programme)
    group = await group_named(session, programme, args.group) if args.group else None
    invite = await create_invite(
        session,
        InviteSpec(
            role=Role(args.role), programme=programme, group=group, invitee_name=args.name,
            max_uses=None if args.multi_use else args.uses, valid_for=validity(args.days),
        ),
        CLOCK.now(),
    )
    username = await bot_username(settings)
    link = invite_link(username, invite.code) if username else None
    if link:
        print(link)
    number = settings.whatsapp_display_number
    whatsapp = whatsapp_link(number, invite.code) if number else None
    if whatsapp:
        print(tr.gettext("WhatsApp: {link}").format(link=whatsapp))
    print(tr.gettext("Code {code}, expires: {expires}").format(
        code=invite.code, expires=_expiry(tr, settings, invite.expires_at)))
    if args.qr:
        if link:
            print(write_qr(args.qr, link, invite.code, args.name or args.role))
        if whatsapp:
            print(write_qr(args.qr, whatsapp, invite.code, f"{args.name or args.role}-whatsapp"))
    return 0


async def roster_import(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    programme = await programme_named(session, args.programme)
    try:
        rows = parse_roster(decode_roster(args.csv.read_bytes()))
        invites = await import_roster(session, programme, rows, CLOCK.now(), valid_for=validity(args.days))
    except RosterError as exc:
        print(tr.gettext("The roster was not imported; nothing was changed:"))
        for problem in exc.problems:
            print("  " + describe_problem(tr, problem))
        return 1
    except OSError as exc:
        print(tr.gettext("Cannot read {path}: {error}").format(path=args.csv, error=exc.strerror))
        return 1
    username = await bot_username(settings)
    # Without Telegram the sheet's invite_link column stays empty; the WhatsApp column carries the links.
    links = [invite_link(username, item.code) if username else "" for item in invites]
    number = settings.whatsapp_display_number
    whatsapp = [whatsapp_link(number, item.code) for item in invites] if number else None
    out: Path = args.out or args.csv.with_name(args.csv.stem + "-invites.csv")
    # utf-8-sig so that Excel opens Turkish names correctly.
    out.write_text(
        write_roster(invites, links, [_expiry(tr, settings, item.expires_at) for item in invites], whatsapp),
        encoding="utf-8-sig",
    )
    if args.qr:
        for index, (item, link) in enumerate(zip(invites, links, strict=True)):
            if link:
                write_qr(args.qr, link, item.code, item.row.name)
            if whatsapp:
                write_qr(args.qr, whatsapp[index], item.code, f"{item.row.name}-whatsapp")
    reused = sum(1 for item in invites if item.reused)
    print(tr.ngettext("{count} invite written to {path}", "{count} invites written to {path}",
                      len(invites)).format(count=len(invites), path=out))
    if reused:
        print(tr.ngettext("{count} person already had a valid invite; it was kept.",
                          "{count} people already had a valid invite; it was kept.",
                          reused).format(count=reused))
    return 0


async def demo_seed(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    invites = await seed_demo(session, CLOCK.now())
    if not invites:
        print(tr.gettext("The demo programme exists already; see: narbot programme list"))
        return 0
    username = await bot_username(settings)
    number = settings.whatsapp_display_number
    for item in invites:
        link = invite_link(username, item.code) if username else whatsapp_link(number or "", item.code)
        print(f"{item.label}\t{link}")
        if args.qr:
            write_qr(args.qr, link, item.code, item.label)
    return 0


ACTIONS = {
    ("programme", "create"): programme_create,
    ("programme", "list"): programme_list,
    ("group", "create"): group_create,
    ("invite", "create"): invite_create,
    ("roster", "import"): roster_import,
    ("demo", "seed"): demo_seed,
}
