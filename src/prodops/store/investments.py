"""The roadmap as a plan people run: every change to an investment's owner, cost, target and
status, kept (append-only); an investment's state is its latest change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.store.tables import investment_changes

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace
    from prodops.core.tracking import Tracked


class Investments:
    """The changes to investments, per organisation (as recorded)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def changes(self, organization: str, investment: str | None = None) -> list[Tracked]:
        """Every change of `organization`'s investments (or of one), oldest first: each the state it left."""
        query = sa.select(investment_changes).where(investment_changes.c.organization == organization) \
            .order_by(investment_changes.c.id)
        if investment:
            query = query.where(investment_changes.c.investment == investment)
        with self._ws.transaction(write=False) as conn:
            return [_tracked(r) for r in conn.execute(query)]

    def change(self, organization: str, investment: str, make: Callable[[Tracked], Tracked]) -> Tracked:
        """Record the change `make` makes to `investment`'s latest state (a new one's when it has none)
        and return the state after it: read and written in one transaction, so two changes at once
        both count. `make` gives the state with its time and author (`at`, `by`), as kept."""
        from prodops.core.tracking import Tracked

        table = investment_changes
        with self._ws.transaction() as conn:
            row = conn.execute(sa.select(table).where(table.c.organization == organization, table.c.investment == investment)
                               .order_by(table.c.id.desc()).limit(1)).one_or_none()
            after = make(_tracked(row) if row else Tracked(investment))
            conn.execute(table.insert().values(
                organization=organization, investment=investment, status=after.status, owner=after.owner, cost=after.cost,
                weeks=after.weeks, target=after.target, done_on=after.done_on, changed_at=after.at, changed_by=after.by))
        return after


def _tracked(row: Any) -> Tracked:
    from prodops.core.tracking import Tracked

    at = row.changed_at.replace(tzinfo=dt.UTC) if row.changed_at.tzinfo is None else row.changed_at
    return Tracked(row.investment, row.status, row.owner, row.cost, row.weeks, row.target, row.done_on,
                   at.astimezone(dt.UTC), row.changed_by)  # UTC whatever the database's session zone
