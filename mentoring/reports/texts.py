"""The reports in words, in the reader's language: for Telegram (pages that fit a phone) and the CLI.

Lives in the domain because the CLI and queued messages render reports without a Telegram update.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from mentoring.i18n import N_, Translator
from mentoring.reports.impact import ImpactPart, ImpactReport
from mentoring.reports.overview import Figures, Overview
from mentoring.reports.rules import GroupProgress, MenteeProgress

PAGE_LIMIT = 3500  # under Telegram's 4096 characters, with room for a header

GOAL_STATUSES = {"done": N_("completed"), "in_progress": N_("in progress"), "not_started": N_("not started")}
REASONS = {
    "no_time": N_("No time"),
    "no_chance": N_("No chance to apply it"),
    "unclear": N_("It was unclear"),
    "needed_help": N_("I needed help"),
    "other": N_("Other"),
}
STAGE_TITLES = {
    "mid": N_("Mid-programme progress report: {group}"),
    "end": N_("End-of-programme progress report: {group}"),
    None: N_("Progress report: {group} (week {week})"),
}


def number(tr: Translator, value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "0.0", locale=tr.locale)


def share(tr: Translator, part: int, whole: int) -> str:
    return "–" if not whole else format_percent(part / whole, locale=tr.locale)


def paginate(blocks: list[str], header: str) -> list[str]:
    """Pack blocks into pages under PAGE_LIMIT, each page starting with the header."""
    pages: list[str] = []
    current = header
    for block in blocks:
        if len(current) + len(block) + 2 > PAGE_LIMIT and current != header:
            pages.append(current)
            current = header
        current = f"{current}\n\n{block}"
    pages.append(current)
    return pages


def _mentee_block(tr: Translator, mentee: MenteeProgress, week: int) -> str:
    _ = tr.gettext
    goals = sum(mentee.goals.values())
    goal_parts = ", ".join(
        f"{mentee.goals[key]} {_(label)}" for key, label in GOAL_STATUSES.items() if mentee.goals[key]
    )
    lines = [f"👤 {mentee.name}"]
    lines.append(tr.ngettext("Goals: {count}", "Goals: {count}", goals).format(count=goals)
                 + (f" ({goal_parts})" if goal_parts else ""))
    lines.append(_("To-dos: {done} done, {open} open, {not_done} not done").format(
        done=mentee.todos["done"], open=mentee.todos["open"], not_done=mentee.todos["not_done"]))
    if mentee.reasons:
        reasons = ", ".join(f"{_(REASONS.get(code, code))} ×{count}" for code, count in mentee.reasons.most_common())
        lines.append(_("Why not done: {reasons}").format(reasons=reasons))
    lines.append(_("Reflections submitted: {count} of {weeks} weeks").format(count=mentee.reflections, weeks=week))
    if mentee.confidence:
        trend = " → ".join(str(value) for _week, value in mentee.confidence[-8:])
        change = mentee.confidence_change
        line = _("Confidence (1-5): {trend}").format(trend=trend)
        if change is not None:
            line += " " + _("(change {change:+d})").format(change=change)
        lines.append(line)
    else:
        lines.append(_("Confidence (1-5): no answers yet"))
    return "\n".join(lines)


def render_progress(tr: Translator, progress: GroupProgress, stage: str | None = None) -> list[str]:
    """The group's progress report as pages (one block per mentee)."""
    header = "📈 " + tr.gettext(STAGE_TITLES[stage]).format(group=progress.group_name, week=progress.week)
    if not progress.mentees:
        return [header + "\n\n" + tr.gettext("The group has no mentees yet.")]
    return paginate([_mentee_block(tr, m, progress.week) for m in progress.mentees], header)


def _impact_part(tr: Translator, part: ImpactPart, title: str) -> str:
    _ = tr.gettext
    lines = [title]
    for change in part.areas:
        if change.people:
            lines.append(_("{area}: {baseline} → {end} ({change}), n={people}").format(
                area=change.area.title(tr), baseline=number(tr, change.baseline), end=number(tr, change.end),
                change=("+" if (change.change or 0) >= 0 else "") + number(tr, change.change),
                people=change.people))
        else:
            lines.append(_("{area}: no one answered both rounds yet").format(area=change.area.title(tr)))
    lines.append(_("Usefulness of the sessions (1-5): {average}, n={answers}").format(
        average=number(tr, part.feedback.average), answers=part.feedback.answers))
    return "\n".join(lines)


def render_impact(tr: Translator, report: ImpactReport, programme_name: str) -> list[str]:
    """The impact report as pages: the programme first (if included), then each group."""
    _ = tr.gettext
    header = "📊 " + _("Impact report (etki analizi): {programme}").format(programme=programme_name) + "\n" + _(
        "Self-assessment, baseline → end, mean of 1-5; n = people who answered both rounds.")
    blocks = []
    if report.programme is not None:
        blocks.append(_impact_part(tr, report.programme, _("Whole programme")))
    blocks += [_impact_part(tr, part, _("Group: {group}").format(group=part.name)) for part in report.groups]
    return paginate(blocks, header)


def _figures_block(tr: Translator, figures: Figures, weeks: list[int], title: str) -> str:
    _ = tr.gettext
    lines = [title,
             _("Groups: {groups} · mentees: {mentees} · mentors: {mentors}").format(
                 groups=figures.groups, mentees=figures.mentees, mentors=figures.mentors),
             _("Unreachable (blocked the bot or left Telegram): {count}").format(count=figures.unreachable)]
    participation = ", ".join(
        _("week {week}: {submitted}/{mentees}").format(
            week=week, submitted=figures.submitted.get(week, 0), mentees=figures.mentees)
        for week in weeks
    )
    lines.append(_("Reflections submitted: {weeks}").format(weeks=participation))
    lines.append(_("Sessions held: {sessions} · attendance: {share}").format(
        sessions=figures.sessions_held, share=share(tr, figures.attended, figures.expected)))
    return "\n".join(lines)


def no_province(tr: Translator) -> str:
    return tr.gettext("No province")


def render_overview(tr: Translator, overview: Overview, province_id: int | None = None) -> str:
    """The programme at a glance, or one province of it."""
    _ = tr.gettext
    header = "🗂 " + _("{programme}, week {week}").format(programme=overview.programme_name, week=overview.week)
    if province_id is None:
        return f"{header}\n\n" + _figures_block(tr, overview.total, overview.weeks, _("Whole programme"))
    figures = overview.province(province_id)
    if figures is None:
        return f"{header}\n\n" + _("This province has no groups in the programme.")
    return f"{header}\n\n" + _figures_block(tr, figures, overview.weeks, figures.name or no_province(tr))


def render_overview_all(tr: Translator, overview: Overview) -> list[str]:
    """Every province in one text (the CLI), paged for Telegram."""
    blocks = [_figures_block(tr, p, overview.weeks, p.name or no_province(tr)) for p in overview.provinces]
    return paginate(blocks, render_overview(tr, overview))
