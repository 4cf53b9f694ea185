"""/help and /language: the commands of a person's roles, and the language Narbot writes in.

- `commands`: every command once, in menu order, with the roles that see it;
- `screens`: the conversation any channel holds for /help and /language (what
  each step says and offers). Imported as `from mentoring.help import screens`.
"""
