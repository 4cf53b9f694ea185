"""The mentors' weekly group digest: which week, for whom, when, and queueing it.

After a group's reflection window closes, each mentor of the group gets the
week's digest at 09:00 in their own zone on or after the close (`plan_digests`,
called by the planner every minute). `/digest` builds the same report on demand;
while a reflection window is open it shows that week so far (`week_so_far`: who
answered, who did not yet, the flags already visible), marked as in progress, with
the latest closed week's digest one button away.
Digests are built in batches of groups with a fixed number of queries per batch
(mentoring/digest/data.py), then rendered per reader (mentoring/digest/render.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, offload
from mentoring.calendar import (
    Rhythm,
    Window,
    WindowKind,
    current_window,
    latest_window,
    week_of,
    window,
)
from mentoring.digest.build import build
from mentoring.digest.chart import (
    write_chart as write_chart,  # re-exported: the chart of one digest
)
from mentoring.digest.chart import write_charts
from mentoring.digest.data import Target, gather
from mentoring.digest.model import GroupDigest
from mentoring.digest.render import digest_buttons, render
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from mentoring.waves import RunningGroup, running_groups
from storage.models import Group, GroupSchedule, Membership, OutboxMessage, Person, Programme, Role
from storage.models.digests import DigestPreference

KIND = "digest"
MORNING = time(9, 0)
BATCH = 250
# Building and drawing ~4,000 digests takes about a minute; a pass builds at most this many
# groups and the next pass (a minute later) goes on, so planning never stalls for long.
GROUPS_PER_PASS = 500
# Messages queued per statement (each is compiled on the loop).
SLICE = 50
# After downtime a digest is still worth sending for this long after its morning.
STALE_AFTER = timedelta(days=3)
DEFAULT_CHART_DIR = Path(tempfile.gettempdir()) / "narbot-digest-charts"


@dataclass(frozen=True)
class DueGroup:
    target: Target
    closes_at: datetime
    zone: str


def key_of(group_id: int, week: int, mentor_id: int) -> str:
    return f"digest:{group_id}:{week}:{mentor_id}"


def morning_after(moment: datetime, zone: ZoneInfo) -> datetime:
    """The first 09:00 in `zone` on or after `moment`."""
    local = moment.astimezone(zone)
    candidate = datetime.combine(local.date(), MORNING, tzinfo=zone)
    if candidate < local:
        candidate = datetime.combine(local.date() + timedelta(days=1), MORNING, tzinfo=zone)
    return candidate.astimezone(moment.tzinfo)


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Istanbul")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/Istanbul")


def closed_week(group: RunningGroup, now: datetime) -> Window | None:
    """The group's latest reflection window that has closed by `now`, within the programme."""
    found = latest_window(WindowKind.REFLECTION, group.rhythm, group.starts_on, now, group.tz)
    if found is not None and found.closes_at > now:
        found = window(WindowKind.REFLECTION, group.rhythm, group.starts_on, found.week - 1, group.tz) \
            if found.week > 1 else None
    if found is None or found.closes_at > now:
        return None
    if group.ends_on is not None and found.opens_at.astimezone(group.tz).date() > group.ends_on:
        return None
    return found


def open_week(group: RunningGroup, now: datetime) -> Window | None:
    """The group's reflection window open at `now` (its week so far), within the programme."""
    found = current_window(WindowKind.REFLECTION, group.rhythm, group.starts_on, now, group.tz)
    if found is None:
        return None
    if group.ends_on is not None and found.opens_at.astimezone(group.tz).date() > group.ends_on:
        return None
    return found


def weeks_total(group: RunningGroup) -> int | None:
    return week_of(group.starts_on, group.ends_on) if group.ends_on else None


async def _due_groups(session: AsyncSession, now: datetime) -> list[DueGroup]:
    groups = await running_groups(session, now)
    names: dict[int, str] = {}
    for start in range(0, len(groups), BATCH):
        ids = [g.id for g in groups[start:start + BATCH]]
        names.update((await session.execute(select(Group.id, Group.name).where(Group.id.in_(ids)))).all())
    due: list[DueGroup] = []
    # Groups of a programme mostly share a frame (rhythm, dates, zone): each frame's week is worked out once.
    weeks: dict[tuple[object, ...], Window | None] = {}
    turns = offload.Turns()  # a pass never keeps the bot from answering people for long (bench/loop_lag.py)
    for group in groups:
        await turns.take()
        frame = (group.rhythm, group.starts_on, group.ends_on, group.tz)
        if frame not in weeks:
            weeks[frame] = closed_week(group, now)
        found = weeks[frame]
        if found is None or found.closes_at < now - STALE_AFTER - timedelta(days=1):
            continue
        target = Target(group.id, names.get(group.id, ""), group.programme_id, found.week, weeks_total(group))
        due.append(DueGroup(target, found.closes_at, group.tz.key))
    return due


