"""A `GroupDigest` in words for one reader: their language and time zone, short enough for a phone.

Lives in the domain because queued digests are rendered without a Telegram update.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from mentoring.button_data import DIGEST
from mentoring.digest.model import Flag, FlagKind, GroupDigest, MenteeLine
from mentoring.i18n import N_, Translator
from mentoring.outbox import Button
from mentoring.plans.areas import DEFAULT_AREAS
from mentoring.reports.texts import REASONS

FLAG_TEXTS = {
    FlagKind.NO_REFLECTION_TWICE: N_("{name}: no reflection two weeks running"),
    FlagKind.CONFIDENCE_DROP: N_("{name}: confidence down by {points}"),
    FlagKind.SAME_REASON_TWICE: N_("{name}: the same reason twice for a to-do not done ({reason})"),
    FlagKind.UNREACHABLE: N_("{name}: cannot be reached (blocked the bot)"),
    FlagKind.PARTNERS_DISAGREE: N_("{name}: partners disagree about meeting this week"),
}


def render(digest: GroupDigest, tr: Translator, zone: ZoneInfo) -> str:
    _ = tr.gettext
    parts = [_header(digest, tr), _response(digest, tr), "\n".join(_line(line, tr) for line in digest.lines)]
    if digest.flags:
        parts.append(_("⚠️ Needs attention:") + "\n" + "\n".join("• " + flag_text(f, digest, tr) for f in digest.flags))
    if digest.top_reasons:
        reasons = ", ".join(f"{_(REASONS.get(code, code))} ({count})" for code, count in digest.top_reasons)
        parts.append(_("Why to-dos were not done: {reasons}").format(reasons=reasons))
    if digest.top_areas:
        areas = ", ".join(f"{area_title(digest, key, tr)} ({count})" for key, count in digest.top_areas)
        parts.append(_("Development areas: {areas}").format(areas=areas))
    if digest.quotes:
        parts.append(_("💬 From the reflections:") + "\n" + "\n".join(
            f"“{q.text}” — {q.name}" for q in digest.quotes))
    parts.append(_next_session(digest, tr, zone))
    return "\n\n".join(parts)


def _header(digest: GroupDigest, tr: Translator) -> str:
    _ = tr.gettext
    if digest.weeks_total:
        week = _("week {week} of {total}").format(week=digest.week, total=digest.weeks_total)
    else:
        week = _("week {week}").format(week=digest.week)
    return _("📋 Weekly digest: {group}, {week}").format(group=digest.group_name, week=week)


def _response(digest: GroupDigest, tr: Translator) -> str:
    _ = tr.gettext
    lines = [
        _("Reflections: {done} of {all}").format(done=digest.reflections, all=digest.mentees),
        _("Peer partner check-ins: {met} of {pairs} pairs met").format(met=digest.pairs_met, pairs=digest.pairs),
    ]
    if digest.next_session is not None:
        lines.append(_("Session answers: {answered} of {members}").format(
            answered=digest.rsvp_answered, members=digest.members))
    return "\n".join(lines)


def _line(line: MenteeLine, tr: Translator) -> str:
    _ = tr.gettext
    mark = "✅" if line.reflected else "⭕"
    confidence = "–" if line.confidence is None else str(line.confidence)
    if line.confidence_change:
        confidence += f" ({line.confidence_change:+d})"
    return _("{mark} {name}: confidence {confidence}; to-dos {done} done, {open} open, {overdue} overdue").format(
        mark=mark, name=line.name, confidence=confidence,
        done=line.todos_done, open=line.todos_open, overdue=line.todos_overdue,
    )


def flag_text(flag: Flag, digest: GroupDigest, tr: Translator) -> str:
    names = " & ".join(digest.name_of(pid) for pid in flag.person_ids)
    reason = tr.gettext(REASONS.get(str(flag.detail), str(flag.detail))) if flag.detail else ""
    return tr.gettext(FLAG_TEXTS[flag.kind]).format(name=names, points=flag.detail, reason=reason)


def area_title(digest: GroupDigest, key: str, tr: Translator) -> str:
    own = digest.area_titles.get(key)
    if own is not None:
        title_en, title_tr = own
        return title_tr if tr.locale == "tr" and title_tr else title_en
    default = next((a for a in DEFAULT_AREAS if a.key == key), None)
    return default.title(tr) if default else key


def _next_session(digest: GroupDigest, tr: Translator, zone: ZoneInfo) -> str:
    _ = tr.gettext
    found = digest.next_session
    if found is None:
        return _("📅 No group mentoring session is planned yet.")
    text = _("📅 Next group mentoring session: {when}, {place}").format(
        when=tr.datetime(found.starts_at, zone, "short"), place=found.place)
    if found.topic:
        text += "\n" + _("Topic: {topic}").format(topic=found.topic)
    return text + "\n" + _("Coming {yes}, not coming {no}, not sure {maybe}, no answer {none}").format(
        yes=found.coming, no=found.not_coming, maybe=found.maybe, none=found.no_answer)


def digest_buttons(tr: Translator, digest: GroupDigest, chart_on: bool) -> list[list[Button]]:
    """One button per mentee (their detail), two a row, then the chart switch."""
    people = [Button(line.name[:30], DIGEST.encode("m", group=digest.group_id, person=line.person_id)) for line in digest.lines]
    rows = [people[i:i + 2] for i in range(0, len(people), 2)]
    return [*rows, [chart_switch(tr, chart_on)]]


def chart_switch(tr: Translator, chart_on: bool) -> Button:
    if chart_on:
        return Button(tr.gettext("Turn the chart off"), DIGEST.encode("c", on=False))
    return Button(tr.gettext("Turn the chart on"), DIGEST.encode("c", on=True))
