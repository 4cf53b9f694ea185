"""A `GroupDigest` in words for one reader: their language and time zone, short enough for a phone.

`words` says it as message ids and values (`mentoring.screens`), rendered at the
channel's edge; `render` is the same in one string, for the queued digest the
outbox sends without any update. `digest_choices` are its buttons.
`so_far_words` and `so_far_choices` say an open week so far (only on demand, /digest).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from mentoring.digest.buttons import DIGEST
from mentoring.digest.data import REPLY_WEEKS
from mentoring.digest.model import Flag, FlagKind, GroupDigest, MenteeLine
from mentoring.group_shape import Shape, off_words
from mentoring.i18n import N_, Translator
from mentoring.outbox import Button, buttons_of
from mentoring.plans.areas import known_default
from mentoring.reports.texts import REASONS
from mentoring.screens import SHORT_LABEL_MAX, Choice, Lines, Moment, Plural, Raw, Text, Words

NAME_LIMIT = 30  # a mentee's name on their detail button
PER_ROW = 2

FLAG_TEXTS = {
    FlagKind.NO_REFLECTION_TWICE: N_("{name}: no reflection two weeks running"),
    FlagKind.CONFIDENCE_DROP: N_("{name}: confidence down by {points}"),
    FlagKind.SAME_REASON_TWICE: N_("{name}: the same reason twice for a to-do not done ({reason})"),
    FlagKind.UNREACHABLE: N_("{name}: cannot be reached (blocked Narbot, or has no chat with it)"),
    FlagKind.PARTNERS_DISAGREE: N_("{name}: partners disagree about meeting this week"),
}


def render(digest: GroupDigest, tr: Translator, zone: ZoneInfo) -> str:
    """The digest as one text in the reader's language (the queued digest; /digest shows `words`)."""
    return words(digest, zone, tr.locale).render(tr)


def words(digest: GroupDigest, zone: ZoneInfo, locale: str) -> Words:
    """The digest as message ids and values; `locale` picks a programme's own area titles."""
    parts: list[Words] = [_header(digest), _response(digest), Lines(*(_line(line) for line in digest.lines))]
    parts += [shape] if (shape := shape_words(digest)) is not None else []
    if digest.flags:
        parts.append(Lines(Text("⚠️ Needs attention:"),
                           *(Lines(Raw("• "), flag_words(flag, digest), sep="") for flag in digest.flags)))
    if digest.top_reasons:
        reasons = Lines(*(Lines(reason_words(code), Raw(f" ({count})"), sep="") for code, count in digest.top_reasons),
                        sep=", ")
        parts.append(Text("Why to-dos were not done: {reasons}", reasons=reasons))
    if digest.top_areas:
        areas = Lines(*(Lines(area_words(digest, key, locale), Raw(f" ({count})"), sep="")
                        for key, count in digest.top_areas), sep=", ")
        parts.append(Text("Development areas: {areas}", areas=areas))
    if digest.quotes:
        parts.append(Lines(Text("💬 From the reflections:"), *(Raw(f"“{q.text}” — {q.name}") for q in digest.quotes)))
    parts.append(_next_session(digest, zone))
    return Lines(*parts, sep="\n\n")


def _week(digest: GroupDigest) -> Words:
    if digest.weeks_total:
        return Text("week {week} of {total}", week=digest.week, total=digest.weeks_total)
    return Text("week {week}", week=digest.week)


def _header(digest: GroupDigest) -> Words:
    return Text("📋 Weekly digest: {group}, {week}", group=digest.group_name, week=_week(digest))


def so_far_words(digest: GroupDigest, zone: ZoneInfo, locale: str) -> Words:
    """An open week so far: marked in progress with its close, who answered and who not yet, the flags
    already visible, the quotes mentees let mentors read, the next session."""
    assert digest.closes_at is not None, "a closed week's digest is said by `words`"
    answered = [line.name for line in digest.lines if line.reflected]
    waiting = [line.name for line in digest.lines if not line.reflected]
    parts: list[Words] = [
        Lines(Text("⏳ This week so far: {group}, {week}", group=digest.group_name, week=_week(digest)),
              Text("In progress: reflections close on {when}; the weekly digest comes after that.",
                   when=Moment(digest.closes_at, zone.key))),
        Lines(Text("Reflections so far: {done} of {all}", done=digest.reflections, all=digest.mentees),
              Text("✅ Answered: {names}", names=_names(answered)),
              Text("⏳ Not yet: {names}", names=_names(waiting)),
              Text("Peer partner check-ins so far: {met} of {pairs} pairs met",
                   met=digest.pairs_met, pairs=digest.pairs),
              unreplied_words(digest)),
    ]
    if digest.flags:
        parts.append(Lines(Text("⚠️ Needs attention:"),
                           *(Lines(Raw("• "), flag_words(flag, digest), sep="") for flag in digest.flags)))
    parts += [shape] if (shape := shape_words(digest)) is not None else []
    if digest.quotes:
        parts.append(Lines(Text("💬 From the reflections:"), *(Raw(f"“{q.text}” — {q.name}") for q in digest.quotes)))
    parts.append(_next_session(digest, zone))
    return Lines(*parts, sep="\n\n")


