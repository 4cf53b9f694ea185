"""What every benchmark reports about the machine it ran on, so figures can be compared fairly."""

from __future__ import annotations

import os
import sys
from typing import Any


def machine() -> dict[str, Any]:
    """The 1-minute load average (other work on the machine moves every figure), CPUs and Python."""
    return {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
