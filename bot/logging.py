"""Logging set-up. Message texts and the bot token never reach the logs."""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")


class RedactTokenFilter(logging.Filter):
    """Hide bot tokens that libraries put in URLs they log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_IN_URL.search(message):
            record.msg = _TOKEN_IN_URL.sub("bot<token>", message)
            record.args = None
        return True


OWN_PACKAGES = ("bot", "handlers", "mentoring", "storage")


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr; LOG_LEVEL=DEBUG opens Narbot's own loggers only.

    Libraries log whole updates and request bodies (PTB), SQL parameters
    (aiosqlite, SQLAlchemy) and URLs with the token (httpx) below INFO: those
    would carry message texts and names, so they stay at INFO or above.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokenFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    numeric = logging.getLevelName(level)
    root.setLevel(max(numeric, logging.INFO))
    for package in OWN_PACKAGES:
        logging.getLogger(package).setLevel(numeric)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
