"""The lead's commentary on a report: per organisation, unit and report date, the Markdown as written."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops import clock
from prodops.store.tables import commentary

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


class Commentary:
    """The commentary kept per report. A change is one transaction (the old text replaced, never
    lost half-way), with no lock of its own beyond the workspace's writer lock."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def text(self, organization: str, unit: str | None, as_of: dt.date) -> str:
        """The commentary kept for the report of `organization` (as recorded; of its `unit` as
        declared, None: the whole organisation) as of `as_of`, or an empty text."""
        with self._ws.transaction(write=False) as conn:
            kept: str | None = conn.execute(sa.select(commentary.c.text).where(
                commentary.c.organization == organization, commentary.c.unit == (unit or ""),
                commentary.c.as_of == as_of)).scalar()
        return kept or ""

    def keep(self, organization: str, unit: str | None, as_of: dt.date, text: str | None, by: str | None) -> None:
        """Keep `text` as the commentary of that report, written by `by` (None: remove it)."""
        key = ((commentary.c.organization == organization) & (commentary.c.unit == (unit or ""))
               & (commentary.c.as_of == as_of))
        with self._ws.transaction() as conn:
            conn.execute(commentary.delete().where(key))
            if text is not None:
                conn.execute(commentary.insert().values(organization=organization, unit=unit or "", as_of=as_of,
                                                        text=text, changed_at=clock.now(), changed_by=by))
