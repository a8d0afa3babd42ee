"""Revenue wins from feedback-driven work ("revenue connections").

A win is a chain: a feedback item from an account -> the roadmap item it drove (received before
the item shipped, on an earlier day: feedback received on the ship day or later cannot have
driven it) -> that item shipped -> the same account renewed or expanded on the ship day or within
`window_days` (default 180) after it. Attributed ARR of a win: for an expansion, arr_after -
arr_before; for a renewal, arr_after (the revenue kept). An account outcome is counted once, even
when several shipped items led to it; they are all listed. Contractions and churns are listed as
losses after feedback-driven work, never netted into the wins.

This is attribution, not causation: it records that Product Ops made sure the feedback was
collected, prioritised and acted on before the account's revenue moved, not that the item alone
moved it.

`records` lists every account outcome: counted when it is a win (with its attributed ARR, the
items and feedback behind it), else left out with the reason (a loss, listed and never netted;
no item its feedback drove shipped in the window before it; dated before the period).
"""

from __future__ import annotations

import polars as pl

from prodops.core.metrics import Options, since

WINDOW_DAYS = 180
LABEL = ("Attribution, not causation: each win is an account whose feedback, received before a roadmap item "
         "shipped, drove that item, and that renewed or expanded from the ship day on.")


def revenue_wins(feedback: pl.DataFrame, items: pl.DataFrame, outcomes: pl.DataFrame, window_days: int = WINDOW_DAYS) -> dict:
    shipped = items.filter(pl.col("shipped").is_not_null())
    chains = (feedback.filter(pl.col("roadmap_item").is_not_null())
              .join(shipped.select("roadmap_item", pl.col("name").alias("item_name"), "shipped"), on="roadmap_item")
              .join(outcomes, on="account")
              .filter((pl.col("received") < pl.col("shipped")) & (pl.col("date") >= pl.col("shipped"))
                      & (pl.col("date") <= pl.col("shipped") + pl.duration(days=window_days))))
    per_outcome = chains.group_by("account", "date", "outcome", "arr_before", "arr_after").agg(
        items=pl.struct("roadmap_item", "item_name").unique().sort(),
        feedback=pl.col("feedback").unique().sort(),
        first_shipped=pl.col("shipped").min(),
    ).with_columns(
        roadmap_items=pl.col("items").list.eval(pl.element().struct.field("roadmap_item")),
        item_names=pl.col("items").list.eval(pl.element().struct.field("item_name")),
    ).drop("items").with_columns(
        arr=pl.when(pl.col("outcome") == "expanded").then(pl.col("arr_after") - pl.col("arr_before"))
        .when(pl.col("outcome") == "renewed").then(pl.col("arr_after"))
        .otherwise(pl.col("arr_after") - pl.col("arr_before")),
    ).sort("date", "account")
    wins = per_outcome.filter(pl.col("outcome").is_in(["renewed", "expanded"]))
    losses = per_outcome.filter(pl.col("outcome").is_in(["contracted", "churned"]))
    driven = feedback.filter(pl.col("roadmap_item").is_not_null())
    chained = per_outcome.select("account", "date", "outcome", "arr", "roadmap_items", "item_names", "feedback")
    records = []
    for r in outcomes.join(chained, on=["account", "date", "outcome"], how="left").sort("date", "account", "outcome").iter_rows(
            named=True):
        win = r["arr"] is not None and r["outcome"] in ("renewed", "expanded")
        reason = (None if win else f"a loss ({r['outcome']}): listed, never netted" if r["arr"] is not None
                  else f"no item its feedback drove shipped in the {window_days} days before it")
        records.append(_record(r, reason, attributed=r["arr"] if win else None,
                               roadmap_items=", ".join(r["roadmap_items"] or []) or None,
                               feedback=", ".join(r["feedback"] or []) or None))
    return {
        "label": LABEL,
        "window_days": window_days,
        "attributed_arr": float(wins["arr"].sum()),
        "expansion_arr": float(wins.filter(pl.col("outcome") == "expanded")["arr"].sum()),
        "renewed_arr": float(wins.filter(pl.col("outcome") == "renewed")["arr"].sum()),
        "wins": wins.drop("arr_before", "arr_after").to_dicts(),
        "losses": losses.drop("arr_before", "arr_after").to_dicts(),
        "feedback_items": feedback.height,
        "feedback_driving_items": driven.height,
        "items_driven_by_feedback": driven["roadmap_item"].n_unique(),
        "unknown_roadmap_items": driven.join(items.select("roadmap_item"), on="roadmap_item", how="anti")[
            "roadmap_item"].unique().sort().to_list(),
        "items_shipped_from_feedback": shipped.join(driven.select("roadmap_item").unique(), on="roadmap_item").height,
        "records": records,
    }


def compute(tables: dict[str, pl.DataFrame], options: Options) -> dict | None:
    """The wins among the account outcomes dated on or after `since`."""
    outcomes = since(tables["account_outcomes"], "date", options)
    if not (tables["feedback"].height and outcomes.height):
        return None
    out = revenue_wins(tables["feedback"], tables["roadmap_items"], outcomes, options.revenue_window_days)
    earlier = tables["account_outcomes"].join(outcomes.select("account", "date", "outcome"),
                                              on=["account", "date", "outcome"], how="anti").sort("date", "account", "outcome")
    out["records"] += [_record(r, f"dated before {options.since}") for r in earlier.iter_rows(named=True)]
    return {**out, "currency": options.currency}


def _record(r: dict, reason: str | None, attributed: float | None = None, roadmap_items: str | None = None,
            feedback: str | None = None) -> dict:
    """An account outcome as a record: counted (a win) when there is no `reason` to leave it out."""
    return {"id": f"{r['account']} / {r['date'].isoformat()} / {r['outcome']}", "account": r["account"],
            "date": r["date"].isoformat(), "outcome": r["outcome"], "arr_before": r["arr_before"],
            "arr_after": r["arr_after"], "attributed_arr": attributed, "roadmap_items": roadmap_items,
            "feedback": feedback, "counted": reason is None, "reason": reason}
