"""The notice and explicit consents as a conversation any channel can hold.

- `held(standing)` (words in `notice_words`): what the consent gate shows a member it
  holds: the notice to acknowledge (a new version, or none read), the question on
  transfer abroad (where the programme's notice asks it), or, after they stopped
  Narbot, the way back;
- `consent_press`: "I have read it" / "Not now" under the notice (`consent:…`);
- `optin_press`: an explicit consent given, refused or withdrawn (`optin:…`), and
  `/privacy`, which shows each consent in force with the button that changes it.

The media consent's question comes from `mentoring.entries.take` when a voice note
or a photo arrives for a flow that would keep it; its answer is `media_answer` there.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome
from mentoring.joining.words import status
from mentoring.privacy import consent, explicit
from mentoring.privacy.buttons import CONSENT, OPTIN
from mentoring.privacy.consent import Standing
from mentoring.privacy.notice_words import (
    PURPOSE_NAMES,
    abroad_choices,
    abroad_question,
    held,
    media_question,
    notice_screen,
    read_notice,
    write_instead,
)
from mentoring.screens import (
    Choice,
    Input,
    Lines,
    Moment,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)
from storage.models import Role

# Re-exported: the gate and `mentoring.entries.take` show these from here.
__all__ = ["consent_press", "held", "media_question", "optin_press", "overview", "privacy", "write_instead"]

logger = logging.getLogger(__name__)


def _welcome_back(member: MemberView, standing: Standing, *, joined: bool = False) -> Outcome:
    """Current again: their status and menu; after the consent that completed joining, a mentee's
    baseline offer too (it waited for that answer; the channel skips it when it is done)."""
    words = Lines(Text("Thank you, that is recorded."), Raw(""), status(member))
    mentee = joined and Role.MENTEE in member.role_set
    return Outcome(Reply(Screen(words, replace=True)), locale=standing.locale, menu_for=member,
                   baseline_for=member if mentee else None)


async def consent_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Outcome:
    """Show the notice again, or take a member's answer to it."""
    button = button_of(given, CONSENT)
    action, version = button.action, button.values.get("version", "")
    standing = member.consent
    if standing is None:
        raise DomainError("unknown_person")
    if action in ("yes", "no") and version == standing.due:
        if action == "yes":
            await consent.acknowledge(session, member.person_id, version, now)
        else:
            await consent.withdraw(session, member.person_id, now)
        # Read again around the cache: this session has just written the record.
        member = await joining.view_of_person(session, member.person_id) or member
        standing = member.consent
        assert standing is not None
    if standing.is_current:
        return _welcome_back(member, standing)
    if action == "show":
        return Outcome(Reply(dataclasses.replace(notice_screen(standing), replace=True)), locale=standing.locale)
    # An answer to an older notice, or the notice read but transfer abroad still to answer.
    return Outcome(Reply(dataclasses.replace(held(standing), replace=True)), locale=standing.locale)


def overview(member: MemberView, decisions: dict[str, tuple[bool, datetime]]) -> Screen:
    """/privacy: the notice read, each explicit consent in force, and the button that changes it."""
    standing = member.consent
    zone = member.timezone
    lines: list[Words | None] = [Text("Your privacy choices")]
    if standing is not None and standing.accepted_at is not None:
        lines.append(Text("Notice: version {version}, read on {date}.", version=standing.version or "",
                          date=Moment(standing.accepted_at, zone, style="long")))
    rows: list[list[Choice]] = []
    asks_abroad = standing is not None and standing.notice is not None and standing.notice.asks_abroad
    for purpose in (explicit.ABROAD, explicit.MEDIA):
        decided = decisions.get(purpose)
        if purpose == explicit.ABROAD and not asks_abroad and decided is None:
            lines.append(Lines(Raw("• "), PURPOSE_NAMES[purpose], Raw(": "),
                               Text("not needed (your programme names another basis)"), sep=""))
            continue
        if decided is None:
            state: Words = Text("not asked yet")
        elif decided[0]:
            state = Text("given on {date}", date=Moment(decided[1], zone, style="long"))
        else:
            state = Text("not given (since {date})", date=Moment(decided[1], zone, style="long"))
        lines.append(Lines(Raw("• "), PURPOSE_NAMES[purpose], Raw(": "), state, sep=""))
        if decided is not None and decided[0]:
            rows.append([Choice(OPTIN.encode("no", purpose=purpose),
                                Text("Withdraw: {purpose}", purpose=PURPOSE_NAMES[purpose]),
                                short=Text("Withdraw"))])
        else:
            rows.append([Choice(OPTIN.encode("yes", purpose=purpose),
                                Text("Give: {purpose}", purpose=PURPOSE_NAMES[purpose]), short=Text("Give"))])
    lines += [Raw(""), Text("Each consent is separate: withdrawing one changes nothing else. /mydata shows "
                            "everything stored about you; /forgetme erases it.")]
    rows.append(*read_notice())
    return Screen(Lines(*lines), rows)


async def privacy(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/privacy: the consents in force, each with its own button."""
    return Reply(overview(member, await explicit.decisions(session, member.person_id)))


async def optin_press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Outcome:
    """Give, refuse or withdraw one explicit consent; the media answer under a held voice note is `take`'s."""
    button = button_of(given, OPTIN)
    purpose = button.values.get("purpose")
    if button.action == "overview" or purpose is None:
        return Outcome(Reply(await privacy(session, member, given, now)), locale=member.locale)
    if button.action == "ask":
        screen = media_question() if purpose == explicit.MEDIA else Screen(
            abroad_question(refused=False), abroad_choices())
        return Outcome(Reply(screen), locale=member.locale)
    changed = await explicit.decide(session, member.person_id, purpose, button.action == "yes", now)
    logger.info("Person %s decided on consent %s (changed=%s)", member.person_id, purpose, changed)
    member = await joining.view_of_person(session, member.person_id) or member
    standing = member.consent
    if standing is None:
        raise DomainError("unknown_person")
    if purpose == explicit.ABROAD and button.action == "yes" and standing.is_current:
        return _welcome_back(member, standing, joined=True)
    if purpose == explicit.ABROAD and button.action == "no":
        words = Text("Recorded: no transfer abroad. Narbot will not write to you any more and has cancelled "
                     "the messages it still owed you. You still take part in the group sessions. To change "
                     "your mind, send /privacy.")
        return Outcome(Reply(Screen(words, replace=True)), locale=member.locale)
    overview_screen = overview(member, await explicit.decisions(session, member.person_id))
    return Outcome(Reply(Screen(Text("Recorded."), replace=True), overview_screen), locale=member.locale)
