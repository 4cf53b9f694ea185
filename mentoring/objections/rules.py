"""What an objection changes: the flags about a person, the request, the coordinators told, the answer.

`person_flags` computes, for /mydata, the attention flags the weekly digest
raises about a person (results of automated analysis, KVKK art. 11(g)): the
latest `WEEKS_BACK` closed weeks of each group they are a mentee in, with the
same rules and rows as the mentors' digest (mentoring/digest/build.py).

`request` stores an objection to one flag, or a request to correct something
else, due `ANSWER_DAYS` after the day of the request in the person's zone
(art. 13), writes it to the audit log and queues a message to each coordinator
of the programme (normal priority, within their quiet hours; the message names
the person, so it records them as mentioned and their erasure clears it).
`open_requests` lists a programme's unanswered requests for /report, oldest
due first; `answer` closes one with the coordinator's text, logs it and queues
the answer to the person. Texts are personal (cleared with the person and by
retention, with their programme); the log carries ids only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, audit
from mentoring.calendar import Rhythm
from mentoring.digest.data import Target
from mentoring.digest.model import FlagKind
from mentoring.digest.render import reason_words
from mentoring.digest.rules import build_digests, closed_week, weeks_total, zone_of
from mentoring.i18n import N_, translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.screens import Choice, Text, Words
from mentoring.waves import RunningGroup
from storage.models import Group, GroupSchedule, Membership, Person, Programme, Role
from storage.models.objections import Objection

logger = logging.getLogger(__name__)

KIND_REQUEST = "objection_request"
KIND_ANSWER = "objection_answer"
# KVKK art. 13: the controller answers within 30 days.
ANSWER_DAYS = 30
TEXT_MAX = 500
# The closed weeks /mydata looks back at (the latest and the one before).
WEEKS_BACK = 2

# A flag as the person reads it about themselves (the mentors read them in the digest).
FLAG_TEXTS = {
    FlagKind.NO_REFLECTION_TWICE: N_("No reflection two weeks running"),
    FlagKind.CONFIDENCE_DROP: N_("Your confidence answer went down by {points} points from the week before"),
    FlagKind.SAME_REASON_TWICE: N_("The same reason twice for a to-do not done ({reason})"),
    FlagKind.UNREACHABLE: N_("Narbot could not reach you (blocked, or no chat with it)"),
    FlagKind.PARTNERS_DISAGREE: N_("You and your peer partner answered differently about meeting"),
}


@dataclass(frozen=True)
class PersonFlag:
    """One digest flag about the person: where, which week, what."""

    group_id: int
    group_name: str
    week: int
    kind: FlagKind
    detail: str | int | None = None


@dataclass(frozen=True)
class OpenRequest:
    objection_id: int
    due_on: date
    created_at: datetime
    flag_kind: str | None


def flag_words(flag: PersonFlag) -> Words:
    reason = reason_words(str(flag.detail)) if flag.kind is FlagKind.SAME_REASON_TWICE and flag.detail else None
    return Text(FLAG_TEXTS[flag.kind], points=flag.detail, reason=reason)


def _kind_words(kind: str | None) -> Words:
    try:
        return Text(FLAG_TEXTS[FlagKind(kind)]) if kind else Text("something else to correct")
    except ValueError:
        return Text("something else to correct")


# ----------------------------------------------------------------------------- the flags about a person


async def person_flags(session: AsyncSession, person_id: int, now: datetime) -> list[PersonFlag]:
    """The digest's flags about the person in the latest closed weeks of each group they are a mentee in."""
    rows = (await session.execute(
        select(Group.id, Group.name, Group.timezone, Programme.id, Programme.timezone, Programme.starts_on,
               Programme.ends_on, GroupSchedule)
        .join(Membership, Membership.group_id == Group.id)
        .join(Programme, Programme.id == Group.programme_id)
        .outerjoin(GroupSchedule, GroupSchedule.group_id == Group.id)
        .where(Membership.person_id == person_id, Membership.role == Role.MENTEE.value,
               Membership.left_at.is_(None), Programme.starts_on.is_not(None))
        .order_by(Group.id)
    )).all()
    targets: list[Target] = []
    zones: dict[int, str] = {}
    for group_id, name, group_tz, programme_id, programme_tz, starts_on, ends_on, schedule in rows:
        group = RunningGroup(group_id, programme_id, zone_of(group_tz or programme_tz), starts_on, ends_on,
                             Rhythm.of(schedule))
        found = closed_week(group, now)
        if found is None:
            continue
        zones[group_id] = group.tz.key
        targets += [Target(group_id, name, programme_id, week, weeks_total(group))
                    for week in range(max(1, found.week - WEEKS_BACK + 1), found.week + 1)]
    if not targets:
        return []
    flags = [
        PersonFlag(digest.group_id, digest.group_name, digest.week, flag.kind, flag.detail)
        for digest in await build_digests(session, targets, zones, now)
        for flag in digest.flags if person_id in flag.person_ids
    ]
    return sorted(flags, key=lambda f: (-f.week, f.group_name, f.kind.value))


# ----------------------------------------------------------------------------- the request


@dataclass(frozen=True)
class Requested:
    objection: Objection
    told: int  # coordinators a message was queued for


def programme_of(member: MemberView, group_id: int | None) -> int | None:
    """The programme a request goes to: the flag's group's, or the member's first programme."""
    if group_id is not None:
        found = next((v.programme_id for v in member.roles if v.group_id == group_id), None)
        if found is not None:
            return found
    programmes = sorted({v.programme_id for v in member.roles})
    return programmes[0] if programmes else None


