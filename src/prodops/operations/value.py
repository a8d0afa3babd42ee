"""What Product Ops has been worth: the value metrics of a workspace, with its settings resolved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from typing import TYPE_CHECKING

from prodops import clock
from prodops.core.errors import Fix, InputError
from prodops.core.metrics import METRICS, Options, of_teams, tables_for
from prodops.core.numbers import natural
from prodops.operations.settings import read_settings, value_options

if TYPE_CHECKING:
    from prodops.store import Workspace


@dataclass(frozen=True)
class Value:
    results: dict[str, dict | None]  # metric name -> result, None where its data was not imported
    options: Options
    organization: str  # whose data it is, as the workspace spells it
    unit: str | None = None  # the unit whose teams' rows it counts; None: the whole organisation

    def document(self) -> dict:
        return {METRICS[n].key: r for n, r in self.results.items()}


def value_metrics(ws: Workspace, names: list[str] | None = None, *, as_of: dt.date | None = None, since: dt.date | None = None,
                  teams: tuple[str, ...] = (), model=None, unit: str | None = None, organization: str | None = None,
                  **given) -> Value:
    """The metrics `names` (all by default) from `organization`'s data (the only organisation's,
    when not given) as known on `as_of` (default today): `given` options (change_date, ratio,
    hourly_rate, headcount, grace_days) beat its settings. `teams` match whatever their letter
    case; of a `unit`, only its teams' rows count (metrics.of_teams), at its own scale: its own
    headcount, else the PMs its time survey counts."""
    from prodops.core.metrics.predictability import RATES
    from prodops.inputs.models import load_model
    from prodops.operations.organizations import organization_for
    from prodops.operations.units import unit_named, unit_tree

    names = list(names or METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise InputError(f"unknown metric {unknown[0]!r}; one of {', '.join(METRICS)}")
    if given.get("ratio") is not None and given["ratio"] not in RATES:
        raise InputError(f"unknown ratio {given['ratio']!r}; one of {', '.join(RATES)}")
    as_of = as_of or clock.today()
    if since and since > as_of:
        raise InputError(f"the period starts on {since}, after it ends on {as_of}")
    # a workspace that holds nobody yet has no data: every metric says what to import
    owner = organization_for(ws, organization) if organization or ws.held() else ""
    tree = unit_tree(ws, owner)
    unit = unit_named(tree, unit, owner)
    options = value_options(read_settings(ws, owner, unit), as_of=as_of, since=since, model=model or load_model(),
                            surveyed_headcount=unit is not None, **given)
    # the metrics read neither the file a row came from nor when it was imported (25,000 sprints'
    # paths alone are as many strings to make)
    tables = of_teams({t: ws.data.read(t, owner, without=("source", "imported_at")) for t in tables_for(names)},
                      tree.teams(unit))
    if teams:
        options = dataclasses.replace(options, teams=_teams(ws, owner, teams))
    return Value({n: METRICS[n].compute(tables, options) for n in names}, options, owner, unit)


def _teams(ws: Workspace, organization: str, asked: tuple[str, ...]) -> tuple[str, ...]:
    known = {t.casefold(): t for (t,) in ws.data.distinct("sprints", organization, "team")}
    unknown = [t for t in asked if t.casefold() not in known]
    if unknown:
        raise InputError(f"no team {', '.join(map(repr, unknown))} in the imported sprints; teams: "
                         + (", ".join(sorted(known.values(), key=natural)) or "none imported yet"),
                         fix=Fix("import", "sprint-summary") if not known else None)
    return tuple(known[t.casefold()] for t in asked)
