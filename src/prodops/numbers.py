"""How figures are written for people, in one place for the terminal and every report format."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(x: float, places: int = 0) -> Decimal:
    """Round as people do (62.5 -> 63), not as binary floats do (round(62.5) == 62)."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def pct(x: float | None) -> str:
    """A 0..1 share as a whole percent, halves rounded up."""
    return "–" if x is None else f"{half_up(x * 100)}%"


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
