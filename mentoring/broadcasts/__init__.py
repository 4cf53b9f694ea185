"""Coordinator broadcasts: compose, preview, confirm, cancel, and follow them out.

- `rules`: the draft and its life;
- `audience`: who a broadcast reaches;
- `progress`: how far it has gone out, and the facts of its delivery report;
- `screens`: the /broadcast conversation (what each step says, offers and waits for);
- `progress_screens`: the progress message and the delivery report, as screens.

Import the modules themselves (`from mentoring.broadcasts import rules`); this file re-exports nothing.
"""
