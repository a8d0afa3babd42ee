"""A day a person gives as text (YYYY-MM-DD), read by one parser: a command's option, a form's
field, a setting, an answers file, the terminal's prompt and the Knowledge Challenge's day all take
the same days. Each shell words a refusal its own way from why the text is no day (`NotADate`).
(Imported tables read their date columns with the same form, column by column: sources/tables.py.)

And a day or an instant worded for a person ("12 December 2026", "7 December 2026 at 14:05 UTC"), in
English whatever the machine's locale: the month names are ours, not strftime's."""

from __future__ import annotations

import datetime as dt
import re

_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class NotADate(ValueError):
    """Why a text is no day. `well_formed`: it has the form YYYY-MM-DD but names no day (2026-02-30);
    `detail`: Python's own words for what is wrong. Its message says which, in a few words."""

    def __init__(self, well_formed: bool, detail: str):
        super().__init__("not a real day" if well_formed else "not a date as YYYY-MM-DD")
        self.well_formed = well_formed
        self.detail = detail


def parse_day(text: str) -> dt.date:
    """The day `text` names, as YYYY-MM-DD (surrounding spaces ignored; ISO 8601's other forms of a
    day, 20260406 or 2026-W15-1, are read too), or NotADate."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise NotADate(_FORM.fullmatch(text) is not None, str(e)) from None


def day_words(day: dt.date) -> str:
    """A day as a person reads it: "12 December 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def instant_words(at: dt.datetime) -> str:
    """An instant (timezone-aware) as a person reads it, in UTC: "7 December 2026 at 14:05 UTC"."""
    if at.utcoffset() is None:
        raise ValueError(f"{at} has no time zone: give an instant")
    at = at.astimezone(dt.UTC)
    return f"{day_words(at.date())} at {at:%H:%M} UTC"
