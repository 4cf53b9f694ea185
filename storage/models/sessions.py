"""Models of the sessions feature (filled in by that feature)."""

from __future__ import annotations
