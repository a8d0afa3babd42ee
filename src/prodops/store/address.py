"""Where a workspace is and which schema it must have: importable without SQLAlchemy, so a command
that only reads what is kept (store.quick) finds the workspace without loading it."""

from __future__ import annotations

import os
from pathlib import Path

from prodops.core.errors import Fix, InputError

DEFAULT_DB = "prodops.db"
ENV_URL = "PRODOPS_DATABASE_URL"
HEAD_REVISION = "0020"  # the newest migration; tests check it against Alembic's own head


def database_url(db: str | None = None) -> str:
    """`db` (a path or a URL), else $PRODOPS_DATABASE_URL, else ./prodops.db."""
    value = (db if db is not None else os.environ.get(ENV_URL) or DEFAULT_DB).strip()
    if not value:
        raise InputError("the workspace is given as empty text; give a SQLite file path or a database URL", fix=Fix("db"))
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + value[len(plain):]
    return value
