"""Models of the reflections feature (filled in by that feature)."""

from __future__ import annotations
