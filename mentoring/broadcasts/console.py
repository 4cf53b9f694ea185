"""Broadcasts in the web console (issue #16): compose from one form, preview, send or schedule,
follow the live delivery report, cancel. For the programme's coordinators, as /broadcast is.

- `compose_form` / `compose`: the whole draft (text, audience, send time) in one form. Every
  problem is returned as words for the form (nothing written); a good form writes the draft with
  `rules.compose`, which keeps the chat waiting for nothing.
- `preview`: the author's draft as recipients will see it, its audience and size (`audience_size`).
- `confirm`, `cancel`, `discard`: the chat's own rules (`rules.confirm` queues the same outbox rows).
- `listing`: the programme's broadcasts (the reader's own drafts, and every one confirmed).
- `report`: the delivery report of a confirmed broadcast, read from its outbox rows
  (`mentoring.broadcasts.progress`); the people not reached are named once nothing waits, as the
  chat's report names them to coordinators.

Who may: any coordinator of the programme sees its broadcasts and may cancel one; a draft is its
author's alone. Others are refused before anything is read or written. Each compose, confirm,
discard and cancel is audited, and so is each view that names people (ids and counts only,
never the text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied, may_coordinate, require
from mentoring.broadcasts import rules
from mentoring.broadcasts.audience import programme_groups, programme_provinces
from mentoring.broadcasts.draft_screens import audience_line
from mentoring.broadcasts.progress import Counts, Unreachable, counts_of, unreachable
from mentoring.broadcasts.progress_screens import reason, reported_line, send_time
from mentoring.broadcasts.rules import Composition, DraftView
from mentoring.errors import DomainError
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.screens import Plural, Text, Words
from storage.models import Person, Programme
from storage.models.broadcasts import AUDIENCE_ROLES, Broadcast

REFUSED = "console"
LISTED = "console.broadcasts"
VIEWED = "console.broadcast"
COMPOSED = "console.broadcast.compose"
CONFIRMED = "console.broadcast.confirm"
DISCARDED = "console.broadcast.discard"
CANCELLED = "console.broadcast.cancel"
SCOPES = ("programme", "province", "groups")
# The list shows the latest broadcasts; the form offers at most this many groups to tick.
LISTED_AT_MOST = 50
GROUPS_OFFERED = 500
STATUS_WORDS = {
    "draft": N_("Draft"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Being sent"),
    "done": N_("Finished"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Typed:
    """The compose form as typed (shown again with its problems)."""

    text: str = ""
    scope: str = "programme"
    province: str = ""
    groups: tuple[str, ...] = ()
    role: str = "all"
    send_at: str = ""
    draft: str = ""  # the id of the reader's draft being changed, or ""


@dataclass(frozen=True)
class Form:
    programme_id: int
    programme_name: str
    provinces: tuple[tuple[int, str], ...]
    groups: tuple[tuple[int, str], ...]
    zone: str
    example: str  # a send time as typed, a week from today
    limit: int  # the text's length limit
    typed: Typed
    problems: tuple[Words, ...] = ()


async def _programme(session: AsyncSession, member: MemberView, programme_id: int) -> Programme:
    programme = await session.get(Programme, programme_id)
    if programme is None or not may_coordinate(member, programme_id):
        raise AccessDenied(REFUSED)
    return programme


async def _form(session: AsyncSession, member: MemberView, programme: Programme, typed: Typed, now: datetime,
                problems: tuple[Words, ...] = ()) -> Form:
    provinces, _ = await programme_provinces(session, programme.id, 0, GROUPS_OFFERED)
    groups, _ = await programme_groups(session, programme.id, 0, GROUPS_OFFERED)
    return Form(programme.id, programme.name, tuple(provinces), tuple(groups), member.timezone,
                rules.time_example(member.timezone, now), rules.MAX_TEXT_LENGTH, typed, problems)


async def compose_form(session: AsyncSession, member: MemberView, programme_id: int, now: datetime,
                       draft_id: int | None = None) -> Form:
    """The empty form, or the reader's own draft to change (someone else's draft is refused)."""
    programme = await _programme(session, member, programme_id)
    typed = Typed()
    if draft_id is not None:
        view = await rules.draft(session, member, draft_id)
        require(view.programme_id == programme_id, REFUSED)
        broadcast = await session.get(Broadcast, draft_id)
        typed = Typed(
            text=view.text or "", scope=view.scope or "programme",
            province=str(broadcast.province_id or "") if broadcast else "",
            groups=tuple(str(g) for g in view.group_ids), role=view.audience_role or "all",
            send_at=_typed_time(view.send_at, member.timezone) if view.send_at else "", draft=str(draft_id),
        )
    return await _form(session, member, programme, typed, now)


def _typed_time(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def _number(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


async def compose(session: AsyncSession, member: MemberView, programme_id: int, typed: Typed, now: datetime
                  ) -> Form | DraftView:
    """The draft written from the form, or the form again with every problem (nothing written)."""
    programme = await _programme(session, member, programme_id)
    problems: list[Words] = []
    try:
        text = rules.checked_text(typed.text)
    except DomainError as error:
        problems.append(refusal(error))
        text = ""
    province_id = _number(typed.province)
    group_ids = tuple(sorted({n for n in map(_number, typed.groups) if n is not None}))
    if typed.scope not in SCOPES:
        problems.append(Text("Choose who should receive it."))
    elif typed.scope == "province" and province_id is None:
        problems.append(Text("Choose a province."))
    elif typed.scope == "groups" and not group_ids:
        problems.append(Text("Choose at least one group."))
    if typed.role not in AUDIENCE_ROLES:
        problems.append(Text("Choose mentors, mentees or both."))
    send_at = None
    if typed.send_at.strip():
        try:
            send_at = rules.parse_send_time(typed.send_at, member.timezone, now)
        except DomainError as error:
            problems.append(refusal(error))
    draft_id = _number(typed.draft)
    if problems:
        return await _form(session, member, programme, typed, now, tuple(problems))
    view = await rules.compose(
        session, member, programme.id,
        Composition(scope=typed.scope, audience_role=typed.role, text=text, province_id=province_id,
                    group_ids=group_ids, send_at=send_at),
        now, broadcast_id=draft_id,
    )
    await audit.record(session, member.person_id, COMPOSED,
                       details={"programme": programme.id, "broadcast": view.broadcast_id}, now=now)
    return view


@dataclass(frozen=True)
class Preview:
    draft: DraftView
    announcement: Words  # as a reader receives it (the header in the reader's language)
    audience: Words
    zone: str


async def preview(session: AsyncSession, member: MemberView, broadcast_id: int) -> Preview | None:
    """The author's draft: the message, whom it reaches (`audience_size`) and when; None while it
    lacks its text or audience (begun in the chat and not finished there: finish it in the form)."""
    view = await rules.preview(session, member, broadcast_id)
    if view.text is None or view.scope is None or view.audience_role is None:
        return None
    return Preview(view, rules.announcement_words(view.author_name, view.text), audience_line(view),
                   member.timezone)


async def confirm(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> rules.Confirmed:
    """Queue one message per recipient, exactly as the chat's Send does (no progress message here)."""
    confirmed = await rules.confirm(session, member, broadcast_id, now,
                                    progress_chat_id=None, progress_message_id=None)
    if not confirmed.already:
        await audit.record(session, member.person_id, CONFIRMED,
                           details={"broadcast": broadcast_id, "queued": confirmed.queued}, now=now)
    return confirmed


