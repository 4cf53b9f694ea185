"""The interpreter, set for a bot that must keep answering while a digest pass or an export runs.

Three settings, each measured with `bench/loop_lag.py` and `bench/console_export.py`
(docs/performance.md, "Event loop lag"):

- What start-up loaded (modules, tables, the ORM's classes) lives as long as the process. It is
  frozen out of the collector's full passes, which otherwise walk it all every few seconds while
  a pass runs, pausing the event loop ~0.3 s each time.
- CPython collects its youngest objects after 700 new ones. A digest pass or an export allocates
  millions of objects that live for a step or two of the loop; at 700 many are caught alive and
  moved to the older generations, which then fill up and are walked over and over (about 50 full
  passes of 20-85 ms in one 4,000-group run). Collecting after 10,000 lets most of them die young
  first: 1-2 full passes in that run, 0.5 s of collection instead of 3 s. A young pass over
  10,000 objects takes a few milliseconds.
- A worker thread drawing charts or writing a workbook holds the GIL for up to the switch
  interval each time the loop's thread wants it back, and the loop's thread gives it up at every
  socket call and SQLite statement. At CPython's 5 ms, a step of a few such calls waited tens of
  milliseconds; at 1 ms the loop's p99 lag during the console's .xlsx export fell from 108 to 8 ms
  (the export itself took ~10 % longer).
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 10_000
SWITCH_INTERVAL_SECONDS = 0.001


def settle() -> None:
    """Freeze what is loaded so far, collect young objects less often, and hand the GIL back sooner.

    Call once per process, after start-up's imports."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
