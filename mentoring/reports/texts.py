"""The reports in words, in the reader's language: for Telegram (pages that fit a phone) and the CLI.

Lives in the domain because the CLI and queued messages render reports without a Telegram update.
"""

from __future__ import annotations

from collections import Counter

from babel.numbers import format_decimal, format_percent

from mentoring.group_shape import group_line
from mentoring.i18n import N_, Translator
from mentoring.reports.cells import HIDDEN, footnote, small_count, too_few, too_few_for_average
from mentoring.reports.impact import ImpactPart, ImpactReport
from mentoring.reports.overview import WORRY_DAYS, Figures, Overview
from mentoring.reports.rules import GroupProgress, MenteeProgress

PAGE_LIMIT = 3500  # under Telegram's 4096 characters, with room for a header
SHAPES_SHOWN = 10  # groups outside the planned size named in the overview; the rest are counted

GOAL_STATUSES = {"done": N_("completed"), "in_progress": N_("in progress"), "not_started": N_("not started")}
REASONS = {
    "no_time": N_("No time"),
    "no_chance": N_("No chance to apply it"),
    "not_worked": N_("I tried it, it did not work"),
    "shift": N_("My shift pattern"),
    "children": N_("The children: crisis, illness, school"),
    "team_support": N_("I needed team or manager support"),
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


def _group_summary(tr: Translator, progress: GroupProgress) -> str:
    """The group's progress summed over its mentees, for a coordinator (no one's own figures)."""
    _ = tr.gettext
    mentees = progress.mentees
    lines = [_("Mentees: {count}").format(count=small_count(len(mentees)))]
    if too_few_for_average(len(mentees)):
        lines.append(_("A group of fewer than 3 mentees: its figures are not shown to coordinators, "
                       "only to its mentors."))
        return "\n".join(lines)
    goals: Counter[str] = Counter()
    todos: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for mentee in mentees:
        goals.update(mentee.goals)
        todos.update(mentee.todos)
        reasons.update(mentee.reasons)
    total = sum(goals.values())
    goal_parts = ", ".join(f"{goals[key]} {_(label)}" for key, label in GOAL_STATUSES.items() if goals[key])
    lines.append(tr.ngettext("Goals: {count}", "Goals: {count}", total).format(count=total)
                 + (f" ({goal_parts})" if goal_parts else ""))
    lines.append(_("To-dos: {done} done, {open} open, {not_done} not done").format(
        done=todos["done"], open=todos["open"], not_done=todos["not_done"]))
    if reasons:
        lines.append(_("Why not done: {reasons}").format(
            reasons=", ".join(f"{_(REASONS.get(code, code))} ×{count}" for code, count in reasons.most_common())))
    submitted = sum(1 for mentee in mentees if mentee.reflections)
    lines.append(_("Mentees who submitted at least one reflection: {count}").format(count=small_count(submitted)))
    changes = [m.confidence_change for m in mentees if m.confidence_change is not None]
    average = HIDDEN if too_few_for_average(len(changes)) else number(tr, sum(changes) / len(changes))
    lines.append(_("Confidence (1-5), average change: {change}, n={people}").format(
        change=average, people=small_count(len(changes))))
    if too_few(submitted) or too_few(len(changes)):
        lines.append(footnote(tr))
    return "\n".join(lines)


def render_group_summary(tr: Translator, progress: GroupProgress, stage: str | None = None) -> list[str]:
    """A group's progress as a coordinator sees it: summed over the mentees, small cells suppressed."""
    header = "📈 " + tr.gettext(STAGE_TITLES[stage]).format(group=progress.group_name, week=progress.week)
    return [header + "\n\n" + _group_summary(tr, progress)]


def _impact_part(tr: Translator, part: ImpactPart, title: str, suppress: bool) -> tuple[str, bool]:
    """The part's lines, and whether a figure was drawn from too few people to show (suppress: a coordinator)."""
    _ = tr.gettext
    lines = [title]
    hidden = False
    for change in part.areas:
        if change.people and suppress and too_few_for_average(change.people):
            hidden = True
            lines.append(_("{area}: {baseline} → {end} ({change}), n={people}").format(
                area=change.area.title(tr), baseline=HIDDEN, end=HIDDEN, change=HIDDEN,
                people=small_count(change.people)))
        elif change.people:
            lines.append(_("{area}: {baseline} → {end} ({change}), n={people}").format(
                area=change.area.title(tr), baseline=number(tr, change.baseline), end=number(tr, change.end),
                change=("+" if (change.change or 0) >= 0 else "") + number(tr, change.change),
                people=change.people))
        else:
            lines.append(_("{area}: no one answered both rounds yet").format(area=change.area.title(tr)))
    if part.feedback.answers and suppress and too_few_for_average(part.feedback.people):
        hidden = True
        lines.append(_("Usefulness of the sessions (1-5): {average}, n={answers}").format(
            average=HIDDEN, answers=HIDDEN))
    else:
        lines.append(_("Usefulness of the sessions (1-5): {average}, n={answers}").format(
            average=number(tr, part.feedback.average), answers=part.feedback.answers))
    if part.feedback.free_answers and suppress and too_few_for_average(part.feedback.free_people):
        hidden = True
        lines.append(_("Could speak freely in the sessions (1-5): {average}, n={answers}").format(
            average=HIDDEN, answers=HIDDEN))
    elif part.feedback.free_answers:
        lines.append(_("Could speak freely in the sessions (1-5): {average}, n={answers}").format(
            average=number(tr, part.feedback.free_average), answers=part.feedback.free_answers))
    hidden = _participation_lines(tr, part, suppress, lines) or hidden
    return "\n".join(lines), hidden


def _participation_lines(tr: Translator, part: ImpactPart, suppress: bool, lines: list[str]) -> bool:
    """Goal attainment and participation (issue #14, point 6); True when a figure was hidden."""
    _ = tr.gettext
    taking = part.participation
    hidden = False
    if taking.goals:
        if suppress and too_few_for_average(taking.goal_people):
            hidden = True
            done, total, people = HIDDEN, HIDDEN, small_count(taking.goal_people)
        else:
            done, total, people = str(taking.goals_done), str(taking.goals), str(taking.goal_people)
        lines.append(_("Goal attainment: {done} of {total} goals done, n={people}").format(
            done=done, total=total, people=people))
    if taking.mentees:
        few = suppress and too_few_for_average(taking.mentees)
        hidden = hidden or few
        people = small_count(taking.mentees) if few else str(taking.mentees)
        lines.append(_("Reflections sent: {sent} of {expected} mentee-weeks, n={people}").format(
            sent=HIDDEN if few else taking.reflections, expected=HIDDEN if few else taking.mentee_weeks,
            people=people))
        lines.append(_("Group session attendance: {attended}/{slots} (sessions held: {held}), n={people}").format(
            attended=HIDDEN if few else taking.attended, slots=HIDDEN if few else taking.slots,
            held=taking.sessions_held, people=people))
    return hidden


def render_impact(tr: Translator, report: ImpactReport, programme_name: str, *, suppress: bool = True) -> list[str]:
    """The impact report as pages: the programme first (if included), then each group.

    suppress (the default, for coordinators and the CLI): no figure drawn from fewer than
    SMALL_CELL people (mentoring.reports.cells); a group's own mentors read it with suppress=False.
    """
    _ = tr.gettext
    header = "📊 " + _("Impact report (etki analizi): {programme}").format(programme=programme_name) + "\n" + _(
        "Self-assessment, baseline → end, mean of 1-5; n = people who answered both rounds.")
    parts = []
    if report.programme is not None:
        parts.append(_impact_part(tr, report.programme, _("Whole programme"), suppress))
    parts += [_impact_part(tr, part, _("Group: {group}").format(group=part.name), suppress)
              for part in report.groups]
    if any(hidden for _block, hidden in parts):
        header += "\n" + footnote(tr)
    return paginate([block for block, _hidden in parts], header)


def _figures_block(tr: Translator, figures: Figures, weeks: list[int], title: str) -> str:
    """A set of groups' figures for a coordinator: counts of 1 or 2 people as "<3", rates over
    fewer than 3 people as "—" (mentoring.reports.cells), with the footnote when any is hidden."""
    _ = tr.gettext
    counts = [figures.mentees, figures.mentors, figures.unreachable,
              *(figures.submitted.get(week, 0) for week in weeks)]
    hidden = any(too_few(count) for count in counts)
    lines = [title,
             _("Groups: {groups} · mentees: {mentees} · mentors: {mentors}").format(
                 groups=figures.groups, mentees=small_count(figures.mentees),
                 mentors=small_count(figures.mentors)),
             _("Unreachable (blocked the bot or left Telegram): {count}").format(
                 count=small_count(figures.unreachable))]
    participation = ", ".join(
        _("week {week}: {submitted}/{mentees}").format(
            week=week, submitted=small_count(figures.submitted.get(week, 0)),
            mentees=small_count(figures.mentees))
        for week in weeks
    )
    lines.append(_("Reflections submitted: {weeks}").format(weeks=participation))
    attendance = share(tr, figures.attended, figures.expected)
    if figures.expected and too_few_for_average(figures.attending):
        attendance, hidden = HIDDEN, True
    lines.append(_("Sessions held: {sessions} · attendance: {share}").format(
        sessions=figures.sessions_held, share=attendance))
    if hidden:
        lines.append(footnote(tr))
    return "\n".join(lines)


def no_province(tr: Translator) -> str:
    return tr.gettext("No province")


def _shape_block(tr: Translator, overview: Overview, province_id: int | None) -> str:
    """The groups outside the planned shape (mentoring.group_shape), counts as a coordinator reads
    them (small_count); at most SHAPES_SHOWN lines, then how many more."""
    outside = overview.outside_shape(province_id)
    if not outside:
        return ""
    lines = [tr.gettext("⚠️ Groups outside the planned size:")]
    for name, shape in outside[:SHAPES_SHOWN]:
        line = group_line(name, shape, small_count)
        assert line is not None
        lines.append("• " + line.render(tr))
    more = len(outside) - SHAPES_SHOWN
    if more > 0:
        lines.append(tr.ngettext("… and {count} more group", "… and {count} more groups", more).format(count=more))
    return "\n\n" + "\n".join(lines)


def render_overview(tr: Translator, overview: Overview, province_id: int | None = None) -> str:
    """The programme at a glance, or one province of it."""
    _ = tr.gettext
    header = "🗂 " + _("{programme}, week {week}").format(programme=overview.programme_name, week=overview.week)
    if province_id is None:
        # Events, not people: shown as they are (no small-cell rule), and never who or what.
        worries = _("Worries about a child raised in the last {days} days: {count}").format(
            days=WORRY_DAYS, count=overview.worries)
        return (f"{header}\n\n" + _figures_block(tr, overview.total, overview.weeks, _("Whole programme"))
                + f"\n{worries}" + _shape_block(tr, overview, None))
    figures = overview.province(province_id)
    if figures is None:
        return f"{header}\n\n" + _("This province has no groups in the programme.")
    return (f"{header}\n\n" + _figures_block(tr, figures, overview.weeks, figures.name or no_province(tr))
            + _shape_block(tr, overview, province_id))


def render_overview_all(tr: Translator, overview: Overview) -> list[str]:
    """Every province in one text (the CLI), paged for Telegram."""
    blocks = [_figures_block(tr, p, overview.weeks, p.name or no_province(tr)) for p in overview.provinces]
    return paginate(blocks, render_overview(tr, overview))
