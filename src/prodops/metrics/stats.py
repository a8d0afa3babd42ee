"""Before/after statistics: seeded percentile bootstrap over sprints, Mann-Whitney U.

- The compared figure is the pooled ratio (sum of numerators / sum of denominators) of each
  period; when the sprints mix units, the mean of the per-sprint ratios instead (it is unit-free).
- Difference = after - before, in percentage points.
- 95% confidence interval: percentile bootstrap, resampling sprints with replacement within each
  period, `resamples` times, from a fixed seed: the same inputs give the same numbers every run.
- p-value: two-sided Mann-Whitney U test on the per-sprint ratios of the two periods.
- With fewer than 5 sprints in a period the numbers are still given, but the sentence
  says plainly that there are too few sprints to conclude; with fewer than 2 there is no interval.
- The sentence names every sprint left out: zero commitment, running across the change date,
  undated, or without the compared figure.
"""

from __future__ import annotations

import numpy as np

SEED = 20_261_125
RESAMPLES = 2_000
MIN_SPRINTS = 5  # stated in the docstring, which the report quotes (a test holds them together)


def _figure(num: np.ndarray, den: np.ndarray, pooled: bool, idx: np.ndarray | None = None) -> np.ndarray:
    """The period's figure; with `idx` (resamples x sprints), one figure per resample."""
    if idx is not None:
        num, den = num[idx], den[idx]
    if pooled:
        return num.sum(axis=-1) / den.sum(axis=-1)
    return (num / den).mean(axis=-1)


def compare(before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray], pooled: bool = True,
            resamples: int = RESAMPLES, seed: int = SEED) -> dict:
    """before/after = (numerators, denominators) per sprint, zero-commitment sprints already left out."""
    (bn, bd), (an, ad) = before, after
    n_before, n_after = len(bd), len(ad)
    out: dict = {"before": {"n": n_before}, "after": {"n": n_after}, "statistic": "pooled" if pooled else "mean of sprint ratios",
                 "difference_pp": None, "ci_low_pp": None, "ci_high_pp": None, "p_value": None,
                 "resamples": resamples, "seed": seed}
    # Full precision: rounding is for what people read.
    if n_before:
        out["before"]["value"] = float(_figure(bn, bd, pooled))
    if n_after:
        out["after"]["value"] = float(_figure(an, ad, pooled))
    if not (n_before and n_after):
        return out
    out["difference_pp"] = 100 * (out["after"]["value"] - out["before"]["value"])
    if n_before >= 2 and n_after >= 2:
        rng = np.random.default_rng(seed)
        diffs = (_figure(an, ad, pooled, rng.integers(0, n_after, (resamples, n_after)))
                 - _figure(bn, bd, pooled, rng.integers(0, n_before, (resamples, n_before))))
        low, high = np.percentile(diffs, [2.5, 97.5])
        out["ci_low_pp"], out["ci_high_pp"] = 100 * float(low), 100 * float(high)
        from scipy.stats import mannwhitneyu  # scipy.stats takes a second to import: only here

        out["p_value"] = float(mannwhitneyu(an / ad, bn / bd, alternative="two-sided").pvalue)
    return out


def conclusion(result: dict, label: str) -> str:
    """One plain sentence a leadership reader can take at its word."""
    from prodops.numbers import count, half_up, signed

    nb, na = result["before"]["n"], result["after"]["n"]
    left_out = _left_out(result)
    if result["difference_pp"] is None:
        return f"No {label} to compare: {count(nb, 'sprint')} before the change date, {na} after{left_out}."
    diff = half_up(result["difference_pp"], 1)
    moved = f"{label} {'rose' if diff > 0 else 'fell' if diff < 0 else 'did not change'}" + (
        f" by {abs(diff)} points" if diff else "")
    counts = f"{count(nb, 'sprint')} before, {na} after{left_out}"
    if min(nb, na) < MIN_SPRINTS:
        text = f"{moved.capitalize()} ({counts}), but that is too few sprints to conclude anything (at least {MIN_SPRINTS} in each period are needed)."
    else:
        ci = f"95% CI {signed(result['ci_low_pp'])} to {signed(result['ci_high_pp'])} points"
        text = f"{moved.capitalize()} ({ci}; Mann-Whitney p = {result['p_value']:.3g}; {counts})."
        if result["ci_low_pp"] <= 0 <= result["ci_high_pp"]:
            text += " The interval includes no change, so this could be chance."
    bounds = {result[p].get("bound") for p in ("before", "after")} - {None}
    if bounds:
        text += (f" Some of these sprints give only {'an upper bound of' if bounds == {'at most'} else 'an approximate'} "
                 f"{label}, so the change is approximate.")
    return text


def _left_out(result: dict) -> str:
    """"; left out: 2 with zero commitment, 1 undated" for every sprint not compared."""
    parts = []
    zero = sum(result[p].get("excluded_zero_commitment", 0) for p in ("before", "after"))
    missing = sum(result[p].get("excluded_not_available", 0) for p in ("before", "after"))
    spanning = len(result.get("excluded_spanning_change") or [])
    undated = result.get("excluded_undated") or 0
    for n, what in ((zero, "with zero commitment"), (spanning, "running across the change date"),
                    (undated, "without dates"), (missing, "without the figure")):
        if n:
            parts.append(f"{n} {what}")
    return f"; left out: {', '.join(parts)}" if parts else ""
