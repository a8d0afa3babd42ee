"""Launch success rate.

A launch succeeds when it is
- on time: launched no later than its *original* date plus `grace_days` (default 0);
- fully GTM-ready: every item of its readiness checklist done, and done by the launch date
  when the item says when;
- adopted: first-quarter adoption reached its target.
Each of the three is true, false or unknown (no checklist, no target or no figure). A launch
failed when any of them is false; it succeeded when all three are true; otherwise it is unknown,
and unknown never counts as failed.
Launches are judged as of a day (the report's or the assessment's; today for the metrics alone):
a launch that has not happened by then and is not yet past its original date plus the grace days
is *pending*: left out of every rate and listed. One that has not happened and is past that date
is *late*: not on time, so failed, whatever its checklist says.
Rates are over the launches whose answer is known, and say how many those are. The date of a
launch is the day it launched, or the day it was due if it has not; its year is that date's.

`records` lists every launch with its three parts, its outcome and why: counted in its year's
rate when its outcome is known, else left out with the reason (pending, outcome unknown, dated
before the period).
"""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl

from prodops.core.metrics import Options, since

CHECKS = {"on_time": "late", "gtm_ready": "not GTM-ready", "adoption_met": "adoption target missed"}


def launch_date() -> pl.Expr:
    """The date a launch is filed under: when it launched, or when it was due if it has not."""
    return pl.coalesce("actual_date", "original_date")


def launch_outcomes(launches: pl.DataFrame, checklist: pl.DataFrame, grace_days: int = 0,
                    as_of: dt.date | None = None) -> pl.DataFrame:
    """One row per launch with pending, on_time, gtm_ready, adoption_met, succeeded (true/false/null)
    and year. `launches` and `checklist` as known on `as_of` (metrics.known_by): an actual date after
    it is already blank."""
    due = pl.col("original_date") + pl.duration(days=grace_days)
    unknown = pl.lit(None, pl.Boolean)  # without a day to judge by, a launch that has not happened is unknown
    ready = checklist.join(launches.select("launch", "actual_date"), on="launch", how="left").with_columns(
        item_ok=pl.col("done") & (pl.col("done_at").is_null() | pl.col("actual_date").is_null()
                                   | (pl.col("done_at") <= pl.col("actual_date"))))
    per_launch = ready.group_by("launch").agg(gtm_ready=pl.col("item_ok").all(), checklist_items=pl.len())
    launched = pl.col("actual_date").is_not_null()
    out = launches.join(per_launch, on="launch", how="left").with_columns(
        pending=pl.lit(False) if as_of is None else ~launched & (due >= as_of),
        on_time=pl.when(launched).then(pl.col("actual_date") <= due).otherwise(unknown if as_of is None else False),
        adoption_met=pl.when(pl.col("adoption_q1").is_null() | pl.col("adoption_target").is_null()).then(None)
        .otherwise(pl.col("adoption_q1") >= pl.col("adoption_target")),
        year=launch_date().dt.year(),
        checklist_items=pl.col("checklist_items").fill_null(0),
    ).with_columns(  # not launched: ready and adopted cannot be told yet, and a pending launch is not judged
        gtm_ready=pl.when(launched).then(pl.col("gtm_ready")),
        adoption_met=pl.when(launched).then(pl.col("adoption_met")),
        on_time=pl.when(~pl.col("pending")).then(pl.col("on_time")),
    )
    checks = [pl.col(c) for c in CHECKS]
    return out.with_columns(
        succeeded=pl.when(pl.col("pending")).then(None)
        .when(pl.any_horizontal([c == False for c in checks])).then(False)  # noqa: E712 (null-aware)
        .when(pl.all_horizontal([c == True for c in checks])).then(True)  # noqa: E712
        .otherwise(None)
    ).sort("year", "original_date", "launch")


