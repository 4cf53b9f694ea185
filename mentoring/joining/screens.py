"""Joining as a conversation any channel can hold: /start, the language and consent buttons, the welcome.

A newcomer is nobody yet, so the joining steps take a `Visitor` (who wrote or
pressed, as the channel names them) instead of a member:
`(session, visitor, given, now, *, default_timezone) -> Outcome`. `start`
answers /start with or without an invite code, `press` a join button
("join:lang|yes|no:<locale>:<code>", written and read by
`mentoring.joining.buttons.JOIN`). Until the person accepts the notice nothing
about them is stored: the code and the chosen language ride in the buttons.

An `Outcome` is a reply, the language to say it in, and what only a channel
does afterwards (its command menu, the baseline self-assessment offer). The
words several features show (a member's status, how to join, the KVKK notice)
are `mentoring.joining.words`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.help.screens import language_name
from mentoring.i18n import N_, SUPPORTED_LOCALES, translator
from mentoring.joining import rules
from mentoring.joining.buttons import JOIN
from mentoring.joining.invites import InviteStatus
from mentoring.joining.rules import AcceptOutcome, MemberView, Newcomer, RoleView, StartOutcome
from mentoring.joining.words import (
    declined,
    invalid_invite,
    no_code,
    not_understood,
    status,
    welcome,
)
from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeView
from mentoring.privacy.notice_words import held, notice, read_choices
from mentoring.screens import (
    Choice,
    Input,
    Lines,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    button_of,
)
from storage.models import Role

logger = logging.getLogger(__name__)

# Invite codes are short and plain; anything else is not worth a database look-up.
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
# Asked before the newcomer has chosen a language, so in every language at once.
CHOOSE_LANGUAGE = N_("Welcome to Narbot! Please choose your language.")


@dataclass(frozen=True)
class Visitor:
    """Who wrote or pressed, as the channel names them; stored only once they accept the notice."""

    channel: str
    external_user_id: str
    chat_id: str
    profile_name: str


@dataclass(frozen=True)
class Outcome:
    """A step's reply, and what only the channel does after showing it.

    `locale`: the language to say it in (None: the one the person's channel reports);
    `menu_for`: the member whose own command menu should now list their roles' commands;
    `baseline_for`: a new mentee, to be offered the baseline self-assessment;
    `menu_gone`: the person was erased, so their own command menu goes too.
    """

    reply: Reply
    locale: str | None = None
    menu_for: MemberView | None = None
    baseline_for: MemberView | None = None
    menu_gone: bool = False


# (session, visitor, given, now, *, default_timezone) -> outcome: /start and the join buttons.
VisitorStep = Callable[..., Awaitable[Outcome]]
# (session, member, given, now) -> outcome: a member's step that asks the channel for more than a reply.
MemberStep = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Outcome]]


# ----------------------------------------------------------------------------- screens


def language_question(code: str) -> Screen:
    """Which language: asked in every supported language, one button each, the code riding along."""
    return Screen(
        Raw("\n".join(translator(locale).gettext(CHOOSE_LANGUAGE) for locale in SUPPORTED_LOCALES)),
        [[Choice(JOIN.encode("lang", locale=locale, code=code), language_name(locale))
          for locale in SUPPORTED_LOCALES]],
    )


def consent_question(locale: str, code: str, view: NoticeView | None) -> Screen:
    """The invite's programme's notice in the chosen language, to confirm as read (the code riding along)."""
    return Screen(
        notice(view),
        read_choices(JOIN.encode("yes", locale=locale, code=code), JOIN.encode("no", locale=locale, code=code)),
        replace=True,
    )


def welcomed(member: MemberView, new_role: RoleView) -> Outcome:
    """The welcome, the member's command menu and (for a mentee) the baseline self-assessment offer."""
    return Outcome(
        Reply(Screen(welcome(member, new_role))),
        locale=member.locale,
        menu_for=member,
        baseline_for=member if new_role.role is Role.MENTEE else None,
    )


def _stale(member: MemberView | None, invite_status: InviteStatus | None, locale: str) -> Outcome:
    """An old join button: the person already joined, or the code stopped being valid."""
    if member is not None:
        words = Lines(Text("You have already joined."), Raw(""), status(member))
        return Outcome(Reply(Screen(words, replace=True)), locale=member.locale)
    return Outcome(Reply(Screen(invalid_invite(invite_status), replace=True)), locale=locale)


# ----------------------------------------------------------------------------- steps


async def unexpected(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """What no feature takes (stray text, a sticker, an unknown command): say what helps."""
    return Reply(Screen(not_understood()))


def invite_code(given: Input) -> str | None:
    """The code after /start ("/start abcd2345ef", as a deep link sends it), or None."""
    if not isinstance(given, Typed):
        return None
    words = given.text.split()
    return words[1] if len(words) > 1 else None


async def start(
    session: AsyncSession, visitor: Visitor, given: Input, now: datetime, *, default_timezone: str
) -> Outcome:
    """/start: join with an invite code, or show a member where they stand."""
    code = invite_code(given)
    if code is not None and not CODE_SHAPE.match(code):
        member = await rules.member_view(session, visitor.channel, visitor.external_user_id)
        return Outcome(Reply(Screen(invalid_invite(None))), locale=member.locale if member else None)
    result = await rules.start(session, visitor.channel, visitor.external_user_id, code, now)
    member = result.member
    locale = member.locale if member is not None else None
    match result.outcome:
        case StartOutcome.NO_CODE:
            return Outcome(Reply(Screen(no_code())))
        case StartOutcome.INVALID:
            words = invalid_invite(result.invite_status)
            if member is not None:
                words = Lines(words, Raw(""), status(member))
            return Outcome(Reply(Screen(words)), locale=locale)
        case StartOutcome.NEEDS_CONSENT:
            assert code is not None
            return Outcome(Reply(language_question(code)))
        case StartOutcome.JOINED:
            assert member is not None and result.new_role is not None
            return welcomed(member, result.new_role)
    assert member is not None
    return Outcome(Reply(Screen(status(member))), locale=locale)


async def press(
    session: AsyncSession, visitor: Visitor, given: Input, now: datetime, *, default_timezone: str
) -> Outcome:
    """A join button: the language chosen (show the notice), consent refused, or consent given."""
    button = button_of(given, JOIN)
    action, locale, code = button.action, button["locale"], button["code"]
    if action == "lang":
        result = await rules.start(session, visitor.channel, visitor.external_user_id, code, now)
        if result.outcome is StartOutcome.NEEDS_CONSENT:
            view = await notices.for_invite(session, code)
            return Outcome(Reply(consent_question(locale, code, view)), locale=locale)
        return _stale(result.member, result.invite_status, locale)
    if action == "no":
        invite_status = await rules.decline(session, code, now)
        if invite_status is InviteStatus.UNKNOWN:
            # No such invite (a forged button): nothing was noted, so say only that the code is wrong.
            return Outcome(Reply(Screen(invalid_invite(invite_status), replace=True)), locale=locale)
        logger.info("Join notice not confirmed")
        return Outcome(Reply(Screen(declined(code), replace=True)), locale=locale)
    newcomer = Newcomer(
        channel=visitor.channel, external_user_id=visitor.external_user_id, chat_id=visitor.chat_id,
        profile_name=visitor.profile_name, locale=locale,
    )
    accepted = await rules.accept(session, newcomer, code, now, default_timezone=default_timezone)
    if accepted.outcome is not AcceptOutcome.JOINED:
        return _stale(accepted.member, accepted.invite_status, locale)
    assert accepted.member is not None and accepted.new_role is not None
    logger.info("Person %s joined as %s", accepted.member.person_id, accepted.new_role.role.value)
    joined = welcomed(accepted.member, accepted.new_role)
    thanks = Screen(Text("Thank you, that is recorded."), replace=True)
    standing = accepted.member.consent
    # Where the programme's notice asks it, transfer abroad is the one question still open.
    abroad = [held(standing)] if standing is not None and standing.needs_abroad else []
    return Outcome(
        Reply(thanks, *joined.reply.screens, *abroad), locale=locale,
        # The baseline is offered once they can use it: after transfer abroad is answered, if asked.
        menu_for=joined.menu_for, baseline_for=None if abroad else joined.baseline_for,
    )
