"""Models of the plans feature (filled in by that feature)."""

from __future__ import annotations
