"""What counts as a control character, in one place: refused in names and ids at every import,
stripped from everything shown in a terminal (an ESC byte in a team name would drive the terminal;
a NUL breaks PostgreSQL and the chart renderer)."""

from __future__ import annotations

import re

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


# A spreadsheet reads a cell starting with one of these as a formula ("=HYPERLINK(...)").
FORMULA_START = "=+-@\t\r"
# One plain address: no second recipient (a comma), no display name, no spaces.
_EMAIL = re.compile(r"[^@\s,;:<>\"()\[\]\\]+@[^@\s,;:<>\"()\[\]\\]+\.[^@\s,;:<>\"()\[\]\\]+")


def is_email(text: str) -> bool:
    return len(text) <= 320 and _EMAIL.fullmatch(text) is not None


def spreadsheet_text(text: str) -> str:
    """`text` for a CSV cell a spreadsheet will open: a leading quote keeps a formula as text."""
    return "'" + text if text[:1] and text[0] in FORMULA_START else text
