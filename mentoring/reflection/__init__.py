"""The weekly reflection ("yansıtma") feature's domain, in one place.

- `flow`: the conversation a mentee holds with it, one question at a time
  (open, answer, change, summary, submit), and the prompt and reminder the
  scheduler sends;
- `steps`: what a step returns (`Step`, `Outcome`, `Given`) and reading and
  writing a reflection and its answers;
- `questions`: a programme's question sets (the default set, validation, and
  versions over the weeks);
- `windows`: when a group's reflection is open, and when the next one opens.

Import the modules themselves (`from mentoring.reflection import flow`); this
file re-exports nothing.
"""
