"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Choice, Feature, Id

# A ready reaction's wire word to its stored code (storage.models.feedback.REACTIONS).
REACTION_WORDS = {"w": "well_done", "s": "in_session", "h": "help"}

FEEDBACK = Feature("fb", {
    # A mentor: the mentee's voice notes and photos of this reflection, sent to them now.
    "m": ("m", Id("reflection")),
    # A mentor: reply to this reflection (the ready reactions, or write).
    "r": ("r", Id("reflection")),
    # A mentor: send this ready reaction.
    "q": ("q", Id("reflection"), Choice("reaction", REACTION_WORDS)),
    # A mentor: write a reply.
    "w": ("w", Id("reflection")),
    # A mentor: the mentee's goals and marked to-dos to reply about (under their detail).
    "l": ("l", Id("group"), Id("person")),
    # A mentor: reply about this goal (the ready reactions, or write), send a reaction, write.
    "g": ("g", Id("goal")),
    "gq": ("gq", Id("goal"), Choice("reaction", REACTION_WORDS)),
    "gw": ("gw", Id("goal")),
    # A mentor: the same about a to-do marked done or not done.
    "t": ("t", Id("todo")),
    "tq": ("tq", Id("todo"), Choice("reaction", REACTION_WORDS)),
    "tw": ("tw", Id("todo")),
    # The mentee: answer this reply (once).
    "a": ("a", Id("reply")),
})


TABLES = (FEEDBACK,)
