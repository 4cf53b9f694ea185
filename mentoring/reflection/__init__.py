"""The weekly reflection ("yansıtma") feature's domain, in one place.

- `screens`: the conversation as any channel holds it: what each step says,
  offers and waits for (`start`, `press`, `answer` -> `mentoring.screens.Reply`),
  with the summary's screens in `summary_screens`;
- `prompts`: the weekly invitation and its reminder the scheduler sends;
- `flow`: the conversation's decisions, one question at a time (open, answer,
  change, summary, submit), each returning a `steps.Step`;
- `steps`: what a step returns (`Step`, `Outcome`, `Given`) and reading and
  writing a reflection and its answers;
- `questions`: a programme's question sets (the default set, validation, and
  versions over the weeks);
- `windows`: when a group's reflection is open, and when the next one opens.

Import the modules themselves (`from mentoring.reflection import flow`); this
file re-exports nothing.
"""
