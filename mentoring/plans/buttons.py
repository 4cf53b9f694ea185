"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import ON_OFF, PAGE, SCORE, Choice, Feature, Id, Word
from storage.models.plans import ASSESSMENT_STAGES, GOAL_STATUSES

PLAN_DUE_KINDS = ("2w", "1m", "end", "date")  # mentoring.plans.rules.DUE_KINDS


AREA_KEY_SHAPE = r"[a-z][a-z0-9_]{1,31}"  # mentoring.plans.areas._KEY_SHAPE


PLAN = Feature("plan", {
    "menu": ("menu",),
    "areas": ("areas",),
    "a": ("a", Word("area", AREA_KEY_SHAPE)),
    "l": ("l", PAGE),
    "g": ("g", Id("goal")),
    "st": ("st", Id("goal"), Choice("status", GOAL_STATUSES)),
    "sh": ("sh", Id("goal"), Choice("shared", ON_OFF)),
    "n": ("n", Id("goal")),
    "new": ("new",),
    # The goal form's first question: the chosen area the new goal serves.
    "ga": ("ga", Word("area", AREA_KEY_SHAPE)),
    "due": ("due", Choice("kind", PLAN_DUE_KINDS)),
    "cancel": ("cancel",),
    "sa_go": ("sa", Choice("stage", ASSESSMENT_STAGES), "go"),
    "sa": ("sa", Choice("stage", ASSESSMENT_STAGES), Word("area", AREA_KEY_SHAPE), SCORE),
    # A mentor of the group: this mentee's plan (mentoring.plans.mentor_view).
    "m": ("m", Id("group"), Id("person")),
})


TABLES = (PLAN,)
