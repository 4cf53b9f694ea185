"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade. A nudge's quick-reply payload is this data, so
templates already delivered keep working too.
"""

from __future__ import annotations

from mentoring.button_data import Feature, Id

# "held:<outbox row id>": show the held outbox row a template stood for.
HELD = Feature("held", {"show": (Id("message"),)})


TABLES = (HELD,)
