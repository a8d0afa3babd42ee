"""Value metrics over the workspace's imported tables. One module per metric holds its definition:
predictability.py (and stats.py for before/after), time_value.py, launches.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

NAMES = ("predictability", "time-value", "launches", "revenue", "symptoms")


@dataclass(frozen=True)
class Options:
    teams: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    change_date: dt.date | None = None
    ratio: str = "planning_accuracy"
    hourly_rate: float | None = None
    headcount: float | None = None
    grace_days: int = 0
    revenue_window_days: int = 180
    notes: list[str] = field(default_factory=list)


def _between(frame: pl.DataFrame, column: str, o: Options) -> pl.DataFrame:
    if o.since:
        frame = frame.filter(pl.col(column) >= o.since)
    if o.until:
        frame = frame.filter(pl.col(column) <= o.until)
    return frame


def compute(name: str, tables: dict[str, pl.DataFrame], o: Options) -> dict | None:
    """The metric `name` from the imported tables; None when its table is empty."""
    if name == "predictability":
        from prodops.metrics.predictability import before_after, predictability

        sprints = _between(tables["sprints"], "start", o)
        if o.teams:
            sprints = sprints.filter(pl.col("team").is_in(o.teams))
        if not sprints.height:
            return None
        out = predictability(sprints)
        out["approximate_sprints"] = int(sprints["approximate"].sum()) if "approximate" in sprints.columns else 0
        if o.change_date:
            out["before_after"] = before_after(sprints, o.change_date, o.ratio)
        return out
    if name == "time-value":
        from prodops.metrics.time_value import time_value

        survey = _between(tables["time_survey"], "date", o)
        return time_value(survey, o.hourly_rate, o.headcount) if survey.height else None
    if name == "launches":
        from prodops.metrics.launches import launch_success

        launches = tables["launches"].filter(
            pl.coalesce("actual_date", "original_date").is_between(o.since or dt.date.min, o.until or dt.date.max))
        return launch_success(launches, tables["launch_checklist"], o.grace_days) if launches.height else None
    if name == "revenue":
        from prodops.metrics.revenue import revenue_wins

        outcomes = _between(tables["account_outcomes"], "date", o)
        if not (tables["feedback"].height and outcomes.height):
            return None
        return revenue_wins(tables["feedback"], tables["roadmap_items"], outcomes, o.revenue_window_days)
    if name == "symptoms":
        from prodops.metrics.symptoms import symptoms

        if not any(tables[t].height for t in TABLES_FOR["symptoms"]):
            return None
        return symptoms(tables, o.until)
    raise ValueError(name)


TABLES_FOR = {"predictability": ("sprints",), "time-value": ("time_survey",), "launches": ("launches", "launch_checklist"),
              "revenue": ("feedback", "roadmap_items", "account_outcomes"),
              "symptoms": ("sprints", "time_survey", "launches", "launch_checklist")}
