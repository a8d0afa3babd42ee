"""The audit trail: entries are added and read, never changed or deleted (the database's triggers
refuse it too, migration 0015)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.store.dialects import aware
from prodops.store.tables import audit_trail

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace

_CHUNK = 1000  # entries read at a time when going through the whole trail


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    actor: str
    action: str
    subject: str
    client: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # given by the trail when added


class AuditTrail:
    """Each call is one transaction; adding takes no lock beyond the workspace's writer lock."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def add(self, entry: Entry) -> None:
        with self._ws.transaction(changes=False) as conn:
            conn.execute(audit_trail.insert().values(
                at=entry.at, actor=entry.actor[:320], client=entry.client and entry.client[:100],
                action=entry.action[:50], subject=entry.subject[:500], detail=entry.detail))

    def latest(self, limit: int, before: int | None = None, action: str | None = None,
               actor: str | None = None) -> list[Entry]:
        """The newest `limit` entries (older than entry #`before`; of `action`, by `actor` when
        given: `actor` itself or "`actor` (token #N)", its API tokens), newest first."""
        query = sa.select(audit_trail).order_by(audit_trail.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(audit_trail.c.id < before)
        if action is not None:
            query = query.where(audit_trail.c.action == action)
        if actor is not None:
            query = query.where(sa.or_(audit_trail.c.actor == actor,
                                       audit_trail.c.actor.startswith(f"{actor} (token #", autoescape=True)))
        with self._ws.transaction(write=False) as conn:
            return [_entry(r) for r in conn.execute(query)]

    def actions(self) -> list[str]:
        """Every action the trail holds, in alphabetical order."""
        with self._ws.transaction(write=False) as conn:
            return list(conn.execute(sa.select(audit_trail.c.action).distinct().order_by(audit_trail.c.action)).scalars())

    def every(self) -> Iterator[Entry]:
        """Every entry, oldest first, read a chunk at a time (the trail may be long)."""
        after = 0
        while True:
            with self._ws.transaction(write=False) as conn:
                chunk = [_entry(r) for r in conn.execute(
                    sa.select(audit_trail).where(audit_trail.c.id > after).order_by(audit_trail.c.id).limit(_CHUNK))]
            yield from chunk
            if len(chunk) < _CHUNK:
                return
            after = chunk[-1].id or 0


def _entry(row: Any) -> Entry:
    return Entry(aware(row.at), row.actor, row.action, row.subject, row.client, dict(row.detail or {}), row.id)