async def build_digests(session: AsyncSession, targets: Sequence[Target], zones: dict[int, str],
                        now: datetime) -> list[GroupDigest]:
    """The digests of these groups, `BATCH` groups per fixed set of queries."""
    digests: list[GroupDigest] = []
    turns = offload.Turns()
    for start in range(0, len(targets), BATCH):
        chunk = targets[start:start + BATCH]
        got = await gather(session, chunk, now)
        for target in chunk:
            await turns.take()
            digests.append(build(target, got, zones.get(target.group_id, "Europe/Istanbul")))
    return digests


async def plan_digests(session: AsyncSession, now: datetime, *, chart_dir: Path | None = None) -> int:
    """Queue every mentor's digest whose morning has come; returns how many were new."""
    due = await _due_groups(session, now)
    added = built = 0
    for start in range(0, len(due), BATCH):
        if built >= GROUPS_PER_PASS:
            break
        new, groups = await _plan_batch(session, due[start:start + BATCH], now, chart_dir or DEFAULT_CHART_DIR)
        added, built = added + new, built + groups
    return added


async def _plan_batch(session: AsyncSession, due: list[DueGroup], now: datetime,
                      chart_dir: Path) -> tuple[int, int]:
    """Queue the batch's missing digests; returns (messages queued, groups built)."""
    by_group = {d.target.group_id: d for d in due}
    mentors = await session.execute(
        select(Membership.group_id, Person.id, Person.locale, Person.timezone)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id.in_(list(by_group)), Membership.role == Role.MENTOR.value,
               Membership.left_at.is_(None), Person.erased_at.is_(None))
    )
    wanted: dict[str, tuple[int, int, str, str, datetime]] = {}
    for group_id, mentor_id, locale, zone in mentors:
        group = by_group[group_id]
        morning = morning_after(group.closes_at, zone_of(zone))
        if morning <= now < morning + STALE_AFTER:
            wanted[key_of(group_id, group.target.week, mentor_id)] = (group_id, mentor_id, locale, zone, morning)
    if not wanted:
        return 0, 0
    queued = set(await session.scalars(
        select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(list(wanted)))
    ))
    missing = {key: value for key, value in wanted.items() if key not in queued}
    if not missing:
        return 0, 0
    groups = sorted({value[0] for value in missing.values()})
    digests = await build_digests(session, [by_group[g].target for g in groups],
                                  {g: by_group[g].zone for g in groups}, now)
    charts_off = await _charts_off(session, [value[1] for value in missing.values()])
    messages: list[Outgoing] = []
    readers: dict[int, list[tuple[str, int, str, str, datetime]]] = {}
    for key, (group_id, mentor_id, locale, zone, morning) in missing.items():
        readers.setdefault(group_id, []).append((key, mentor_id, locale, zone, morning))
    # Drawing is CPU work (~8 ms a chart): the workers draw the batch's charts while the loop goes on.
    charted = {group_id for group_id, mentor_id, *_ in missing.values() if mentor_id not in charts_off}
    charts = await offload.run(write_charts, [d for d in digests if d.group_id in charted], chart_dir)
    turns = offload.Turns()
    for digest in digests:
        group_id = digest.group_id
        for key, mentor_id, locale, zone, morning in readers[group_id]:
            attachment = None
            if mentor_id not in charts_off:
                attachment = {"type": "photo", "path": str(charts[group_id]), "filename": "digest.png"}
            await turns.take()
            tr = translator(locale)
            messages.append(Outgoing(
                idempotency_key=key, kind=KIND, person_id=mentor_id,
                text=render(digest, tr, zone_of(zone)), buttons=digest_buttons(tr, digest, mentor_id not in charts_off),
                attachment=attachment, not_before=morning, expires_at=morning + STALE_AFTER,
                mentions=digest.named(),
            ))
    queued_now = 0
    for start in range(0, len(messages), SLICE):  # a statement per slice: each is compiled on the loop
        queued_now += await enqueue(session, messages[start:start + SLICE], now)
    return queued_now, len(digests)


