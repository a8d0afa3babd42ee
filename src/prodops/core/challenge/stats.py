"""A player's statistics: played, win %, current and longest streak, wins by number of guesses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prodops.core.challenge.rules import MAX_GUESSES
from prodops.core.numbers import half_up


@dataclass(frozen=True)
class Played:
    """One finished game. `day` is the daily game's date; None for a practice game."""

    won: bool
    guesses: int
    day: dt.date | None = None


@dataclass(frozen=True)
class Stats:
    played: int = 0
    wins: int = 0
    current_streak: int = 0
    max_streak: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, MAX_GUESSES + 1), 0))

    @property
    def win_percent(self) -> int:
        """A whole percent, halves rounded up (1 win in 8 is 13%); 0 before any game."""
        return int(half_up(100 * self.wins / self.played)) if self.played else 0

    def document(self) -> dict:
        return {"played": self.played, "wins": self.wins, "win_percent": self.win_percent,
                "current_streak": self.current_streak, "max_streak": self.max_streak,
                "distribution": {str(k): v for k, v in self.distribution.items()}}


def stats(games: list[Played], today: dt.date | None = None) -> Stats:
    """Statistics of daily games (a streak is won games on consecutive days: a loss or a day missed
    ends it; the current streak lives while today's or yesterday's game was won) or of practice
    games, in the order played (a streak is wins in a row)."""
    daily = bool(games) and games[0].day is not None
    ordered = sorted(games, key=_day) if daily else list(games)
    distribution = dict.fromkeys(range(1, MAX_GUESSES + 1), 0)
    run = longest = 0
    previous = None
    for game in ordered:
        follows = not daily or previous is None or (_day(game) - previous).days == 1
        run = (run + 1 if follows else 1) if game.won else 0
        longest = max(longest, run)
        previous = game.day
        if game.won:
            distribution[game.guesses] += 1
    if daily and today is not None and previous is not None and (today - previous).days > 1:
        run = 0
    return Stats(len(ordered), sum(g.won for g in ordered), run, longest, distribution)


def _day(game: Played) -> dt.date:
    """A daily game's date: stats() counts daily games apart from practice ones, which have none."""
    if game.day is None:
        raise ValueError("a practice game among daily ones: give stats() one kind at a time")
    return game.day
