"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import WEEK, Feature, Id, Int

REFLECTION_PREFIX = "rf"


REFLECTION_SKIP = "s"  # mentoring.reflection.steps.SKIP


REFLECTION = Feature(REFLECTION_PREFIX, {
    "go": ("go", WEEK),
    "grp": ("grp", Id("group"), WEEK),
    "a": ("a", Id("reflection"), Int("question", 0, 99),
          Int("value", 0, 99, words=(REFLECTION_SKIP,))),
    "ed": ("ed", Id("reflection"), Int("question", 0, 99)),
    **{action: (action, Id("reflection")) for action in ("sum", "chg", "no", "sub")},
    "td": ("td", Id("reflection")),  # the "what next" answer onto the to-do list
})


TABLES = (REFLECTION,)
