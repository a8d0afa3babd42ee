"""The roadmap as a plan people run: each investment's owner, cost estimate (money and/or
person-weeks), target date and status (planned, in progress, done, dropped), every change kept;
and, for an investment done, whether it worked.

- A change gives only the fields it changes; an empty owner clears the owner. Marking an investment
  done records its done date (the day of the change unless given; never a day still to come).
- Whether it worked: the first assessment recorded on or after its done date says which of the
  criteria it was meant to satisfy are met; the metric the model names for it is measured from the
  data in the quarter before its done date and in the quarter after (as far as the data reaches).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from prodops.core.errors import InputError, Problem
from prodops.core.metrics import Measurement
from prodops.core.safe_text import checked_text

STATUSES = ("planned", "in-progress", "done", "dropped")
MAX_COST = 1e12  # no investment costs more: a larger figure is a typo
MAX_WEEKS = 10_000
AFTER_DAYS = 91  # the quarter after a done date in which its metric should move


@dataclass(frozen=True)
class Tracked:
    """An investment's plan as people run it. `at` and `by` say when and who changed it last."""

    investment: str
    status: str = "planned"
    owner: str | None = None
    cost: float | None = None  # in the workspace's currency
    weeks: float | None = None  # person-weeks
    target: dt.date | None = None
    done_on: dt.date | None = None
    at: dt.datetime | None = None
    by: str | None = None

    def document(self) -> dict:
        return {"status": self.status, "owner": self.owner, "cost": self.cost, "person_weeks": self.weeks,
                "target": self.target and self.target.isoformat(), "done_on": self.done_on and self.done_on.isoformat(),
                "changed_at": self.at and self.at.isoformat(timespec="seconds"), "changed_by": self.by}


_KEEP = object()  # a field the change does not give


def change(before: Tracked, today: dt.date, at: dt.datetime, by: str | None = None, *, status=_KEEP, owner=_KEEP,
           cost=_KEEP, weeks=_KEEP, target=_KEEP, done_on=_KEEP) -> Tracked:
    """`before` with the given fields changed, or InputError listing every field that is wrong."""
    problems = []
    if status is not _KEEP and status not in STATUSES:
        problems.append(Problem(f"status {status!r}: one of {', '.join(STATUSES)}", column="status"))
    if owner is not _KEEP and owner is not None:
        try:
            owner = checked_text(owner, "owner")
        except InputError as e:
            problems.append(Problem(e.message, column="owner"))
    for name, value, top in (("cost", cost, MAX_COST), ("person-weeks", weeks, MAX_WEEKS)):
        if value is not _KEEP and value is not None and not 0 <= value <= top:
            problems.append(Problem(f"{name} {value:g}: a figure from 0 to {top:,.0f}", column=name))
    new_status = before.status if status is _KEEP else status
    if done_on is not _KEEP and done_on is not None:
        if new_status != "done":
            problems.append(Problem("a done date is given only with the status done", column="done_on"))
        elif done_on > today:
            problems.append(Problem(f"done date {done_on.isoformat()} is still to come", column="done_on"))
    if problems:
        raise InputError(f"investment {before.investment}: {len(problems)} thing{'s' if len(problems) > 1 else ''} to correct",
                         problems)
    given = {k: v for k, v in (("status", status), ("owner", owner), ("cost", cost), ("weeks", weeks),
                               ("target", target), ("done_on", done_on)) if v is not _KEEP}
    after = replace(before, **given, at=at, by=by)
    if after.status != "done":
        after = replace(after, done_on=None)
    elif after.done_on is None:
        after = replace(after, done_on=before.done_on if before.status == "done" and before.done_on else today)
    return after


