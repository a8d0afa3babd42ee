"""The teams and business units declared per organisation (prodops.core.units holds the roll-up rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops.store.dialects import dialect_insert
from prodops.store.organizations import register
from prodops.store.tables import campaigns, units

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class DeclaredUnit:
    organization: str  # as recorded
    name: str
    parent: str | None  # None: directly under the organisation
    teams: tuple[str, ...]  # data teams that count as it besides its own name


class DeclaredUnits:
    """The units declared. A change is one transaction, with no lock of its own beyond the
    workspace's writer lock."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def of(self, organization: str) -> list[DeclaredUnit]:
        """The units of `organization`, its name matched in any case here (SQLite's lower() folds ASCII only)."""
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(units)).all()
        return [DeclaredUnit(r.organization, r.name, r.parent, tuple(r.teams)) for r in rows
                if r.organization.casefold() == organization.casefold()]

    def declare(self, organization: str, name: str, parent: str | None, teams: tuple[str, ...]) -> None:
        """Declare unit `name` of `organization` (or change its parent and data teams)."""
        with self._ws.transaction() as conn:
            # the organisation as the workspace spells it: one tree, whatever the case given
            row = {"organization": register(conn, organization), "name": name, "parent": parent, "teams": list(teams)}
            insert = dialect_insert(conn)(units).values(**row)
            conn.execute(insert.on_conflict_do_update(index_elements=["organization", "name"],
                                                      set_={"parent": insert.excluded.parent,
                                                            "teams": insert.excluded.teams}))

    def remove(self, organization: str, name: str) -> bool:
        """Remove unit `name` (as declared) of `organization` (any case), unless a campaign is scoped
        to it: False then, and nothing removed. Checked and removed in one transaction."""
        with self._ws.transaction() as conn:
            scoped = conn.execute(sa.select(campaigns.c.organization, campaigns.c.team)
                                  .where(campaigns.c.team.is_not(None))).all()
            if any(o.casefold() == organization.casefold() and t.casefold() == name.casefold() for o, t in scoped):
                return False
            named = conn.execute(sa.select(units.c.organization).where(units.c.name == name)).scalars()
            stored = next((o for o in named if o.casefold() == organization.casefold()), organization)
            conn.execute(units.delete().where(units.c.organization == stored, units.c.name == name))
        return True
