"""Group sessions ("grup mentorluk görüşmesi", standard E.1.3) and what surrounds them.

- `rules`: plan, move, cancel, RSVP;
- `planning`: planning or moving a session step by step;
- `notices`: what the bot tells members about a session on its own;
- `followup`: attendance, minutes and feedback after a session;
- `agenda`: the group's formal agenda.

Import the modules themselves (`from mentoring.sessions import rules`); this file re-exports nothing.
"""
