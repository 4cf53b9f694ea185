"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import PAGE, Choice, Feature, Id, Word
from storage.models.todos import DUE_KINDS as TODO_DUE_KINDS
from storage.models.todos import REASON_CODES

TODO_LIST_VERSION_SHAPE = r"[0-9a-f]{1,16}"  # mentoring.todos.views._version


TODOS = Feature("todo", {
    "pg": ("pg", PAGE, Word("version", TODO_LIST_VERSION_SHAPE)),
    "ls": ("ls", PAGE),
    "v": ("v", Id("todo"), PAGE),
    "add": ("add",),
    "due": ("due", Id("todo"), Choice("kind", TODO_DUE_KINDS)),
    "gl": ("gl", Id("todo"), Id("goal", zero=True)),
    "why": ("why", Id("todo"), Choice("reason", REASON_CODES)),
    **{action: (action, Id("todo")) for action in ("ok", "nd", "skip", "pp", "ppw", "ppd", "del", "delok")},
    # After "not done" (mentoring.todos.next_steps): smaller, later, ask for help (and send it).
    **{action: (action, Id("todo")) for action in ("sm", "lt", "hp", "hpok")},
})


ASSIGN = Feature("asg", {
    "g": ("g", Id("group")),
    "p": ("p", Id("group"), Id("person", words=("all",))),
    "due": ("due", Choice("kind", TODO_DUE_KINDS)),
})


TABLES = (TODOS, ASSIGN)