# ---- On demand (/digest) ----


async def digest_groups(session: AsyncSession, member: MemberView, now: datetime) -> list[tuple[int, str]]:
    """The groups whose digest a member may see: those they mentor (id, name)."""
    return [(v.group_id, v.group_name or "") for v in member.roles if v.group_id in access.mentored_groups(member)]


async def _running_group(session: AsyncSession, member: MemberView,
                         group_id: int) -> tuple[RunningGroup, str] | None:
    """A group's frame (and name) for one of its mentors; anyone else is refused."""
    access.require(access.is_mentor_of(member, group_id), "digest")
    row = (await session.execute(
        select(Group.name, Group.timezone, Programme.id, Programme.timezone, Programme.starts_on,
               Programme.ends_on, GroupSchedule)
        .join(Programme, Programme.id == Group.programme_id)
        .outerjoin(GroupSchedule, GroupSchedule.group_id == Group.id)
        .where(Group.id == group_id)
    )).first()
    if row is None or row[4] is None:
        return None
    name, group_tz, programme_id, programme_tz, starts_on, ends_on, schedule = row
    group = RunningGroup(group_id, programme_id, zone_of(group_tz or programme_tz), starts_on, ends_on,
                         Rhythm.of(schedule))
    return group, name


def _due(group: RunningGroup, name: str, found: Window) -> DueGroup:
    return DueGroup(Target(group.id, name, group.programme_id, found.week, weeks_total(group)), found.closes_at,
                    group.tz.key)


async def latest_target(session: AsyncSession, member: MemberView, group_id: int,
                        now: datetime) -> DueGroup | None:
    """The week a mentor's closed-week digest shows: the group's latest closed reflection week."""
    known = await _running_group(session, member, group_id)
    if known is None:
        return None
    group, name = known
    found = closed_week(group, now)
    return _due(group, name, found) if found is not None else None


async def open_target(session: AsyncSession, member: MemberView, group_id: int,
                      now: datetime) -> DueGroup | None:
    """The group's week whose reflection window is open at `now`, for one of its mentors."""
    known = await _running_group(session, member, group_id)
    if known is None:
        return None
    group, name = known
    found = open_week(group, now)
    return _due(group, name, found) if found is not None else None


async def digest_for(session: AsyncSession, member: MemberView, group_id: int,
                     now: datetime) -> GroupDigest | None:
    """The latest closed week's digest of one group, for one of its mentors (None before any week closed)."""
    due = await latest_target(session, member, group_id, now)
    if due is None:
        return None
    (digest,) = await build_digests(session, [due.target], {group_id: due.zone}, now)
    return digest


async def week_so_far(session: AsyncSession, member: MemberView, group_id: int,
                      now: datetime) -> GroupDigest | None:
    """The open week so far of one group, for one of its mentors (None when no reflection window is open).

    The same rows, rules and privacy as the closed week's digest (numbers-only reflections give no
    quotes); marked in progress by its `closes_at`, and without the flag that needs the week closed.
    """
    due = await open_target(session, member, group_id, now)
    if due is None:
        return None
    got = await gather(session, [due.target], now)
    return build(due.target, got, due.zone, closes_at=due.closes_at)


# ---- The chart preference ----


async def _charts_off(session: AsyncSession, person_ids: list[int]) -> set[int]:
    return set(await session.scalars(
        select(DigestPreference.person_id).where(
            DigestPreference.person_id.in_(person_ids), DigestPreference.chart_off.is_(True))
    ))


async def chart_on(session: AsyncSession, person_id: int) -> bool:
    return person_id not in await _charts_off(session, [person_id])


async def set_chart(session: AsyncSession, member: MemberView, on: bool, now: datetime) -> None:
    """A mentor turns the digest's chart on or off (for all their groups)."""
    access.require(bool(access.mentored_groups(member)), "digest")
    found = await session.get(DigestPreference, member.person_id)
    if found is None:
        session.add(DigestPreference(person_id=member.person_id, chart_off=not on, updated_at=now))
    else:
        found.chart_off, found.updated_at = not on, now
    await session.flush()