@dataclass(frozen=True)
class Verification:
    """Whether a done investment worked: its criteria in the first assessment on or after its done
    date, and its metric in the quarter before and the quarter after."""

    investment: str
    done_on: dt.date
    assessed_on: dt.date | None  # None: no assessment since it was done
    criteria: dict[str, str]  # criterion -> its status then (met, unmet, na, unanswered)
    metric: str
    before: Measurement | None
    after: Measurement | None
    after_until: dt.date | None  # the end of the "after" window: short of a quarter while data is young

    @property
    def met(self) -> int:
        return sum(s == "met" for s in self.criteria.values())

    def document(self) -> dict:
        measured = self.before or self.after
        return {"done_on": self.done_on.isoformat(), "assessed_on": self.assessed_on and self.assessed_on.isoformat(),
                "criteria": self.criteria, "criteria_met": self.met, "criteria_total": len(self.criteria),
                "metric": self.metric, "metric_before": self.before and self.before.value,
                "metric_after": self.after and self.after.value,
                "metric_after_until": self.after_until and self.after_until.isoformat(),
                # what each figure rests on: n sprints or survey respondents
                "metric_counts": (measured.counts or None) if measured else None,
                "metric_before_n": self.before and self.before.n, "metric_after_n": self.after and self.after.n}


def after_window(done_on: dt.date, as_of: dt.date) -> dt.date | None:
    """The day the "after" measurement is taken: a quarter after the done date, or as far as the
    data reaches (`as_of`); None when no day after the done date is known yet."""
    until = min(done_on + dt.timedelta(days=AFTER_DAYS), as_of)
    return until if until > done_on else None


def verify(investment, done_on: dt.date, assessed, before: dict[str, Measurement], after: dict[str, Measurement] | None,
           after_until: dt.date | None) -> Verification:
    """`assessed`: the AssessmentResult of the first assessment on or after `done_on` (or None);
    `before`/`after`: what the data measured in the quarter before `done_on` and up to `after_until`."""
    criteria = {cid: assessed.criteria[cid].status for cid in investment.criteria if cid in assessed.criteria} if assessed else {}
    name = investment.metric.name
    return Verification(investment.id, done_on, assessed.date if assessed else None, criteria, name,
                        before.get(name), (after or {}).get(name), after_until)


def describe(state: dict) -> str:
    """An investment's state (its JSON document) in a line: status, owner, cost, effort, dates."""
    parts = [state["status"]]
    parts += [f"owner {state['owner']}"] if state["owner"] else []
    parts += [f"cost {state['cost']:,.0f}"] if state["cost"] is not None else []
    parts += [f"{state['person_weeks']:g} person-weeks"] if state["person_weeks"] is not None else []
    parts += [f"target {state['target']}"] if state["target"] else []
    parts += [f"done on {state['done_on']}"] if state["done_on"] else []
    return " · ".join(parts)


def worked(verification: dict | None) -> str:
    """Whether a done investment worked, in one sentence (its JSON `verification`), the same in every
    format: its criteria at the next assessment, its metric before → after."""
    from prodops.core.metrics import measure_name
    from prodops.core.numbers import NOUNS, count, pct

    if not verification:
        return ""
    v = verification
    criteria = (f"{v['criteria_met']} of {v['criteria_total']} criteria met at the assessment of {v['assessed_on']}"
                if v["assessed_on"] else "no assessment since it was done")
    named = measure_name(v["metric"])  # in words; the JSON keeps the id
    if v["metric_before"] is None and v["metric_after"] is None:
        metric = "its measure of success is not taken from the data"
    else:
        def of(n: int | None) -> str:  # what a figure rests on, where the data counted it
            return f" ({count(n, NOUNS.get(v['metric_counts'], 'sprint'), v['metric_counts'])})" if n is not None else ""

        until = f"to {v['metric_after_until']}" if v["metric_after_until"] else ""
        after = "; ".join(filter(None, [of(v.get("metric_after_n")).strip(" ()"), until]))
        metric = (f"{named} {pct(v['metric_before'])} in the quarter before{of(v.get('metric_before_n'))}, "
                  f"{pct(v['metric_after'])} after" + (f" ({after})" if after else ""))
    return f"{criteria}; {metric}."
