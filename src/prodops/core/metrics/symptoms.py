"""Level 1 symptoms measured from data, and the measurements that data-bound criteria check.

Measured over a window of `window_days` (91, a quarter) days up to a date (`as_of`; for the
symptoms alone, the latest day with sprint or survey data up to it), both ends included: from 90
days before `as_of` to `as_of` (up to 2026-03-31: 2025-12-31 to 2026-03-31), so that each
assessment is compared with the data of its own time. A sprint belongs to the window when it
*ended* in it: one still running on `as_of` has partial figures. (This quarter is not a calendar
quarter; the by-quarter figures of predictability count a sprint in the calendar quarter it
*started* in.) The window is reported as its first and last day, both in it.
- sprint_cadence_consistency: the share of the window's sprints, across all teams, whose (length,
  start weekday) pair is the most common pair (1 = every team on one cadence), a sprint's length
  being its days from start to end, both included. The pair is counted whole, not the most
  common length and the most common weekday apart (two modes that may never occur together);
  where pairs tie for most common, the share is the same whichever is taken.
- planning_delay_share: the share of sprints that started later than the first working day after
  the team's previous sprint ended (planning that slipped): the day after it, or the Monday after
  when that day is a Saturday or Sunday, so a sprint ending on a Friday, Saturday or Sunday is
  followed on time by one starting on the Monday, and one starting on the Tuesday is late. A gap
  longer than the previous sprint is a pause (holidays, a team formed again), not a delay: such
  sprints are left out of this share.
- pm_overhead_share: the mean overhead share of working time in the most recent time survey up to
  `as_of` (any age: a survey is rare; its date is reported).
- planning_accuracy: pooled over the window's sprints (the median of sprint ratios when units mix),
  from the sprints that give it exactly (an approximate figure never decides a criterion).
- gtm_ready_rate: the share of launches in the 365 days up to `as_of` (both ends included: from
  364 days before `as_of` to `as_of`) whose checklist was complete, of those whose checklist is
  known.
Each measurement says what it rests on (n: the sprints, the survey's respondents who gave their
working hours, the launches whose checklist is known) and its first and last day. Below a
minimum it judges nothing: the data does not overrule the answers and no symptom is shown
present or absent, but "too few launches to judge (2 of the 5 needed)". The minimums: 5 sprints
(as many as the before/after comparison needs in a period; one team on two-week sprints ends 6 or
7 in the window), 5 launches (below that one launch moves the rate by more than the 20 points
between the default line of 80 % and 100 %), 3 survey respondents (below that one PM's week is
most of the figure, and two respondents could each read the other's answer from it). A data
binding of the model may ask for another minimum (`minimum`).

A symptom is present when its measure crosses the line of the data-bound criterion the model
ties it to (in the default model: planning delays above 0.2, cadence consistency below 0.8, PM
overhead above 0.3), so a criterion and its symptom always agree.

`records` lists what each measurement rests on, from the computation that gives it, each record
naming its `measure`: the window's sprints (their length and start weekday; late or not, or why
not judged; their planning accuracy, or why not counted), the latest survey's respondents (their
share, or why not counted) and the year's launches (GTM-ready or not, or why not counted).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prodops.core.metrics import Measurement, Options, day, figure
from prodops.core.metrics.stats import MIN_SPRINTS
from prodops.core.metrics.time_value import overhead_share

WINDOW_DAYS = 91
LAUNCH_WINDOW_DAYS = 365
TABLES = ("sprints", "time_survey", "launches", "launch_checklist")
MIN_LAUNCHES = 5
MIN_RESPONDENTS = 3
# What each measurement counts, and the fewest of them it is judged from (the docstring says why).
MEASURES = {"sprint_cadence_consistency": ("sprints", MIN_SPRINTS), "planning_delay_share": ("sprints", MIN_SPRINTS),
            "planning_accuracy": ("sprints", MIN_SPRINTS), "pm_overhead_share": ("respondents", MIN_RESPONDENTS),
            "gtm_ready_rate": ("launches", MIN_LAUNCHES)}


def _measured(metric: str, value: float, n: int, first: dt.date, last: dt.date) -> Measurement:
    counts, minimum = MEASURES[metric]
    return Measurement(float(value), n, counts, first, last, minimum)


def measurements(tables: dict[str, pl.DataFrame], as_of: dt.date, window_days: int = WINDOW_DAYS) -> dict[str, Measurement]:
    """{metric: Measurement} for whatever the imported data can measure in the window before
    `as_of`: what data-bound criteria check, each with its n, its days and its records (the
    sprints, respondents or launches it counts and those it leaves out). `tables` as known on
    `as_of` (metrics.known_by)."""
    from dataclasses import replace

    records: list[dict] = []
    measured = _measure(tables, as_of, window_days, records)
    return {k: replace(m, records=tuple(r for r in records if r["measure"] == k)) for k, m in measured.items()}


def window(as_of: dt.date, days: int = WINDOW_DAYS) -> tuple[dt.date, dt.date]:
    """The first and the last day of the `days` days up to `as_of`, both in the window."""
    return as_of - dt.timedelta(days=days - 1), as_of


def latest_data(tables: dict[str, pl.DataFrame], as_of: dt.date | None) -> dt.date | None:
    """The last day with sprint or survey data, up to `as_of`."""
    dates = []
    for name, column in (("sprints", "end"), ("time_survey", "date")):
        frame = tables.get(name)
        if frame is not None and frame.height:
            value = frame.filter(pl.col(column) <= (as_of or dt.date.max))[column].max()
            if isinstance(value, dt.date):  # undated sprints (e.g. the TSE 2017 data) have no end: None
                dates.append(value)
    return max(dates) if dates else as_of


def _measure(tables: dict[str, pl.DataFrame], as_of: dt.date, window_days: int,
             records: list[dict] | None = None) -> dict[str, Measurement]:
    """The measurements, each with its n and the days it was measured over; what each rests on
    added to `records` when given."""
    out: dict[str, Measurement] = {}
    listed: list[dict] = [] if records is None else records
    first, last = window(as_of, window_days)
    sprints = tables.get("sprints")
    if sprints is not None and sprints.height:
        out.update(_sprint_measures(sprints, first, last, listed))
    survey = tables.get("time_survey")
    if survey is not None and survey.height:
        recent = survey.filter(pl.col("date") <= as_of)
        if recent.height:
            latest = recent.filter(pl.col("period") == recent.sort("date")["period"][-1])
            answered = latest.with_columns(share=overhead_share()).filter(pl.col("share").is_not_null())
            listed.extend({"id": r["respondent"], "measure": "pm_overhead_share", "date": r["date"].isoformat(),
                           "value": r["share"], "counted": r["share"] is not None,
                           "reason": None if r["share"] is not None else "no working hours given"}
                          for r in latest.with_columns(share=overhead_share()).sort("respondent").iter_rows(named=True))
            if answered.height:  # the mean is over those who gave their working hours: they are its n
                out["pm_overhead_share"] = _measured("pm_overhead_share", figure(answered["share"].mean()), answered.height,
                                                     day(answered["date"].min()), day(answered["date"].max()))
    launches, checklist = tables.get("launches"), tables.get("launch_checklist")
    if launches is not None and checklist is not None and launches.height:
        from prodops.core.metrics.launches import launch_outcomes

        year_first, year_last = window(as_of, LAUNCH_WINDOW_DAYS)
        launched = launch_outcomes(launches, checklist, as_of=as_of).filter(
            pl.col("actual_date").is_between(year_first, year_last))
        listed.extend({"id": r["launch"], "measure": "gtm_ready_rate", "date": r["actual_date"].isoformat(),
                       "value": r["gtm_ready"], "counted": r["gtm_ready"] is not None,
                       "reason": None if r["gtm_ready"] is not None else "no checklist"}
                      for r in launched.iter_rows(named=True))
        year = launched.filter(pl.col("gtm_ready").is_not_null())
        if year.height:
            out["gtm_ready_rate"] = _measured("gtm_ready_rate", figure(year["gtm_ready"].mean()), year.height,
                                              year_first, year_last)
    return out


def _sprint_measures(sprints: pl.DataFrame, first: dt.date, last: dt.date, records: list[dict]) -> dict[str, Measurement]:
    from prodops.core.metrics.predictability import headline, predictability, sprint_rates

    ordered = sprints.sort("team", "start").with_columns(
        length=(pl.col("end") - pl.col("start")).dt.total_days() + 1,
        weekday=pl.col("start").dt.weekday(),
        gap=(pl.col("start") - pl.col("end").shift(1).over("team")).dt.total_days() - 1,
        # the first working day after the previous sprint: the day after it, or the Monday after
        # when that is a Saturday or Sunday (Friday's, Saturday's and Sunday's successor is Monday)
        due=(pl.col("end").shift(1).over("team") + pl.duration(days=1)).dt.add_business_days(0, roll="forward"),
    ).with_columns(
        late=pl.when(pl.col("gap") > pl.col("length").shift(1).over("team")).then(None)
        .otherwise(pl.col("start") > pl.col("due")),
    )
    ended = ordered.filter(pl.col("end").is_between(first, last))
    if not ended.height:
        return {}
    # the most common (length, weekday) pair's count: the same whichever of tied pairs is the mode
    common_pair = ended.group_by("length", "weekday").len()["len"].max()
    judged = ended["late"].drop_nulls()  # sprints after a pause are not judged
    approximate = pl.col("approximation").is_not_null() if "approximation" in ended.columns else pl.lit(False)
    rated = sprint_rates(ended.select([c for c in sprints.columns if c in ended.columns])).select(
        "team", "sprint", "planning_accuracy", "unit", "committed", "completed_committed")
    for r in ended.with_columns(approximate=approximate).join(rated, on=["team", "sprint"]).iter_rows(named=True):
        sprint = {"id": f"{r['team']} / {r['sprint']}", "date": r["end"].isoformat()}
        records.append({**sprint, "measure": "sprint_cadence_consistency", "value": None, "length_days": r["length"],
                        "start_weekday": r["weekday"], "counted": True, "reason": None})
        records.append({**sprint, "measure": "planning_delay_share", "value": r["late"], "start": r["start"].isoformat(),
                        "due": r["due"] and r["due"].isoformat(), "counted": r["late"] is not None,
                        "reason": None if r["late"] is not None else "no sprint before it" if r["gap"] is None
                        else "after a pause longer than the sprint before it"})
        accuracy = r["planning_accuracy"]
        why = ("approximate figure" if r["approximate"] else "zero commitment" if r["committed"] <= 0
               else "no planning accuracy" if accuracy is None or accuracy != accuracy else None)
        records.append({**sprint, "measure": "planning_accuracy", "value": None if why else accuracy, "unit": r["unit"],
                        "committed": r["committed"], "completed_committed": r["completed_committed"],
                        "counted": why is None, "reason": why})
    out = {
        "sprint_cadence_consistency": _measured("sprint_cadence_consistency", figure(common_pair) / ended.height, ended.height,
                                                first, last),
        "planning_delay_share": _measured("planning_delay_share", figure(judged.mean()) if judged.len() else 0.0,
                                          judged.len(), first, last),
    }
    exact = ended.filter(pl.col("approximation").is_null()) if "approximation" in ended.columns else ended
    if exact.height:
        overall = predictability(exact.select([c for c in sprints.columns if c in exact.columns]))["overall"]
        accuracy = headline(overall, "planning_accuracy")
        if accuracy is not None:
            out["planning_accuracy"] = _measured("planning_accuracy", accuracy, overall["planning_accuracy_sprints"],
                                                 first, last)
    return out


def symptoms(tables: dict[str, pl.DataFrame], model, as_of: dt.date | None = None, window_days: int = WINDOW_DAYS) -> dict:
    """The model's symptoms that the data can show, measured over the window up to the latest data
    on or before `as_of`; each present when its criterion's line does not hold, and neither present
    nor absent (None) when its measure rests on fewer than the line's minimum."""
    end = latest_data(tables, as_of)
    if end is None:  # only undated data: no window to look in
        return {"window": None, "symptoms": [], "measurements": {}, "samples": {}, "pm_overhead_survey": None,
                "records": []}
    first, last = window(end, window_days)
    records: list[dict] = []
    measured = _measure(tables, end, window_days, records)
    found = []
    for level in model.levels:
        for s in level.symptoms:
            binding = s.criterion and model.criterion[s.criterion].data
            if binding and binding.metric in measured:
                m = measured[binding.metric]
                found.append({"symptom": s.text, "level": level.number, "measure": binding.metric, "value": m.value,
                              "line": str(binding), "op": binding.op, "threshold": binding.threshold,
                              "criterion": s.criterion, **_sample(m), "needed": binding.needed(m),
                              "present": not binding.holds(m.value) if binding.enough(m) else None})
    survey = measured.get("pm_overhead_share")
    return {"window": {"from": first.isoformat(), "to": last.isoformat()}, "symptoms": found,
            "measurements": {k: m.value for k, m in measured.items()},
            "samples": {k: _sample(m) | {"minimum": m.minimum} for k, m in measured.items()},
            "pm_overhead_survey": survey.last.isoformat() if survey and survey.last else None,
            "records": [r for r in records if r["measure"] in measured]}


def _sample(m: Measurement) -> dict:
    """What a measurement rests on, as the JSON says it: n, what it counts, its first and last day."""
    return {"n": m.n, "counts": m.counts, "from": m.first and m.first.isoformat(), "to": m.last and m.last.isoformat()}


def compute(tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    if not any(tables[t].height for t in TABLES):
        return None
    if options.model is None:
        raise ValueError("the symptoms are the model's: give its model in the options")
    return symptoms(tables, options.model, options.as_of)
