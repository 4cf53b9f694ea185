"""Peer partners ("eş düzey partner"): pairs (or a trio) and their weekly check-in.

- `rules`: who is whose partner, and the check-in;
- `pairing`: pairing a group's mentees;
- `screens`: /partner and the check-in as a channel-neutral conversation;
- `pairs_screens`: /pairs as one;
- `prompts`: the check-in question, as /partner shows it and the outbox sends it.

Import the modules themselves (`from mentoring.peers import rules`); this file re-exports nothing.
"""
