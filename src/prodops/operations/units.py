"""Teams and business units in a workspace: declare them, and score a unit and the units below it
on a day by the roll-up rule (prodops.core.units)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodops.core.errors import Fix, InputError
from prodops.core.model import MaturityModel
from prodops.core.safe_text import checked_text
from prodops.core.units import Comparison, Unit, Units
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.store import Workspace
    from prodops.store import RecordedAssessment
    from prodops.store.units import DeclaredUnit


def unit_tree(ws: Workspace, organization: str) -> Units:
    """The units declared for `organization` (any case)."""
    return _tree(ws.units.of(organization))


def _tree(rows: list[DeclaredUnit]) -> Units:
    return Units(Unit(r.name, r.parent, r.teams) for r in rows)


def organization_of(ws: Workspace, organization: str | None) -> str:
    """The organisation units are declared for: as the workspace spells it (any case), as named, or the only one it holds."""
    from prodops.operations.organizations import organization_for

    return organization_for(ws, organization, new=True)


def unit_named(tree: Units, name: str | None, organization: str) -> str | None:
    """A unit's name as declared (None: the organisation), or a clear error naming the units there are."""
    if name is None or not name.strip():
        return None
    found = tree.find(name.strip())
    if found is None:
        declared = ", ".join(u.name for u in tree) or "none yet"
        raise InputError(f"no unit {name.strip()!r} in {organization}; declared: {declared}", fix=Fix("units"))
    return found.name


def declare_unit(ws: Workspace, organization: str | None, name: str, parent: str | None = None,
                 teams: tuple[str, ...] = ()) -> Unit:
    """Declare a unit (or change its parent and data teams): under `parent` (None: the organisation),
    counting the data of `teams` besides its own name."""
    org = organization_of(ws, organization)
    tree = unit_tree(ws, org)
    name = checked_text(name, "the unit's name", required=True)
    teams = tuple(dict.fromkeys(checked_text(t, "a team", required=True) for t in teams if t.strip()))
    parent = unit_named(tree, parent, org)
    existing = tree.find(name)
    name = existing.name if existing else name
    if parent is not None and tree.within(parent, name):
        raise InputError(f"{parent} lies within {name}; a unit cannot sit under itself or a unit below it")
    for team in (name, *teams):
        owner = tree.of_team(team)
        if owner is not None and owner.name.casefold() != name.casefold():
            raise InputError(f"{team!r} already counts as unit {owner.name}; a team counts in one unit")
    ws.units.declare(org, name, parent, teams)
    record(ws, "unit declared" if existing is None else "unit changed", org, unit=name, parent=parent, teams=list(teams))
    return Unit(name, parent, teams)


def remove_unit(ws: Workspace, organization: str | None, name: str) -> Unit:
    """Remove a unit nothing depends on: no unit below it, no assessment or campaign scoped to it."""
    org = organization_of(ws, organization)
    tree = unit_tree(ws, org)
    named = unit_named(tree, name, org)  # refuses a name not declared
    found = tree.find(named) if named is not None else None
    if found is None:  # a blank name, which unit_named reads as the whole organisation
        raise InputError("the unit's name is empty; name the unit to remove", fix=Fix("units"))
    below = tree.below(found.name)
    if below:
        raise InputError(f"{found.name} has units below it ({', '.join(u.name for u in below)}); remove or move them first")
    scoped = [a for a in ws.recorded.of(org) if (a.unit or "").casefold() == found.name.casefold()]
    if scoped:
        raise InputError(f"{len(scoped)} assessment(s) are scoped to {found.name} (the first of {scoped[0].date}); "
                         "a unit with assessments stays")
    if not ws.units.remove(org, found.name):
        raise InputError(f"a campaign is scoped to {found.name}; a unit with campaigns stays")
    record(ws, "unit removed", org, unit=found.name)
    return found


@dataclass(frozen=True)
class Pool:
    """What an organisation's results on a day are scored from: its units, the latest assessment
    of each scope on or before the day with their answers, and the data."""
    organization: str
    units: Units
    assessed: list  # (scope, Responses), oldest first
    newest: RecordedAssessment  # the newest of them
    tables: dict
    picked: list  # store.RecordedAssessment: the assessments `assessed` holds, oldest first

    @property
    def day(self) -> dt.date:
        """The day the results are of: the newest assessment's."""
        return self.newest.date

    def notes(self, model: MaturityModel) -> list[str]:
        return [f"assessment #{a.id} was answered on {a.model_id}@{a.model_version}; scored with {model.ref}"
                for a in self.picked if a.model_version != model.version]


def pool(ws: Workspace, model: MaturityModel, organization: str | None = None, as_of: dt.date | None = None,
         tables: dict | None = None, with_data: bool = True) -> Pool:
    """Of `organization` (or the only one recorded), each scope's latest assessment on `model` on or
    before `as_of`; refused when the newest assessment by then is of another model. `tables`: the
    data tables when already read (a history reads them once for all its days); without `with_data`,
    none (who answered what is all a confidentiality check needs)."""
    from prodops.core.units import latest_by_scope

    newest = ws.recorded.latest(organization)  # which organisation, and its errors
    recorded = [a for a in ws.recorded.of(newest.organization) if as_of is None or a.date <= as_of]
    if not recorded:
        raise InputError(f"no assessment of {newest.organization} on or before {as_of}; the first is of "
                         f"{ws.recorded.of(newest.organization)[0].date}")
    newest = recorded[-1]
    if newest.model_id != model.id:
        raise InputError(f"the latest assessment (#{newest.id}) was answered on model {newest.model_id}@{newest.model_version}, "
                         f"not {model.ref}; use that model", fix=Fix("model"))
    picked = latest_by_scope([a for a in recorded if a.model_id == model.id], None)
    return Pool(newest.organization, unit_tree(ws, newest.organization), [(a.unit, ws.recorded.responses(a.id)) for a in picked],
                newest, tables if tables is not None else data_tables(ws, newest.organization) if with_data else {},
                picked)


def data_tables(ws: Workspace, organization: str) -> dict:
    """The tables evidence is measured from: `organization`'s rows, as the workspace holds them."""
    from prodops.core.metrics.symptoms import TABLES

    return {t: ws.data.read(t, organization) for t in TABLES}


def scored_unit(model: MaturityModel, pool: Pool, unit: str | None):
    """(responses, result) of `unit` (None: the organisation) by the roll-up rule; None when nobody counts in it."""
    from prodops.core.assessment import assess as score
    from prodops.core.metrics import known_by, of_teams
    from prodops.core.metrics.symptoms import measurements
    from prodops.core.units import counted

    responses = counted(pool.units, unit, pool.assessed)
    if responses is None:
        return None
    tables = known_by(of_teams(pool.tables, pool.units.teams(unit)), responses.date)
    return responses, score(model, responses, measurements(tables, responses.date))


def compared(model: MaturityModel, pool: Pool, unit: str | None) -> Comparison | None:
    """The units below `unit` side by side (None when none is declared below it)."""
    from prodops.core.units import compare

    below = pool.units.below(unit)
    if not below:
        return None
    results = {u.name: found[1] for u in below if (found := scored_unit(model, pool, u.name))}
    return compare(pool.units, unit, results)
