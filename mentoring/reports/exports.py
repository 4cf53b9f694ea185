"""A programme's figures as CSV files (one per table), for the coordinators and the ministry.

Numbers and statuses only: every exported column is named below, and a column
marked `info={"personal": True}` (what someone wrote: reflection texts, to-do
texts, minutes, feedback texts…) is refused when this module is imported, so no
later edit can leak one. People appear with their display name and role, never
a Telegram id. Files are UTF-8 with a BOM so Excel opens Turkish letters right.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import Column

from mentoring import audit, offload
from mentoring.reports.cells import too_few, too_few_for_average
from mentoring.reports.impact import impact_report
from mentoring.reports.overview import programme_overview
from storage.models import ChannelIdentity, Group, Membership, Person, Province
from storage.models.peers import PeerCheckin
from storage.models.plans import PlanGoal, SelfAssessment
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback
from storage.models.todos import Todo, TodoReason

EXPORT_ACTION = "programme.export"
ENCODING = "utf-8-sig"  # the BOM tells Excel the file is UTF-8


@dataclass(frozen=True)
class Table:
    filename: str
    columns: tuple[tuple[str, ColumnElement[Any]], ...]  # (header, what goes in it)

    def query(self, programme_id: int) -> Select[Any]:
        return _FILTERS[self.filename](select(*(c for _, c in self.columns)), programme_id)


_reachable = (
    select(ChannelIdentity.id).where(ChannelIdentity.person_id == Person.id, ChannelIdentity.blocked_at.is_(None))
    .exists()
)

TABLES: tuple[Table, ...] = (
    Table("people.csv", (
        ("person_id", Person.id), ("display_name", Person.display_name), ("role", Membership.role),
        ("group_id", Membership.group_id), ("joined_at", Membership.joined_at), ("left_at", Membership.left_at),
        ("reachable", case((_reachable, 1), else_=0)), ("erased", case((Person.erased_at.is_not(None), 1), else_=0)),
    )),
    Table("groups.csv", (
        ("group_id", Group.id), ("name", Group.name), ("province", Province.name), ("created_at", Group.created_at),
    )),
    Table("reflection_scales.csv", (
        ("reflection_id", Reflection.id), ("person_id", Reflection.person_id), ("group_id", Reflection.group_id),
        ("week", Reflection.week), ("submitted_at", Reflection.submitted_at),
        ("question_key", ReflectionAnswer.question_key), ("scale_value", ReflectionAnswer.scale_value),
    )),
    Table("goals.csv", (
        ("goal_id", PlanGoal.id), ("person_id", PlanGoal.person_id), ("status", PlanGoal.status),
        ("due_kind", PlanGoal.due_kind), ("due_on", PlanGoal.due_on), ("created_at", PlanGoal.created_at),
        ("done_at", PlanGoal.done_at),
    )),
    Table("self_assessments.csv", (
        ("person_id", SelfAssessment.person_id), ("stage", SelfAssessment.stage),
        ("area_key", SelfAssessment.area_key), ("score", SelfAssessment.score),
        ("answered_at", SelfAssessment.answered_at),
    )),
    Table("todos.csv", (
        ("todo_id", Todo.id), ("person_id", Todo.person_id), ("group_id", Todo.group_id),
        ("status", Todo.status), ("due_kind", Todo.due_kind), ("due_on", Todo.due_on), ("week", Todo.week),
        ("from_mentor", case((Todo.assignment_id.is_not(None), 1), else_=0)),
        ("postponed_count", Todo.postponed_count), ("created_at", Todo.created_at), ("closed_at", Todo.closed_at),
    )),
    Table("todo_reasons.csv", (
        ("todo_id", TodoReason.todo_id), ("person_id", TodoReason.person_id), ("group_id", TodoReason.group_id),
        ("reason", TodoReason.reason), ("week", TodoReason.week), ("created_at", TodoReason.created_at),
    )),
    Table("sessions.csv", (
        ("session_id", GroupSession.id), ("group_id", GroupSession.group_id), ("starts_at", GroupSession.starts_at),
        ("status", GroupSession.status), ("attendance_recorded_at", GroupSession.attendance_recorded_at),
        ("cancelled_at", GroupSession.cancelled_at),
    )),
    Table("attendance.csv", (
        ("session_id", SessionAttendance.session_id), ("person_id", SessionAttendance.person_id),
        ("marked_at", SessionAttendance.marked_at),
    )),
    Table("session_feedback.csv", (
        ("session_id", SessionFeedback.session_id), ("person_id", SessionFeedback.person_id),
        ("usefulness", SessionFeedback.usefulness), ("spoke_freely", SessionFeedback.spoke_freely),
        ("answered_at", SessionFeedback.answered_at),
    )),
    Table("checkins.csv", (
        ("person_id", PeerCheckin.person_id), ("group_id", PeerCheckin.group_id), ("pair_id", PeerCheckin.pair_id),
        ("week", PeerCheckin.week), ("talked", PeerCheckin.talked), ("supported_goal_id", PeerCheckin.supported_goal_id),
        ("supported_other", PeerCheckin.supported_other), ("usefulness", PeerCheckin.usefulness),
        ("completed_at", PeerCheckin.completed_at),
    )),
)


def _in_programme_groups(column: Any, programme_id: int) -> ColumnElement[bool]:
    return column.in_(select(Group.id).where(Group.programme_id == programme_id))


_FILTERS = {
    "people.csv": lambda q, p: q.join(Membership, Membership.person_id == Person.id)
    .where(Membership.programme_id == p).order_by(Person.id, Membership.id),
    "groups.csv": lambda q, p: q.outerjoin(Province, Province.id == Group.province_id)
    .where(Group.programme_id == p).order_by(Group.id),
    "reflection_scales.csv": lambda q, p: q.join(ReflectionAnswer, and_(
        ReflectionAnswer.reflection_id == Reflection.id, ReflectionAnswer.kind == "scale"))
    .where(_in_programme_groups(Reflection.group_id, p), Reflection.submitted_at.is_not(None))
    .order_by(Reflection.id, ReflectionAnswer.id),
    "goals.csv": lambda q, p: q.where(PlanGoal.programme_id == p).order_by(PlanGoal.id),
    "self_assessments.csv": lambda q, p: q.where(SelfAssessment.programme_id == p).order_by(SelfAssessment.id),
    "todos.csv": lambda q, p: q.where(_in_programme_groups(Todo.group_id, p)).order_by(Todo.id),
    "todo_reasons.csv": lambda q, p: q.where(_in_programme_groups(TodoReason.group_id, p)).order_by(TodoReason.id),
    "sessions.csv": lambda q, p: q.where(_in_programme_groups(GroupSession.group_id, p)).order_by(GroupSession.id),
    "attendance.csv": lambda q, p: q.join(GroupSession, GroupSession.id == SessionAttendance.session_id)
    .where(_in_programme_groups(GroupSession.group_id, p))
    .order_by(SessionAttendance.session_id, SessionAttendance.person_id),
    "session_feedback.csv": lambda q, p: q.join(GroupSession, GroupSession.id == SessionFeedback.session_id)
    .where(_in_programme_groups(GroupSession.group_id, p))
    .order_by(SessionFeedback.session_id, SessionFeedback.person_id),
    "checkins.csv": lambda q, p: q.where(_in_programme_groups(PeerCheckin.group_id, p)).order_by(PeerCheckin.id),
}


def exported_columns() -> list[Column[Any]]:
    """Every table column that goes into some file (derived values are built from these)."""
    found: list[Column[Any]] = []
    for table in TABLES:
        for _, element in table.columns:
            found += [c for c in element.base_columns if isinstance(c, Column)]
    return found


def _check_no_personal_column() -> None:
    leaked = [f"{c.table.name}.{c.name}" for c in exported_columns() if c.info.get("personal")]
    if leaked:
        raise RuntimeError(f"personal columns must never be exported: {', '.join(leaked)}")


_check_no_personal_column()


# A cell starting with one of these is a formula to Excel and LibreOffice; names
# come from Telegram profiles, so a name like "=HYPERLINK(...)" must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


GROUP_FIGURES = "group_figures.csv"
GROUP_FIGURE_COLUMNS = ("group_id", "mentees", "mentors", "unreachable", "sessions_held", "attendance_rate",
                        "feedback_average", "suppressed")


async def _group_figures(session: AsyncSession, programme_id: int, now: datetime) -> tuple[bytes, int]:
    """Each group's figures, with no cell drawn from fewer than SMALL_CELL people: such a cell is
    empty and its column is named in `suppressed` (mentoring.reports.cells)."""
    overview = await programme_overview(session, programme_id, now)
    impact = await impact_report(session, programme_id)
    feedback = {part.group_id: part.feedback for part in impact.groups}
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(GROUP_FIGURE_COLUMNS)
    count = 0
    for group_id, figures in sorted((overview.groups if overview else {}).items()):
        hidden: list[str] = []

        def people(column: str, value: int, hidden: list[str] = hidden) -> int | str:
            if too_few(value):
                hidden.append(column)
                return ""
            return value

        rate: float | str = round(figures.attended / figures.expected, 3) if figures.expected else ""
        if figures.expected and too_few_for_average(figures.attending):
            rate = ""
            hidden.append("attendance_rate")
        answers = feedback.get(group_id)
        average: float | str = ""
        if answers is not None and answers.average is not None:
            if too_few_for_average(answers.people):
                hidden.append("feedback_average")
            else:
                average = round(answers.average, 2)
        writer.writerow([group_id, people("mentees", figures.mentees), people("mentors", figures.mentors),
                         people("unreachable", figures.unreachable), figures.sessions_held, rate, average,
                         " ".join(hidden)])
        count += 1
    return text.getvalue().encode(ENCODING), count


@dataclass(frozen=True)
class Export:
    files: dict[str, bytes]  # filename -> CSV content (UTF-8 with BOM)
    rows: dict[str, int]  # filename -> rows written

    def zipped(self) -> bytes:
        """The files as one .zip (CPU work: callers on the event loop use `zipped_off_loop`)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    async def zipped_off_loop(self) -> bytes:
        """`zipped()` in a worker thread (mentoring.offload), so the loop answers people meanwhile."""
        return await offload.run(self.zipped)


