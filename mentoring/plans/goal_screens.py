"""The goal screens of /plan: the pages of goals, one goal, and the questions of the goal form.

What each screen says and offers; the steps that show them are in
`mentoring.plans.screens`. A goal's own words (what, how they will know, the
note) are the person's, shown as typed (`Raw`). Goals are shown grouped by the
priority area they serve, in the programme's order; goals without one (or of an
area no longer listed) under "Other".
"""

from __future__ import annotations

from datetime import date

from mentoring.audiences import sentence
from mentoring.dates import typed_day_hint
from mentoring.i18n import N_
from mentoring.plans import rules as plans
from mentoring.plans.areas import Area
from mentoring.plans.buttons import PLAN
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Awaits,
    Choice,
    Expect,
    Lines,
    Moment,
    Raw,
    Screen,
    Text,
    Words,
)
from mentoring.text import clip
from storage.models.plans import GOAL_STATUSES, PlanGoal

GOALS_PER_PAGE = 5
STATUS_ICONS = {"not_started": "○", "in_progress": "◐", "done": "●"}
STATUS_NAMES = {"not_started": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Completed")}
# The goal form and the note wait for typed text (the wait is the person's conversation row).
AWAITS_GOAL = Awaits(Expect.TEXT, plans.GOAL_FLOW)
AWAITS_NOTE = Awaits(Expect.TEXT, plans.NOTE_FLOW)


def area_title(area: Area, locale: str) -> Words:
    """An area's title in the reader's language: a default area's is a msgid, a programme's own is
    written in Turkish and English."""
    if area.title_tr is None:
        return Text(area.title_en)
    return Raw(area.title_tr if locale == "tr" else area.title_en)


def area_short(area: Area, locale: str, room: int = SHORT_LABEL_MAX) -> Words | None:
    """An area's label for small buttons (`room` characters): a default area's short msgid, a programme's
    own title clipped; None when the title fits."""
    if area.title_tr is None:
        return Text(area.short_en) if area.short_en else None
    title = area.title_tr if locale == "tr" else area.title_en
    return Raw(clip(title, room)) if len(title) > room else None


def goal_area(goal: PlanGoal, areas: tuple[Area, ...], locale: str) -> Words | None:
    """The title of the area a goal serves; None when it has none in the list (the pages say "Other")."""
    area = next((area for area in areas if area.key == goal.area_key), None)
    return area_title(area, locale) if area is not None else None


def by_area(goals: list[PlanGoal], areas: tuple[Area, ...]) -> list[tuple[Area | None, list[PlanGoal]]]:
    """The goals grouped by area in the programme's order, then "Other" (None); empty groups left out."""
    keys = {area.key for area in areas}
    groups: list[tuple[Area | None, list[PlanGoal]]] = [
        (area, [goal for goal in goals if goal.area_key == area.key]) for area in areas]
    groups.append((None, [goal for goal in goals if goal.area_key not in keys]))
    return [(area, found) for area, found in groups if found]


def _heading(area: Area | None, locale: str) -> Words:
    return Lines(Raw("▸"), area_title(area, locale) if area is not None else Text("Other"), sep=" ")


def due_words(goal: PlanGoal) -> Words:
    return Moment(goal.due_on) if goal.due_on else Raw("—")


def cancel() -> Choice:
    return Choice(PLAN.encode("cancel"), Text("Cancel"))


def new_goal() -> Choice:
    return Choice(PLAN.encode("new"), Text("New goal"))


def goals_page(goals: list[PlanGoal], page: int, areas: tuple[Area, ...] = (), locale: str = "tr") -> Screen:
    """One page of the person's goals (five to a page) grouped by area, a button per goal, and paging."""
    if not goals:
        return Screen(Text("Your plan has no goals yet. Add your first one!"),
                      [[new_goal()], [Choice(PLAN.encode("menu"), Text("Back"))]], replace=True)
    ordered = [(area, goal) for area, found in by_area(goals, areas) for goal in found]
    pages = -(-len(ordered) // GOALS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    first = page * GOALS_PER_PAGE + 1
    shown = list(enumerate(ordered[first - 1:first - 1 + GOALS_PER_PAGE], start=first))
    lines: list[Words | None] = []
    for index, (number, (area, goal)) in enumerate(shown):
        if index == 0 or shown[index - 1][1][0] is not area:
            lines.extend((Raw("") if index else None, _heading(area, locale)))
        lines.append(Text("{number}. {icon} {what} (by {due})", number=number, icon=STATUS_ICONS[goal.status],
                          what=Raw(clip(goal.what, 200)), due=due_words(goal)))
    nav = []
    if page > 0:
        nav.append(Choice(PLAN.encode("l", page=page - 1), Raw("◀")))
    if page < pages - 1:
        nav.append(Choice(PLAN.encode("l", page=page + 1), Raw("▶")))
    return Screen(
        Lines(Text("Your goals (page {page} of {pages}):", page=page + 1, pages=pages), Raw(""), *lines),
        [[Choice(PLAN.encode("g", goal=goal.id), Raw(str(number))) for number, (_, goal) in shown],
         nav,
         [new_goal(), Choice(PLAN.encode("menu"), Text("Back"))]],
        replace=True,
    )


def goal_card(goal: PlanGoal, note: Words | None = None, area: Words | None = None) -> Screen:
    """One goal: its area (when given), words, status and sharing, with buttons to change them (`note`
    above, if given)."""
    card = Lines(
        Text("Area: {area}", area=area) if area is not None else None,
        Text("Goal: {what}", what=Raw(goal.what or "—")),
        Text("How you will know: {measure}", measure=Raw(goal.measure or "—")),
        Text("By: {due}", due=due_words(goal)),
        Text("Status: {status}", status=Text(STATUS_NAMES[goal.status])),
        Text("Note: {note}", note=Raw(goal.note)) if goal.note else None,
        # Who sees a goal: its mentee, the group's mentors (the digest's detail) and, once shared,
        # the peer partner (mentoring.audiences holds the claim; a test checks it against the rules).
        Text(sentence("goal_shared" if goal.shared else "goal_private")),
    )
    statuses = [
        Choice(PLAN.encode("st", goal=goal.id, status=status),
               Lines(Raw("•"), Text(STATUS_NAMES[status]), sep=" ") if goal.status == status
               else Text(STATUS_NAMES[status]))
        for status in GOAL_STATUSES
    ]
    if goal.shared:
        sharing = Choice(PLAN.encode("sh", goal=goal.id, shared=False), Text("Stop sharing with my partner"),
                         short=Text("Stop sharing goal"))
    else:
        sharing = Choice(PLAN.encode("sh", goal=goal.id, shared=True), Text("Share with my partner"),
                         short=Text("Share with partner"))
    return Screen(
        Lines(note, Raw(""), card) if note is not None else card,
        [statuses,
         [Choice(PLAN.encode("n", goal=goal.id), Text("Change the note") if goal.note else Text("Add a note"))],
         [sharing],
         [Choice(PLAN.encode("l", page=0), Text("Back to my goals"))]],
        replace=True,
    )


def goal_saved(goal: PlanGoal, area: Words | None = None) -> Screen:
    return goal_card(goal, Text("Your goal is saved."), area)


def area_question(areas: list[Area], locale: str) -> Screen:
    """The goal form's first question when the person chose several areas: which one the goal serves."""
    return Screen(
        Text("New goal: which of your priority areas does it serve?"),
        [*([Choice(PLAN.encode("ga", area=area.key), area_title(area, locale), short=area_short(area, locale))]
           for area in areas),
         [cancel()]],
        replace=True,
    )


def form_question(step: str, today: date | None = None) -> Screen:
    """The goal form's typed question: what ("what"), how they will know ("measure"), a date ("date")."""
    if step == "what":
        words = Text("New goal, step 1 of 3: what do you want to achieve? Write it in a sentence or two "
                     "(at most {most} characters).", most=plans.MAX_TEXT)
    elif step == "measure":
        words = Text("Step 2 of 3: how will you know you have achieved it?")
    else:
        assert today is not None, "the date question's example is computed from today"
        words = typed_day_hint(today)
    return Screen(words, [[cancel()]], awaits=AWAITS_GOAL, replace=True)


def due_question(ctx: plans.PlanContext) -> Screen:
    """The form's last step: a due date from a button (the programme's end, if it has one), or typed."""
    return Screen(
        Text("Step 3 of 3: by when?"),
        [[Choice(PLAN.encode("due", kind="2w"), Text("In 2 weeks")),
          Choice(PLAN.encode("due", kind="1m"), Text("In a month"))],
         [Choice(PLAN.encode("due", kind="end"), Text("By the end of the programme"),
                 short=Text("Programme end"))] if ctx.ends_on is not None else [],
         [Choice(PLAN.encode("due", kind="date"), Text("Type a date"))],
         [cancel()]],
        # A typed date is welcome at the buttons too.
        awaits=AWAITS_GOAL,
        replace=True,
    )


def note_question() -> Screen:
    return Screen(Text("Write your note on this goal (at most {most} characters).", most=plans.MAX_TEXT),
                  awaits=AWAITS_NOTE, replace=True)


def cancelled() -> Screen:
    return Screen(Text("Nothing was saved."), replace=True)
