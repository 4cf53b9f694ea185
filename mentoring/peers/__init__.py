"""Peer partners ("eş düzey partner"): pairs (or a trio) and their weekly check-in.

- `rules`: who is whose partner, and the check-in;
- `pairing`: pairing a group's mentees.

Import the modules themselves (`from mentoring.peers import rules`); this file re-exports nothing.
"""
