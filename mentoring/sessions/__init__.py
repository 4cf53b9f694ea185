"""Group sessions ("grup mentorluk görüşmesi", standard E.1.3) and what surrounds them.

- `rules`: plan, move, cancel, RSVP;
- `roster`: a session's RSVP roster (the answers counted, and by name for its mentors);
- `planning`: planning or moving a session step by step;
- `notices`: what the bot tells members about a session on its own;
- `followup`: attendance, minutes and feedback after a session;
- `agenda`: the group's formal agenda;
- the conversations, channel-free (`mentoring.screens`): `screens` (/sessions and every
  session button), `planning_screens` (/session), `followup_screens` (attendance,
  minutes, feedback), `agenda_screens` (/agenda), sharing `cards`.

Import the modules themselves (`from mentoring.sessions import rules`); this file re-exports nothing.
"""
