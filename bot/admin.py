"""The administrative CLI commands: each takes a session in an open transaction."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from bot.admin_notice import print_problems
from bot.qr import write_qr
from bot.settings import Settings, SettingsError
from mentoring.clock import SystemClock
from mentoring.demo import DEMO_PROGRAMME, DemoInvite, seed_demo
from mentoring.group_shape import Shape, off_words
from mentoring.i18n import N_, Translator
from mentoring.joining.invites import InviteSpec, create_invite, invite_link, whatsapp_link
from mentoring.joining.roster import (
    RosterError,
    decode_roster,
    describe_problem,
    import_roster,
    parse_roster,
    write_roster,
)
from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeError
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


NO_LINKS = N_(
    "Invite links need a channel: set TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_USERNAME) for Telegram links, "
    "WHATSAPP_DISPLAY_NUMBER for WhatsApp links, or both."
)


async def bot_username(settings: Settings, tr: Translator | None = None) -> str | None:
    """The bot's username for invite links: from the settings, else asked from Telegram.

    None when Telegram is not configured at all and WhatsApp links will do (a WhatsApp-only deployment).
    With `tr`, a refusal is worded in the CLI's language.
    """
    _ = tr.gettext if tr is not None else str
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if settings.telegram_bot_token is None:
        if settings.whatsapp_display_number:
            return None
        raise SettingsError(_(NO_LINKS))
    bot = Bot(
        settings.require_token(),
        base_url=(settings.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/"),
        base_file_url=settings.base_file_url or "https://api.telegram.org/file/bot",
    )
    try:
        async with bot:
            return bot.username
    except TelegramError as exc:
        raise SettingsError(_(
            "Could not ask Telegram for the bot's username ({error}). Set TELEGRAM_BOT_USERNAME "
            "in .env to make invite links without reaching Telegram."
        ).format(error=exc)) from None


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
    found = None
    if args.notice is not None:
        try:
            found = notices.read_file(args.notice)
        except NoticeError as error:
            print_problems(tr, error.problems)
            return 1
    programme = await create_programme(
        session,
        ProgrammeSpec(args.name, args.starts, args.ends, args.timezone or settings.default_timezone),
        CLOCK.now(),
    )
    print(tr.gettext("Created programme {id}: {name}").format(id=programme.id, name=programme.name))
    if found is None:
        print(tr.gettext("Before inviting anyone, load its KVKK notice: narbot notice load {id} FILE "
                         "(see docs/notice.example.toml).").format(id=programme.id))
        return 0
    view, _new = await notices.load(session, programme.id, found, settings.retention_days_after_programme,
                                    CLOCK.now())
    print(tr.gettext("Loaded version {version} of the notice for {name}. Members are shown it again before "
                     "anything else they do.").format(version=view.version, name=programme.name))
    return 0


async def programme_list(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    found = await programmes_repo.programmes(session)
    if not found:
        print(tr.gettext("No programmes yet. Create one with: narbot programme create NAME"))
    without = set(await notices.programmes_without_notice(session))
    for programme in found:
        print(f"{programme.id}\t{programme.name}")
        if programme.id in without:
            print("\t⚠ " + tr.gettext("No KVKK notice yet, so nobody can be invited. Load one with: "
                                      "narbot notice load {id} FILE").format(id=programme.id))
        for group, mentees, mentors in await programmes_repo.groups_of(session, programme.id):
            line = tr.gettext("group {id}: {name} — {mentees} mentees, {mentors} mentors").format(
                id=group.id, name=group.name, mentees=mentees, mentors=mentors)
            # Outside the programme's planned shape (mentoring.group_shape): marked, with what is off.
            off = off_words(Shape(mentees, mentors))
            print("\t" + line + ("" if off is None else "  ⚠ " + off.render(tr)))
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
    username = await bot_username(settings, tr)
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
    username = await bot_username(settings, tr)
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


async def _demo_links(settings: Settings, tr: Translator) -> tuple[str | None, str | None]:
    """How the demo's invites can be opened: the bot's username, or why it is not known.

    Asked before anything is written, and never a reason to fail: without a username the
    codes are printed with what to set (a demo needs no token).
    """
    if settings.telegram_bot_username or settings.telegram_bot_token is not None:
        try:
            return await bot_username(settings, tr), None
        except SettingsError as exc:
            return None, str(exc)
    return None, None


async def demo_seed(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    username, problem = await _demo_links(settings, tr)
    now = CLOCK.now()
    demo = await seed_demo(session, now, settings.retention_days_after_programme)
    week = demo.week
    if demo.created:
        print(tr.gettext("Created the demo programme “{name}”. Its week {week} is open now:").format(
            name=DEMO_PROGRAMME, week=week.week))
    else:
        print(tr.gettext("The demo programme “{name}” exists already; nothing was added. "
                         "Its week {week}:").format(name=DEMO_PROGRAMME, week=week.week))
    # Seen again later, only what is still open or ahead is said (a fresh demo has all three).
    if week.reflection.is_open(now):
        print("  " + tr.gettext("the reflection is open until {moment}").format(
            moment=tr.deadline(week.reflection.closes_at, week.zone)))
    if week.checkin.is_open(now):
        print("  " + tr.gettext("the partner check-in is open until {moment}").format(
            moment=tr.deadline(week.checkin.closes_at, week.zone)))
    if week.session_at > now:
        print("  " + tr.gettext("the group session is on {moment}").format(
            moment=tr.moment(week.session_at, week.zone)))
    print(tr.gettext("Each group has five example mentees and a mentor with four weeks behind them; they have "
                     "no chat, so the bot never writes to them."))
    number = settings.whatsapp_display_number
    for item in demo.invites:
        print()
        print(_demo_for(tr, item))
        link = invite_link(username, item.code) if username else whatsapp_link(number, item.code) if number else None
        if link:
            print("  " + link)
        else:
            print("  " + tr.gettext("Code {code}: send “/start {code}” to your bot.").format(code=item.code))
        print("  " + tr.gettext("Reusable: any number of people can join with it, and it does not expire."))
        print("  " + _demo_try(tr, item))
        if args.qr and link:
            try:
                write_qr(args.qr, link, item.code, item.label)
            except OSError as exc:  # the demo is made all the same: a QR code is a convenience
                print("  " + tr.gettext("Cannot write a QR code to {path}: {error}").format(
                    path=args.qr, error=exc.strerror or exc))
    if username is None and not number:
        print()
        if problem:
            print(problem)
        print(tr.gettext("No links yet: set TELEGRAM_BOT_USERNAME (your bot's username, e.g. narbot_bot) in .env, "
                         "or WHATSAPP_DISPLAY_NUMBER for WhatsApp, and run “narbot demo seed” again to see them. "
                         "The codes work already."))
    return 0


def _demo_for(tr: Translator, item: DemoInvite) -> str:
    if item.role is Role.MENTEE:
        return tr.gettext("For a mentee of group {group} (a care worker trying the bot):").format(group=item.group)
    if item.role is Role.MENTOR:
        return tr.gettext("For a mentor of group {group}:").format(group=item.group)
    return tr.gettext("For a coordinator of the whole programme:")


def _demo_try(tr: Translator, item: DemoInvite) -> str:
    if item.role is Role.MENTEE:
        return tr.gettext("Try first: /reflect (this week's reflection is open), then /partner for the check-in "
                          "with your peer partner, then /sessions.")
    if item.role is Role.MENTOR:
        return tr.gettext("Try first: /digest (last week and the chart of the weeks before), then /sessions "
                          "and /pairs.")
    return tr.gettext("Try first: /report (both groups at a glance), then /export.")


ACTIONS = {
    ("programme", "create"): programme_create,
    ("programme", "list"): programme_list,
    ("group", "create"): group_create,
    ("invite", "create"): invite_create,
    ("roster", "import"): roster_import,
    ("demo", "seed"): demo_seed,
}
