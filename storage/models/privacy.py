"""Models of the privacy feature (filled in by that feature)."""

from __future__ import annotations
