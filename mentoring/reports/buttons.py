"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import PAGE, Feature, Id

REPORTS = Feature("rpt", {
    "o": ("o", Id("programme")),
    "pv": ("pv", Id("programme"), Id("province", zero=True)),  # 0: groups without a province
    "i": ("i", Id("programme"), PAGE),
    "g": ("g", Id("group"), PAGE),
    "gi": ("gi", Id("group"), PAGE),
    "x": ("x", Id("programme")),
})


TABLES = (REPORTS,)
