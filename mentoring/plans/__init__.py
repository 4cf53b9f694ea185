"""The development plan ("gelişim planı"): priority areas, SMART goals and the self-assessment.

- `rules`: chosen areas and goals, and how they change;
- `areas`: a programme's priority development areas;
- `assessment`: the 1-5 self-assessment per area at the start and the end;
- `view`: what a mentee's /plan shows at a glance;
- `screens`: /plan as a conversation (steps, the overview, areas, the self-assessment);
- `goal_screens`: the goal pages, one goal, and the goal form's questions.

Import the modules themselves (`from mentoring.plans import rules`); this file re-exports nothing.
"""
