"""The report as an Excel workbook: one sheet per section, real values, text never a formula, same bytes."""

import copy
import datetime as dt
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from prodops.core.report import layout
from prodops.renderers.xlsx import render_xlsx, sheet_title


@pytest.fixture(scope="module")
def report(demo):
    return json.loads((demo / "report.json").read_text())


@pytest.fixture(scope="module")
def workbook(report):
    return load_workbook(io.BytesIO(render_xlsx(report)))


def expected_names(report: dict) -> list[str]:
    taken: set[str] = set()
    return [sheet_title(s.short or s.heading, taken) for s in layout.sections(report) + layout.record_sections(report)]


def header_cell(ws, title: str):
    """The bold header cell reading `title` (the first one, top to bottom)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == title and cell.font.b:
                return cell
    raise AssertionError(f"no header {title!r} in {ws.title!r}")


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_one_sheet_per_section_with_its_title_first(report, workbook):
    sections = layout.sections(report) + layout.record_sections(report)
    assert workbook.sheetnames == expected_names(report)
    assert len(workbook.sheetnames) == len(sections) and len({n.casefold() for n in workbook.sheetnames}) == len(sections)
    for ws, section in zip(workbook.worksheets, sections):
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        assert ws["A1"].value == section.heading and ws["A1"].font.b and ws["A1"].font.sz > 11
    assert "Revenue wins from feedback-driven work" in [s.title for s in sections]  # longer than Excel allows
    assert workbook.properties.title == report["title"] and workbook.properties.creator == "prodops"
    as_of = dt.datetime.fromisoformat(report["as_of"])
    assert workbook.properties.created == as_of and workbook.properties.modified == as_of


def test_values_are_typed_with_number_formats(report, workbook):
    ws = workbook["Sprint predictability"]
    head = header_cell(ws, "Planning accuracy (pooled)")
    cell = ws.cell(head.row + 1, head.column)
    assert isinstance(cell.value, float) and 0 <= cell.value <= 1 and cell.number_format == "0%"
    assert ws.cell(head.row + 1, 1).value == "Analytics"
    sprints = ws.cell(head.row + 1, header_cell(ws, "Sprints").column)
    assert isinstance(sprints.value, int) and sprints.number_format == "0"

    ws = workbook["Roadmap"]
    head = header_cell(ws, "Start")
    cell = ws.cell(head.row + 1, head.column)
    assert isinstance(cell.value, dt.datetime) and cell.is_date and cell.number_format == "yyyy-mm-dd"

    ws = workbook["Criteria heat map"]
    columns = layout.criteria(report).tables[0].columns
    score = header_cell(ws, next(c.title for c in columns if c.kind == "score"))
    assert ws.cell(score.row + 1, score.column).number_format == "0.00"
    assert isinstance(ws.cell(score.row + 1, score.column).value, (int, float))
    flag = next(i for i, c in enumerate(columns, 1) if c.kind == "flag")
    flags = {ws.cell(r, flag).value for r in range(score.row + 1, ws.max_row + 1)
             if ws.cell(r, 1).value and not ws.cell(r, 1).font.b}
    assert flags <= {"yes", None} and "yes" in flags  # false flags are empty cells

    money = [c for c in all_cells(workbook) if c.number_format == "#,##0"]
    assert money and all(isinstance(c.value, (int, float)) for c in money)


def test_header_rows_are_bold_frozen_filtered_and_columns_sized(report, workbook):
    for ws, section in zip(workbook.worksheets, layout.sections(report)):
        if not section.tables:
            assert ws.freeze_panes is None
            continue
        first = section.tables[0]
        head = header_cell(ws, first.columns[0].title)
        assert ws.cell(head.row - 1, 1).value == first.title and ws.cell(head.row - 1, 1).font.b
        assert all(ws.cell(head.row, c).font.b and ws.cell(head.row, c).fill.fgColor.rgb.endswith("DDE3EA")
                   for c in range(1, len(first.columns) + 1))
        assert ws.freeze_panes == f"A{head.row + 1}" and head.row == 4  # title, blank, table title, header
        if first.rows:
            assert ws.auto_filter.ref.startswith(f"A{head.row}:")
        widths = [d.width for d in ws.column_dimensions.values()]
        assert widths and all(8 <= w <= 60 for w in widths)
    ws = workbook["Criteria heat map"]
    statement = header_cell(ws, "Statement")
    assert ws.cell(statement.row + 1, statement.column).alignment.wrap_text  # long text wraps


def test_methodology_definitions_are_a_heading_and_a_cell_per_paragraph_or_item(report, workbook):
    ws = workbook["Methodology"]
    column_a = [c.value for (c,) in ws.iter_rows(max_col=1)]
    heading, items = layout.methodology(report).blocks[0]
    at = column_a.index(heading)
    assert ws.cell(at + 1, 1).font.b
    assert column_a[at + 1:at + 1 + len(items)] == [("• " if kind == "li" else "") + line for kind, line in items]
    assert not [v for v in column_a if isinstance(v, str) and v.startswith(" ")]  # no hard-wrap indents


def test_the_same_report_gives_the_same_bytes(report):
    first = render_xlsx(report)
    assert render_xlsx(report) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "@SUM(A1)", "-2+3", "<script>alert(1)</script>", "#N/A",
           "bell\x07ring"]


def test_text_is_stored_as_text_never_as_a_formula(report):
    r = copy.deepcopy(report)
    r["organization"] = HOSTILE[0]
    r["title"] = "=1+1 \x07report"
    r["value"]["predictability"]["teams"][0]["team"] = HOSTILE[0]
    r["summary"] = [*HOSTILE, *r["summary"]]
    r["value"]["predictability"]["teams"][1]["team"] = "+1+1"
    r["value"]["revenue"]["wins"][0]["account"] = "@SUM(A1)"
    wb = load_workbook(io.BytesIO(render_xlsx(r)))

    assert wb.properties.title == "=1+1 report"
    cells = list(all_cells(wb))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value: dict[str, list] = {}
    for c in cells:
        by_value.setdefault(c.value, []).append(c)
    for text in HOSTILE:
        literal = text.replace("\x07", "")
        found = by_value.get(literal)
        assert found, f"{literal!r} not in the workbook"
        for c in found:
            assert c.data_type == "s" and c.value == literal
            assert c.quotePrefix == (literal[0] in "=+-@")
    summary = [c.value for c in wb["Executive summary"]["A"]]
    first = summary.index(HOSTILE[0])  # the summary's sentences, in order, after its tables
    assert summary[first:first + len(HOSTILE)] == [t.replace("\x07", "") for t in HOSTILE]
    team = header_cell(wb["Sprint predictability"], "Team")
    assert wb["Sprint predictability"].cell(team.row + 1, 1).value == HOSTILE[0]
    assert not any("\x07" in c.value for c in cells if isinstance(c.value, str))


def test_absent_value_sections_have_no_sheets(report):
    r = copy.deepcopy(report)
    for k in ("predictability", "launches", "time_value", "revenue", "symptoms"):
        r["value"][k] = None
    wb = load_workbook(io.BytesIO(render_xlsx(r)))
    assert wb.sheetnames == expected_names(r) == [
        "Executive summary", "Where we are", "Units", "Notes", "Roadmap", "Trajectory", "Criteria heat map", "Units in full",
        "Methodology", "Records data-verdicts"]  # the data verdicts' records: the assessment's, not a metric's


def test_sheet_titles_fit_excels_limits():
    taken: set[str] = set()
    assert sheet_title("Where we are", taken) == "Where we are"
    assert sheet_title("where WE are", taken) == "where WE are (2)"
    assert sheet_title("a/b: [c]*?\\d", taken) == "a b c d"
    long = sheet_title("Revenue wins from feedback-driven work", taken)
    assert len(long) <= 31 and long.startswith("Revenue wins from")
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("", taken) == "Sheet"