def launch_success(launches: pl.DataFrame, checklist: pl.DataFrame, grace_days: int = 0,
                   as_of: dt.date | None = None) -> dict:
    outcomes = launch_outcomes(launches, checklist, grace_days, as_of)
    judged = outcomes.filter(~pl.col("pending"))

    def rate(col: str) -> pl.Expr:
        return (pl.col(col).sum() / pl.col(col).is_not_null().sum()).alias(f"{col}_rate")

    years = judged.group_by("year").agg(
        launches=pl.len(),
        known=pl.col("succeeded").is_not_null().sum(),
        succeeded=pl.col("succeeded").sum(),
        rate=pl.col("succeeded").sum() / pl.col("succeeded").is_not_null().sum(),
        **{f"{c}_rate": rate(c) for c in CHECKS},
        **{f"{c}_known": pl.col(c).is_not_null().sum() for c in CHECKS},  # what each part's rate is over
        **{f"failed_{c}": (pl.col(c) == False).sum() for c in CHECKS},  # noqa: E712
    ).sort("year")
    rows = [_clean(r) for r in years.iter_rows(named=True)]
    for prev, cur in itertools.pairwise(rows):
        if prev["rate"] is not None and cur["rate"] is not None:
            cur["change_pp"] = 100 * (cur["rate"] - prev["rate"])
    failures = [
        {"launch": r["launch"], "name": r["name"], "year": r["year"], "launched": r["actual_date"] is not None,
         "reasons": [why if c != "on_time" or r["actual_date"] is not None else "late: not launched yet"
                     for c, why in CHECKS.items() if r[c] is False]}
        for r in judged.filter(pl.col("succeeded") == False).iter_rows(named=True)  # noqa: E712
    ]
    unknown = judged.filter(pl.col("succeeded").is_null()).select("launch", "name", "year").to_dicts()
    pending = outcomes.filter(pl.col("pending")).select("launch", "name", "original_date").to_dicts()
    records = [_record(r, grace_days, as_of) for r in outcomes.iter_rows(named=True)]
    orphans = checklist.join(launches.select("launch"), on="launch", how="anti")["launch"].unique().sort().to_list()
    return {"grace_days": grace_days, "as_of": None if as_of is None else as_of.isoformat(), "years": rows,
            "failures": failures, "unknown": unknown, "pending": pending, "checklist_for_unknown_launches": orphans,
            "records": records}


UNKNOWN_PARTS = {"on_time": "not launched", "gtm_ready": "no checklist", "adoption_met": "no adoption target or figure"}


def _record(row: dict, grace_days: int, as_of: dt.date | None) -> dict:
    """A launch as a record: its parts, its outcome, and why it is not counted when it is not."""
    reasons = [why if c != "on_time" or row["actual_date"] is not None else "late: not launched yet"
               for c, why in CHECKS.items() if row[c] is False]
    outcome = ("pending" if row["pending"] else "unknown" if row["succeeded"] is None
               else "succeeded" if row["succeeded"] else "failed")
    if outcome == "pending":
        due = row["original_date"] + dt.timedelta(days=grace_days)
        reason: str | None = f"pending: due by {due.isoformat()}, not launched by {as_of and as_of.isoformat()}"
    elif outcome == "unknown":
        reason = "outcome unknown: " + ", ".join(UNKNOWN_PARTS[c] for c in CHECKS if row[c] is None)
    else:
        reason = None
    return {"id": row["launch"], "name": row["name"], "team": row.get("team"), "year": row["year"],
            "original_date": _day(row["original_date"]), "actual_date": _day(row["actual_date"]),
            "on_time": row["on_time"], "gtm_ready": row["gtm_ready"], "checklist_items": row["checklist_items"],
            "adoption_q1": row["adoption_q1"], "adoption_target": row["adoption_target"],
            "adoption_met": row["adoption_met"], "outcome": outcome, "failed_because": "; ".join(reasons) or None,
            "counted": reason is None, "reason": reason}


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _clean(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


def compute(tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    """Launch success of the launches dated on or after `since`, judged as of `as_of`."""
    launches = since(tables["launches"], launch_date(), options)
    if not launches.height:
        return None
    out = launch_success(launches, tables["launch_checklist"], options.grace_days, options.as_of)
    earlier = tables["launches"].join(launches.select("launch"), on="launch", how="anti")
    if earlier.height:
        before = launch_outcomes(earlier, tables["launch_checklist"], options.grace_days, options.as_of)
        out["records"] += [{**_record(r, options.grace_days, options.as_of), "counted": False,
                            "reason": f"dated before {options.since}"} for r in before.iter_rows(named=True)]
    return out
