"""The imported value-metric data: one table per canonical input (sources/tables.py), each row of
one organisation, remembering the file it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops import clock
from prodops.store.dialects import dialect_insert
from prodops.store.organizations import register, spelled
from prodops.store.tables import metadata

if TYPE_CHECKING:  # Polars is imported where tables are read or written: `prodops history` never loads it
    import polars as pl

    from prodops.store.workspace import Workspace


class ImportedData:
    """The imported tables. An import is one transaction that holds its table to itself (SQLite:
    the database; PostgreSQL: LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE, which lets readers read),
    so the rows it counts before and after are its own."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def write(self, table_name: str, rows: pl.DataFrame, organization: str) -> tuple[int, int]:
        """Insert or update imported rows of `organization` by the table's key, in one transaction:
        (new, updated). A real upsert (INSERT ... ON CONFLICT DO UPDATE) on SQLite and PostgreSQL alike."""
        import polars as pl

        table = metadata.tables[table_name]
        key = [c.name for c in table.primary_key.columns]
        count = sa.select(sa.func.count()).select_from(table)
        with self._ws.transaction() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')
            rows = rows.with_columns(organization=pl.lit(register(conn, organization)),
                                     imported_at=pl.lit(clock.now()))
            before = conn.execute(count).scalar_one()
            if rows.height:
                insert = dialect_insert(conn)(table)
                upsert = insert.on_conflict_do_update(
                    index_elements=key, set_={c.name: insert.excluded[c.name] for c in table.columns if c.name not in key})
                _execute_many(conn, upsert, table, rows)
            new: int = conn.execute(count).scalar_one() - before
        return new, rows.height - new

    def read(self, table_name: str, organization: str, without: tuple[str, ...] = ()) -> pl.DataFrame:
        """An imported table's rows of `organization` (as the workspace spells it) as a typed frame,
        without the organisation nor the columns `without` (empty, with its columns, when it has none)."""
        import polars as pl

        from prodops.core.columns import each_distinct

        table = metadata.tables[table_name]
        columns = [c for c in table.columns if c.name != "organization" and c.name not in without]
        types = {sa.Date: pl.Date, sa.Float: pl.Float64, sa.Boolean: pl.Boolean, sa.DateTime: pl.Datetime("us", "UTC")}
        schema: dict[str, Any] = {c.name: next((t for k, t in types.items() if isinstance(c.type, k)), pl.String)
                                  for c in columns}
        with self._ws.transaction(write=False) as conn:
            query = sa.select(*columns).where(table.c.organization == spelled(conn, organization))
            # the driver's rows, each column's type conversion applied once per distinct value:
            # SQLAlchemy's own conversion row by row takes most of a second for 25,000 sprints
            compiled = query.compile(dialect=conn.dialect)
            result = conn.exec_driver_sql(compiled.string, _driver_params(compiled))
            driver_types = [d[1] for d in result.cursor.description]
            # the driver's tuples as they are (no SQLAlchemy row around each), turned into columns
            columns_of_rows = list(zip(*result.cursor.fetchall())) or [()] * len(schema)
            frame = pl.DataFrame([pl.Series(name, values, strict=False) for name, values in zip(schema, columns_of_rows)])
            for c, driver_type in zip(columns, driver_types):
                convert = c.type.dialect_impl(conn.dialect).result_processor(conn.dialect, driver_type)
                frame = frame.with_columns(pl.col(c.name).cast(schema[c.name], strict=False) if convert is None
                                           else each_distinct(frame[c.name], convert, schema[c.name]))
        return frame

    def distinct(self, table_name: str, organization: str, *columns: str) -> list[tuple[Any, ...]]:
        """The distinct values of `columns` in an imported table's rows of `organization`, in no particular order."""
        table = metadata.tables[table_name]
        with self._ws.transaction(write=False) as conn:
            return [tuple(r) for r in conn.execute(sa.select(*[table.c[c] for c in columns])
                                                   .where(table.c.organization == spelled(conn, organization)).distinct())]


def _driver_params(compiled: sa.sql.compiler.Compiled) -> Any:
    """A compiled statement's parameters as its driver takes them (positional or named)."""
    params = compiled.construct_params()
    return tuple(params[k] for k in compiled.positiontup) if compiled.positional else params  # type: ignore[attr-defined, index]


def _execute_many(conn: sa.Connection, statement: Any, table: sa.Table, rows: pl.DataFrame) -> None:
    """Run `statement` once per row, with each column converted as SQLAlchemy would bind it (SQLite
    keeps dates as text) but once per distinct value, and the rows handed to the driver as they
    are: SQLAlchemy's per-row parameter handling took four times the database's own time."""
    import polars as pl

    from prodops.core.columns import each_distinct

    compiled = statement.compile(dialect=conn.dialect, column_keys=[c.name for c in table.columns])
    columns = []
    for c in table.columns:
        convert = c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        columns.append(pl.col(c.name) if convert is None else each_distinct(rows[c.name], convert))
    frame = rows.select(columns)
    params = frame.select(list(compiled.positiontup)).rows() if compiled.positional else frame.to_dicts()
    for i in range(0, len(params), 10_000):
        conn.exec_driver_sql(compiled.string, params[i:i + 10_000])
