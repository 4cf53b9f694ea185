"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import WEEK, Choice, Feature, Id
from mentoring.digest.model import FlagKind

# A flag's kind in two letters (the button must stay under 64 bytes).
FLAG_WORDS = {
    "nr": FlagKind.NO_REFLECTION_TWICE,
    "cd": FlagKind.CONFIDENCE_DROP,
    "sr": FlagKind.SAME_REASON_TWICE,
    "ur": FlagKind.UNREACHABLE,
    "pd": FlagKind.PARTNERS_DISAGREE,
}

OBJECTIONS = Feature("obj", {
    # From /mydata: choose what the request is about.
    "go": ("go",),
    # Object to one flag: the group and week it was raised for, and its kind.
    "f": ("f", Id("group"), WEEK, Choice("kind", FLAG_WORDS)),
    # Something else to correct (no flag).
    "x": ("x",),
    # Not now: nothing is stored.
    "stop": ("stop",),
    # A coordinator answers a request.
    "a": ("a", Id("objection")),
})


TABLES = (OBJECTIONS,)
