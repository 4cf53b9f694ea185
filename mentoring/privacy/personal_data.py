"""Where a person's data lives, found from the schema itself so later features are covered.

A table belongs to a person when it has a `person_id` column, or (for detail
tables without one, e.g. the answers of a reflection) a foreign key to a table
that does. Columns holding what people wrote carry `info={"personal": True}`;
those are what erasure and retention clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    MetaData,
    String,
    Table,
    Text,
    func,
    null,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

PERSON_COLUMN = "person_id"
# Detail tables are followed this many foreign keys away from a `person_id` table.
MAX_DEPTH = 3
# A person's own rows never come from the person table itself by this rule.
PEOPLE_TABLE = "people"

# How a table's rows are picked for one purpose: given a root table (one
# with `person_id`, unless the caller says otherwise), the condition on its
# rows (e.g. "person_id = 7").
OwnerCondition = Callable[[Table], ColumnElement[bool]]


@dataclass(frozen=True)
class OwnedTable:
    table: Table
    parent: OwnedTable | None = None  # None: the table has `person_id` itself
    via: tuple[Column[Any], ...] = ()  # this table's foreign-key columns pointing at the parent's key

    @property
    def personal_columns(self) -> list[Column[Any]]:
        return [column for column in self.table.columns if column.info.get("personal")]

    def rows(self, owner: OwnerCondition) -> ColumnElement[bool]:
        """Condition selecting this table's rows whose owner satisfies `owner`."""
        if self.parent is None:
            return owner(self.table)
        assert len(self.via) == 1
        (column,) = self.via
        (key,) = column.foreign_keys
        parent_key = key.column
        return column.in_(select(parent_key).where(self.parent.rows(owner)))


def has_person(table: Table) -> bool:
    return PERSON_COLUMN in table.columns


def owned_tables(
    metadata: MetaData = Base.metadata, is_root: Callable[[Table], bool] = has_person,
) -> list[OwnedTable]:
    """Every table holding people's data, parents before their detail tables.

    `is_root` says which tables are looked up directly (by default: those with
    `person_id`); tables with a foreign key to one of them follow it.
    """
    tables = [table for table in metadata.sorted_tables if table.name != PEOPLE_TABLE]
    found: dict[str, OwnedTable] = {table.name: OwnedTable(table) for table in tables if is_root(table)}
    frontier = list(found.values())
    for _depth in range(MAX_DEPTH):
        next_frontier = []
        for table in tables:
            if table.name in found:
                continue
            link = _single_link(table, {owned.table.name: owned for owned in frontier})
            if link is not None:
                found[table.name] = link
                next_frontier.append(link)
        frontier = next_frontier
    order = {table.name: index for index, table in enumerate(tables)}
    return sorted(found.values(), key=lambda owned: order[owned.table.name])


def _single_link(table: Table, parents: dict[str, OwnedTable]) -> OwnedTable | None:
    for key in table.foreign_keys:
        parent = parents.get(key.column.table.name)
        if parent is not None and key.parent is not None and key.column.primary_key:
            return OwnedTable(table, parent=parent, via=(key.parent,))
    return None


def erased_value(column: Column[Any]) -> Any:
    """What a personal column holds once cleared: NULL, or a neutral value if it must hold one."""
    if "erased" in column.info:
        return column.info["erased"]
    if column.nullable:
        # An explicit SQL NULL: on JSON columns a bare None would be stored as JSON 'null'.
        return null()
    if isinstance(column.type, (String, Text)):
        return ""
    if isinstance(column.type, JSON):
        return {}
    raise TypeError(f"{column.table.name}.{column.name} is personal but has no erased value")


def still_set(column: Column[Any]) -> ColumnElement[bool]:
    """Rows where the personal column still holds something worth clearing."""
    if "erased" in column.info:
        return column != column.info["erased"]
    if column.nullable:
        return column.is_not(None)
    if isinstance(column.type, (String, Text)):
        return column != ""
    return true()  # e.g. a required JSON value: cleared every time


def person_is(person_id: int) -> OwnerCondition:
    return lambda table: table.c[PERSON_COLUMN] == person_id


def personal_tables(
    metadata: MetaData = Base.metadata, is_root: Callable[[Table], bool] = has_person,
) -> Iterator[tuple[OwnedTable, list[Column[Any]]]]:
    """The owned tables that have personal columns, with those columns."""
    for owned in owned_tables(metadata, is_root):
        columns = owned.personal_columns
        if columns:
            yield owned, columns


async def clear_personal(
    session: AsyncSession, owner: OwnerCondition, *, dry_run: bool = False,
    metadata: MetaData = Base.metadata, is_root: Callable[[Table], bool] = has_person,
) -> dict[str, int]:
    """Clear every personal value in rows whose owner satisfies `owner`; values per table.

    With dry_run, only count what would be cleared.
    """
    values: dict[str, int] = {}
    for owned, columns in personal_tables(metadata, is_root):
        rows = owned.rows(owner)
        for column in columns:
            if dry_run:
                count = await session.scalar(
                    select(func.count()).select_from(owned.table).where(rows, still_set(column))
                ) or 0
            else:
                result = await session.execute(
                    update(owned.table).where(rows, still_set(column))
                    .values({column.name: erased_value(column)})
                )
                count = result.rowcount or 0
            if count:
                values[owned.table.name] = values.get(owned.table.name, 0) + count
    return values
