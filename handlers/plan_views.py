"""How the development plan looks on a phone: overview, areas, goal pages, one goal, a question."""

from __future__ import annotations

from mentoring.button_data import PLAN
from mentoring.i18n import N_, Translator
from mentoring.outbox import Button
from mentoring.plans.areas import Area
from mentoring.plans.assessment import Progress
from mentoring.plans.rules import PlanContext
from mentoring.plans.view import PlanOverview
from storage.models.plans import GOAL_STATUSES, PlanGoal

GOALS_PER_PAGE = 5
STATUS_ICONS = {"not_started": "○", "in_progress": "◐", "done": "●"}
STATUS_NAMES = {"not_started": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Completed")}
Rows = list[list[Button]]


def short(text: str | None, most: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[:most - 1] + "…"


def overview_view(tr: Translator, view: PlanOverview) -> tuple[str, Rows]:
    _ = tr.gettext
    done = sum(goal.status == "done" for goal in view.goals)
    lines = [_("Your development plan"), "", _("Priority development areas:")]
    lines += [f"• {area.title(tr)}" for area in view.chosen_areas] or [_("(none chosen yet)")]
    lines += ["", tr.ngettext("{count} goal, {done} done", "{count} goals, {done} done",
                              len(view.goals)).format(count=len(view.goals), done=done)]
    rows = [[Button(_("Priority areas"), PLAN.encode("areas"))],
            [Button(_("My goals"), PLAN.encode("l", page=0)), Button(_("New goal"), PLAN.encode("new"))]]
    if view.baseline.next_area is not None:
        rows.append([Button(_("Self-assessment"), PLAN.encode("sa_go", stage="baseline"))])
    return "\n".join(lines), rows


def areas_view(tr: Translator, areas: tuple[Area, ...], chosen: set[str]) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _("Which areas do you want to develop first? Tap to choose or un-choose; choose as many as "
             "you like.")
    rows = [[Button(("✓ " if area.key in chosen else "") + area.title(tr), PLAN.encode("a", area=area.key))]
            for area in areas]
    rows.append([Button(_("Done"), PLAN.encode("menu"))])
    return text, rows


def due_text(tr: Translator, goal: PlanGoal) -> str:
    return tr.date(goal.due_on, "medium") if goal.due_on else "—"


def goals_view(tr: Translator, goals: list[PlanGoal], page: int) -> tuple[str, Rows]:
    _ = tr.gettext
    pages = max(1, -(-len(goals) // GOALS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = goals[page * GOALS_PER_PAGE:(page + 1) * GOALS_PER_PAGE]
    if not goals:
        return _("Your plan has no goals yet. Add your first one!"), [
            [Button(_("New goal"), PLAN.encode("new"))], [Button(_("Back"), PLAN.encode("menu"))]]
    lines = [_("Your goals (page {page} of {pages}):").format(page=page + 1, pages=pages), ""]
    for number, goal in enumerate(shown, start=page * GOALS_PER_PAGE + 1):
        lines.append(_("{number}. {icon} {what} (by {due})").format(
            number=number, icon=STATUS_ICONS[goal.status], what=short(goal.what, 200), due=due_text(tr, goal)))
    rows = [[Button(str(number), PLAN.encode("g", goal=goal.id))
             for number, goal in enumerate(shown, start=page * GOALS_PER_PAGE + 1)]]
    nav = []
    if page > 0:
        nav.append(Button("◀", PLAN.encode("l", page=page - 1)))
    if page < pages - 1:
        nav.append(Button("▶", PLAN.encode("l", page=page + 1)))
    if nav:
        rows.append(nav)
    rows += [[Button(_("New goal"), PLAN.encode("new")), Button(_("Back"), PLAN.encode("menu"))]]
    return "\n".join(lines), rows


def goal_view(tr: Translator, goal: PlanGoal) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [
        _("Goal: {what}").format(what=goal.what or "—"),
        _("How you will know: {measure}").format(measure=goal.measure or "—"),
        _("By: {due}").format(due=due_text(tr, goal)),
        _("Status: {status}").format(status=_(STATUS_NAMES[goal.status])),
    ]
    if goal.note:
        lines.append(_("Note: {note}").format(note=goal.note))
    lines.append(_("Shared with your peer partner.") if goal.shared else _("Only you can see this goal."))
    rows = [[Button(("• " if goal.status == status else "") + _(STATUS_NAMES[status]), PLAN.encode("st", goal=goal.id, status=status))
             for status in GOAL_STATUSES],
            [Button(_("Change the note") if goal.note else _("Add a note"), PLAN.encode("n", goal=goal.id))],
            [Button(_("Stop sharing with my partner") if goal.shared else _("Share with my partner"),
                    PLAN.encode("sh", goal=goal.id, shared=not goal.shared))],
            [Button(_("Back to my goals"), PLAN.encode("l", page=0))]]
    return "\n".join(lines), rows


def due_question(tr: Translator, ctx: PlanContext) -> tuple[str, Rows]:
    _ = tr.gettext
    rows = [[Button(_("In 2 weeks"), PLAN.encode("due", kind="2w")), Button(_("In a month"), PLAN.encode("due", kind="1m"))]]
    if ctx.ends_on is not None:
        rows.append([Button(_("By the end of the programme"), PLAN.encode("due", kind="end"))])
    rows += [[Button(_("Type a date"), PLAN.encode("due", kind="date"))], [Button(_("Cancel"), PLAN.encode("cancel"))]]
    return _("Step 3 of 3: by when?"), rows


def question_view(tr: Translator, progress: Progress) -> tuple[str, Rows]:
    """One self-assessment question, or the thanks at the end."""
    _ = tr.gettext
    area = progress.next_area
    if area is None:
        return _("Thank you! Your self-assessment is saved."), [[Button(_("My development plan"), PLAN.encode("menu"))]]
    text = "\n".join([
        _("Self-assessment ({number} of {total})").format(number=progress.answered + 1, total=progress.total),
        "", area.title(tr), "",
        _("How would you rate yourself? 1 = just starting, 5 = very confident."),
    ])
    return text, [[Button(str(score), PLAN.encode("sa", stage=progress.stage, area=area.key, score=score)) for score in range(1, 6)]]
