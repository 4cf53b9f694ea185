"""A person's KVKK rights as a conversation any channel can hold: /mydata, /forgetme, and stopping Narbot.

Every step takes `(session, member, given, now)`. `mydata` sends the summary and
the JSON file, `forgetme` asks whether to erase, `press` answers the buttons of
both ("privacy:...", `mentoring.privacy.buttons.PRIVACY`). The notice and the
explicit consents are `mentoring.privacy.consent_screens`.

Confirmations carry the moment they were offered (`privacy:forget:<unix time>`),
so an old confirmation expires after CONFIRMATION_TTL by the clock, with nothing
kept in memory. `press` returns a `mentoring.joining.screens.Outcome`:
after an erasure the channel drops the person's command menu.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.i18n import N_, translator
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome
from mentoring.joining.words import role_bullets
from mentoring.objections import screens as objection_screens
from mentoring.privacy import consent, explicit
from mentoring.privacy import rules as privacy
from mentoring.privacy.buttons import PRIVACY
from mentoring.privacy.notice_words import PURPOSE_NAMES, withdrawn
from mentoring.privacy.rules import MAX_ROWS_PER_TABLE, PersonExport
from mentoring.screens import (
    Choice,
    Input,
    Lines,
    Media,
    Moment,
    Notice,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)

logger = logging.getLogger(__name__)

CONFIRMATION_TTL = timedelta(minutes=10)
# A clock a little ahead on another server must not make a fresh button look forged.
CLOCK_SKEW = timedelta(minutes=1)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# Readable names of the kinds of records, one for every table /mydata can list
# (tests/unit/privacy/test_privacy_labels.py checks them against the schema).
KIND_LABELS = {
    "channel_identities": N_("Telegram accounts"),
    "memberships": N_("Roles in the programme"),
    "consent_records": N_("Notices you read"),
    "explicit_consents": N_("Your explicit consent decisions"),
    "invite_redemptions": N_("Invites used"),
    "conversation_states": N_("Unfinished conversations"),
    "outbox_messages": N_("Messages Narbot sent or will send you"),
    "audit_log": N_("Times your data was viewed, exported or changed"),
    "reflections": N_("Reflections"),
    "reflection_answers": N_("Reflection answers"),
    "todos": N_("To-dos"),
    "todo_reasons": N_("Reasons for to-dos not done"),
    "plan_goals": N_("Development plan goals"),
    "peer_checkins": N_("Check-ins with your peer partner"),
    "session_rsvps": N_("Replies to session invitations"),
    "session_feedback": N_("Session feedback"),
    "session_attendance": N_("Group mentoring sessions you attended"),
    "session_minutes_acks": N_("Session minutes you confirmed reading"),
    "peer_pair_members": N_("Your peer partnerships"),
    "plan_area_choices": N_("Development areas you chose"),
    "plan_self_assessments": N_("Your self-assessments"),
    "broadcasts": N_("Announcements you wrote"),
    "digest_preferences": N_("Your weekly digest settings"),
    "outbox_mentions": N_("Messages to other people that name you"),
    "safeguarding_concerns": N_("Worries about a child you raised"),
    "objections": N_("Your objections and requests for correction"),
    "feedback_messages": N_("Replies to reflections and answers you wrote"),
    "resources": N_("Resources you shared"),
    "agenda_proposals": N_("Topics you proposed for the group's agenda"),
    "agenda_roles": N_("Roles you were asked to take on agenda topics"),
    "resource_marks": N_("Resources you marked useful"),
    "closing_progress": N_("Your closing steps"),
    "closing_answers": N_("Your closing reflection"),
    "closing_recommendations": N_("Ways to go on after the programme"),
    "closing_surveys": N_("Your end-of-programme survey"),
    "console_logins": N_("Your web console log-ins"),
}
# A table without a label above (none today) is counted here rather than shown by its name.
OTHER_RECORDS = N_("Other records")


# ----------------------------------------------------------------------------- words


def record_lines(counts: dict[str, int], locale: str) -> list[Words]:
    """One "• label: count" line per kind of record, alphabetically in the reader's language."""
    totals: dict[str, int] = {}
    for kind, count in counts.items():
        label = KIND_LABELS.get(kind, OTHER_RECORDS)
        totals[label] = totals.get(label, 0) + count
    tr = translator(locale)
    return [
        Lines(Raw("• "), Text(label), Raw(f": {count}"), sep="")
        for label, count in sorted(totals.items(), key=lambda item: tr.gettext(item[0]))
    ]


