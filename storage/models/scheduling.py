"""Models of the scheduling feature (filled in by that feature)."""

from __future__ import annotations
