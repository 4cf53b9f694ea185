"""Coordinator broadcasts: compose, preview, confirm, cancel, and follow them out.

- `rules`: the draft and its life;
- `audience`: who a broadcast reaches;
- `progress`: how far it has gone out, and its delivery report.

Import the modules themselves (`from mentoring.broadcasts import rules`); this file re-exports nothing.
"""
