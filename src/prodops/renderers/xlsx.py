"""The report as an Excel workbook: one sheet per section of `layout.sections`, real typed values,
then one sheet per value figure listing its records (`layout.record_sections`).

Numbers stay numbers (percent as the 0..1 fraction with a `0%` format, dates as Excel dates), every
text is stored as a string and never as a formula, and the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from prodops.core.spreadsheet import FORMULA_START
from openpyxl.writer.excel import ExcelWriter

from prodops.renderers.files import stable_zip
from prodops.core.report import layout
from prodops.renderers import Drawing

FORMATS = {
    "percent": "0%",
    "score": "0.00",
    "number": "#,##0.0",
    "decimal": "#,##0.0",
    "money": "#,##0",
    "int": "0",
    "year": "0",
    "level": "0",
    "pp": '+0.0" pp";-0.0" pp"',
    "hours": '0.0" h"',
    "date": "yyyy-mm-dd",
}

MAX_WIDTH = 60
MIN_WIDTH = 8
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
WARNING = Font(bold=True, color="9C2A00")
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
WRAP = Alignment(wrap_text=True, vertical="top")

_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def clean(s: str) -> str:
    """Text Excel can hold: characters illegal in XML removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", s)


def sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name within Excel's limits (≤ 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe), unique among `taken` (case-insensitively, as Excel compares them)."""
    name = _SHEET_ILLEGAL.sub(" ", clean(title))
    name = " ".join(name.split()).strip("'").strip() or "Sheet"
    if len(name) > 31:  # cut at a word when that keeps most of it
        cut = name[:31]
        at_word = cut[:cut.rfind(" ")].rstrip(" ,;-") if " " in cut else ""
        name = at_word if len(at_word) >= 20 else cut.rstrip()
    base, n = name, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[:31 - len(suffix)].rstrip() + suffix
    taken.add(name.casefold())
    return name


def _put_text(cell, value: str) -> None:
    """`value` stored as a literal string: never a formula, an error code or evaluated on edit."""
    value = clean(value)
    cell.value = value if value else None
    if value:
        cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error: undo that
        if value[0] in FORMULA_START:
            cell.quotePrefix = True


def _put(cell, value, kind: str) -> None:
    """A typed value in a cell, with the number format of its kind (and its bound or unit, written
    in the format so that the cell stays a number)."""
    mark = unit = ""
    places = None
    if isinstance(value, layout.Typed):
        mark, unit = layout.BOUND_MARKS.get(value.bound, ""), " ".join(
            filter(None, [value.unit, f"of {value.of:,}" if value.of is not None else None]))
        value, kind, places = value.value, value.kind, value.places
    if value is None or value == "":
        return
    if kind == "flag":
        if value:
            _put_text(cell, "yes")
        return
    if kind == "date" and isinstance(value, dt.date):
        cell.value = value
        cell.number_format = FORMATS["date"]
        return
    if kind in layout.NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return
        cell.value = value
        whole = kind == "number" and float(value).is_integer()  # counts without a decimal, as layout.text
        cell.number_format = _decorated("#,##0" if whole else _places(kind, places), mark, unit)
        return
    _put_text(cell, str(value))


def _places(kind: str, places: int | None) -> str:
    """The kind's number format, with the decimals a figure beside its line takes to show its side."""
    if places is None or kind not in layout.PLACES:
        return FORMATS[kind]
    digits = f"0.{'0' * places}" if places else "0"
    return digits + ("%" if kind == "percent" else "")


def _decorated(number_format: str, mark: str, unit: str) -> str:
    """`number_format` with a literal prefix (≤, ≈) and suffix (a currency) in every section."""
    if not (mark or unit):
        return number_format
    quote = lambda s: '"' + s.replace('"', "") + '"' if s else ""  # noqa: E731
    return ";".join(f"{quote(mark)}{part}{quote(' ' + unit if unit else '')}" for part in number_format.split(";"))


class _Sheet:
    """Writes rows down a worksheet and remembers how wide each table column gets."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}
        self.wrap: set[int] = set()
        self.body: list = []  # table cells holding text, wrapped when their column is long
        self.frozen = False

    def line(self, value: str, font: Font | None = None) -> None:
        cell = self.ws.cell(self.row, 1)
        _put_text(cell, value)
        if font:
            cell.font = font
        self.row += 1

    def fit(self, col: int, s: str) -> None:
        longest = max((len(part) for part in s.split("\n")), default=0)
        self.widths[col] = max(self.widths.get(col, 0), longest)
        if longest > MAX_WIDTH:
            self.wrap.add(col)

    def table(self, t: layout.Table) -> None:
        self.line(t.title, BOLD)
        header = self.row
        for c, column in enumerate(t.columns, 1):
            cell = self.ws.cell(header, c)
            _put_text(cell, column.title)
            cell.font, cell.fill = BOLD, HEADER_FILL
            self.fit(c, column.title)
        self.row += 1
        for values in t.rows:
            for c, (column, value) in enumerate(zip(t.columns, values), 1):
                cell = self.ws.cell(self.row, c)
                _put(cell, value, column.kind)
                if cell.data_type == "s" and cell.value:
                    self.body.append(cell)
                self.fit(c, layout.text(value, column.kind))
            self.row += 1
        if not self.frozen:  # the first table: its header stays in view, its rows can be filtered
            self.frozen = True
            self.ws.freeze_panes = f"A{header + 1}"
            if t.rows:
                self.ws.auto_filter.ref = f"A{header}:{get_column_letter(len(t.columns))}{self.row - 1}"
        if t.note:
            self.line(t.note, ITALIC)

    def finish(self) -> None:
        for col, width in sorted(self.widths.items()):
            self.ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        for cell in self.body:  # titles, paragraphs, notes and methodology text run on to the right
            if cell.column in self.wrap:
                cell.alignment = WRAP


def _section(ws, section: layout.Section) -> None:
    sheet = _Sheet(ws)
    sheet.line(section.heading, TITLE_FONT)
    for w in section.warnings:
        sheet.line(f"Read with care: {w}", WARNING)
    for t in section.tables:
        sheet.row += 1
        sheet.table(t)
    if section.paragraphs:  # after the tables, so the frozen header rows stay few
        if section.tables:
            sheet.row += 1
            sheet.line("Notes", BOLD)
        for p in section.paragraphs:
            sheet.line(p)
    if section.commentary:  # after the tables too, with the section's own sentences
        sheet.row += 1
        sheet.line("Commentary", BOLD)
        for kind, line in section.commentary:
            sheet.line(f"• {line}" if kind == "li" else line)
    for heading, items in section.blocks:
        sheet.row += 1
        sheet.line(heading, BOLD)
        for kind, line in items:
            sheet.line(f"• {line}" if kind == "li" else line)
    sheet.finish()


def render_xlsx(report: dict) -> bytes:
    """The report as .xlsx bytes, the same for the same report."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for section in [*layout.sections(report), *layout.record_sections(report)]:  # each figure's records last
        _section(wb.create_sheet(sheet_title(section.short or section.heading, taken)), section)
    if not wb.sheetnames:
        wb.create_sheet("Report")
    as_of = dt.datetime.combine(dt.date.fromisoformat(report["as_of"]), dt.time())
    props = wb.properties
    props.title = clean(str(report.get("title") or "")) or None
    props.creator = "prodops"
    props.created = props.modified = as_of  # openpyxl stamps now; only save_workbook resets modified
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not wb.save(): it sets properties.modified to now
    return stable_zip(raw.getvalue())


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: render_xlsx(report)}