def summary(
    member: MemberView, export: PersonExport, decisions: dict[str, tuple[bool, datetime]] | None = None
) -> Words:
    """What /mydata says above the file: name, language, roles, notices read, consents, records."""
    zone = member.timezone
    consents: list[Words] = []
    for record in export.consents:
        if record.accepted_at is None:
            continue
        withdrawn = (
            Text(", Narbot stopped on {withdrawn}", withdrawn=Moment(record.withdrawn_at, zone, style="long"))
            if record.withdrawn_at is not None else None
        )
        accepted = Text("• version {version}: read on {accepted}",
                        version=record.notice_version, accepted=Moment(record.accepted_at, zone, style="long"))
        consents.append(Lines(accepted, withdrawn, sep=""))
    for purpose, (given, at) in sorted((decisions or {}).items()):
        state = (Text("given on {date}", date=Moment(at, zone, style="long")) if given
                 else Text("not given (since {date})", date=Moment(at, zone, style="long")))
        consents.append(Lines(Raw("• "), PURPOSE_NAMES[purpose], Raw(": "), state, sep=""))
    truncated = Text(
        "Some lists are long: the file holds the first {limit} records of each. Your "
        "programme coordinator can give you the rest.", limit=MAX_ROWS_PER_TABLE,
    ) if export.truncated else None
    return Lines(
        Text("Everything Narbot stores about you is in the file below (JSON). In short:"),
        Raw(""),
        Text("Name: {name}", name=member.display_name),
        Text("Language: {language}, time zone: {timezone}", language=member.locale, timezone=member.timezone),
        Text("Your roles in the programme:") if member.roles else None,
        *role_bullets(member.roles),
        Raw(""),
        Text("The notice (KVKK) you read, and your explicit consents:"),
        *consents,
        Raw(""),
        Text("Records stored about you:"),
        *record_lines(export.counts, member.locale),
        *objection_screens.flag_lines(export.automated),
        Raw("") if truncated is not None else None,
        truncated,
        Raw(""),
        Text("You can stop Narbot or have your data erased with the buttons below; /privacy shows your "
             "consents, each of which you can withdraw on its own."),
    )


def forget_question() -> Words:
    return Text(
        "Do you want Narbot to erase your data?\n\n"
        "Your name, the link to your Telegram account and everything you wrote (reflections, "
        "to-dos, your development plan, check-ins, replies) will be erased. What remains: "
        "pseudonymous figures under a number that no longer leads to you (for example that a "
        "mentee took part or answered a 1-5 question), counted in the programme's statistics; "
        "a line in the audit log that your data was erased, and when; and the messages already "
        "delivered, which stay on your phone and with the messaging platform, where Narbot cannot "
        "delete them. This cannot be undone, and Narbot will no longer know you.\n\n"
        "This question is valid for 10 minutes."
    )


def withdraw_question() -> Words:
    return Text(
        "Do you want Narbot to stop?\n\n"
        "Narbot will then stop writing to you (no questions, reminders or digests) and will "
        "not process what you send. Your data stays until you erase it with /forgetme or the "
        "programme's retention period ends. You can come back at any time by confirming the "
        "notice again.\n\n"
        "This question is valid for 10 minutes."
    )


def erased() -> Words:
    return Text(
        "Your data has been erased. Narbot no longer knows you. What remains: pseudonymous figures "
        "in the programme's statistics (under a number that no longer leads to you), a line in the "
        "audit log that your data was erased, and the messages already delivered, which stay on "
        "your phone and with the messaging platform. If you want to take part again, ask your "
        "coordinator for a new invite."
    )


