"""Models of the peers feature (filled in by that feature)."""

from __future__ import annotations
