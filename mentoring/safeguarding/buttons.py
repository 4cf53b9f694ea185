"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Feature, UnixTime

SAFEGUARDING = Feature("sg", {
    # Open the path (the button after a reflection; the same as /worry).
    "go": ("go",),
    # Tell the mentors without a note; `offered`: when the path was opened, so a second tap
    # on the same button tells no one twice.
    "send": ("send", UnixTime("offered")),
    # Not now: the guidance stays, nothing is sent.
    "stop": ("stop",),
})


TABLES = (SAFEGUARDING,)
