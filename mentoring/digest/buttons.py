"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import ON_OFF, Choice, Feature, Id

DIGEST = Feature("dg", {
    "g": ("g", Id("group")),
    "m": ("m", Id("group"), Id("person")),
    "c": ("c", Choice("on", ON_OFF)),
    "w": ("w", Id("group")),  # the latest closed week's digest, from the week so far
})


TABLES = (DIGEST,)