# Rows read at a time: the loop reads a slice (async), a worker thread writes it as CSV
# (mentoring.offload) while the loop answers people, then the next slice is read.
SLICE = 1000


def csv_header(headers: list[str]) -> bytes:
    """A file's first line, with the BOM (ENCODING)."""
    text = io.StringIO()
    csv.writer(text).writerow(headers)
    return text.getvalue().encode(ENCODING)


def csv_lines(rows: list[tuple[Any, ...]]) -> bytes:
    """A slice of rows as CSV lines (UTF-8, no BOM: only the file's first line carries it)."""
    text = io.StringIO()
    csv.writer(text).writerows([_cell(value) for value in row] for row in rows)
    return text.getvalue().encode("utf-8")


class _CsvFile:
    """One file being written, as the encoded lines of each slice; one worker call at a time.

    Each slice is encoded as it is written: encoding a whole file at the end was one C call
    over megabytes of text, which held the GIL (and so the event loop) for over 100 ms.
    """

    def __init__(self, headers: list[str]) -> None:
        self.parts = [csv_header(headers)]

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.parts.append(csv_lines(rows))

    def content(self) -> bytes:
        return b"".join(self.parts)


async def export_programme(session: AsyncSession, programme_id: int, actor_id: int | None, now: datetime) -> Export:
    """Every file of the programme, recorded in the audit log (actor None: the CLI).

    The caller decides access first (`mentoring.access.may_coordinate`). Rows are streamed
    from the database in slices on the event loop; writing them as CSV runs in a worker thread.
    """
    files: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    for table in TABLES:
        file = _CsvFile([header for header, _ in table.columns])
        count = 0
        result = await session.stream(table.query(programme_id))
        async for part in result.partitions(SLICE):
            plain = [tuple(row) for row in part]
            await offload.run(file.write, plain)
            count += len(plain)
        files[table.filename] = await offload.run(file.content)
        rows[table.filename] = count
    content, count = await _group_figures(session, programme_id, now)
    files[GROUP_FIGURES] = content
    rows[GROUP_FIGURES] = count
    await audit.record(session, actor_id, EXPORT_ACTION, details={"programme": programme_id, "rows": rows}, now=now)
    return Export(files, rows)
