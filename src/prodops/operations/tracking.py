"""The roadmap as a plan people run, on a workspace: recording changes to an investment (owner,
cost, target, status), its history, and whether a done investment worked. The rules are
prodops.core.tracking's."""

from __future__ import annotations

import datetime as dt
import re

from typing import TYPE_CHECKING

from prodops import clock
from prodops.core.errors import Fix, InputError
from prodops.core.tracking import Tracked, after_window, change, verify
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.store import Workspace


def _organization(ws: Workspace, organization: str | None) -> str:
    """The organisation as recorded (any case), or the only one: plans are kept per organisation."""
    return ws.recorded.latest(organization).organization


def _investment(model, investment: str):
    found = model.investment.get(investment)
    if found is None:
        raise InputError(f"unknown investment {investment[:100]!r}; the model's are: {', '.join(model.investment)}",
                         fix=Fix("model-ids"))
    return found


def changes(ws: Workspace, organization: str, investment: str | None = None) -> list[Tracked]:
    """Every change, oldest first (of one investment, or of all)."""
    return ws.investments.changes(organization, investment)


def tracked(ws: Workspace, organization: str, until: dt.date | None = None) -> dict[str, Tracked]:
    """Each investment's state: its latest change (made on or before `until`, when given)."""
    # every recorded change has its time (`at`); one without could not be placed before `until`
    return {t.investment: t for t in changes(ws, organization) if until is None or (t.at is not None and t.at.date() <= until)}


FIELDS = ("status", "owner", "cost", "weeks", "target", "done_on")


def _parsed(fields: dict) -> dict:
    """The fields as typed by a person (text from a command line or a form): an empty one clears it."""
    from prodops.operations.settings import parse_date

    out = {}
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(f"no field {name}")
        if not isinstance(value, str):
            out[name] = value
        elif name in ("cost", "weeks"):
            figure = value.strip()
            # a comma only between thousands: "2,5" is no figure here, not 25
            if figure and not re.fullmatch(r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?", figure):
                raise InputError(f"{name.replace('weeks', 'person-weeks')}: {value[:40]!r} is not a number "
                                 "(digits, a point for decimals, commas only between thousands)")
            out[name] = float(figure.replace(",", "")) if figure else None
        elif name in ("target", "done_on"):
            out[name] = parse_date(value, name.replace("_", " ")) if value.strip() else None
        else:
            out[name] = value.strip()
    return out


def track(ws: Workspace, model, investment: str, organization: str | None = None, by: str | None = None,
          at: dt.datetime | None = None, **fields) -> Tracked:
    """Record a change to `investment`'s plan (fields: status, owner, cost, weeks, target, done_on;
    each one given is changed, as a value or as text a person typed) and return its state after it.
    `at`: when the change was made (now, unless it is recorded after the fact)."""
    _investment(model, investment)
    fields = _parsed(fields)
    organization = _organization(ws, organization)
    now = at or clock.now()
    # the UTC day, as every stored day
    after = ws.investments.change(organization, investment,
                                  lambda before: change(before, now.astimezone(dt.UTC).date(), now, by, **fields))
    record(ws, "investment changed", organization, investment=investment,
           **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()})
    return after


def plan_tracking(ws: Workspace, model, organization: str, as_of: dt.date, until: dt.date | None = None,
                  unit: str | None = None) -> dict[str, dict]:
    """Each tracked investment's state (its changes up to `until`, all by default), and for a done
    one whether it worked, with the assessments and data known on `as_of` (so the same workspace
    gives the same plan and report). Investments are run for the whole organisation; of a `unit`,
    whether they worked there: its criteria at its next result, its own teams' data."""
    from prodops.operations.assessments import evidence
    from prodops.operations.units import unit_tree

    recorded = [a for a in ws.recorded.of(organization) if a.date <= as_of and a.model_id == model.id]
    teams = unit_tree(ws, organization).teams(unit)
    out, results = {}, {}  # results: each assessment scored once, however many investments it checks
    states = tracked(ws, organization, until)
    for investment in model.investment:  # in the model's order; one of another model version is left out
        state = states.get(investment)
        if state is None:
            continue
        document = {"name": model.investment[investment].name, **state.document(), "verification": None}
        if state.status == "done" and state.done_on and state.done_on <= as_of:
            since = next((a for a in recorded if a.date >= state.done_on), None)
            if since and since.id not in results:  # the organisation's (or unit's) result on that day (roll-up)
                results[since.id] = _result_on(ws, model, organization, since.date, unit)
            end = after_window(state.done_on, as_of)
            document["verification"] = verify(
                model.investment[investment], state.done_on, since and results[since.id],
                evidence(ws, organization, state.done_on, teams),
                measured_after(ws, organization, state.done_on, end, teams) if end is not None else None, end).document()
        out[investment] = document
    return out


def _result_on(ws: Workspace, model, organization: str, day: dt.date, unit: str | None):
    """The result of the organisation (or of its unit) on `day`; None when nobody counted in the unit yet."""
    from prodops.operations.assessments import latest

    try:
        return latest(ws, model, organization, day, unit).result
    except InputError:
        if unit is None:
            raise
        return None


def measured_after(ws: Workspace, organization: str, done_on: dt.date, until: dt.date, teams: set[str] | None = None) -> dict:
    """What `organization`'s data (of `teams`; None: all of it) measured after `done_on` only, up to
    `until`: the sprints that ended in between, and the PM time survey only if one was taken after
    it (launches look back a year: not here)."""
    import polars as pl

    from prodops.core.metrics import known_by, of_teams
    from prodops.core.metrics.symptoms import measurements

    known = known_by(of_teams({t: ws.data.read(t, organization) for t in ("sprints", "time_survey")}, teams), until)
    after = {"sprints": known["sprints"], "time_survey": known["time_survey"].filter(pl.col("date") > done_on)}
    return measurements(after, until, window_days=(until - done_on).days)
