"""Sprint predictability, with Jira velocity-chart semantics.

Definitions:
- commitment = the work in the sprint when it starts, by initial estimate (points) or by count
  (issues); work removed during the sprint ("punted") still counts in the commitment.
- completed committed = committed work done by the sprint's end (not removed);
  completed = all work done by the end, including work added after the start.
- added after the start = scope creep.
- planning accuracy = completed committed / committed; say/do = completed / committed;
  scope creep = added / committed.
- Sprints with zero commitment have no ratio: they are excluded and counted.
- Reported pooled (sum over sprints / sum over sprints) and as the median of the per-sprint
  ratios, per team and overall. A team's unit is points when every one of its issues has an
  estimate, otherwise issues (counts); the unit is always stated. Where sprints in different
  units meet (across teams, or within a team imported in both), pooled figures would add points to
  counts, so they are left out (null) and only the medians, which are unit-free, are given.
"""

from __future__ import annotations

import polars as pl

RATES = {
    "planning_accuracy": ("completed_committed", "committed"),
    "say_do": ("completed", "committed"),
    "scope_creep": ("added", "committed"),
}
SUMMARY_COLUMNS = ["team", "sprint", "start", "end", "unit", "committed", "completed",
                   "completed_committed", "added", "removed"]


def summarize_issues(issues: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sprint-issue rows -> (sprint-summary rows, per-team note on the unit used).

    `issues` has the sprint-issues columns with typed values (sources.tables)."""
    units = (issues.group_by("team").agg(
        rows=pl.len(), unestimated=pl.col("initial_estimate").is_null().sum())
        .with_columns(unit=pl.when(pl.col("unestimated") == 0).then(pl.lit("points")).otherwise(pl.lit("issues"))))
    weighted = issues.join(units.select("team", "unit"), on="team").with_columns(
        w=pl.when(pl.col("unit") == "points").then(pl.col("initial_estimate")).otherwise(1.0))
    w, start, added, removed, done = (pl.col("w"), pl.col("in_sprint_at_start"), pl.col("added_during_sprint"),
                                      pl.col("removed_during_sprint"), pl.col("done_at_end"))
    sprints = weighted.group_by("team", "sprint", maintain_order=True).agg(
        start=pl.col("start").min(),
        end=pl.col("end").max(),
        unit=pl.col("unit").first(),
        committed=w.filter(start).sum(),
        completed=w.filter(done & ~removed).sum(),
        completed_committed=w.filter(start & done & ~removed).sum(),
        added=w.filter(added).sum(),
        removed=w.filter(removed & start).sum(),
    )
    return sprints.select(SUMMARY_COLUMNS), units.sort("team")


def sprint_rates(sprints: pl.DataFrame) -> pl.DataFrame:
    """Each sprint with its ratios; `excluded` marks zero-commitment sprints (ratios null)."""
    sprints = sprints.with_columns(pl.col("added", "removed").fill_null(0.0))
    excluded = pl.col("committed") <= 0
    return sprints.with_columns(
        excluded=excluded,
        **{name: pl.when(excluded).then(None).otherwise(pl.col(num) / pl.col(den)) for name, (num, den) in RATES.items()},
    )


def _summary() -> list[pl.Expr]:
    kept = ~pl.col("excluded")
    one_unit = pl.col("unit").n_unique() == 1
    exprs = [
        pl.col("unit").unique().sort().str.join("+").alias("unit"),
        kept.sum().alias("sprints"),
        pl.col("excluded").sum().alias("excluded_zero_commitment"),
    ]
    for name, (num, den) in RATES.items():
        exprs.append(pl.col(name).filter(kept).median().alias(f"{name}_median"))
        pooled_value = pl.col(num).filter(kept).sum() / pl.col(den).filter(kept).sum()
        exprs.append(pl.when(one_unit).then(pooled_value).otherwise(None).alias(f"{name}_pooled"))
    return exprs


def predictability(sprints: pl.DataFrame) -> dict:
    """Per team and overall: sprints, exclusions, pooled and median ratios, and the unit."""
    rates = sprint_rates(sprints)
    teams = rates.group_by("team").agg(_summary()).sort("team")
    overall = rates.select(_summary())
    return {
        "teams": [_clean(row) for row in teams.iter_rows(named=True)],
        "overall": _clean(overall.row(0, named=True)) if rates.height else None,
        "excluded_sprints": rates.filter(pl.col("excluded")).select("team", "sprint", "start").to_dicts(),
    }


def _clean(row: dict) -> dict:
    """JSON-friendly: NaN (0/0) as None, ratios rounded."""
    out = {}
    for k, v in row.items():
        if isinstance(v, float):
            v = None if v != v else round(v, 4)
        out[k] = v
    return out


def before_after(sprints: pl.DataFrame, change_date, metric: str = "planning_accuracy", **stats_options) -> dict:
    """Compare a ratio before and after `change_date` (e.g. when the Playbook was adopted).

    Before: sprints that ended before the date; after: sprints that started on or after it.
    Sprints running across the date belong to neither and are listed; zero-commitment and
    undated sprints are counted. The statistics are in `metrics.stats`."""
    from prodops.metrics.stats import compare, conclusion

    num, den = RATES[metric]
    rates = sprint_rates(sprints)
    period = (pl.when(pl.col("start").is_null() | pl.col("end").is_null()).then(pl.lit("undated"))
              .when(pl.col("end") < change_date).then(pl.lit("before"))
              .when(pl.col("start") >= change_date).then(pl.lit("after")).otherwise(pl.lit("spanning")))
    rates = rates.with_columns(period=period)
    kept = rates.filter(~pl.col("excluded") & pl.col("period").is_in(["before", "after"]))

    def arrays(name: str):
        part = kept.filter(pl.col("period") == name)
        return part[num].to_numpy().astype(float), part[den].to_numpy().astype(float)

    result = compare(arrays("before"), arrays("after"), pooled=kept["unit"].n_unique() <= 1, **stats_options)
    for name in ("before", "after"):
        result[name]["excluded_zero_commitment"] = rates.filter(
            pl.col("excluded") & (pl.col("period") == name)).height
    result["metric"] = metric
    result["change_date"] = str(change_date)
    result["excluded_spanning_change"] = rates.filter(pl.col("period") == "spanning").select(
        "team", "sprint", "start", "end").to_dicts()
    result["excluded_undated"] = rates.filter(pl.col("period") == "undated").height
    result["conclusion"] = conclusion(result, {"say_do": "say/do"}.get(metric, metric.replace("_", " ")))
    return result


def by_quarter(sprints: pl.DataFrame, per_team: bool = False) -> list[dict]:
    """Planning accuracy, say/do and scope creep per calendar quarter of the sprints' start, overall
    (pooled when one unit, else the median of sprint ratios, as in `predictability`), or per team
    and quarter with `per_team`."""
    rates = sprint_rates(sprints).filter(pl.col("start").is_not_null())
    if not rates.height:
        return []
    keys = ["team", "quarter"] if per_team else ["quarter"]
    quarters = rates.with_columns(quarter=pl.col("start").dt.truncate("1q")).group_by(keys).agg(_summary()).sort(keys)
    out = []
    for row in quarters.iter_rows(named=True):
        row = _clean(row)
        q = row.pop("quarter")
        row["quarter"] = f"{q.year}-Q{(q.month - 1) // 3 + 1}"
        row["start"] = q.isoformat()
        for name in RATES:
            row[name] = row[f"{name}_pooled"] if row[f"{name}_pooled"] is not None else row[f"{name}_median"]
        out.append(row)
    return out
