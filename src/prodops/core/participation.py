"""Participation in a campaign, as rules on plain counts: how far the answers are toward the
targets, which groups are too thin to trust, what to say before a close, and the burn-up by day.

- **A group's rate.** A role with a target: submitted per target (over-delivery reads above 100 %).
  A team, or a role without a target: submitted per invited.
- **Toward the targets.** Each role with a target counts its submissions up to its target, over the
  sum of the targets: 4 PM answers against a PM target of 3 count 3, so over-delivery in one role
  never hides a shortfall in another, and roles without a target do not count toward it. A
  campaign without targets has no such figure (None).
- **Flagged.** A group judged against a line (a role with a target, a team) whose rate is under
  LOW_PARTICIPATION (60 %) is flagged: its answers may not speak for it.
- **Burn-up.** Submissions counted cumulatively at the end of each day from the day the campaign
  opens to its last day so far, against its target line (the sum of the targets, or the number
  invited when there are none); with targets, the answers toward them day by day too (each role
  up to its target), so that a chart whose submissions cross the line does not read as targets met.

A figure judged against a line is written with `numbers.pct` (halves up), and with the decimals
that decide where a whole percent would read on the other side of the line (0.595 against 60 %
reads 59.5 %, never "60 %, under 60 %").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from prodops.core.numbers import beside, half_up, pct

LOW_PARTICIPATION = 0.60  # a group under this share of its target (or of those invited) is flagged


class Counted(Protocol):
    """A group's counts, as a campaign's progress holds them (operations.campaigns.Count)."""

    @property
    def invited(self) -> int: ...

    @property
    def submitted(self) -> int: ...

    @property
    def target(self) -> int | None: ...


def rate(submitted: int, invited: int, target: int | None = None) -> float | None:
    """A group's rate: submitted per target when it has one, else per invited; None with neither."""
    base = target or invited
    return submitted / base if base else None


def flagged(share: float | None, line: float = LOW_PARTICIPATION) -> bool:
    """Whether a rate is under the line (None, a group of no one, is not)."""
    return share is not None and share < line


def role_flagged(n: Counted) -> bool:
    """A role with a target, under LOW_PARTICIPATION of it (a role without one is not judged)."""
    return bool(n.target) and flagged(rate(n.submitted, n.invited, n.target))


def team_flagged(n: Counted) -> bool:
    """A team under LOW_PARTICIPATION of those invited."""
    return flagged(rate(n.submitted, n.invited))


def percent_against(share: float | None, line: float = LOW_PARTICIPATION) -> str:
    """A rate as a whole percent (numbers.pct), with the decimals that decide where the whole
    percent would read on the other side of `line`: 0.595 against 60 % is "59.5%"."""
    if share is None:
        return pct(share)
    under = share < line
    if (half_up(share, 0, 2) < half_up(line, 0, 2)) == under:
        return pct(share)
    return beside(share, ">=", line, holds=not under, percent=True)


@dataclass(frozen=True)
class Toward:
    """The answers toward the targets: each role's submissions up to its target, over their sum."""

    submitted: int
    target: int

    @property
    def rate(self) -> float:
        return self.submitted / self.target

    @property
    def short(self) -> bool:
        """Some role is under its target."""
        return self.submitted < self.target

    @property
    def percent(self) -> str:
        """The rate as written beside the 100 % it is judged against."""
        return percent_against(self.rate, 1.0)

    def document(self) -> dict[str, Any]:
        return {"submitted": self.submitted, "target": self.target, "rate": self.rate}


def toward_targets(submitted: Mapping[str, int], targets: Mapping[str, int]) -> Toward | None:
    """Each role with a (non-zero) target counts min(its submissions, its target), over the sum of
    the targets; None without targets. `submitted`: role -> answers submitted."""
    wanted = {role: n for role, n in targets.items() if n}
    if not wanted:
        return None
    return Toward(sum(min(submitted.get(role, 0), n) for role, n in wanted.items()), sum(wanted.values()))


def close_warnings(by_role: Mapping[str, Counted], by_team: Mapping[str, Counted], toward: Toward | None,
                   names: Mapping[str, str] | None = None) -> list[str]:
    """What to say before a campaign closes: each role under its target, each team under
    LOW_PARTICIPATION of those invited, and, when the answers toward the targets are under 100 %,
    one sentence for the whole. `names`: a role's name by its id (the id where missing)."""
    names = names or {}
    line = pct(LOW_PARTICIPATION)
    said = []
    for role, n in by_role.items():
        if n.target and n.submitted < n.target:
            said.append(f"{n.submitted} of {n.target} wanted {names.get(role, role)} answers "
                        f"({percent_against(n.submitted / n.target, 1.0)}): under the target")
    for team, n in by_team.items():
        if team_flagged(n):
            said.append(f"Team {team}: {n.submitted} of {n.invited} invited submitted "
                        f"({percent_against(n.submitted / n.invited)}), under {line}")
    if toward is not None and toward.short:
        said.append(f"Toward the targets: {toward.submitted} of {toward.target} wanted ({toward.percent}), "
                    "each role counted up to its target: under the targets")
    return said


