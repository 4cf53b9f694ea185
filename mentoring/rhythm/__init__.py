"""/rhythm: when a group's reflections and check-ins open, for how long, and its reminders.

- `rules` (re-exported here): the settings mentors may change, their fixed options,
  and how they are stored in `group_schedules`;
- `screens`: the conversation any channel holds with it (what each step says and
  offers). Imported as `from mentoring.rhythm import screens`, not here: the
  button codec (`mentoring.button_data`) reads this package's lists, and the
  screens use the codec.
"""

from mentoring.rhythm.rules import (
    SETTINGS,
    GroupRhythm,
    RhythmSetting,
    change_rhythm,
    group_rhythm,
    option_code,
)

__all__ = [
    "SETTINGS",
    "GroupRhythm",
    "RhythmSetting",
    "change_rhythm",
    "group_rhythm",
    "option_code",
]
