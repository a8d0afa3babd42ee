"""What Product Ops has been worth: the value metrics of a workspace, with its settings resolved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from prodops import clock
from prodops.errors import Fix, InputError
from prodops.metrics import METRICS, Options, of_teams, tables_for
from prodops.numbers import natural
from prodops.operations.settings import read_settings, value_options


@dataclass(frozen=True)
class Value:
    results: dict[str, dict | None]  # metric name -> result, None where its data was not imported
    options: Options

    def document(self) -> dict:
        return {METRICS[n].key: r for n, r in self.results.items()}


def value_metrics(ws, names: list[str] | None = None, *, as_of: dt.date | None = None, since: dt.date | None = None,
                  teams: tuple[str, ...] = (), model=None, unit: str | None = None, organization: str | None = None,
                  **given) -> Value:
    """The metrics `names` (all by default) from the workspace's data as known on `as_of` (default
    today): `given` options (change_date, ratio, hourly_rate, headcount, grace_days) beat the
    workspace's settings. `teams` match whatever their letter case; of a `unit` (of `organization`),
    only its teams' rows count (metrics.of_teams)."""
    from prodops.metrics.predictability import RATES

    names = list(names or METRICS)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise InputError(f"unknown metric {unknown[0]!r}; one of {', '.join(METRICS)}")
    if given.get("ratio") is not None and given["ratio"] not in RATES:
        raise InputError(f"unknown ratio {given['ratio']!r}; one of {', '.join(RATES)}")
    as_of = as_of or clock.today()
    if since and since > as_of:
        raise InputError(f"the period starts on {since}, after it ends on {as_of}")
    options = value_options(read_settings(ws), as_of=as_of, since=since, model=model, **given)
    tables = of_teams({t: ws.read(t) for t in tables_for(names)}, _unit_teams(ws, unit, organization))
    if teams:
        options = dataclasses.replace(options, teams=_teams(ws, teams))
    return Value({n: METRICS[n].compute(tables, options) for n in names}, options)


def _unit_teams(ws, unit: str | None, organization: str | None) -> set[str] | None:
    """The data teams of `unit` (None without one: every row counts)."""
    if not unit:
        return None
    from prodops.operations.units import organization_of, unit_named, unit_tree

    org = organization_of(ws, organization)
    tree = unit_tree(ws, org)
    return tree.teams(unit_named(tree, unit, org))


def _teams(ws, asked: tuple[str, ...]) -> tuple[str, ...]:
    known = {t.casefold(): t for (t,) in ws.distinct("sprints", "team")}
    unknown = [t for t in asked if t.casefold() not in known]
    if unknown:
        raise InputError(f"no team {', '.join(map(repr, unknown))} in the imported sprints; teams: "
                         + (", ".join(sorted(known.values(), key=natural)) or "none imported yet"),
                         fix=Fix("import", "sprint-summary") if not known else None)
    return tuple(known[t.casefold()] for t in asked)
