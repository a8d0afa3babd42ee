"""What differs between SQLite and PostgreSQL, for the repositories: the INSERT that knows ON
CONFLICT, and times as each gives them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, overload

import sqlalchemy as sa


def dialect_insert(conn: sa.Connection) -> Callable[[sa.Table], Any]:
    """The INSERT of the connection's database that knows ON CONFLICT (a function of a table)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert

    return insert


@overload
def aware(when: dt.datetime) -> dt.datetime: ...
@overload
def aware(when: None) -> None: ...
def aware(when: dt.datetime | None) -> dt.datetime | None:
    """A stored time as UTC: SQLite gives it back without its zone, PostgreSQL in the server's zone
    (whose calendar day may be another)."""
    if when is None:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
