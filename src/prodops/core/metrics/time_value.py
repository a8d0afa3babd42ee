"""Time value of Product Ops.

- A respondent's overhead hours per week = meeting coordination + reporting + tool research +
  process design, from the `time-survey` table (period `baseline`, then `followup` ~90 days on).
- baseline_hours / followup_hours = the mean overhead hours of each period's respondents
  (unpaired: everyone who answered that survey).
- hours_saved_per_pm_week = the mean, over respondents who answered both surveys, of
  (baseline - followup): paired, so that who answered does not pass for what changed; their own
  means are paired_baseline_hours and paired_followup_hours. With no respondent in both, the
  difference of the period means is used, and `paired` says so.
- monthly_value = hours_saved_per_pm_week x hourly rate x PM headcount x 52 / 12, in the
  organisation's currency. The headcount is the one set (`headcount_basis` "set"); a team or
  business unit, whose PMs are not the organisation's, takes its own set headcount, else the PMs
  its survey counts: everyone who answered either survey (`headcount_basis` "surveyed").
- overhead_share = the mean over respondents of overhead hours / work hours (those who gave work
  hours); the Level 1 symptom is a share above 30 %.
- `records` lists every respondent with their overhead hours (and share) in each survey: counted
  in the hours saved when they answered both (when nobody did, everyone who answered is), else
  left out with the reason (answered the baseline only, the follow-up only).
"""

from __future__ import annotations

import polars as pl

from prodops.core.metrics import Options, figure, since

CATEGORIES = ["meeting_coordination", "reporting", "tool_research", "process_design"]
WEEKS_PER_MONTH = 52 / 12


def overhead_hours() -> pl.Expr:
    """A respondent's overhead hours per week: the sum of the overhead categories."""
    return pl.sum_horizontal(CATEGORIES)


def overhead_share() -> pl.Expr:
    """A respondent's overhead share of working time (null without work hours)."""
    return overhead_hours() / pl.col("work_hours")


def time_value(survey: pl.DataFrame, hourly_rate: float | None = None, headcount: float | None = None,
               currency: str | None = None, surveyed_headcount: bool = False) -> dict:
    rows = survey.with_columns(overhead=overhead_hours(), share=overhead_share())
    basis = "set" if headcount is not None else None
    if headcount is None and surveyed_headcount:
        headcount, basis = float(rows["respondent"].n_unique()), "surveyed"
    period = {p: rows.filter(pl.col("period") == p) for p in ("baseline", "followup")}
    both = period["baseline"].join(period["followup"], on="respondent", suffix="_f")

    def mean(frame: pl.DataFrame, column: str) -> float | None:
        value = frame[column].drop_nulls().mean() if frame.height else None
        return None if value is None else figure(value)

    baseline, followup = mean(period["baseline"], "overhead"), mean(period["followup"], "overhead")
    paired_baseline = paired_followup = None
    saved: float | None
    if both.height:  # overhead hours are a sum, never null: each mean is a number
        saved = figure((both["overhead"] - both["overhead_f"]).mean())
        paired_baseline, paired_followup = figure(both["overhead"].mean()), figure(both["overhead_f"].mean())
    else:
        saved = None if baseline is None or followup is None else baseline - followup
    records = _records(period, paired=bool(both.height))
    value = None
    if saved is not None and hourly_rate is not None and headcount is not None:
        value = saved * hourly_rate * headcount * WEEKS_PER_MONTH
    return {
        "baseline_hours": baseline,
        "followup_hours": followup,
        "hours_saved_per_pm_week": saved,
        "paired_baseline_hours": paired_baseline,  # the means of the PMs in both surveys, whose change is `saved`
        "paired_followup_hours": paired_followup,
        "monthly_value": value,
        "hourly_rate": hourly_rate,
        "headcount": headcount,
        "headcount_basis": basis,
        "currency": currency,
        "overhead_share_baseline": mean(period["baseline"], "share"),
        "overhead_share_followup": mean(period["followup"], "share"),
        "respondents_baseline": period["baseline"].height,
        "respondents_followup": period["followup"].height,
        "paired": both.height,
        "by_category": {c: {"baseline": mean(period["baseline"], c), "followup": mean(period["followup"], c)}
                        for c in CATEGORIES},
        "records": records,
    }


def _records(period: dict[str, pl.DataFrame], paired: bool) -> list[dict]:
    """Each respondent with their overhead hours and share in each survey, counted or not, and why."""
    answers: dict[str, dict] = {}
    for name, frame in period.items():
        for r in frame.iter_rows(named=True):
            mine = answers.setdefault(r["respondent"], {"id": r["respondent"], "team": r.get("team")})
            mine.update({f"{name}_date": r["date"].isoformat(), f"{name}_hours": r["overhead"],
                         f"{name}_share": r["share"]})
            mine["team"] = mine["team"] or r.get("team")
    out = []
    for respondent in sorted(answers):
        r = {"id": respondent, "team": None, "baseline_date": None, "baseline_hours": None, "baseline_share": None,
             "followup_date": None, "followup_hours": None, "followup_share": None, **answers[respondent]}
        both = r["baseline_hours"] is not None and r["followup_hours"] is not None
        r["hours_saved"] = r["baseline_hours"] - r["followup_hours"] if both else None
        reason = None if both or not paired else (
            "answered the baseline only" if r["followup_hours"] is None else "answered the follow-up only")
        out.append({**r, "counted": reason is None, "reason": reason})
    return out


def compute(tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    survey = since(tables["time_survey"], "date", options)
    return time_value(survey, options.hourly_rate, options.headcount, options.currency,
                      options.surveyed_headcount) if survey.height else None
