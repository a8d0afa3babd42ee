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
- A figure a sprint does not give (a velocity chart gives commitment and completed, not the
  committed part of what was completed) is not available for that sprint: never guessed, never 0.
  Each figure says how many sprints it rests on.
- Reported pooled (sum over sprints / sum over sprints) and as the median of the per-sprint
  ratios, per team and overall. A team's unit is points when every one of its issues has an
  estimate, otherwise issues (counts); the unit is always stated. Where sprints in different
  units meet (across teams, or within a team imported in both), pooled figures would add points to
  counts, so they are left out (null) and only the medians, which are unit-free, are given. Where
  one figure is shown for a group, it is the pooled one, else the median.
- Some sources can only approximate a figure: the TSE 2017 dataset gives an upper bound of the
  completed committed work (so planning accuracy is at most what is shown); Jira payloads without
  history count every issue in the sprint when it closed as committed (so all three ratios are
  approximate). Each figure carries its bound: exact, at most, or approximate.
- `records` lists every sprint the figures rest on or leave out, from the one computation that
  gives them: `counted` (in the team and overall figures) or the reason it is not (zero
  commitment, another team, started before the period, ended after the as-of date), and, with a
  change date, its `period` and whether the before/after comparison counts it (`compared`, else
  `comparison_reason`: spanning the change date, undated, zero commitment, no such figure).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from prodops.core.metrics import Options, since
from prodops.core.numbers import natural

RATES = {
    "planning_accuracy": ("completed_committed", "committed"),
    "say_do": ("completed", "committed"),
    "scope_creep": ("added", "committed"),
}
SUMMARY_COLUMNS = ["team", "sprint", "start", "end", "unit", "committed", "completed",
                   "completed_committed", "added", "removed"]

# What each source's approximation means: which ratios it touches, and how (the bound is what the
# shown figure is of the true one).
APPROXIMATIONS = {
    "completed_committed_upper_bound": (
        {"planning_accuracy": "at most"},
        "completed committed work is an upper bound (the source cannot tell committed work done from added work "
        "done), so planning accuracy is at most what is shown; say/do and scope creep are exact"),
    "no_history": (
        {"planning_accuracy": "approximate", "say_do": "approximate", "scope_creep": "approximate"},
        "the source has no history of when issues entered or left a sprint: every issue in the sprint when it "
        "closed counts as committed, so added work counts as committed, removed work is missing and scope creep "
        "cannot be seen; planning accuracy, say/do and scope creep are approximate"),
}
BOUNDS = (None, "at most", "approximate")  # in order of strength: a group takes the strongest of its sprints