# --- the burn-up ---------------------------------------------------------------------------------

def burn_up(submitted_days: Sequence[dt.date], start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """Submissions so far at the end of each day from `start` to `end` (both included): one
    (day, cumulative) a day, days without a submission included. A submission before `start`
    counts on `start`, one after `end` on `end` (so the last figure is every submission). Empty
    when `end` is before `start` (a campaign not open yet)."""
    if end < start:
        return []
    days = (end - start).days + 1
    on = [0] * days
    for day in submitted_days:
        on[min(max((day - start).days, 0), days - 1)] += 1
    series, so_far = [], 0
    for i, n in enumerate(on):
        so_far += n
        series.append((start + dt.timedelta(days=i), so_far))
    return series


def toward_by_day(submitted: Sequence[tuple[dt.date, str]], targets: Mapping[str, int], start: dt.date,
                  end: dt.date) -> list[tuple[dt.date, int]]:
    """The answers toward the targets at the end of each day (as `toward_targets` counts them: each
    role with a target up to it) from `start` to `end`, days placed as `burn_up` places them.
    `submitted`: (day, role) of each submission. Empty without targets."""
    wanted = {role: n for role, n in targets.items() if n}
    if not wanted or end < start:
        return []
    by_role = {role: burn_up([day for day, r in submitted if r == role], start, end) for role in wanted}
    return [(day, sum(min(by_role[role][i][1], n) for role, n in wanted.items()))
            for i, (day, _) in enumerate(burn_up([], start, end))]


def label_days(days: int, most: int) -> list[int]:
    """Which of `days` days to label on a chart's axis: at most `most` of them, evenly spaced, the
    first and the last always (a 90-day campaign stays legible). Those for a smaller `most` of the
    form 2**k + 1 (3, 5, 9) are among those of a larger one (5 holds 3; 9 holds 5)."""
    if days <= 0 or most <= 0:
        return []
    if days <= most:
        return list(range(days))
    if most == 1:
        return [days - 1]
    return sorted({math.floor(k * (days - 1) / (most - 1) + 0.5) for k in range(most)})


def nice_top(value: int, ticks: int = 4) -> tuple[int, int]:
    """An axis from 0 to a round top at or above `value`, in at most `ticks` round steps (1, 2, 5,
    10, 20, 50...): (top, step)."""
    value = max(value, 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(value / step) <= ticks:
                return math.ceil(value / step) * step, step
        magnitude *= 10


@dataclass(frozen=True)
class BurnUp:
    """A campaign's submissions by day, against its target line; a chart's layout in fractions of
    its plot (0..1 across, 0..1 up), which each drawing scales to its own size."""

    series: list[tuple[dt.date, int]]  # burn_up(): the submissions so far at the end of each day
    target: int  # the line: the sum of the targets, or the number invited
    toward: list[tuple[dt.date, int]] | None = None  # toward_by_day(), the same days; None: no targets

    @property
    def wanted(self) -> bool:
        """The line is the targets' (else: the number invited)."""
        return self.toward is not None

    @property
    def submitted(self) -> int:
        return self.series[-1][1] if self.series else 0

    @property
    def toward_now(self) -> int | None:
        """The answers toward the targets on the last day (None: no targets)."""
        return None if self.toward is None else self.toward[-1][1] if self.toward else 0

    @property
    def axis(self) -> tuple[int, int]:
        """(top, step) of the count axis: room for the line and the submissions."""
        return nice_top(max(self.target, self.submitted))

    def across(self, i: int) -> float:
        """Where day i (0: the first) stands across the plot: the middle of its slot."""
        return (i + 0.5) / len(self.series)

    def up(self, count: int) -> float:
        return count / self.axis[0]

    def ticks(self) -> list[int]:
        top, step = self.axis
        return list(range(0, top + 1, step))

    def labels(self, most: int) -> list[int]:
        return label_days(len(self.series), most)

    def rows(self) -> list[tuple[dt.date, int, int | None]]:
        """(day, submitted so far, toward the targets or None) of each day."""
        toward = [n for _, n in self.toward] if self.toward else [None] * len(self.series)
        return [(day, n, t) for (day, n), t in zip(self.series, toward, strict=True)]

    def document(self) -> dict[str, Any]:
        return {"days": [{"date": d.isoformat(), "submitted": n, **({} if t is None else {"toward_targets": t})}
                         for d, n, t in self.rows()],
                "target": self.target, "target_is": "targets" if self.wanted else "invited"}
