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
    # "I could speak freely" (1-5), and "I have read the minutes" of one version (issue #14)
    "sf": ("sf", Id("session"), SCORE),
    "ma": ("ma", Id("session"), Id("version")),
    **{action: (action, Id("session"))
       for action in ("mv", "x", "xc", "xn", "at", "ad", "mn", "ms", "fs", "tt")},
})


# The roles a mentee can take on a topic, short on the wire (storage.models.agenda.ROLE_KINDS).
ROLE_WORDS = {"pr": "presenter", "rp": "role_play", "cs": "case"}


AGENDA = Feature("agd", {
    "g": ("g", Id("group")),
    "add": ("add", Id("group")),
    **{action: (action, Id("topic")) for action in ("t", "up", "dn", "cv", "uc", "del")},
    # proposals (mentoring/sessions/proposal_screens.py): a mentee proposes, mentors list the pending ones
    "pp": ("pp", Id("group")),
    "pl": ("pl", Id("group")),
    # one proposal: show, accept as it is, accept with another title, decline
    **{action: (action, Id("proposal")) for action in ("p", "pa", "pe", "pd")},
    # roles: which role, which mentee, then ask; the mentee's yes or no
    "ro": ("ro", Id("topic")),
    "rw": ("rw", Id("topic"), Choice("role", ROLE_WORDS)),
    "rk": ("rk", Id("topic"), Choice("role", ROLE_WORDS), Id("person")),
    **{action: (action, Id("role")) for action in ("ry", "rn")},
})


TABLES = (SESSIONS, AGENDA)