def due_on(member: MemberView, now: datetime) -> date:
    """The day an answer is due: today in the person's zone, plus ANSWER_DAYS."""
    return now.astimezone(zone_of(member.timezone)).date() + timedelta(days=ANSWER_DAYS)


async def request(session: AsyncSession, member: MemberView, flag: PersonFlag | None, text: str,
                  now: datetime) -> Requested:
    """Store the request, log it and tell the programme's coordinators (see the module's docstring)."""
    programme_id = programme_of(member, flag.group_id if flag else None)
    access.require(programme_id is not None, "objection")
    assert programme_id is not None
    objection = Objection(
        person_id=member.person_id, programme_id=programme_id,
        flag_group_id=flag.group_id if flag else None, flag_kind=flag.kind.value if flag else None,
        flag_week=flag.week if flag else None, text=text, due_on=due_on(member, now), created_at=now,
    )
    session.add(objection)
    await session.flush()
    await audit.record(session, member.person_id, audit.OBJECTION_REQUESTED, member.person_id, {
        "objection": objection.id, "programme": programme_id, "flag": objection.flag_kind,
        "group": objection.flag_group_id, "week": flag.week if flag else None,
    }, now=now)
    coordinators = (await session.execute(
        select(Person.id, Person.locale)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.programme_id == programme_id, Membership.role == Role.COORDINATOR.value,
               Membership.left_at.is_(None), Person.erased_at.is_(None), Person.id != member.person_id)
        .order_by(Person.id)
    )).all()
    messages = []
    for coordinator_id, locale in coordinators:
        tr = translator(locale)
        messages.append(Outgoing(
            idempotency_key=f"objection:{objection.id}:{coordinator_id}",
            kind=KIND_REQUEST,
            text=_request_message(tr, member.display_name, flag, objection),
            buttons=[[Button.of(answer_choice(objection.id), tr)]],
            not_before=now,
            person_id=coordinator_id,
            mentions=(member.person_id,),
        ))
    await enqueue(session, messages, now)
    logger.info("Person %s sent objection %s; %s coordinators told", member.person_id, objection.id, len(messages))
    return Requested(objection, len(messages))


def answer_choice(objection_id: int) -> Choice:
    from mentoring.objections.buttons import OBJECTIONS

    return Choice(OBJECTIONS.encode("a", objection=objection_id),
                  Text("Answer request {number}", number=objection_id), short=Text("Answer"))


def _request_message(tr, name: str, flag: PersonFlag | None, objection: Objection) -> str:  # type: ignore[no-untyped-def]
    _ = tr.gettext
    about = (
        _("{name} objects to an automated flag in the weekly digest of {group}, week {week}: {flag}").format(
            name=name, group=flag.group_name, week=flag.week, flag=flag_words(flag).render(tr))
        if flag is not None else
        _("{name} asks for a correction of their data.").format(name=name)
    )
    return "\n".join([
        _("📝 Request {number} about personal data (KVKK art. 11)").format(number=objection.id),
        "",
        about,
        _("Their words: {text}").format(text=objection.text),
        "",
        _("Please answer by {day} (30 days, KVKK art. 13). Tap “Answer” to write the answer; it goes "
          "to them and closes the request. Until then it shows in your /report.").format(
            day=tr.day(objection.due_on)),
    ])


# ----------------------------------------------------------------------------- the coordinators' side


async def open_requests(session: AsyncSession, programme_id: int) -> list[OpenRequest]:
    """The programme's unanswered requests, oldest due first."""
    rows = await session.execute(
        select(Objection.id, Objection.due_on, Objection.created_at, Objection.flag_kind)
        .where(Objection.programme_id == programme_id, Objection.answered_at.is_(None))
        .order_by(Objection.due_on, Objection.id)
    )
    return [OpenRequest(*row) for row in rows]


async def for_coordinator(session: AsyncSession, member: MemberView, objection_id: int) -> tuple[Objection, str]:
    """A request and the requester's name, for a coordinator of its programme; refused to anyone else."""
    found = await session.get(Objection, objection_id)
    access.require(found is not None and access.may_coordinate(member, found.programme_id), "objection")
    assert found is not None
    person = await session.get(Person, found.person_id)
    return found, person.display_name if person is not None else "?"


async def answer(session: AsyncSession, member: MemberView, objection: Objection, text: str,
                 now: datetime) -> None:
    """Close the request with the coordinator's answer, log it, and queue the answer to the person."""
    access.require(access.may_coordinate(member, objection.programme_id), "objection")
    objection.answer, objection.answered_at, objection.answered_by = text, now, member.person_id
    await session.flush()
    await audit.record(session, member.person_id, audit.OBJECTION_ANSWERED, objection.person_id, {
        "objection": objection.id, "programme": objection.programme_id,
        "days": (now.date() - objection.created_at.date()).days,
    }, now=now)
    person = await session.get(Person, objection.person_id)
    if person is None or person.erased_at is not None:
        return
    tr = translator(person.locale)
    _ = tr.gettext
    zone = ZoneInfo(person.timezone)
    text_out = "\n".join([
        _("📝 The answer to your request of {day} about your data").format(
            day=tr.day(objection.created_at.astimezone(zone).date())),
        _("About: {about}").format(about=_kind_words(objection.flag_kind).render(tr)),
        "",
        text,
        "",
        _("— your programme's coordinator. If you are not satisfied with the answer, you may complain to the "
          "Personal Data Protection Board (KVKK) within 30 days of receiving it."),
    ])
    await enqueue(session, [Outgoing(
        idempotency_key=f"objection-answer:{objection.id}", kind=KIND_ANSWER, text=text_out,
        not_before=now, person_id=objection.person_id,
    )], now)
    logger.info("Person %s answered objection %s", member.person_id, objection.id)
