"""What a spreadsheet would run as a formula, and CSV it opens as data: the one rule every CSV the
app writes goes through (records downloads, invite links, the import templates).

A spreadsheet reads a cell that starts with `= + - @`, tab or CR as a formula (OWASP's CSV
injection). Quoting the field is not enough: a spreadsheet whose list separator is `;` (de, fr, nl)
splits `"Ann;=1+1;x"` at the semicolons, quotes or not, and runs `=1+1`. So within each field every
piece after a `,`, `;`, tab or line break is checked too, and a dangerous one gets a leading `'`,
which spreadsheets read as "this is text".

Numbers: a figure we computed (a column of numbers, its value a finite int or float) is written as
the number it is, so that -3.5 stays a number people can sum. Everything else, text people typed
above all, is text and neutralised: a team named "-3.5" is written "'-3.5".
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Iterable, Sequence

# A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)").
FORMULA_START = "=+-@\t\r"
# Where a spreadsheet may start a new cell within one quoted field: the separators of every locale,
# and a line break (a reader that ignores quotes starts a row there).
SEPARATORS = ",;\t\r\n"
# A dangerous first character of the field or of a piece after a separator, after any spaces
# (spreadsheets that trim cells would otherwise meet the formula first).
_DANGER = re.compile(f"(?:^|(?<=[{re.escape(SEPARATORS)}]))( *)(?=[{re.escape(FORMULA_START)}])")


def spreadsheet_text(text: str) -> str:
    """`text` for a spreadsheet's cell: each piece that would start a formula gets a leading `'`
    (`Ann;=1+1;x` -> `Ann;'=1+1;x`); other text, fullwidth ＝ included, is left as it is."""
    return _DANGER.sub(r"\1'", text)


def csv_cell(value: object, numeric: bool) -> object:
    """One field: a finite number of a `numeric` column (one we computed) as itself, anything else
    as neutralised text; None is empty."""
    if value is None:
        return ""
    if numeric and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return spreadsheet_text(str(value))


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Collection[str] = ()) -> str:
    """A CSV document with every field quoted and none read as a formula; the columns named in
    `numeric` hold figures we computed and keep their numbers (the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(h) for h in header])
    kinds = [h in numeric for h in header]
    for row in rows:
        writer.writerow([csv_cell(v, n) for v, n in zip(row, kinds)])
    return out.getvalue()
