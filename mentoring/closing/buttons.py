"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade. A step's buttons carry the step's number, so an
old or repeated press (the step has moved on) changes nothing.
"""

from __future__ import annotations

from mentoring.button_data import SCORE, Choice, Feature, Id, Int, Word
from mentoring.plans.buttons import AREA_KEY_SHAPE
from storage.models.closing import PAIR_CHOICES

STEP = Int("step", 0, 31)

CLOSING = Feature("cl", {
    # Start, or go on where the mentee left off (the offer's button too).
    "go": ("go",),
    # Skip the step (or go on from the summary).
    "sk": ("sk", STEP),
    # The end self-assessment: one area's score (the plan's own assessment, stage "end").
    "sa": ("sa", STEP, Word("area", AREA_KEY_SHAPE), SCORE),
    # Whether the peer pair goes on.
    "pc": ("pc", STEP, Choice("choice", PAIR_CHOICES)),
    # A survey score (the step says which question).
    "sv": ("sv", STEP, SCORE),
    # A mentor: suggest to a mentee (then the text), or stop.
    "ms": ("ms", Id("person")),
    "mc": ("mc",),
})


TABLES = (CLOSING,)
