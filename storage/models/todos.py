"""Models of the todos feature (filled in by that feature)."""

from __future__ import annotations
