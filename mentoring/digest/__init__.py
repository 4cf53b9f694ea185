"""The mentors' weekly group digest.

- `rules`: which week, for whom, when, and queueing it;
- `data`: reading a batch of groups in a fixed number of queries;
- `build`: rows into `GroupDigest`s (figures, attention flags, quotes);
- `model`: the digest as data; `render`: in words for one reader; `chart`: its PNG;
- `detail`: one mentee's detail, for the group's mentors only;
- `screens`: /digest and its buttons as a conversation any channel can hold.

Import the modules themselves (`from mentoring.digest import rules`); this file re-exports nothing.
"""
