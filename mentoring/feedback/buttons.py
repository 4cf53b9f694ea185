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
    # The mentee: answer this reply (once).
    "a": ("a", Id("reply")),
})


TABLES = (FEEDBACK,)
