"""Reports: the mentors' progress report, the coordinators' overview, impact and exports.

- `rules`: the progress report per mentee (standard E.5.6);
- `overview`: a programme at a glance, in total and per province;
- `impact`: baseline against end self-assessment (E.6.4);
- `views`: which report a member may open, as pages; `texts`: reports in words;
- `exports`: a programme's figures as CSV files;
- `screens`: /report, /export and their buttons as a conversation any channel can hold.

Import the modules themselves (`from mentoring.reports import rules`); this file re-exports nothing.
"""
