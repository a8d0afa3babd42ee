"""How figures are written for people, in one place for the terminal and every report format.

- Halves round up, as people round (62.5 -> 63; 0.285 -> 29 %), from the figure's shortest
  decimal form, never from the binary float's neighbour (0.285 * 100 is 28.499999999999996).
- A figure shown beside a line it is judged against (a data-bound criterion's `<= 0.3`, the met
  threshold of a score) never reads on the other side of it: it takes the decimals that decide
  (30.03 % against "≤ 30 %"; 79.95 % against "≥ 80 %"), up to ROOM more than usual, and past
  those says "just above 30 %" or "just below 80 %".
"""

from __future__ import annotations

import operator
from decimal import ROUND_HALF_UP, Decimal

ROOM = 3  # decimals a figure may take beyond its usual ones to show which side of its line it is on
_READS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}  # as a reader compares


def _decimal(x: float, shift: int = 0) -> Decimal:
    """`x` as the decimal it was written as (its shortest repr), times 10**shift."""
    return Decimal(repr(float(x))).scaleb(shift)


def half_up(x: float, places: int = 0, shift: int = 0) -> Decimal:
    """Round as people do (62.5 -> 63), not as binary floats do (round(62.5) == 62); `shift` scales
    by a power of ten first (2: a share as a percent) without a float's rounding error."""
    return _decimal(x, shift).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def plain(d: Decimal) -> str:
    """A decimal without an exponent or trailing zeros: 30, 0.3, 12.5."""
    return format(d.normalize(), "f")


def pct(x: float | None) -> str:
    """A 0..1 share as a whole percent, halves rounded up."""
    return "–" if x is None else f"{half_up(x, 0, 2)}%"


def places_beside(x: float, op: str, line: float, holds: bool, places: int = 0, shift: int = 0) -> int | None:
    """The fewest decimals, from `places`, at which `x` (times 10**shift) rounded reads on the side of
    `line` that it is on: compared with the line as written by `op`, the shown figure gives `holds`.
    None when ROOM more decimals do not show it (then say it in words: `beside`)."""
    shown_line = _decimal(line, shift)
    for p in range(places, places + ROOM + 1):
        if _READS[op](half_up(x, p, shift), shown_line) == holds:
            return p
    return None


def beside(x: float, op: str, line: float, holds: bool, places: int = 0, percent: bool = False) -> str:
    """`x` as shown beside the line it is judged against (`op` `line`, `holds` the verdict): with the
    digits that decide, or "just above 30%" when even ROOM more digits would read as on the line."""
    shift = 2 if percent else 0
    sign = "%" if percent else ""
    p = places_beside(x, op, line, holds, places, shift)
    if p is None:
        return f"just {'above' if x > line else 'below'} {plain(_decimal(line, shift))}{sign}"
    return f"{half_up(x, p, shift)}{sign}"


def line(op: str, threshold: float, percent: bool = False) -> str:
    """A line as people read it: "≤ 30%", "≥ 0.75"."""
    return f"{ {'<=': '≤', '>=': '≥'}.get(op, op)} {plain(_decimal(threshold, 2 if percent else 0))}{'%' if percent else ''}"


def days(first: str | None, last: str | None) -> str:
    """A measurement's days: "2026-07-02 to 2026-09-30", or one day."""
    return "" if not first else first if first == last or not last else f"{first} to {last}"


def too_few(d: dict) -> str | None:
    """Why a measured figure judges nothing: "too few launches to judge (2 of the 5 needed)"; None
    when it judges. `d` holds n, counts and needed (a data verdict's or a symptom's JSON)."""
    if d.get("n") is None or d["n"] >= d["needed"]:
        return None
    return f"too few {d['counts']} to judge ({d['n']} of the {d['needed']} needed)"


def rests_on(d: dict) -> str:
    """What a measured figure rests on: "39 sprints, 2026-07-02 to 2026-09-30"."""
    n = "" if d.get("n") is None else count(d["n"], NOUNS.get(d["counts"], d["counts"]), d["counts"])
    return ", ".join(part for part in (n, days(d.get("from"), d.get("to"))) if part)


def evidence(d: dict) -> str:
    """A data verdict (its JSON, assessment.DataVerdict.document()) in a line: the figure with the
    digits that decide beside its line, what it rests on and its days, or why it judges nothing.
    "79% (line ≥ 80%) from 39 sprints, 2026-07-02 to 2026-09-30"."""
    basis, few = rests_on(d), too_few(d)
    if few:
        when = days(d.get("from"), d.get("to"))
        return f"{few}: {pct(d['value'])}" + (f", {when}" if when else "")
    shown = beside(d["value"], d["op"], d["threshold"], d["holds"], percent=True)
    return f"{shown} (line {line(d['op'], d['threshold'], True)})" + (f" from {basis}" if basis else "")


def p_words(p: float) -> str:
    """A p-value as a board reads it: "p < 0.001", else to three places ("p = 0.012"); the exact
    value is in the methodology and the JSON."""
    return "p < 0.001" if p < 0.001 else f"p = {half_up(p, 3)}"


def signed(x: float, places: int = 1) -> str:
    """+3.2, -0.4, 0.0: a change with its sign, never -0.0."""
    d = half_up(x, places)
    return f"{d + 0:+}" if d else f"{abs(d)}"


NOUNS = {"sprints": "sprint", "launches": "launch", "respondents": "respondent"}  # what a measurement's n counts


def count(n: int, noun: str, plural: str | None = None) -> str:
    """1 sprint, 2 sprints, 1 respondent."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def money(x: float, currency: str | None = None) -> str:
    """A sum of money in whole units, with the workspace's currency where one is set: 12,345 EUR."""
    return f"{half_up(x):,}" + (f" {currency}" if currency else "")


def natural(text: str) -> tuple:
    """A sort key that orders names as people read them: board 101 before board 1000, any case."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", text) if part)
