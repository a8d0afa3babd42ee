"""Importing data into a workspace: from files of any import kind, or from a live Jira board."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from prodops.operations.audit import record
from prodops.operations.organizations import organization_for
from prodops.inputs.sources import FORMATS, NAMES, SCOPED, Batch, Format, load, prepare

if TYPE_CHECKING:
    from prodops.store import Workspace


@dataclass(frozen=True)
class Imported:
    organization: str
    kind: str
    files: list[str]
    rows_read: int
    table: str
    new: int
    updated: int
    notes: list[str]

    def document(self) -> dict:
        return asdict(self)


def import_files(ws: Workspace, kind: str, paths: Sequence[Path | str], team: str | None = None,
                 mapping: Path | str | None = None,
                 points_field: str | None = None, organization: str | None = None) -> Imported:
    """Read and check every file of `kind`, then write their rows in one transaction as data of
    `organization` (the only one the workspace holds, when not given): all or nothing. Rows
    already imported for it (same key, whatever its letter case) are updated."""
    owner = organization_for(ws, organization, new=True)
    done = _write(ws, load(kind, paths, team, mapping, points_field), owner)
    record(ws, "data imported", owner, kind=kind, files=[Path(f).name for f in done.files][:20], table=done.table,
           new=done.new, updated=done.updated)
    return done


@dataclass(frozen=True)
class Synced:
    organization: str
    url: str
    board: int
    team: str
    sprints: int
    issues: int
    new: int
    updated: int
    notes: list[str]

    def document(self) -> dict:
        return asdict(self)


def sync_jira(ws: Workspace, client, board: int, team: str | None = None,
              progress: Callable[[int, int, str], None] = lambda done, total, name: None,
              organization: str | None = None) -> Synced:
    """A board's closed sprints and their sprint reports, read over Jira's REST API and written as a
    jira-sprint-report import would write them, as data of `organization`: the same checks, the
    same summing into sprints."""
    import polars as pl

    from prodops.inputs.sources.jira_sync import sync_board

    owner = organization_for(ws, organization, new=True)  # before anything is read from Jira
    team = team or f"board-{board}"
    rows, sprints = sync_board(client, board, team, progress)
    fmt: Format = FORMATS["jira-sprint-report"]
    rows = rows.with_columns(source=pl.lit(f"{client.base} board {board}"))
    issues = rows.height
    notes = ["the user name and password in the address were left out: the token signs in, and the address is "
             "shown and stored without them"] if client.dropped_credentials else []
    done = _write(ws, prepare("jira-sync", fmt, rows, [client.base], notes), owner)
    record(ws, "jira synced", owner, url=client.base, board=board, team=team, new=done.new, updated=done.updated)
    return Synced(owner, client.base, board, team, sprints, issues, done.new, done.updated, done.notes)


def _write(ws: Workspace, batch: Batch, organization: str) -> Imported:
    """The batch written as `organization`'s rows, its names spelled as that organisation's data
    already spells them."""
    from prodops.inputs.sources import spell_alike

    known = {}
    for domain in NAMES.get(batch.table, {}).values():
        spellings: list[str] = []
        for table, columns in NAMES.items():
            for other, other_domain in columns.items():
                if other_domain != domain:
                    continue
                scope = SCOPED.get(domain)
                found = ws.data.distinct(table, organization, *((scope, other) if scope else (other,)))
                spellings += ["\t".join(v) for v in found if None not in v]
        known[domain] = spellings
    rows = spell_alike(batch.rows, batch.table, known)
    new, updated = ws.data.write(batch.table, rows, organization)
    return Imported(organization, batch.kind, batch.files, batch.read, batch.table, new, updated, batch.notes)
