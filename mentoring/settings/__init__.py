"""/settings: a person's own time zone, quiet hours, a week's pause or a leave.

- `rules` (re-exported here): what may be set and how it is stored on `people`;
- `screens`: the conversation any channel holds with it (what each step says and
  offers, and the typed answer it waits for). Imported as
  `from mentoring.settings import screens`, not here: the button codec
  (`mentoring.button_data`) reads this package's lists, and the screens use the codec.
"""

from mentoring.settings.rules import (
    COMMON_ZONES,
    LONGEST_LEAVE,
    PAUSE,
    QUIET_PRESETS,
    PersonalSettings,
    leave_through,
    parse_leave_day,
    parse_quiet_hours,
    pause_for_a_week,
    resolve_timezone,
    resume,
    set_quiet_hours,
    set_timezone,
    settings_of,
    today_of,
)

__all__ = [
    "COMMON_ZONES",
    "LONGEST_LEAVE",
    "PAUSE",
    "QUIET_PRESETS",
    "PersonalSettings",
    "leave_through",
    "parse_leave_day",
    "parse_quiet_hours",
    "pause_for_a_week",
    "resolve_timezone",
    "resume",
    "set_quiet_hours",
    "set_timezone",
    "settings_of",
    "today_of",
]
