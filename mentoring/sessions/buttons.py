"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import SCORE, Choice, ClockTime, Day, Feature, Id

# The words below belong to the domain's rules; tests/unit/test_button_data.py checks that
# they match the rules' own lists, which cannot be imported here without an import cycle.


RSVP_WORDS = ("y", "n", "m")  # mentoring.sessions.notices.RSVP_CODES


SESSIONS = Feature("ses", {
    # planning (mentoring/sessions/planning_screens.py)
    "grp": ("grp", Id("group")),
    "d": ("d", Day("day")),
    "t": ("t", ClockTime("at")),
    "tp": ("tp", Id("topic", zero=True)),
    "stop": ("stop",),
    # answering, moving, cancelling (mentoring/sessions/screens.py)
    "r": ("r", Id("session"), Choice("answer", RSVP_WORDS)),
    # attendance, minutes, feedback (mentoring/sessions/followup_screens.py)
    "am": ("am", Id("session"), Id("person")),
    "fb": ("fb", Id("session"), SCORE),
    **{action: (action, Id("session"))
       for action in ("mv", "x", "xc", "xn", "at", "ad", "mn", "ms", "fs")},
})


AGENDA = Feature("agd", {
    "g": ("g", Id("group")),
    "add": ("add", Id("group")),
    **{action: (action, Id("topic")) for action in ("t", "up", "dn", "cv", "uc", "del")},
})


TABLES = (SESSIONS, AGENDA)
