"""Before/after statistics: seeded percentile bootstrap over sprints, Mann-Whitney U.

- The compared figure is each period's figure as every group figure of predictability is given:
  the pooled ratio (sum of numerators / sum of denominators); when the sprints mix units (points
  and issue counts cannot be added), the median of the per-sprint ratios instead (it is unit-free).
  The result says which (`statistic`).
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

import math

import numpy as np

SEED = 20_261_125
RESAMPLES = 2_000
MIN_SPRINTS = 5  # stated in the docstring, which the report quotes (a test holds them together)
STATISTICS = {True: "pooled", False: "median of sprint ratios"}  # as predictability.headline gives a group's figure


def _figure(num: np.ndarray, den: np.ndarray, pooled: bool) -> float:
    """The period's figure: the pooled ratio, or the median of the sprint ratios."""
    return float(num.sum() / den.sum() if pooled else np.median(num / den))


BLOCK = 1 << 16  # draws counted at once: all of them for up to 32 sprints, a few hundred KB at a time beyond


def _resampled(num: np.ndarray, den: np.ndarray, pooled: bool, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """The period's figure in each of `resamples` bootstrap samples of its sprints (drawn with
    replacement), every sample drawn at once with NumPy: one step for up to 32 sprints,
    in blocks of `BLOCK` draws beyond, so that memory stays flat (10,000 sprints would take 160 MB
    at once). The blocks take their draws from the one stream in turn and each sample is summed on
    its own, so the figures are the same whatever the block size. A pooled sample sums the sprints
    drawn; a median one is counted (how often each sprint was drawn) and read from the counts of
    the sprints in the order of their ratios."""
    n = len(num)
    rows = max(1, min(resamples, BLOCK // n))
    out = np.empty(resamples)
    offsets = (np.arange(rows, dtype=np.int32) * n)[:, None]  # each sample's counts in a stretch of their own
    ratios = num / den
    order = np.argsort(ratios, kind="stable")
    middle = np.array([(n - 1) // 2, n // 2])  # the two middle ranks (one and the same when n is odd)
    for first in range(0, resamples, rows):
        block = min(rows, resamples - first)
        draws = rng.integers(0, n, (block, n), dtype=np.int32)
        if pooled:  # each sample's sums, row by row: the same whatever the block's shape
            out[first:first + block] = np.take(num, draws).sum(axis=1) / np.take(den, draws).sum(axis=1)
        else:
            draws += offsets[:block]
            counts = np.bincount(draws.ravel(), minlength=block * n).reshape(block, n)
            reach = np.cumsum(counts[:, order], axis=1)
            ranked = ratios[order]
            out[first:first + block] = (ranked[(reach <= middle[0]).sum(axis=1)] + ranked[(reach <= middle[1]).sum(axis=1)]) / 2
    return out


def compare(before: tuple[np.ndarray, np.ndarray], after: tuple[np.ndarray, np.ndarray], pooled: bool = True,
            resamples: int = RESAMPLES, seed: int = SEED) -> dict:
    """before/after = (numerators, denominators) per sprint, zero-commitment sprints already left out."""
    (bn, bd), (an, ad) = before, after
    n_before, n_after = len(bd), len(ad)
    out: dict = {"before": {"n": n_before}, "after": {"n": n_after}, "statistic": STATISTICS[pooled],
                 "difference_pp": None, "ci_low_pp": None, "ci_high_pp": None, "p_value": None,
                 "resamples": resamples, "seed": seed}
    # Full precision: rounding is for what people read.
    if n_before:
        out["before"]["value"] = _figure(bn, bd, pooled)
    if n_after:
        out["after"]["value"] = _figure(an, ad, pooled)
    if not (n_before and n_after):
        return out
    out["difference_pp"] = 100 * (out["after"]["value"] - out["before"]["value"])
    if n_before >= 2 and n_after >= 2:
        rng = np.random.default_rng(seed)
        diffs = _resampled(an, ad, pooled, resamples, rng) - _resampled(bn, bd, pooled, resamples, rng)
        low, high = np.percentile(diffs, [2.5, 97.5])
        out["ci_low_pp"], out["ci_high_pp"] = 100 * float(low), 100 * float(high)
        out["p_value"] = mann_whitney_p(an / ad, bn / bd)
    return out


def mann_whitney_p(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sided Mann-Whitney U p-value of samples `a` and `b`, exactly as SciPy's
    `scipy.stats.mannwhitneyu(a, b)` gives it (a test holds the two equal): its normal approximation
    with tie and continuity corrections when both samples exceed 8 or any value ties, SciPy itself
    for its exact small-sample distribution otherwise. Written out because importing scipy.stats
    takes most of a second, and every metrics run with a change date would pay it."""
    n1, n2 = len(a), len(b)
    _, inverse, counts = np.unique(np.concatenate([a, b]), return_inverse=True, return_counts=True)
    if (n1 <= 8 or n2 <= 8) and not (counts > 1).any():
        from scipy.stats import mannwhitneyu

        return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    mean_rank = np.cumsum(counts) - (counts - 1) / 2  # ties share the mean of their ranks
    u1 = mean_rank[inverse[:n1]].sum() - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    n = n1 + n2
    sd = math.sqrt(n1 * n2 / 12 * ((n + 1) - float((counts ** 3 - counts).sum()) / (n * (n - 1))))
    if sd == 0:  # every value the same: no evidence of a difference
        return 1.0
    z = (u - n1 * n2 / 2 - 0.5) / sd
    return min(1.0, math.erfc(z / math.sqrt(2)))


def conclusion(result: dict, label: str) -> str:
    """One plain sentence a leadership reader can take at its word."""
    from prodops.core.numbers import count, half_up, p_words, signed

    nb, na = result["before"]["n"], result["after"]["n"]
    left_out = _left_out(result)
    if result["difference_pp"] is None:
        return f"No {label} to compare: {count(nb, 'sprint')} before the change date, {na} after{left_out}."
    diff = half_up(result["difference_pp"], 1)
    # the sentence names the statistic it compares, as every place that shows the two figures does
    moved = f"{label} ({result['statistic']}) {'rose' if diff > 0 else 'fell' if diff < 0 else 'did not change'}" + (
        f" by {abs(diff)} points" if diff else "")
    counts = f"{count(nb, 'sprint')} before, {na} after{left_out}"
    if min(nb, na) < MIN_SPRINTS:
        text = (f"{moved.capitalize()} ({counts}), but that is too few sprints to conclude anything "
                f"(at least {MIN_SPRINTS} in each period are needed).")
    else:
        ci = f"95% CI {signed(result['ci_low_pp'])} to {signed(result['ci_high_pp'])} points"
        text = f"{moved.capitalize()} ({ci}; Mann-Whitney {p_words(result['p_value'])}; {counts})."
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