def summarize_issues(issues: pl.DataFrame, more: dict[str, pl.Expr] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sprint-issue rows -> (sprint-summary rows, per-team note on the unit used).

    `issues` has the sprint-issues columns with typed values (sources.tables). A team is counted in
    points when every one of its issues has an estimate, else in issues. `more`: aggregations of
    each sprint's rows to keep beside its columns (sources.summarize's checks). One pass over the
    issues: each sprint's sums in points and in issues side by side, its team's unit then picks."""
    points, start, added, removed, done = (pl.col("initial_estimate"), pl.col("in_sprint_at_start"),
                                           pl.col("added_during_sprint"), pl.col("removed_during_sprint"),
                                           pl.col("done_at_end"))
    counted = {"committed": start, "completed": done & ~removed, "completed_committed": start & done & ~removed,
               "added": added, "removed": removed & start}
    sprints = issues.group_by("team", "sprint", maintain_order=True).agg(
        start=pl.col("start").min(), end=pl.col("end").max(), rows=pl.len(), unestimated=points.is_null().sum(),
        **{f"{name}_points": points.filter(rows).sum() for name, rows in counted.items()},
        **{f"{name}_issues": rows.sum().cast(pl.Float64) for name, rows in counted.items()},
        **(more or {}))
    units = (sprints.group_by("team").agg(rows=pl.col("rows").sum().cast(pl.UInt32),
                                          unestimated=pl.col("unestimated").sum().cast(pl.UInt32))
             .with_columns(unit=pl.when(pl.col("unestimated") == 0).then(pl.lit("points")).otherwise(pl.lit("issues"))))
    in_points = pl.col("unit") == "points"
    sprints = sprints.join(units.select("team", "unit"), on="team", maintain_order="left").with_columns(
        **{name: pl.when(in_points).then(pl.col(f"{name}_points")).otherwise(pl.col(f"{name}_issues")) for name in counted})
    return sprints.select(*SUMMARY_COLUMNS, *(more or {})), units.sort("team")


def sprint_rates(sprints: pl.DataFrame) -> pl.DataFrame:
    """Each sprint with its ratios (null where a figure is not available) and each ratio's bound
    rank; `excluded` marks zero-commitment sprints (ratios null). Sprints in the order of their key
    (team, sprint), whatever order they were stored or read in: the bootstrap draws sprints by
    position, and sums of floats differ in their last digit with the order of their terms."""
    sprints = sprints.sort("team", "sprint")
    if "approximation" not in sprints.columns:
        sprints = sprints.with_columns(approximation=pl.lit(None, pl.String))
    excluded = pl.col("committed") <= 0
    ranks = {}
    for name in RATES:
        rank = pl.lit(0)
        for kind, (touched, _) in APPROXIMATIONS.items():
            if name in touched:
                rank = pl.when(pl.col("approximation") == kind).then(BOUNDS.index(touched[name])).otherwise(rank)
        ranks[f"{name}_bound_rank"] = rank
    return sprints.with_columns(
        excluded=excluded,
        **{name: pl.when(excluded).then(None).otherwise(pl.col(num) / pl.col(den)) for name, (num, den) in RATES.items()},
        **ranks,
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
        available = kept & pl.col(name).is_not_null()
        exprs += [
            available.sum().alias(f"{name}_sprints"),
            pl.col(name).filter(available).median().alias(f"{name}_median"),
            pl.when(one_unit & available.any())
            .then(pl.col(num).filter(available).sum() / pl.col(den).filter(available).sum())
            .alias(f"{name}_pooled"),
            pl.col(f"{name}_bound_rank").filter(available).max().fill_null(0).alias(f"{name}_bound"),
        ]
    return exprs


def _clean(row: dict) -> dict:
    """JSON-friendly: NaN (0/0) as None; bound ranks as their words. Full precision: rounding is
    for what people read."""
    out = {}
    for k, v in row.items():
        if k.endswith("_bound"):
            v = BOUNDS[v or 0]
        elif isinstance(v, float) and v != v:
            v = None
        out[k] = v
    return out


def headline(row: dict, name: str) -> float | None:
    """The one figure of a group for the ratio `name`: pooled, else (units mixed) the median."""
    pooled = row.get(f"{name}_pooled")
    return pooled if pooled is not None else row.get(f"{name}_median")


def predictability(sprints: pl.DataFrame) -> dict:
    """Per team and overall: sprints, exclusions, pooled and median ratios, each ratio's sprints
    and bound, and the unit; the approximations found, by kind."""
    rates = sprint_rates(sprints)
    teams = rates.group_by("team").agg(_summary())
    overall = rates.select(_summary())
    kinds = rates.filter(pl.col("approximation").is_not_null()).group_by("approximation").len().sort("approximation")
    return {
        "teams": sorted((_clean(row) for row in teams.iter_rows(named=True)), key=lambda t: natural(t["team"])),
        "overall": _clean(overall.row(0, named=True)) if rates.height else None,
        "excluded_sprints": rates.filter(pl.col("excluded")).select("team", "sprint", "start").to_dicts(),
        "approximations": [{"kind": k, "sprints": n, "meaning": APPROXIMATIONS[k][1]} for k, n in kinds.iter_rows()],
    }


def before_after(sprints: pl.DataFrame, change_date, metric: str = "planning_accuracy", **stats_options) -> dict:
    """Compare a ratio before and after `change_date` (e.g. when the Playbook was adopted).

    Before: sprints that ended before the date; after: sprints that started on or after it.
    Sprints running across the date belong to neither and are listed; zero-commitment sprints,
    undated sprints and sprints without the figure are counted. The statistics are in `metrics.stats`."""
    from prodops.core.metrics.stats import compare, conclusion

    num, den = RATES[metric]
    rates = sprint_rates(sprints).with_columns(period=_periods(change_date))
    missing = pl.col(metric).is_null() & ~pl.col("excluded")
    kept = rates.filter(~pl.col("excluded") & ~missing & pl.col("period").is_in(["before", "after"]))

    def arrays(name: str):
        part = kept.filter(pl.col("period") == name)
        return part[num].to_numpy().astype(float), part[den].to_numpy().astype(float)

    result = compare(arrays("before"), arrays("after"), pooled=kept["unit"].n_unique() <= 1, **stats_options)
    for name in ("before", "after"):
        mine = rates.filter(pl.col("period") == name)
        result[name]["excluded_zero_commitment"] = mine.filter(pl.col("excluded")).height
        result[name]["excluded_not_available"] = mine.filter(missing).height
        rank = kept.filter(pl.col("period") == name)[f"{metric}_bound_rank"].max()
        result[name]["bound"] = BOUNDS[rank if isinstance(rank, int) else 0]  # None: no sprint kept
    result["metric"] = metric
    result["change_date"] = str(change_date)
    result["excluded_spanning_change"] = rates.filter(pl.col("period") == "spanning").select(
        "team", "sprint", "start", "end").to_dicts()
    result["excluded_undated"] = rates.filter(pl.col("period") == "undated").height
    result["conclusion"] = conclusion(result, {"say_do": "say/do"}.get(metric, metric.replace("_", " ")))
    return result


def by_quarter(sprints: pl.DataFrame, per_team: bool = False) -> list[dict]:
    """Planning accuracy, say/do and scope creep per calendar quarter of the sprints' start, overall
    (the `headline` figure of each), or per team and quarter with `per_team`."""
    rates = sprint_rates(sprints).filter(pl.col("start").is_not_null())
    if not rates.height:
        return []
    from prodops.core.columns import each_distinct

    keys = ["team", "quarter"] if per_team else ["quarter"]
    quarters = rates.with_columns(quarter=pl.col("start").dt.truncate("1q")).group_by(keys).agg(_summary()).sort("quarter")
    # as _clean and headline make them, a column at a time
    clean = [pl.col(k).replace_strict(list(range(len(BOUNDS))), list(BOUNDS), default=BOUNDS[0], return_dtype=pl.String)
             if k.endswith("_bound") else pl.col(k).fill_nan(None) if quarters.schema[k].is_float() else pl.col(k)
             for k in quarters.columns if k != "quarter"]
    named = pl.format("{}-Q{}", pl.col("quarter").dt.year(), pl.col("quarter").dt.quarter()).alias("quarter")
    out = quarters.select(*clean, named, each_distinct(quarters["quarter"], dt.date.isoformat, pl.String).alias("start"),
                          **{name: pl.coalesce(pl.col(f"{name}_pooled").fill_nan(None), pl.col(f"{name}_median").fill_nan(None))
                             for name in RATES}).to_dicts()
    # quarter by quarter; per team, team by team as people read their names (board 101 before board 1000)
    return sorted(out, key=lambda r: natural(r["team"])) if per_team else out


RECORD_VALUES = ["team", "sprint", "start", "end", "unit", "committed", "completed_committed", "completed",
                 "added", "removed", *RATES, "approximation"]


def _periods(change_date) -> pl.Expr:
    """Each sprint's side of the change date: before, after, spanning or undated."""
    return (pl.when(pl.col("start").is_null() | pl.col("end").is_null()).then(pl.lit("undated"))
            .when(pl.col("end") < change_date).then(pl.lit("before"))
            .when(pl.col("start") >= change_date).then(pl.lit("after")).otherwise(pl.lit("spanning")))


