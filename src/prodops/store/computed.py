"""What is computed from the workspace (a report, the evidence a campaign's result is checked
against), kept under the workspace's state version and used while that version stands: every
worker and instance of the workspace shares it. A write that can change what is computed moves the
version on in its own transaction (`Workspace.transaction`), so nothing kept outlives its inputs;
keeping a result is not such a write."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops import clock
from prodops.store.dialects import dialect_insert
from prodops.store.quick import hashed, packed, unpacked
from prodops.store.tables import computed, state_versions

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


class Computed:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def version(self) -> int:
        """The workspace's state version now: read it before reading what a result is computed from."""
        with self._ws.transaction(write=False) as conn:
            return int(conn.execute(sa.select(state_versions.c.version)
                                    .where(state_versions.c.name == "workspace")).scalar_one())

    def get(self, key: str, version: int) -> bytes | None:
        """What was kept under `key` at `version`; None when nothing was, or at another version."""
        with self._ws.transaction(write=False) as conn:
            kept = conn.execute(sa.select(computed.c.value).where(computed.c.key == hashed(key),
                                                                  computed.c.version == version)).scalar()
        return None if kept is None else unpacked(kept)

    def put(self, key: str, version: int, value: bytes) -> None:
        """Keep `value` under `key` as computed at `version`, replacing what was kept under it, and
        drop whatever was computed before the version now or two days ago (it is stale). Inside a
        write transaction of this thread (closing a campaign computes its evidence) nothing is kept:
        the write would wait on that one, and what it computed may be about to change."""
        if self._ws.writing():
            return
        with self._ws.transaction(changes=False) as conn:
            now = conn.execute(sa.select(state_versions.c.version).where(state_versions.c.name == "workspace")).scalar_one()
            # what an earlier day kept (keys name their day) is stale too, whether or not the workspace changed
            conn.execute(computed.delete().where(sa.or_(computed.c.version < now,
                                                        computed.c.made_at < clock.now() - dt.timedelta(days=2))))
            if version < now:  # the workspace changed while it was computed: keep nothing
                return
            insert = dialect_insert(conn)(computed).values(key=hashed(key), version=version, value=packed(value),
                                                          made_at=clock.now())
            conn.execute(insert.on_conflict_do_update(index_elements=["key"], set_={
                "version": insert.excluded.version, "value": insert.excluded.value, "made_at": insert.excluded.made_at}))

