"""KVKK: the notice and consent, a person's rights, and what is cleared when.

- `consent`: the notice (aydınlatma metni) and explicit consent (açık rıza);
- `rules`: /mydata and /forgetme;
- `personal_data`: where a person's data lives, found from the schema;
- `mentions`: erasure reaching other people's queued messages;
- `retention`: clearing personal texts a set time after a programme ends.

Import the modules themselves (`from mentoring.privacy import rules`); this file re-exports nothing.
"""
