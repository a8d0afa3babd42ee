"""What is kept in a SQLite workspace (store.computed), read with the standard library alone: a
command that only reads finds its result here without importing SQLAlchemy, which costs it 0.2 s.
Found only when kept at the workspace's state version now, in a workspace at the schema's head
revision; anything else (PostgreSQL, no file, an older schema, nothing kept) is None, and the
command opens the workspace as usual, which computes and keeps it."""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from pathlib import Path

from prodops.core.errors import InputError
from prodops.store.address import HEAD_REVISION, database_url


def kept(db: str | None, key: str) -> bytes | None:
    """What was kept under `key` in the workspace `db` (as `Workspace.open` takes it) at its state
    version now; None when nothing was, or the workspace is not a SQLite file at the head revision."""
    path = _sqlite_file(db)
    if path is None:
        return None
    try:  # read-only: never creates a file, never writes (a writer elsewhere is not waited for)
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # the version and what is kept under it, read in one snapshot
        if conn.execute("SELECT version_num FROM alembic_version").fetchone() != (HEAD_REVISION,):
            return None
        found = conn.execute(
            "SELECT c.value FROM computed c JOIN state_versions v ON v.name = 'workspace' AND c.version = v.version "
            "WHERE c.key = ?", (hashed(key),)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if found is None else unpacked(found[0])


def packed(value: bytes) -> bytes:
    """A value as kept: zlib-compressed (b"z" first) when that makes it a tenth smaller, else as it
    is (b"="): a PDF or a deck is compressed already, and unpacking it cost a download 0.9 ms."""
    small = zlib.compress(value, 1)
    return b"z" + small if len(small) < 0.9 * len(value) else b"=" + value


def unpacked(kept: bytes) -> bytes:
    return zlib.decompress(kept[1:]) if kept[:1] == b"z" else kept[1:]


def hashed(key: str) -> str:
    """A key as kept: its SHA-256, whatever the names in it (an organisation's may be long)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _sqlite_file(db: str | None) -> Path | None:
    """The SQLite file `db` names, if it is one that exists."""
    try:
        url = database_url(db)
    except InputError:
        return None
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return path if path.is_file() else None