async def discard(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> int:
    """Drop the author's draft; returns its programme's id."""
    view = await rules.draft(session, member, broadcast_id)
    await rules.discard(session, member, broadcast_id)
    await audit.record(session, member.person_id, DISCARDED, details={"broadcast": broadcast_id}, now=now)
    return view.programme_id


async def _broadcast(session: AsyncSession, member: MemberView, broadcast_id: int) -> Broadcast:
    """A broadcast any coordinator of its programme may follow; a draft is its author's alone."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or not may_coordinate(member, broadcast.programme_id):
        raise AccessDenied(REFUSED)
    if broadcast.status == "draft" and broadcast.person_id != member.person_id:
        raise AccessDenied(REFUSED)
    return broadcast


async def programme_of(session: AsyncSession, broadcast_id: int) -> int:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise rules.BroadcastGone()
    return broadcast.programme_id


async def is_draft(session: AsyncSession, member: MemberView, broadcast_id: int) -> bool:
    return (await _broadcast(session, member, broadcast_id)).status == "draft"


async def cancel(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> int | None:
    """Stop what has not gone out (any coordinator of the programme); None when nothing was left to stop."""
    broadcast = await _broadcast(session, member, broadcast_id)
    if broadcast.status != "sending" or broadcast.cancelled_at is not None:
        return None
    stopped = await rules.cancel(session, member, broadcast_id, now)
    await audit.record(session, member.person_id, CANCELLED,
                       details={"broadcast": broadcast_id, "cancelled": stopped}, now=now)
    return stopped


def _status(broadcast: Broadcast, counts: Counts | None, now: datetime) -> str:
    """draft, scheduled, sending, done or cancelled, as the reader should understand it now."""
    if broadcast.status == "draft" or counts is None:
        return broadcast.status
    if broadcast.cancelled_at is not None or broadcast.status == "cancelled":
        return "cancelled" if counts.finished or broadcast.status == "cancelled" else "sending"
    if broadcast.status == "done" or counts.finished:
        return "done"
    if broadcast.send_at is not None and broadcast.send_at > now and not (counts.sent or counts.failed):
        return "scheduled"
    return "sending"


@dataclass(frozen=True)
class Row:
    id: int
    status: str
    author_name: str
    mine: bool
    created_at: datetime
    send_at: datetime | None
    counts: Counts | None  # None for a draft


@dataclass(frozen=True)
class Listing:
    programme_id: int
    programme_name: str
    rows: tuple[Row, ...]


async def listing(session: AsyncSession, member: MemberView, programme_id: int, now: datetime) -> Listing:
    """The programme's latest broadcasts: the reader's own drafts and every confirmed one."""
    programme = await _programme(session, member, programme_id)
    found = (await session.execute(
        select(Broadcast, Person.display_name)
        .join(Person, Person.id == Broadcast.person_id)
        .where(Broadcast.programme_id == programme_id,
               or_(Broadcast.status != "draft", Broadcast.person_id == member.person_id))
        .order_by(Broadcast.id.desc())
        .limit(LISTED_AT_MOST)
    )).all()
    counts = await counts_of(session, [b.id for b, _name in found if b.status != "draft"])
    rows = tuple(
        Row(b.id, _status(b, counts.get(b.id), now), name, b.person_id == member.person_id, b.created_at,
            b.send_at, counts.get(b.id))
        for b, name in found
    )
    await audit.record(session, member.person_id, LISTED, details={"programme": programme_id, "shown": len(rows)},
                       now=now)
    return Listing(programme.id, programme.name, rows)


@dataclass(frozen=True)
class Report:
    broadcast_id: int
    programme_id: int
    programme_name: str
    author_name: str
    status: str
    audience: Words
    text: str
    send_at: datetime | None
    counts: Counts
    reported: Words | None  # what WhatsApp reported delivered and read
    in_doubt: Words | None
    reasons: tuple[tuple[Words, int], ...]  # why messages failed, counted
    unreachable: tuple[tuple[str, Words], ...]  # named once nothing waits
    cancelled_at: datetime | None

    @property
    def waiting(self) -> bool:
        """Whether the page should keep asking (anything still queued or being sent)."""
        return self.counts.waiting > 0


async def report(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime, *,
                 page: bool) -> Report:
    """The delivery report now; audited when it is the page or names the people not reached."""
    broadcast = await _broadcast(session, member, broadcast_id)
    if broadcast.status == "draft":
        raise rules.BroadcastGone()
    view = await rules.view_of(session, broadcast)
    counts = (await counts_of(session, [broadcast.id]))[broadcast.id]
    failed = await unreachable(session, broadcast.id) if counts.failed else []
    tally: dict[str, int] = {}
    for item in failed:
        tally[item.reason] = tally.get(item.reason, 0) + 1
    reasons = tuple((reason(Unreachable("", code)), number) for code, number in sorted(tally.items()))
    named = tuple((item.name, reason(item)) for item in failed) if counts.finished else ()
    in_doubt = Plural(
        "Interrupted by a restart while being sent: {count} message (sent again, so it may have arrived twice)",
        "Interrupted by a restart while being sent: {count} messages (sent again, so some may have arrived twice)",
        counts.in_doubt, count=counts.in_doubt) if counts.in_doubt else None
    if page or named:
        await audit.record(session, member.person_id, VIEWED,
                           details={"broadcast": broadcast.id, "named": len(named)}, now=now)
    return Report(
        broadcast_id=broadcast.id, programme_id=view.programme_id, programme_name=view.programme_name,
        author_name=view.author_name, status=_status(broadcast, counts, now), audience=audience_line(view),
        text=view.text or "", send_at=broadcast.send_at, counts=counts, reported=reported_line(counts),
        in_doubt=in_doubt, reasons=reasons, unreachable=named, cancelled_at=broadcast.cancelled_at,
    )


def send_time_words(moment: datetime | None, zone: str) -> Words:
    return send_time(moment, zone) if moment is not None else Text("Send time: now")
