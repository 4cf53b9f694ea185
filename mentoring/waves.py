"""Planning what Narbot says without being asked: weekly prompt waves and their reminders.

`plan_due` is called every minute (bot/scheduler.py). For each running group it
works out, from the group's rhythm, which stages of the latest reflection and
check-in windows are due — the prompt when the window opens, a reminder N hours
later, one M hours before it closes — and the end-of-programme self-assessment.
A stage is planned once: the `planned_waves` log says which are done, and the
outbox's idempotency keys make a second planner (or a rerun) queue nothing new.

Reminders are planned when they fall due, not in advance, so whoever answered
in between gets none. After downtime a stage whose window has closed is not
sent: it is logged as dropped (and its prompts recorded in the outbox with
status "dropped"), so reports can say who was not reached and why.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from mentoring.calendar import Rhythm, WindowKind, latest_window, week_of, week_start
from mentoring.i18n import translator
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.peers import prompts as peer_prompts
from mentoring.peers import rules as peers
from mentoring.plans import rules as plans
from mentoring.reflection import flow as reflections
from mentoring.wave_audience import Recipient, audience, latecomers, partnered
from storage.models import Group, GroupSchedule, OutboxMessage, Programme
from storage.models.outbox import PRIORITY_BULK
from storage.models.scheduling import PlannedWave
from storage.upsert import insert_for

logger = logging.getLogger(__name__)

GROUPS_PER_BATCH = 500
# Groups stay in planning this long after their programme's end date; the log is
# read further back than any stage of theirs can lie (a window closes < 14 days
# after its week began), so a stage is never seen as new twice.
RUNNING_AFTER_END = timedelta(days=10)
LOG_LOOKBACK = timedelta(days=21)
DROPPED_REASON = "window closed while the bot was down"
# Any constant works, as long as every Narbot process uses the same one.
PLANNER_LOCK_KEY = 0x4E415242  # "NARB"

REFLECTION, CHECKIN, SELF_ASSESSMENT = "reflection", "checkin", "self_assessment"
PROMPT, REMINDER_AFTER, REMINDER_BEFORE = "prompt", "reminder_after", "reminder_before"


@dataclass(frozen=True)
class RunningGroup:
    id: int
    programme_id: int
    tz: ZoneInfo
    starts_on: date
    ends_on: date | None
    rhythm: Rhythm


@dataclass(frozen=True)
class Stage:
    """One step of one group's wave: its prompt, or one of its reminders."""

    group: RunningGroup
    kind: str
    week: int
    stage: str
    due_at: datetime
    closes_at: datetime

    @property
    def log_key(self) -> tuple[int, str, int, str]:
        return self.group.id, self.kind, self.week, self.stage


@dataclass
class PlanReport:
    """What one planning pass did, in counts only (safe to log)."""

    planned_by_us: bool = True  # False when another process holds the planner lock
    groups: int = 0
    queued: int = 0
    dropped: int = 0
    stages: Counter[str] = field(default_factory=Counter)  # e.g. "reflection.prompt.planned"


async def plan_due(session: AsyncSession, now: datetime) -> PlanReport:
    """Queue every prompt and reminder that is due at `now` and not yet planned."""
    report = PlanReport()
    if not await _claim_planner(session):
        report.planned_by_us = False
        return report
    groups = await running_groups(session, now)
    report.groups = len(groups)
    for start in range(0, len(groups), GROUPS_PER_BATCH):
        await _plan_batch(session, groups[start:start + GROUPS_PER_BATCH], now, report)
    await _plan_latecomers(session, {group.id: group for group in groups}, now, report)
    return report


