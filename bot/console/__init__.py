"""The web console (issue #16): a Starlette adapter over the domain, like handlers/ for Telegram.

`bot.console.app.create_app(services, config)` builds it; `narbot console`
serves it (bot/console/serve.py). It imports no `telegram` and no models: what
it shows and who may see it is decided in `mentoring/console/` and
`mentoring/access.py`. See docs/console.md.
"""