def _records(rates: pl.DataFrame, counted: pl.Expr, reason: pl.Expr, *more: pl.Expr) -> list[dict]:
    """Each sprint of `rates` (sprint_rates' rows) as a record, built a column at a time: its id, its
    RECORD_VALUES (days as ISO strings, a ratio that is not a number as None), whether the figures
    count it and the reason they do not, then `more`."""
    from prodops.core.columns import each_distinct

    if not rates.height:
        return []
    values = [each_distinct(rates[k], dt.date.isoformat, pl.String) if k in ("start", "end")
              else pl.col(k).fill_nan(None) if k in RATES else pl.col(k) for k in RECORD_VALUES]
    return rates.select(pl.format("{} / {}", "team", "sprint").alias("id"), *values, counted.alias("counted"),
                        reason.alias("reason"), *more).to_dicts()


def sprint_records(sprints: pl.DataFrame, change_date=None, metric: str = "planning_accuracy") -> list[dict]:
    """Every sprint of `sprints` as a record: counted in the figures unless its commitment is zero,
    and, with `change_date`, its period and whether the comparison of `metric` counts it. The same
    `sprint_rates` and periods the figures are computed from."""
    rates = sprint_rates(sprints)
    excluded = pl.col("excluded").fill_null(False)
    zero = pl.when(excluded).then(pl.lit("zero commitment"))
    if change_date is None:
        return _records(rates, ~excluded, zero.otherwise(None))
    period = pl.col("period")
    why = (zero.when(period == "spanning").then(pl.lit("spanning the change date"))
           .when(period == "undated").then(pl.lit("undated"))
           .when(pl.col(metric).is_null() | pl.col(metric).is_nan()).then(pl.lit(f"no {metric.replace('_', ' ')}")))
    return _records(rates.with_columns(period=_periods(change_date)), ~excluded, zero.otherwise(None),
                    period, why.is_null().alias("compared"), why.alias("comparison_reason"))