async def _claim_planner(session: AsyncSession) -> bool:
    """On PostgreSQL only one process plans (the lock ends with the transaction); SQLite has one process."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(PLANNER_LOCK_KEY))))


# The rhythm's columns in Rhythm's field order, read as plain values: thousands of groups a pass
# would otherwise each load (and track) a GroupSchedule object (issue #17, loop lag).
_RHYTHM_COLUMNS = tuple(getattr(GroupSchedule, column.name) for column in fields(Rhythm))


async def running_groups(session: AsyncSession, now: datetime) -> list[RunningGroup]:
    """Groups of programmes that have started and not long ended (one query)."""
    today = now.date()
    rows = await session.execute(
        select(Group.id, Group.timezone, Programme.id, Programme.timezone, Programme.starts_on,
               Programme.ends_on, GroupSchedule.group_id, *_RHYTHM_COLUMNS)
        .join(Programme, Programme.id == Group.programme_id)
        .outerjoin(GroupSchedule, GroupSchedule.group_id == Group.id)
        .where(Programme.starts_on.is_not(None), Programme.starts_on <= today + timedelta(days=1))
        # A window of the last week may run a week past the end date.
        .where((Programme.ends_on.is_(None)) | (Programme.ends_on >= today - RUNNING_AFTER_END))
        .order_by(Group.id)
    )
    rhythms: dict[tuple[object, ...], Rhythm] = {}  # groups mostly share a rhythm: one object each
    groups = []
    for group_id, group_tz, programme_id, programme_tz, starts_on, ends_on, scheduled, *rhythm in rows:
        values = tuple(rhythm) if scheduled is not None else ()
        found = rhythms.get(values)
        if found is None:
            found = rhythms[values] = Rhythm(*values)
        groups.append(RunningGroup(group_id, programme_id, _zone(group_tz or programme_tz), starts_on, ends_on,
                                   found))
    return groups


def _zone(name: str | None, fallback: ZoneInfo | None = None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Istanbul")
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return fallback or ZoneInfo("Europe/Istanbul")


def due_stages(group: RunningGroup, now: datetime) -> list[Stage]:
    """The stages of the group's latest windows that are due by `now` (planned or not)."""
    stages: list[Stage] = []
    for kind in (WindowKind.REFLECTION, WindowKind.CHECKIN):
        found = latest_window(kind, group.rhythm, group.starts_on, now, group.tz)
        if found is None or _after_programme(group, found.opens_at):
            continue
        stages.append(Stage(group, kind.value, found.week, PROMPT, found.opens_at, found.closes_at))
        after, before = group.rhythm.reminder_after_hours, group.rhythm.reminder_before_close_hours
        for name, due in (
            (REMINDER_AFTER, found.opens_at + timedelta(hours=after) if after else None),
            (REMINDER_BEFORE, found.closes_at - timedelta(hours=before) if before else None),
        ):
            if due is not None and found.opens_at < due < found.closes_at and due <= now:
                stages.append(Stage(group, kind.value, found.week, name, due, found.closes_at))
    if group.ends_on is not None:
        last = week_of(group.starts_on, group.ends_on)
        # The last week's first day at the group's reflection time: always before the end date.
        due = _local(week_start(group.starts_on, last), group.rhythm.reflection_time, group.tz)
        ends = _local(group.ends_on + timedelta(days=1), time(0), group.tz)
        if due <= now:
            stages.append(Stage(group, SELF_ASSESSMENT, last, PROMPT, due, ends))
    return stages


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _after_programme(group: RunningGroup, opens_at: datetime) -> bool:
    return group.ends_on is not None and opens_at.astimezone(group.tz).date() > group.ends_on


async def _plan_batch(session: AsyncSession, groups: Sequence[RunningGroup], now: datetime,
                      report: PlanReport) -> None:
    logged = set(await session.execute(
        select(PlannedWave.group_id, PlannedWave.kind, PlannedWave.week, PlannedWave.stage)
        .where(PlannedWave.group_id.in_([g.id for g in groups]))
        .where(PlannedWave.closes_at > now - LOG_LOOKBACK)
    ))
    due = [stage for group in groups for stage in due_stages(group, now) if stage.log_key not in logged]
    if not due:
        return
    people = await audience(session, sorted({s.group.id for s in due}), now)
    with_partner = await partnered(session, sorted({s.group.id for s in due if s.kind == CHECKIN}))
    prompts_now = {(s.group.id, s.kind, s.week) for s in due if s.stage == PROMPT and now < s.closes_at}
    queue: list[Outgoing] = []
    missed: list[Outgoing] = []
    log: list[dict[str, object]] = []
    for stage in due:
        members = people.get(stage.group.id, [])
        if stage.kind == CHECKIN:
            members = [r for r in members if r.person_id in with_partner]
        messages: list[Outgoing] = []
        if stage.stage == PROMPT and now < stage.closes_at:
            outcome, messages = "planned", _prompts(stage, members)
            queue += messages
        elif stage.stage == PROMPT:
            # Closed before we got to it: record who was not reached (those who were members by then).
            outcome, messages = "dropped", _prompts(stage, [r for r in members if r.joined_at <= stage.due_at])
            missed += messages
        elif now >= stage.closes_at:
            outcome = "dropped"
        elif (stage.group.id, stage.kind, stage.week) in prompts_now:
            # The prompt itself only goes out now (after downtime): no reminder on top of it.
            outcome = "skipped"
        else:
            outcome, messages = "planned", await _reminders(session, stage, members)
            queue += messages
        log.append({
            "group_id": stage.group.id, "kind": stage.kind, "week": stage.week, "stage": stage.stage,
            "due_at": stage.due_at, "closes_at": stage.closes_at, "outcome": outcome,
            "recipients": len(messages), "planned_at": now,
        })
        report.stages[f"{stage.kind}.{stage.stage}.{outcome}"] += 1
    await session.execute(_log_insert(session), log)
    report.queued += await enqueue(session, queue, now)
    report.dropped += await _record_dropped(session, missed, now)


