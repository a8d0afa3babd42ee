"""Value metrics over the workspace's imported tables, in one registry.

Each metric's module holds its definition (its docstring, which the report quotes) and a
`compute(tables, options)`; `METRICS` below lists them once, in the order reports show them, with
the tables each reads and the import kinds that fill those tables. Adding a metric is its module
and one entry here: the CLI, the report (a generic section until it gets a layout of its own) and
its methodology follow; the report's JSON Schema documents its fields.

Every metric sees the data as it was known on the as-of date (`known_by`): the one rule for
cutting data at a date, used for the metrics alone (today, or the end of the period asked for),
for an assessment's evidence (its date) and for the report (its date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars is imported where tables are read: `prodops history` has no use for it
    import polars as pl


@dataclass(frozen=True)
class Options:
    """How to compute the metrics. `as_of`: the day the data is read as of (data from later is
    left out; launches due later are pending); `since`: the first day of the period."""

    as_of: dt.date | None = None
    since: dt.date | None = None
    teams: tuple[str, ...] = ()
    change_date: dt.date | None = None
    ratio: str = "planning_accuracy"
    hourly_rate: float | None = None
    headcount: float | None = None
    # a unit's money is at its own scale: without a headcount of its own, the PMs its survey counts
    surveyed_headcount: bool = False
    currency: str | None = None
    grace_days: int = 0
    revenue_window_days: int = 180
    model: object = None  # the maturity model whose lines the symptoms use (the operations give it)


# What each measurement that data-bound criteria check is, in words (measure_name): its id stays
# in the JSON and the methodology; people read these.
MEASURE_NAMES = {
    "planning_delay_share": "Sprints that started late",
    "sprint_cadence_consistency": "Sprints on the common cadence",
    "pm_overhead_share": "PM working time on overhead",
    "planning_accuracy": "Planning accuracy",
    "gtm_ready_rate": "Launches with a complete checklist",
}


def measure_name(metric: str) -> str:
    """A measurement as people read it: "PM working time on overhead" for pm_overhead_share."""
    return MEASURE_NAMES.get(metric, metric.replace("_", " "))


@dataclass(frozen=True)
class Measurement:
    """A figure the data measured, with what it rests on: `n` sprints, launches or survey
    respondents (`counts`), from its `first` to its `last` day (both in it), and the fewest of them
    the figure is judged from (`minimum`, the metric's own; a data binding of the model may ask for
    another). Measured shares are 0..1 fractions."""

    value: float
    n: int | None = None  # None: a figure given as it is, not counted from data (then no minimum applies)
    counts: str = ""  # what n counts, plural: sprints, launches, respondents
    first: dt.date | None = None
    last: dt.date | None = None
    minimum: int = 1
    # what it rests on, counted and left out with the reason (symptoms' records): kept with the
    # figure from the one computation, never stored with an assessment
    records: tuple[dict, ...] = field(default=(), compare=False, repr=False)

    def document(self) -> dict:
        """Its JSON form, at full precision (without its records)."""
        return {"value": self.value, "n": self.n, "counts": self.counts or None,
                "from": self.first and self.first.isoformat(), "to": self.last and self.last.isoformat(),
                "minimum": self.minimum}


@dataclass(frozen=True)
class Metric:
    name: str  # as people and the CLI name it: time-value
    title: str  # the heading of its section in every format of the report, and of its table in the terminal
    module: str  # prodops.core.metrics.<module>: its docstring defines it, its compute() computes it
    tables: tuple[str, ...]  # the workspace tables it reads
    imports: tuple[str, ...]  # the import kinds that fill them, for "nothing imported yet" hints
    method: str | None = None  # the heading of its definition in the methodology, where that names the method; else the title

    @property
    def method_title(self) -> str:
        return self.method or self.title

    @property
    def key(self) -> str:
        """Its name in JSON documents: time_value."""
        return self.name.replace("-", "_")

    def compute(self, tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
        """The metric from the tables as known on `options.as_of`; None when its data is absent. Its
        `records` add the rows not known yet on that day, where the metric lists them (`unknown_records`)."""
        module = import_module(f"prodops.core.metrics.{self.module}")
        known = known_by(tables, options.as_of)
        out = module.compute(known, options)
        unknown = getattr(module, "unknown_records", None)
        if out is not None and unknown is not None and options.as_of is not None:
            out["records"] = out["records"] + unknown(tables, known, options)
        return out


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("predictability", "Sprint predictability", "predictability", ("sprints",), ("sprint-summary", "sprint-issues")),
    Metric("launches", "Launch success", "launches", ("launches", "launch_checklist"), ("launches", "launch-checklist")),
    Metric("time-value", "Time saved for PMs", "time_value", ("time_survey",), ("time-survey", "survey-export"),
           method="Time value"),
    Metric("revenue", "Revenue wins from feedback-driven work", "revenue", ("feedback", "roadmap_items", "account_outcomes"),
           ("feedback", "roadmap-items", "account-outcomes"), method="Revenue attribution"),
    Metric("symptoms", "Symptoms of low maturity", "symptoms", ("sprints", "time_survey", "launches", "launch_checklist"),
           ("sprint-summary", "time-survey"), method="Symptoms"),
)}
NAMES = tuple(METRICS)


def tables_for(names) -> tuple[str, ...]:
    """The workspace tables the metrics `names` read, each once."""
    return tuple(dict.fromkeys(t for n in names for t in METRICS[n].tables))


def compute(name: str, tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    return METRICS[name].compute(tables, options)


def known_by(tables: dict[str, pl.DataFrame], as_of: dt.date | None) -> dict[str, pl.DataFrame]:
    """The tables as they were known on `as_of` (all of them without one):
    - a sprint counts once it has *ended* by that day (one still running has partial figures);
      a sprint without dates cannot be placed and is kept;
    - surveys, feedback and account outcomes count from the day they are dated;
    - a roadmap item shipped later was not shipped yet; a checklist item done later was not done yet;
    - a launch keeps its row: its actual date, if later, is not known yet (launches.py then says
      whether it is pending or late)."""
    if as_of is None:
        return tables
    import polars as pl

    cut = dict(tables)
    rules: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
        "sprints": lambda f: f.filter(pl.coalesce("end", "start").is_null() | (pl.coalesce("end", "start") <= as_of)),
        "time_survey": lambda f: f.filter(pl.col("date") <= as_of),
        "feedback": lambda f: f.filter(pl.col("received") <= as_of),
        "account_outcomes": lambda f: f.filter(pl.col("date") <= as_of),
        "roadmap_items": lambda f: f.with_columns(shipped=pl.when(pl.col("shipped") <= as_of).then(pl.col("shipped"))),
        "launch_checklist": lambda f: f.with_columns(
            done=pl.col("done") & (pl.col("done_at").is_null() | (pl.col("done_at") <= as_of)),
            done_at=pl.when(pl.col("done_at") <= as_of).then(pl.col("done_at"))),
        "launches": lambda f: f.with_columns(actual_date=pl.when(pl.col("actual_date") <= as_of).then(pl.col("actual_date"))),
    }
    for name, rule in rules.items():
        if name in cut:
            cut[name] = rule(cut[name])
    return cut


# A unit's data: the rows of its teams. Sprints, time surveys and launches carry a team; the rest
# (feedback, roadmap items, accounts) belong to the organisation as a whole.
TEAM_TABLES = ("sprints", "time_survey", "launches")


def of_teams(tables: dict[str, pl.DataFrame], teams: set[str] | None) -> dict[str, pl.DataFrame]:
    """The tables as a unit sees them: the rows of `teams` (in lower case, as units.Units.teams
    gives them; None: every row, the organisation's)."""
    if teams is None:
        return tables
    import polars as pl

    cut = {name: frame.filter(pl.col("team").str.to_lowercase().is_in(sorted(teams))) if name in TEAM_TABLES
           else frame.clear() for name, frame in tables.items()}
    if "launch_checklist" in tables and "launches" in cut:
        cut["launch_checklist"] = tables["launch_checklist"].filter(pl.col("launch").is_in(cut["launches"]["launch"].implode()))
    return cut


def since(frame: pl.DataFrame, column: str | pl.Expr, options: Options) -> pl.DataFrame:
    """The rows dated on or after `options.since` (all without it)."""
    if options.since is None:
        return frame
    import polars as pl

    return frame.filter((pl.col(column) if isinstance(column, str) else column) >= options.since)


# Polars types an aggregate (mean, min, max) as any scalar a column could hold, or None; a metric
# takes one where the column and its rows say which: these say it, and fail loudly when it is not.
def figure(aggregate: object) -> float:
    """A numeric column's aggregate, of rows that hold a value, as a float."""
    if isinstance(aggregate, (int, float)):
        return float(aggregate)
    raise TypeError(f"{aggregate!r} is no number")


def day(aggregate: object) -> dt.date:
    """A date column's aggregate (min, max), of rows that hold a date."""
    if isinstance(aggregate, dt.date):
        return aggregate
    raise TypeError(f"{aggregate!r} is no date")
