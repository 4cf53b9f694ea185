"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import PAGE, SCORE, WEEK, Choice, Feature, Id, IdList
from storage.models.peers import CHECKIN_TALKED

CHECKIN = Feature("pc", {
    "t": ("t", WEEK, Choice("talked", CHECKIN_TALKED)),
    "g": ("g", WEEK, Id("goal", zero=True)),
    "u": ("u", WEEK, SCORE),
})


PAIRS = Feature("pairs", {
    "v": ("v", Id("group")),
    "gl": ("gl", PAGE),
    "auto": ("auto", Id("group")),
    # Choosing a fourth is offered, and refused with a reason by the domain.
    "pick": ("pick", Id("group"), IdList("chosen", 0, 4)),
    "make": ("make", Id("group"), IdList("chosen", 2, 3)),
    "end": ("end", Id("pair")),
})


TABLES = (CHECKIN, PAIRS)
