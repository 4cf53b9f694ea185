"""The web console's domain (issue #16): one-time login links, who sees which page, what a page shows.

`logins` issues and redeems the links /console sends (a hashed, single-use
token valid ten minutes) and keeps the browser session each one opened;
`views` decides which programmes and groups a member may open and gathers
their figures; `screens` is the /console step every channel runs. The web
adapter is bot/console/ (docs/console.md).
"""