def shape_words(digest: GroupDigest) -> Words | None:
    """One line when the group's active members are outside the programme's planned shape
    (mentoring.group_shape); mentors read the real counts."""
    off = off_words(Shape(digest.mentees, digest.members - digest.mentees))
    return None if off is None else Text("👥 Your group is outside the planned size: {off}", off=off)


def _names(names: list[str]) -> Words:
    return Raw(", ".join(names)) if names else Raw("—")


def _response(digest: GroupDigest) -> Words:
    return Lines(
        Text("Reflections: {done} of {all}", done=digest.reflections, all=digest.mentees),
        Text("Peer partner check-ins: {met} of {pairs} pairs met", met=digest.pairs_met, pairs=digest.pairs),
        Text("Session answers: {answered} of {members}", answered=digest.rsvp_answered, members=digest.members)
        if digest.next_session is not None else None,
        unreplied_words(digest),
    )


def unreplied_words(digest: GroupDigest) -> Words | None:
    """How many reflections of the last weeks got no reply yet (mentoring/feedback); None when all did."""
    if not digest.unreplied:
        return None
    return Plural("💬 {count} reflection of the last {weeks} weeks without a reply yet",
                  "💬 {count} reflections of the last {weeks} weeks without a reply yet",
                  digest.unreplied, count=digest.unreplied, weeks=REPLY_WEEKS)


def _line(line: MenteeLine) -> Words:
    mark = "✅" if line.reflected else "⭕"
    confidence = "–" if line.confidence is None else str(line.confidence)
    if line.confidence_change:
        confidence += f" ({line.confidence_change:+d})"
    return Text("{mark} {name}: confidence {confidence}; to-dos {done} done, {open} open, {overdue} overdue",
                mark=mark, name=line.name, confidence=confidence,
                done=line.todos_done, open=line.todos_open, overdue=line.todos_overdue)


def reason_words(code: str) -> Words:
    """Why a to-do was not done, by its reason code (an unknown code as it is)."""
    return Text(REASONS[code]) if code in REASONS else Raw(code)


def flag_words(flag: Flag, digest: GroupDigest) -> Words:
    names = " & ".join(digest.name_of(pid) for pid in flag.person_ids)
    reason = reason_words(str(flag.detail)) if flag.detail else Raw("")
    return Text(FLAG_TEXTS[flag.kind], name=names, points=flag.detail, reason=reason)


def area_words(digest: GroupDigest, key: str, locale: str) -> Words:
    """A development area's title: the programme's own in the reader's language, or a default area's."""
    own = digest.area_titles.get(key)
    if own is not None:
        title_en, title_tr = own
        return Raw(title_tr if locale == "tr" and title_tr else title_en)
    default = known_default(key)  # a default care topic, or an outcome chosen before the defaults changed
    return Text(default.title_en) if default else Raw(key)


def _next_session(digest: GroupDigest, zone: ZoneInfo) -> Words:
    found = digest.next_session
    if found is None:
        return Text("📅 No group mentoring session is planned yet.")
    return Lines(
        Text("📅 Next group mentoring session: {when}, {place}",
             when=Moment(found.starts_at, zone.key), place=found.place),
        Text("Topic: {topic}", topic=found.topic) if found.topic else None,
        Text("Coming {yes}, not coming {no}, not sure {maybe}, no answer {none}",
             yes=found.coming, no=found.not_coming, maybe=found.maybe, none=found.no_answer),
    )


def digest_choices(digest: GroupDigest, chart_on: bool) -> list[list[Choice]]:
    """One button per mentee (their detail), two a row, then the chart switch."""
    people = [_named(DIGEST.encode("m", group=digest.group_id, person=line.person_id), line.name)
              for line in digest.lines]
    return [*(people[i:i + PER_ROW] for i in range(0, len(people), PER_ROW)), [chart_choice(chart_on)]]


def so_far_choices(digest: GroupDigest, closed_week: int | None) -> list[list[Choice]]:
    """One button per mentee (their detail), two a row, then the latest closed week's digest if any."""
    rows = digest_choices(digest, True)[:-1]
    if closed_week is not None:
        rows.append([Choice(DIGEST.encode("w", group=digest.group_id),
                            Text("📋 Digest of week {week}", week=closed_week),
                            short=Text("Week {week} digest", week=closed_week))])
    return rows


def chart_choice(chart_on: bool) -> Choice:
    """The button that turns the chart off (when it is on) or on again."""
    if chart_on:
        return Choice(DIGEST.encode("c", on=False), Text("Turn the chart off"))
    return Choice(DIGEST.encode("c", on=True), Text("Turn the chart on"))


def _named(data: str, name: str) -> Choice:
    long = name[:NAME_LIMIT]
    return Choice(data, Raw(long), short=Raw(long[:SHORT_LABEL_MAX]) if len(long) > SHORT_LABEL_MAX else None)


def digest_buttons(tr: Translator, digest: GroupDigest, chart_on: bool) -> list[list[Button]]:
    """The same choices as the queued digest's buttons, in the reader's language."""
    return buttons_of(digest_choices(digest, chart_on), tr)
