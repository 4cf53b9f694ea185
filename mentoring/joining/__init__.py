"""Joining the programme: invite codes, rosters, and the way from a code to a role in a group.

- `rules`: from an invite code, through the notice and consent, to a role (and `MemberView`);
- `invites`: making, checking and linking invite codes;
- `roster`: one personal invite per person on a coordinator's sheet.

Import the modules themselves (`from mentoring.joining import rules`); this file re-exports nothing.
"""
