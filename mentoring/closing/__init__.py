"""The programme ends (issue #14, point 6; E.6, E.7, E.8.1): the mentees' closing sequence, the mentors'
suggestions and survey summary, and the offer the planner queues in the programme's last two weeks.

- `rules`: the window, where a mentee is in the sequence, what each step stores, the progress summary;
- `survey`: the survey's aggregate for a group's mentors (small cells suppressed);
- `offers`: the once-only offer through the outbox (kind "closing_offer");
- `screens`: the conversation (/closing), `buttons`: its button table. See docs/closing.md.
"""
