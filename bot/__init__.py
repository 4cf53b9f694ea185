"""The composition root: settings, the application factory, CLI, runner, sender, scheduler."""

import os

# Opt in to PTB's timedelta API for the whole process: otherwise merely raising
# RetryAfter (or reading durations) emits a PTBDeprecationWarning (PTB >= 22.2),
# and the sender reads `retry_after` as a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")
