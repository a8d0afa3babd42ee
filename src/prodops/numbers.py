"""How figures are written for people, in one place for the terminal and every report format."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(x: float, places: int = 0) -> Decimal:
    """Round as people do (62.5 -> 63), not as binary floats do (round(62.5) == 62)."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def pct(x: float | None) -> str:
    """A 0..1 share as a whole percent, halves rounded up."""
    return "–" if x is None else f"{half_up(x * 100)}%"
