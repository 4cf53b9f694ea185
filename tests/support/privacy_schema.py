"""Tables that exist only in privacy tests, to check the schema-driven erasure and retention
on shapes later features may add: direct `person_id` tables, detail tables under them,
required and JSON personal columns, and a group's table that belongs to no one person."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncEngine

PERSONAL = {"personal": True}

metadata = MetaData()
# Only so the foreign keys below resolve; the real table is created by the migrations.
Table("people", metadata, Column("id", Integer, primary_key=True))
notes = Table(
    "t_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE")),
    Column("group_id", Integer, nullable=True),
    Column("text", Text, nullable=True, info=PERSONAL),
    Column("mood", Integer),
)
note_parts = Table(
    "t_note_parts", metadata,
    Column("id", Integer, primary_key=True),
    Column("note_id", ForeignKey("t_notes.id", ondelete="CASCADE")),
    Column("body", String(200), nullable=False, info=PERSONAL),
    Column("attachment", JSON, nullable=True, info=PERSONAL),
)
diary = Table(
    "t_diary", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE")),
    Column("text", Text, nullable=True, info=PERSONAL),
)
group_minutes = Table(
    "t_group_minutes", metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer),
    Column("text", Text, nullable=True, info=PERSONAL),
)
TEST_TABLES = [notes, note_parts, diary, group_minutes]


async def create_test_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: metadata.create_all(sync, tables=TEST_TABLES))
