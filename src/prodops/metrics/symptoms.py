"""Level 1 symptoms measured from data, and the measurements that data-bound criteria check.

Measured over a window before a date (`as_of`, default the latest data; `window_days` 91, a
quarter), so that each assessment is compared with the data of its own time:
- sprint_cadence_consistency: the share of the window's sprints whose length and start weekday are
  the most common ones across all teams (1 = every team on one cadence).
- planning_delay_share: the share of sprints that started later than the first working day after
  the team's previous sprint ended (planning that slipped; a weekend in between is no delay). A gap longer than the previous sprint is a pause
  (holidays, a team formed again), not a delay: such sprints are left out of this share.
- pm_overhead_share: the mean overhead share of working time in the most recent time survey up to
  `as_of` (any age: a survey is rare; its date is reported).
- planning_accuracy: pooled over the window's sprints (the median of sprint ratios when units mix).
- gtm_ready_rate: the share of launches in the year up to `as_of` whose checklist was complete.
A symptom is present when its measure crosses the Level 1 line: cadence consistency below 0.8,
planning delays above 0.2, PM overhead above 0.3 (the model's data-bound criteria use the same lines).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

WINDOW_DAYS = 91
SYMPTOMS = {  # measurement -> (symptom in the seed's words, is present when)
    "planning_delay_share": ("Frequent planning delays", lambda v: v > 0.2),
    "sprint_cadence_consistency": ("Inconsistent sprint cadences", lambda v: v < 0.8),
    "pm_overhead_share": ("PMs spending more than 30% of their time on operational overhead", lambda v: v > 0.3),
}


TABLES = ("sprints", "time_survey", "launches", "launch_checklist")


def measurements(tables: dict[str, pl.DataFrame], as_of: dt.date | None = None, window_days: int = WINDOW_DAYS) -> dict[str, float]:
    """{metric: value} for whatever the imported data can measure: what data-bound criteria check."""
    return {k: v for k, v in _measure(tables, as_of, window_days).items() if not k.startswith("_")}


def _measure(tables: dict[str, pl.DataFrame], as_of: dt.date | None, window_days: int) -> dict:
    """The measurements, and (keys starting with _) the window and survey they came from."""
    out: dict = {}
    sprints = tables.get("sprints")
    if as_of is None:
        dates = [f[c].max() for f, c in ((sprints, "end"), (tables.get("time_survey"), "date")) if f is not None and f.height]
        dates = [d for d in dates if d is not None]  # undated sprints (e.g. the TSE 2017 data) have no end
        as_of = max(dates) if dates else dt.date.today()
    since = as_of - dt.timedelta(days=window_days)
    out["_window"] = {"from": since.isoformat(), "to": as_of.isoformat()}
    if sprints is not None and sprints.height:
        out.update(_sprint_measures(sprints, since, as_of))
    survey = tables.get("time_survey")
    if survey is not None and survey.height:
        recent = survey.filter(pl.col("date") <= as_of)
        if recent.height:
            latest = recent.filter(pl.col("period") == recent.sort("date")["period"][-1])
            shares = (pl.sum_horizontal("meeting_coordination", "reporting", "tool_research", "process_design")
                      / pl.col("work_hours"))
            value = latest.select(shares.mean()).item()
            if value is not None:
                out["pm_overhead_share"] = round(value, 4)
                out["_pm_overhead_survey"] = latest["date"].max().isoformat()
    launches, checklist = tables.get("launches"), tables.get("launch_checklist")
    if launches is not None and checklist is not None and launches.height:
        from prodops.metrics.launches import launch_outcomes

        year = launch_outcomes(launches, checklist).filter(
            pl.col("actual_date").is_between(as_of - dt.timedelta(days=365), as_of) & pl.col("gtm_ready").is_not_null())
        if year.height:
            out["gtm_ready_rate"] = round(year["gtm_ready"].mean(), 4)
    return out


def _sprint_measures(sprints: pl.DataFrame, since: dt.date, as_of: dt.date) -> dict:
    from prodops.metrics.predictability import predictability

    ordered = sprints.sort("team", "start").with_columns(
        length=(pl.col("end") - pl.col("start")).dt.total_days() + 1,
        weekday=pl.col("start").dt.weekday(),
        gap=(pl.col("start") - pl.col("end").shift(1).over("team")).dt.total_days() - 1,
        # the first working day after the previous sprint: Friday's successor is Monday
        due=pl.col("end").shift(1).over("team").dt.add_business_days(1, roll="forward")
        .clip(lower_bound=pl.col("end").shift(1).over("team") + pl.duration(days=1)),
    ).with_columns(
        late=pl.when(pl.col("gap") > pl.col("length").shift(1).over("team")).then(None)
        .otherwise(pl.col("start") > pl.col("due")),
    )
    window = ordered.filter(pl.col("start").is_between(since, as_of))
    if not window.height:
        return {}
    common_length = window["length"].mode().sort()[0]
    common_day = window["weekday"].mode().sort()[0]
    out = {
        "sprint_cadence_consistency": round(window.select(
            ((pl.col("length") == common_length) & (pl.col("weekday") == common_day)).mean()).item(), 4),
        "planning_delay_share": round(window["late"].drop_nulls().mean() or 0.0, 4),
        "_sprints": window.height,
    }
    overall = predictability(window.select(sprints.columns))["overall"]
    accuracy = overall["planning_accuracy_pooled"] or overall["planning_accuracy_median"]
    if accuracy is not None:
        out["planning_accuracy"] = accuracy
    return out


def symptoms(tables: dict[str, pl.DataFrame], as_of: dt.date | None = None, window_days: int = WINDOW_DAYS) -> dict:
    measured = _measure(tables, as_of, window_days)
    found = [{"symptom": text, "measure": name, "value": measured[name], "present": present(measured[name])}
             for name, (text, present) in SYMPTOMS.items() if name in measured]
    return {"window": measured["_window"], "symptoms": found,
            "measurements": {k: v for k, v in measured.items() if not k.startswith("_")},
            "pm_overhead_survey": measured.get("_pm_overhead_survey")}
