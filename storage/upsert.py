"""`INSERT ... ON CONFLICT` in the dialect of the session's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def insert_for(session: AsyncSession, entity: Any) -> Any:
    """An insert of `entity` that offers on_conflict_do_nothing/do_update on both backends."""
    return (pg_insert if _dialect(session) == "postgresql" else sqlite_insert)(entity)


def upsert_statement(
    session: AsyncSession, entity: Any, key: tuple[str, ...], columns: tuple[str, ...], *, returning: bool = False
) -> Any:
    """Insert a row or, when `key` exists, overwrite `columns`; run it with one dict of values.

    Built once per database dialect and reused, so SQLAlchemy neither rebuilds the
    statement nor recomputes its cache key on every call (hot paths: a person's
    conversation step, each reflection answer).
    """
    return _upsert(_dialect(session), entity, key, columns, returning)


@cache
def _upsert(dialect: str, entity: Any, key: tuple[str, ...], columns: tuple[str, ...], returning: bool) -> Any:
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(entity)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in columns}
    )
    return statement.returning(entity) if returning else statement
