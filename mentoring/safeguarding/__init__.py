"""The safeguarding path: "I am worried about a child" (/worry, and a button after the reflection).

`screens` holds the conversation (what to do at once, an optional note without
names, the confirmation), `rules` what it changes (a `safeguarding_concerns` row
and an urgent outbox message to each mentor of the person's groups, even in
quiet hours) and the coordinator's count (`worries_count`), `buttons` its
button table. docs/safeguarding.md describes the path.
"""
