"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Choice, Feature
from mentoring.settings import QUIET_PRESETS
from mentoring.settings.rules import all_zones

QUIET_HOURS = {f"{start:%H%M}-{end:%H%M}": (start, end) for start, end in QUIET_PRESETS}


SETTINGS = Feature("set", {
    **{action: (action,) for action in ("menu", "tz", "quiet", "pause", "resume", "leave")},
    # Any zone: the common ones are buttons, others come from a typed search.
    "zone": ("tz", Choice("zone", all_zones)),
    "hours": ("q", Choice("hours", QUIET_HOURS)),
    "type": ("type", Choice("question", ("timezone", "quiet"))),
})


TABLES = (SETTINGS,)
