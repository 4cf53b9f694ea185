"""Turning a batch's rows into `GroupDigest`s: figures, attention flags and quotes (no queries)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from mentoring.digest.data import (
    QUOTE_CHARS,
    REASON_WEEKS,
    REPLY_WEEKS,
    TO_MENTORS_KEY,
    Gathered,
    Target,
)
from mentoring.digest.model import (
    Flag,
    FlagKind,
    GroupDigest,
    MenteeLine,
    NextSession,
    Quote,
    WeekPoint,
)
from mentoring.text import clip

CONFIDENCE_DROP = 2
MAX_QUOTES = 3
TOP = 3


def build(target: Target, got: Gathered, zone: str, *, closes_at: datetime | None = None) -> GroupDigest:
    """A group's digest; with `closes_at`, the week so far of a week whose reflection window is still open."""
    group, week = target.group_id, target.week
    mentees = got.mentees.get(group, [])
    lines = tuple(_line(got, group, week, person_id, name) for person_id, name in mentees)
    pairs = got.pairs.get(group, {})
    answers = got.checkins.get((group, week), {})
    met = sum(1 for pair_id in pairs if _met(answers.get(pair_id, {})))
    upcoming = _next_session(got, group, zone)
    members = len(mentees) + len(got.mentors.get(group, []))
    reasons = [(p, r, w) for p, r, w in got.reasons.get(group, []) if week - REASON_WEEKS < w <= week]
    return GroupDigest(
        group_id=group,
        group_name=target.group_name,
        programme_id=target.programme_id,
        week=week,
        weeks_total=target.weeks_total,
        mentees=len(mentees),
        reflections=sum(line.reflected for line in lines),
        pairs=len(pairs),
        pairs_met=met,
        rsvp_answered=(members - upcoming.no_answer) if upcoming else 0,
        members=members,
        lines=lines,
        flags=_flags(got, group, week, lines, pairs, answers, reasons, in_progress=closes_at is not None),
        top_reasons=tuple(Counter(r for _, r, _ in reasons).most_common(TOP)),
        top_areas=tuple(sorted(got.areas.get(group, []), key=lambda a: (-a[1], a[0]))[:TOP]),
        area_titles=got.area_titles.get(target.programme_id, {}),
        quotes=_quotes(got, group, week, dict(mentees)),
        next_session=upcoming,
        trend=_trend(got, group, week, len(mentees)),
        closes_at=closes_at,
        unreplied=_unreplied(got, group, week, {person_id for person_id, _ in mentees}),
    )


def _unreplied(got: Gathered, group: int, week: int, mentees: set[int]) -> int:
    """Reflections of current mentees in the last `REPLY_WEEKS` weeks that no mentor replied to."""
    return sum(1 for w, person_id in got.unreplied.get(group, [])
               if week - REPLY_WEEKS < w <= week and person_id in mentees)


def _line(got: Gathered, group: int, week: int, person_id: int, name: str) -> MenteeLine:
    this = (group, person_id, week)
    before = (group, person_id, week - 1)
    confidence = got.reflected.get(this)
    previous = got.reflected.get(before)
    change = confidence - previous if confidence is not None and previous is not None else None
    done, open_, overdue = got.todos.get(person_id, (0, 0, 0))
    return MenteeLine(person_id, name, this in got.reflected, confidence, change, done, open_, overdue)


def _met(answers: dict[int, str]) -> bool:
    """A pair met when someone said so and nobody said otherwise."""
    return bool(answers) and set(answers.values()) == {"yes"}


def _flags(got: Gathered, group: int, week: int, lines: tuple[MenteeLine, ...],
           pairs: dict[int, set[int]], answers: dict[int, dict[int, str]],
           reasons: list[tuple[int, str, int]], *, in_progress: bool = False) -> tuple[Flag, ...]:
    """What a mentor should look at; while the week is open, "no reflection two weeks running" cannot
    be seen yet (the mentee may still answer), every other flag already can."""
    flags: list[Flag] = []
    repeated = Counter((person_id, reason) for person_id, reason, _ in reasons)
    for line in lines:
        pid = line.person_id
        if not in_progress and week >= 2 and not line.reflected and (group, pid, week - 1) not in got.reflected:
            flags.append(Flag(FlagKind.NO_REFLECTION_TWICE, (pid,)))
        if line.confidence_change is not None and line.confidence_change <= -CONFIDENCE_DROP:
            flags.append(Flag(FlagKind.CONFIDENCE_DROP, (pid,), -line.confidence_change))
        for (person_id, reason), count in sorted(repeated.items()):
            if person_id == pid and count >= 2:
                flags.append(Flag(FlagKind.SAME_REASON_TWICE, (pid,), reason))
        if pid not in got.reachable:
            flags.append(Flag(FlagKind.UNREACHABLE, (pid,)))
    for pair_id in sorted(pairs):
        said = answers.get(pair_id, {})
        if len(set(said.values())) > 1:
            flags.append(Flag(FlagKind.PARTNERS_DISAGREE, tuple(sorted(said))))
    return tuple(flags)


def _quotes(got: Gathered, group: int, week: int, names: dict[int, str]) -> tuple[Quote, ...]:
    found = [
        Quote(person_id, names.get(person_id, "?"), clip(text, QUOTE_CHARS), key == TO_MENTORS_KEY)
        for answer_week, person_id, key, text in got.texts.get(group, [])
        if answer_week == week and person_id in names
    ]
    # The message for the mentors first, then one answer per mentee before anyone's second.
    found.sort(key=lambda q: not q.to_mentors)
    chosen: list[Quote] = []
    for quote in found:
        if len(chosen) < MAX_QUOTES and all(q.person_id != quote.person_id for q in chosen):
            chosen.append(quote)
    return tuple(chosen)


def _next_session(got: Gathered, group: int, zone: str) -> NextSession | None:
    found = got.sessions.get(group)
    if found is None:
        return None
    planned, topic = found
    members = {pid for pid, _ in got.mentees.get(group, [])} | set(got.mentors.get(group, []))
    answers = Counter(a for pid, a in got.rsvps.get(planned.id, {}).items() if pid in members)
    answered = sum(answers.values())
    return NextSession(
        planned.starts_at, zone, planned.place, topic or got.next_topics.get(group),
        answers["yes"], answers["no"], answers["maybe"], len(members) - answered,
    )


def _trend(got: Gathered, group: int, week: int, mentees: int) -> tuple[WeekPoint, ...]:
    weeks = got.trend.get(group, {})
    return tuple(
        WeekPoint(w, weeks.get(w, (0, None))[0], mentees, weeks.get(w, (0, None))[1])
        for w in range(1, week + 1)
    )