def left_out(sprints: pl.DataFrame, reason: str) -> list[dict]:
    """Sprints the figures leave out before computing (another team, another period), as records."""
    return _records(sprint_rates(sprints), pl.lit(False), pl.lit(reason, pl.String))


def unknown_records(tables: dict[str, pl.DataFrame], known: dict[str, pl.DataFrame], options: Options) -> list[dict]:
    """The sprints that had not ended by the as-of date (metrics.known_by left them out), as records."""
    later = tables["sprints"].join(known["sprints"].select("team", "sprint"), on=["team", "sprint"], how="anti")
    if options.teams:
        later = later.filter(pl.col("team").is_in(options.teams))
    return left_out(later, f"ended after {options.as_of}")


def compute(tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    """Predictability of the sprints that started on or after `since` (of `teams`), with the
    before/after comparison when there is a change date, and by quarter; `records` lists each
    sprint, counted or left out with the reason."""
    every = tables["sprints"]
    sprints = since(every, "start", options)
    earlier = every.join(sprints.select("team", "sprint"), on=["team", "sprint"], how="anti")
    others = sprints.clear()
    if options.teams:
        others = sprints.filter(~pl.col("team").is_in(options.teams))
        earlier = earlier.filter(pl.col("team").is_in(options.teams))
        sprints = sprints.filter(pl.col("team").is_in(options.teams))
    if not sprints.height:
        return None
    out = predictability(sprints)
    with ThreadPoolExecutor(1) as beside:
        # the bootstrap is NumPy's work, done without the GIL: drawn on a second core while this
        # thread lists the quarters and the records (its place in the document kept)
        comparison = beside.submit(before_after, sprints, options.change_date, options.ratio) if options.change_date else None
        if comparison:
            out["before_after"] = None
        out["by_quarter"] = by_quarter(sprints)
        out["by_team_quarter"] = by_quarter(sprints, per_team=True)
        out["records"] = (sprint_records(sprints, options.change_date, options.ratio)
                          + left_out(earlier, f"started before {options.since}") + left_out(others, "another team"))
        if comparison:
            out["before_after"] = comparison.result()
    return out
