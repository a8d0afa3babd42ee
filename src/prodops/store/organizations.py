"""The organisations a workspace holds: every row that names an organisation names one of these,
spelled as it was first given (names match whatever their case)."""

from __future__ import annotations

import sqlalchemy as sa

from prodops import clock
from prodops.store.dialects import dialect_insert
from prodops.store.tables import organizations


def held_names(conn: sa.Connection) -> list[str]:
    """Every organisation the workspace holds, as first spelled, in name order."""
    return sorted(conn.execute(sa.select(organizations.c.name)).scalars(), key=str.casefold)


def spelled(conn: sa.Connection, organization: str) -> str:
    """`organization` as the workspace spells it (names match whatever their case; in Python, as
    SQLite's lower() folds ASCII only), or as given when the workspace does not hold it."""
    name = organization.strip()
    return next((known for known in conn.execute(sa.select(organizations.c.name)).scalars()
                 if known.casefold() == name.casefold()), name)


def register(conn: sa.Connection, organization: str) -> str:
    """`organization` as the workspace spells it, added to those it holds when new: every writer
    of a row that names an organisation calls it, in its own transaction. Two writers adding the
    same new name at once both go on (ON CONFLICT DO NOTHING): the name is there once."""
    name = spelled(conn, organization)
    conn.execute(dialect_insert(conn)(organizations).values(name=name, added_at=clock.now())
                 .on_conflict_do_nothing(index_elements=["name"]))
    return name
