"""What each organisation keeps about itself: its settings (of it, or of one of its units), its
named days on the timeline, and the files of its brand (its logo)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops.store.dialects import dialect_insert
from prodops.store.organizations import register, spelled
from prodops.store.tables import assets, events, settings

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class Asset:
    """A file an organisation keeps for its reports."""

    media_type: str
    data: bytes


class Profiles:
    """Settings, named days and brand files, per organisation. Each change is one transaction with
    no lock of its own beyond the workspace's writer lock; the last change wins."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def settings(self, organization: str) -> dict[str, dict[str, str]]:
        """The settings of `organization` (as the workspace spells it): unit ("" for the organisation
        itself) -> key -> value."""
        out: dict[str, dict[str, str]] = {}
        with self._ws.transaction(write=False) as conn:
            for unit, key, value in conn.execute(sa.select(settings.c.unit, settings.c.key, settings.c.value)
                                                 .where(settings.c.organization == spelled(conn, organization))):
                out.setdefault(unit, {})[key] = value
        return out

    def set_setting(self, organization: str, key: str, value: str | None, unit: str = "") -> None:
        """Set (None: remove) a setting of `organization`, or of its `unit`."""
        with self._ws.transaction() as conn:
            organization = register(conn, organization)
            if value is None:
                conn.execute(settings.delete().where(settings.c.organization == organization, settings.c.unit == unit,
                                                     settings.c.key == key))
            else:
                insert = dialect_insert(conn)(settings).values(organization=organization, unit=unit, key=key, value=value)
                conn.execute(insert.on_conflict_do_update(index_elements=["organization", "unit", "key"],
                                                          set_={"value": insert.excluded.value}))

    def events(self, organization: str) -> list[tuple[dt.date, str]]:
        """The named days of `organization` (as recorded): (day, label), in order of day, then as added."""
        with self._ws.transaction(write=False) as conn:
            return [(r.day, r.label) for r in conn.execute(
                sa.select(events).where(events.c.organization == organization).order_by(events.c.day, events.c.id))]

    def add_event(self, organization: str, day: dt.date, label: str) -> str:
        """Name `day` of `organization` with `label` (the same name on the same day once). Returns the
        organisation as the workspace spells it."""
        with self._ws.transaction() as conn:
            organization = register(conn, organization)
            conn.execute(dialect_insert(conn)(events).values(organization=organization, day=day, label=label)
                         .on_conflict_do_nothing(index_elements=["organization", "day", "label"]))
        return organization

    def remove_events(self, organization: str, day: dt.date) -> int:
        """Remove the named days of `organization` (as recorded) on `day`; how many there were."""
        with self._ws.transaction() as conn:
            removed: int = conn.execute(events.delete().where(events.c.organization == organization,
                                                              events.c.day == day)).rowcount
        return removed

    def asset(self, organization: str, name: str) -> Asset | None:
        """The file `name` of `organization` (as recorded), or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(assets).where(assets.c.organization == organization,
                                                       assets.c.name == name)).one_or_none()
        return None if row is None else Asset(row.media_type, row.data)

    def set_asset(self, organization: str, name: str, asset: Asset | None) -> str:
        """Keep `asset` as `organization`'s file `name` (None: remove it), in one transaction.
        Returns the organisation as the workspace spells it."""
        with self._ws.transaction() as conn:
            organization = register(conn, organization)
            conn.execute(assets.delete().where(assets.c.organization == organization, assets.c.name == name))
            if asset is not None:
                conn.execute(assets.insert().values(organization=organization, name=name, media_type=asset.media_type,
                                                    data=asset.data))
        return organization
