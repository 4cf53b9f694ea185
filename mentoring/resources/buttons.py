"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import PAGE, Feature, Id

RESOURCES = Feature("rs", {
    # The list, newest first, five a page.
    "l": ("l", PAGE),
    # A document: send the file now.
    "o": ("o", Id("resource")),
    # A mentee: mark useful, or unmark.
    "u": ("u", Id("resource")),
    # The sharer: remove (asks first), then remove for good.
    "x": ("x", Id("resource")),
    "y": ("y", Id("resource")),
    # Share a resource: choose with whom (a group, or a whole programme), or stop.
    "a": ("a",),
    "g": ("g", Id("group")),
    "p": ("p", Id("programme")),
    "c": ("c",),
})


TABLES = (RESOURCES,)