def expired() -> Words:
    return Text("This question has expired and nothing was changed. Send /mydata or /forgetme to ask again.")


# ----------------------------------------------------------------------------- screens


def rights_choices() -> list[list[Choice]]:
    return [
        [Choice(PRIVACY.encode("withdraw"), Text("Stop Narbot writing to me"), short=Text("Stop Narbot"))],
        [Choice(PRIVACY.encode("forget"), Text("Erase my data"))],
        [objection_screens.opener()],
    ]


def _confirm(question: Words, yes: Choice) -> Screen:
    keep = Choice(PRIVACY.encode("keep"), Text("No, keep everything as it is"), short=Text("No, keep it"))
    return Screen(question, [[yes], [keep]])


def forget_screen(now: datetime) -> Screen:
    """Erase? Yes (valid for CONFIRMATION_TTL from now) or keep."""
    yes = Choice(PRIVACY.encode("forget_confirmed", offered=now), Text("Yes, erase my data"))
    return _confirm(forget_question(), yes)


def withdraw_screen(now: datetime) -> Screen:
    """Withdraw consent? Yes (valid for CONFIRMATION_TTL from now) or keep."""
    yes = Choice(PRIVACY.encode("withdraw_confirmed", offered=now), Text("Yes, stop Narbot"),
                 short=Text("Yes, stop"))
    return _confirm(withdraw_question(), yes)


def fresh(offered: datetime, now: datetime) -> bool:
    """Whether a confirmation offered at this moment may still be used."""
    return now - CONFIRMATION_TTL <= offered <= now + CLOCK_SKEW


# ----------------------------------------------------------------------------- steps


async def mydata(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/mydata: a summary with the rights' buttons, then everything stored as a JSON file."""
    tr = translator(member.locale)
    export = await privacy.export_person(session, member.person_id, now,
                                         label=lambda kind: tr.gettext(KIND_LABELS.get(kind, OTHER_RECORDS)))
    if export is None:
        raise DomainError("unknown_person")
    day = now.astimezone(ZoneInfo(member.timezone)).date().isoformat()
    document = Media("document", content=export.content, filename=f"narbot-mydata-{day}.json")
    logger.info("Sent person %s their data (%d records)", member.person_id, sum(export.counts.values()))
    decisions = await explicit.decisions(session, member.person_id)
    return Reply(Screen(summary(member, export, decisions), rights_choices()), Screen(Raw(""), media=document))


async def forgetme(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/forgetme: the first of two steps, the question."""
    return Reply(forget_screen(now))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Outcome:
    """The buttons of /mydata and /forgetme: ask, confirm (while fresh) or keep."""
    button = button_of(given, PRIVACY)
    # "forget" / "withdraw" ask; "forget_confirmed" / "withdraw_confirmed" carry when they were offered.
    action, offered = button.action.removesuffix("_confirmed"), button.values.get("offered")
    if action == "keep":
        return Outcome(Reply(Screen(Text("Nothing was changed."), replace=True)), locale=member.locale)
    if offered is None:
        # Asked from under the /mydata summary: a new message, so the summary stays readable.
        question = forget_screen(now) if action == "forget" else withdraw_screen(now)
        return Outcome(Reply(question), locale=member.locale)
    if not fresh(offered, now):
        return Outcome(
            Reply(Screen(expired(), replace=True), notice=Notice(expired(), alert=True)), locale=member.locale
        )
    if action == "forget":
        cleared = await privacy.erase_person(session, member.person_id, now)
        logger.info("Erased person %s (%d personal values)", member.person_id, sum((cleared or {}).values()))
        return Outcome(Reply(Screen(erased(), replace=True)), locale=member.locale, menu_gone=True)
    await consent.withdraw(session, member.person_id, now)
    # Read again around the cache: this session has just written the consent.
    standing = (await joining.view_of_person(session, member.person_id) or member).consent
    if standing is None:
        raise DomainError("unknown_person")
    logger.info("Person %s withdrew consent", member.person_id)
    return Outcome(Reply(Screen(withdrawn(standing), replace=True)), locale=standing.locale)
