"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import PAGE, Choice, Feature, Id
from storage.models.broadcasts import AUDIENCE_ROLES

BROADCAST = Feature("bc", {
    "new": ("new", Id("programme")),
    **{action: (Id("draft"), action)
       for action in ("aud", "all", "gok", "text", "later", "now", "drop", "send", "stop")},
    "prov": (Id("draft"), "prov", PAGE),
    "p": (Id("draft"), "p", Id("province")),
    "grp": (Id("draft"), "grp", PAGE),
    "g": (Id("draft"), "g", Id("group"), PAGE),
    "r": (Id("draft"), "r", Choice("role", AUDIENCE_ROLES)),
})


TABLES = (BROADCAST,)
