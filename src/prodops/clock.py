"""The one clock of the program: every "now" and "today" is read here, and nowhere else
(tests/test_architecture.py checks it), so a test sets the time instead of depending on it.

Which day is "today":

- `now()`: the current instant, timezone-aware, in UTC. Every stored timestamp (assessments
  recorded, rows imported, sessions, games, changes to the plan) and every rate-limit window.
- `today()`: the UTC calendar day. Everything the workspace computes or stores by the day: the
  metrics' default as-of day, a campaign's opening and closing days, the web app's defaults, the
  default date of imported data, the day an investment is done. The same on every machine and
  worker, whatever its time zone.
- `local_today()`: the calendar day of this machine's own time zone. Only where a person's own
  calendar is meant at the terminal: the terminal Knowledge Challenge's word of the day, and the
  date an answers file is offered with (`prodops assess --interactive`, `prodops template answers`).

The web Knowledge Challenge takes the player's calendar day from the browser instead (any day that
is today somewhere on Earth: `operations.challenge.today_somewhere`). Durations (deadlines,
timeouts) are measured with `time.monotonic()`, which no clock setting moves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen_at: dt.datetime | None = None  # where a test froze the clock; None: the wall clock


def now() -> dt.datetime:
    """The current instant, in UTC."""
    return dt.datetime.now(dt.UTC) if _frozen_at is None else _frozen_at


def today() -> dt.date:
    """The UTC calendar day."""
    return now().date()


def local_today() -> dt.date:
    """The calendar day in this machine's time zone (its TZ), for a person at the terminal."""
    return now().astimezone().date()


def freeze(instant: dt.datetime) -> None:
    """For tests: the clock stands at `instant` (timezone-aware) until frozen elsewhere or
    unfrozen. Process-wide, so threads (a served app, a pool) see it too; a child process does not
    (run it under faketime)."""
    global _frozen_at
    if instant.utcoffset() is None:
        raise ValueError(f"{instant} has no time zone: give an instant, e.g. with tzinfo=datetime.timezone.utc")
    _frozen_at = instant.astimezone(dt.UTC)


def unfreeze() -> None:
    """The wall clock again."""
    global _frozen_at
    _frozen_at = None


@contextlib.contextmanager
def frozen(instant: dt.datetime) -> Iterator[dt.datetime]:
    """For tests: the clock stands at `instant` inside the block, and where it was after it."""
    global _frozen_at
    before = _frozen_at
    freeze(instant)
    try:
        yield now()
    finally:
        _frozen_at = before
