"""The garbage collector, set for a bot that must keep answering while a digest pass or an export runs.

Two settings, both measured with `bench/loop_lag.py` (docs/performance.md, "Event loop lag"):

- What start-up loaded (modules, tables, the ORM's classes) lives as long as the process. It is
  frozen out of the collector's full passes, which otherwise walk it all every few seconds while
  a pass runs, pausing the event loop ~0.3 s each time.
- CPython collects its youngest objects after 700 new ones. A digest pass or an export allocates
  millions of objects that live for a step or two of the loop; at 700 many are caught alive and
  moved to the older generations, which then fill up and are walked over and over (about 50 full
  passes of 20-85 ms in one 4,000-group run). Collecting after 10,000 lets most of them die young
  first: 1 full pass in that run, 0.5 s of collection instead of 3 s, a worst loop lag about 40 ms
  lower. A young pass over 10,000 objects takes a few milliseconds.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Freeze what is loaded so far and collect young objects less often; call once, after start-up's imports."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
