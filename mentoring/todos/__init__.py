"""The mentee's to-do list ("yapılacaklar listesi", standard E.5.1-E.5.5).

- `rules`: add, due, done, not done, postpone, delete;
- `assign`: mentors give to-dos to one mentee or the whole group (/assign);
- `due`: when a to-do is due (this week, a typed date, before the next session, never);
- `views`: what the list holds as the conversation shows it (pages, one to-do, goals);
- `next_steps` (screens: `next_screens`): after "not done", smaller, later or ask the mentors for help (E.5.5).

Import the modules themselves (`from mentoring.todos import rules`); this file re-exports nothing.
"""
