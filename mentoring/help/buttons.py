"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Feature, Locale

LANGUAGE = Feature("lang", {"choose": (Locale(),)})


TABLES = (LANGUAGE,)
