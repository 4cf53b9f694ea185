"""Mentors hear, see and answer (issue #14, points 1 and 2; standard E.5.3 and E.6.2).

`rules` holds what changes: a mentee's voice notes and photos of a reflection sent
to a mentor through the outbox, by reference (audited, never for "numbers only"
reflections, only on the channel the file was sent on); a mentor's reply to a
reflection (a ready reaction or a short text) queued for the mentee with the
mentor's name; the mentee's one answer queued for that mentor; and the digest's
count of reflections without a reply. `screens` holds the conversation, `buttons`
the button table. docs/feedback.md describes the flows.
"""
