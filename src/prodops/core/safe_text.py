"""What counts as a control character, in one place: refused in names and ids at every import,
stripped from everything shown in a terminal (an ESC byte in a team name would drive the terminal;
a NUL breaks PostgreSQL and the chart renderer). And the one check of a name or a note a person
gives (`checked_text`): not too long, without control characters, given where it is required."""

from __future__ import annotations

import re
from typing import Literal, overload

from prodops.core.errors import Fix, InputError

NAME_LENGTH = 200  # ids, names, teams, organisations: as wide as the workspace's columns
NOTE_LENGTH = 10_000  # an evidence note: a link or a comment
EMAIL_LENGTH = 320  # the longest address RFC 3696 allows

# C0 controls but tab and newline, DEL, and C1 controls (U+0080..U+009F)
CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL)


def printable(text: object) -> str:
    """`text` without control characters (tabs and newlines kept): safe to print to a terminal."""
    return _CONTROL.sub("", str(text))


def first_control(text: str) -> str | None:
    """The first control character in `text`, as people can read it (\\x1b), or None."""
    found = _CONTROL.search(text)
    return None if found is None else f"\\x{ord(found.group()):02x}"


# One plain address: no second recipient (a comma), no display name, no spaces.
_EMAIL = re.compile(r"[^@\s,;:<>\"()\[\]\\]+@[^@\s,;:<>\"()\[\]\\]+\.[^@\s,;:<>\"()\[\]\\]+")


def is_email(text: str) -> bool:
    return len(text) <= EMAIL_LENGTH and _EMAIL.fullmatch(text) is not None


def text_problem(text: str, what: str, length: int = NAME_LENGTH) -> str | None:
    """What is wrong with `text` as a name or a note, in words that name it as `what`, or None:
    longer than `length`, or a control character in it (tabs and newlines are fine)."""
    if len(text) > length:
        return f"{what} is {len(text):,} characters long; at most {length:,}"
    if (control := first_control(text)) is not None:
        return f"{what} holds a control character ({control}); remove it"
    return None


@overload
def checked_text(value: object, what: str, length: int = ..., *, required: Literal[True], fix: Fix | None = ...) -> str: ...


@overload
def checked_text(value: object, what: str, length: int = ..., required: bool = ..., fix: Fix | None = ...) -> str | None: ...


def checked_text(value: object, what: str, length: int = NAME_LENGTH, required: bool = False,
                 fix: Fix | None = None) -> str | None:
    """`value` without its surrounding spaces, fit to keep as a name or a note: None when it is blank
    (an InputError when `required`); an InputError, with `fix`, when it is not one text, is longer
    than `length` or holds a control character."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{what} is required", fix=fix)
        return None
    if not isinstance(value, str):
        raise InputError(f"{what} is one text, not {type(value).__name__}", fix=fix)
    text = value.strip()
    if (problem := text_problem(text, what, length)) is not None:
        raise InputError(problem, fix=fix)
    return text
