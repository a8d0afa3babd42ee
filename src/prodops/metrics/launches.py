"""Launch success rate.

A launch succeeds when it is
- on time: launched no later than its *original* date plus `grace_days` (default 0);
- fully GTM-ready: every item of its readiness checklist done, and done by the launch date
  when the item says when;
- adopted: first-quarter adoption reached its target.
Each of the three is true, false or unknown (no actual date, no checklist, no target or no
figure). A launch failed when any of them is false; it succeeded when all three are true;
otherwise it is unknown, and unknown never counts as failed. Rates are over the launches whose
answer is known. The year of a launch is the year it launched (or was due, if it has not).
"""

from __future__ import annotations

import polars as pl

CHECKS = {"on_time": "late", "gtm_ready": "not GTM-ready", "adoption_met": "adoption target missed"}


def launch_outcomes(launches: pl.DataFrame, checklist: pl.DataFrame, grace_days: int = 0) -> pl.DataFrame:
    """One row per launch with on_time, gtm_ready, adoption_met, succeeded (true/false/null) and year."""
    ready = checklist.join(launches.select("launch", "actual_date"), on="launch", how="left").with_columns(
        item_ok=pl.col("done") & (pl.col("done_at").is_null() | pl.col("actual_date").is_null()
                                   | (pl.col("done_at") <= pl.col("actual_date"))))
    per_launch = ready.group_by("launch").agg(gtm_ready=pl.col("item_ok").all(), checklist_items=pl.len())
    out = launches.join(per_launch, on="launch", how="left").with_columns(
        on_time=pl.when(pl.col("actual_date").is_null()).then(None).otherwise(
            pl.col("actual_date") <= pl.col("original_date") + pl.duration(days=grace_days)),
        adoption_met=pl.when(pl.col("adoption_q1").is_null() | pl.col("adoption_target").is_null()).then(None)
        .otherwise(pl.col("adoption_q1") >= pl.col("adoption_target")),
        year=pl.coalesce("actual_date", "original_date").dt.year(),
        checklist_items=pl.col("checklist_items").fill_null(0),
    )
    checks = [pl.col(c) for c in CHECKS]
    return out.with_columns(
        succeeded=pl.when(pl.any_horizontal([c == False for c in checks])).then(False)  # noqa: E712 (null-aware)
        .when(pl.all_horizontal([c == True for c in checks])).then(True)  # noqa: E712
        .otherwise(None)
    ).sort("year", "original_date", "launch")


def launch_success(launches: pl.DataFrame, checklist: pl.DataFrame, grace_days: int = 0) -> dict:
    outcomes = launch_outcomes(launches, checklist, grace_days)

    def rate(col: str) -> pl.Expr:
        return (pl.col(col).sum() / pl.col(col).is_not_null().sum()).alias(f"{col}_rate")

    years = outcomes.group_by("year").agg(
        launches=pl.len(),
        known=pl.col("succeeded").is_not_null().sum(),
        succeeded=pl.col("succeeded").sum(),
        rate=pl.col("succeeded").sum() / pl.col("succeeded").is_not_null().sum(),
        **{f"{c}_rate": rate(c) for c in CHECKS},
        **{f"failed_{c}": (pl.col(c) == False).sum() for c in CHECKS},  # noqa: E712
    ).sort("year")
    rows = [_clean(r) for r in years.iter_rows(named=True)]
    for prev, cur in zip(rows, rows[1:]):
        if prev["rate"] is not None and cur["rate"] is not None:
            cur["change_pp"] = round(100 * (cur["rate"] - prev["rate"]), 1)
    failures = [
        {"launch": r["launch"], "name": r["name"], "year": r["year"],
         "reasons": [why for c, why in CHECKS.items() if r[c] is False]}
        for r in outcomes.filter(pl.col("succeeded") == False).iter_rows(named=True)  # noqa: E712
    ]
    unknown = outcomes.filter(pl.col("succeeded").is_null()).select("launch", "name", "year").to_dicts()
    orphans = checklist.join(launches.select("launch"), on="launch", how="anti")["launch"].unique().sort().to_list()
    return {"grace_days": grace_days, "years": rows, "failures": failures, "unknown": unknown,
            "checklist_for_unknown_launches": orphans}


def _clean(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and v != v else round(v, 4) if isinstance(v, float) else v)
            for k, v in row.items()}