def _log_insert(session: AsyncSession) -> Executable:
    """Log rows; a stage a concurrent planner logged first is skipped (its messages are idempotent anyway)."""
    return insert_for(session, PlannedWave).on_conflict_do_nothing(
        index_elements=["group_id", "kind", "week", "stage"]
    )


async def _record_dropped(session: AsyncSession, messages: list[Outgoing], now: datetime) -> int:
    """Queue the prompts that can no longer be sent as already dropped, so reports see them."""
    added = await enqueue(session, messages, now)
    for start in range(0, len(messages), 500):
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key.in_([m.idempotency_key for m in messages[start:start + 500]]))
            .where(OutboxMessage.status == "pending")
            .values(status="dropped", last_error=DROPPED_REASON)
        )
    return added


async def _reminders(session: AsyncSession, stage: Stage, members: list[Recipient]) -> list[Outgoing]:
    """Reminders go only to those who have not answered at this moment."""
    if stage.kind == REFLECTION:
        answered = await reflections.reflection_responders(session, stage.group.id, stage.week)
        render = reflections.reflection_reminder
    else:
        answered = await peers.checkin_responders(session, stage.group.id, stage.week)
        render = peer_prompts.checkin_reminder
    messages = []
    for member in members:
        if member.person_id in answered:
            continue
        text, buttons = render(translator(member.locale), stage.week, stage.closes_at,
                               _zone(member.timezone, stage.group.tz))
        messages.append(_outgoing(
            stage, member, f"{stage.kind}-reminder:{stage.group.id}:{stage.week}:"
            f"{stage.stage.removeprefix('reminder_')}:{member.person_id}",
            f"{stage.kind}_reminder", f"wave:{stage.kind}-reminder:{stage.group.id}:{stage.week}",
            text, buttons))
    return messages


def _prompts(stage: Stage, members: Iterable[Recipient]) -> list[Outgoing]:
    messages = []
    # A stage's prompt reads the same for everyone with the same language and time zone:
    # rendered once for each (rendering was half of a 20,000-prompt wave's planning).
    rendered: dict[tuple[str, str], tuple[str, list[list[Button]]]] = {}
    for member in members:
        tr = translator(member.locale)
        if stage.kind == SELF_ASSESSMENT:
            text, buttons = plans.self_assessment_prompt(tr, "end")
            key = f"self-assessment:end:{stage.group.programme_id}:{member.person_id}"
            batch = f"wave:self-assessment:{stage.group.id}"
            kind = "self_assessment_prompt"
        else:
            render = reflections.reflection_prompt if stage.kind == REFLECTION else peer_prompts.checkin_prompt
            look = (member.locale, member.timezone)
            if look not in rendered:
                rendered[look] = render(tr, stage.week, stage.closes_at, _zone(member.timezone, stage.group.tz))
            text, buttons = rendered[look]
            key = f"{stage.kind}-prompt:{stage.group.id}:{stage.week}:{member.person_id}"
            batch = f"wave:{stage.kind}:{stage.group.id}:{stage.week}"
            kind = f"{stage.kind}_prompt"
        messages.append(_outgoing(stage, member, key, kind, batch, text, buttons))
    return messages


def _outgoing(stage: Stage, member: Recipient, key: str, kind: str, batch: str, text: str,
              buttons: list[list[Button]]) -> Outgoing:
    return Outgoing(
        key, kind, text, stage.due_at, person_id=member.person_id, buttons=buttons,
        priority=PRIORITY_BULK, expires_at=stage.closes_at, respect_quiet_hours=True, batch_key=batch,
    )


async def _plan_latecomers(session: AsyncSession, groups: dict[int, RunningGroup], now: datetime,
                           report: PlanReport) -> None:
    """Mentees who joined while a prompt's window is open get that prompt too (one query)."""
    found = await latecomers(session, now)
    if not found:
        return
    waves = {wave.id: wave for wave, _ in found}
    with_partner = await partnered(session, sorted({w.group_id for w in waves.values() if w.kind == CHECKIN}))
    by_wave: dict[int, list[Recipient]] = {}
    for wave, member in found:
        if wave.kind != CHECKIN or member.person_id in with_partner:
            by_wave.setdefault(wave.id, []).append(member)
    for wave_id, members in by_wave.items():
        wave = waves[wave_id]
        if wave.group_id not in groups:
            continue
        stage = Stage(groups[wave.group_id], wave.kind, wave.week, PROMPT, wave.due_at, wave.closes_at)
        added = await enqueue(session, _prompts(stage, members), now)
        wave.recipients += added
        report.queued += added
        report.stages[f"{wave.kind}.prompt.latecomers"] += added
    for wave in waves.values():
        wave.planned_at = now
