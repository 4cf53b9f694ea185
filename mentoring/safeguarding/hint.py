"""The one reminder under every question that invites a story: no child's name, no photo of a child.

These are stories about children in state care; every text question that may
bring one (the weekly reflection, the closing steps, a mentor's suggestion)
says the same words, so people read one rule everywhere.
"""

from __future__ import annotations

from mentoring.screens import Text

NO_CHILD_NAMES = Text("Please do not name children or send a photo in which a child can be recognised.")
