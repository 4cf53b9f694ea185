"""The web console's one-time login links (issue #16, docs/console.md).

A coordinator or mentor sends /console to the bot and gets a link with a random
token; only its SHA-256 is stored here. The token is good once (`used_at`) and
for ten minutes (`expires_at`). The row then stands for the browser session it
opened: the session cookie names it, and `logged_out_at` ends it. Erasing the
person (CASCADE) ends every session they had.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class ConsoleLogin(Base):
    __tablename__ = "console_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the token, hex; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    logged_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
