"""The lead's commentary: read as plain text under the report's section headings, kept per report,
and shown beside the figures in every format, where nothing in it is ever markup."""

from __future__ import annotations

import json

import openpyxl
import pytest
from pptx import Presentation

from conftest import ok, refused
from prodops.core.commentary import MAX_CHARS, parse, template
from prodops.core.errors import InputError
from prodops.core.report.layout import TITLES

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil","x") | @octocat'


def test_headings_name_sections_by_title_or_id_and_text_reads_as_written():
    said = parse("""Before any heading: the summary's.

## WHERE WE ARE
A paragraph that
runs over two lines.

- an item
- **bold** and *slanted* and `code`
  still the second item
1. numbered

# revenue
See [the plan](https://x.example/p) and [https://y.example](https://y.example).
""", TITLES)
    assert said == {
        "summary": [("p", "Before any heading: the summary's.")],
        "maturity": [("p", "A paragraph that runs over two lines."), ("li", "an item"),
                     ("li", "bold and slanted and code still the second item"), ("li", "numbered")],
        "revenue": [("p", "See the plan (https://x.example/p) and https://y.example.")],
    }


def test_html_stays_the_characters_typed_and_comments_are_hints():
    assert parse(f"<!-- a hint\nover lines -->\n# Roadmap\n{HOSTILE}\n", TITLES) == {"roadmap": [("p", HOSTILE)]}


def test_every_wrong_line_is_named():
    with pytest.raises(InputError) as e:
        parse("# Roadmap\nok\n# The future\nx\n# Trajectory\nbell \x07\n", TITLES, "q3.md")
    assert [p.line for p in e.value.problems] == [3, 6]
    assert ("q3.md, line 3: 'The future' is no section of the report; headings name one of: Executive summary,"
            in e.value.problems[0].message)
    with pytest.raises(InputError, match="the commentary holds at most 20,000"):
        parse("x" * (MAX_CHARS + 1), TITLES)


def test_the_template_is_read_back_as_empty():
    assert parse(template(TITLES), TITLES) == {}


@pytest.fixture
def workspace(demo_workspace) -> str:
    return demo_workspace


@pytest.mark.slow
def test_the_commentary_is_kept_per_report_and_shown_in_every_format(workspace, tmp_path):
    note = tmp_path / "q3.md"
    note.write_text(f"The Playbook stuck this quarter.\n\n# Roadmap\n- {HOSTILE}\n")
    ok("commentary", "set", str(note), "--db", workspace)
    assert ok("commentary", "show", "--db", workspace).stdout == note.read_text()
    ok("report", "--db", workspace, "-f", "html,md,xlsx,pptx,json", "--out", str(tmp_path / "r"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["commentary"] == {"summary": [["p", "The Playbook stuck this quarter."]], "roadmap": [["li", HOSTILE]]}
    html = (tmp_path / "r.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("The Playbook stuck") < html.index('class="cards"')  # beside the figures, not instead of them
    md = (tmp_path / "r.md").read_text()
    assert "> **Commentary**\n>\n> The Playbook stuck this quarter.\n" in md and "&lt;script&gt;" in md and "`@octocat`" in md
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Roadmap"]
    said = [c for row in sheet.iter_rows() for c in row if c.value == f"• {HOSTILE}"]
    assert len(said) == 1 and said[0].data_type == "s"  # text, never a formula
    slides = list(Presentation(str(tmp_path / "r.pptx")).slides)
    titles = [s.shapes.title.text for s in slides]
    said = [shape.text_frame.text for shape in slides[titles.index("Roadmap")].shapes if shape.has_text_frame]
    assert f"• {HOSTILE}" in said  # on the plan's slide, in a box of its own
    # an empty file removes it; a report of another day has none
    note.write_text("")
    ok("commentary", "set", str(note), "--db", workspace)
    assert json.loads(ok("report", "--db", workspace).stdout)["commentary"] == {}


def test_a_wrong_file_is_refused_and_nothing_kept(workspace, tmp_path):
    before = ok("commentary", "show", "--db", workspace).stdout  # the demo's
    assert before.startswith("<!-- The Head of Product Ops' own words")
    bad = tmp_path / "bad.md"
    bad.write_text("# Outlook\nsoon\n")
    message = refused("commentary", "set", str(bad), "--db", workspace)
    assert "'Outlook' is no section of the report" in message and "`prodops template commentary` writes one" in message
    assert ok("commentary", "show", "--db", workspace).stdout == before
    assert "no such file" in refused("commentary", "set", str(tmp_path / "none.md"), "--db", workspace)
    (tmp_path / "x.md").write_bytes(b"PK\x03\x04binary")
    assert "not" in refused("commentary", "set", str(tmp_path / "x.md"), "--db", workspace)


def test_the_template_command_writes_every_heading(tmp_path):
    text = ok("template", "commentary").stdout
    assert all(f"# {title}\n" in text for title in TITLES.values())


@pytest.mark.parametrize("written, read", [
    ("pm_overhead_share and 5*3*2 stay whole", "pm_overhead_share and 5*3*2 stay whole"),
    ("**bold**, *slanted*, _em_ and `code`", "bold, slanted, em and code"),
    ("the [Q3 plan](https://wiki.example/Q3_Plan_Final) now", "the Q3 plan (https://wiki.example/Q3_Plan_Final) now"),
    ("[see](https://en.wikipedia.org/wiki/Foo_(bar)) ok", "see (https://en.wikipedia.org/wiki/Foo_(bar)) ok"),
])
def test_marks_drop_only_where_they_are_marks(written, read):
    assert parse(f"# Roadmap\n{written}\n", TITLES) == {"roadmap": [("p", read)]}


def test_a_report_without_an_assessment_carries_its_commentary(tmp_path):
    from prodops.shells.demo import EXAMPLES

    db = str(tmp_path / "value.db")
    # launches alone: value data all the same
    ok("import", "--organization", "Acme", "launches", str(EXAMPLES / "launches.csv"), "--db", db)
    note = tmp_path / "c.md"
    note.write_text("Before our first assessment.\n\n# Launch success\n- Tiering starts in Q4.\n")
    ok("commentary", "set", str(note), "--db", db)
    report = json.loads(ok("report", "--db", db).stdout)
    assert report["maturity"] is None and report["commentary"] == {
        "summary": [["p", "Before our first assessment."]], "launches": [["li", "Tiering starts in Q4."]]}
    template = tmp_path / "t.md"
    template.write_text(ok("template", "commentary").stdout)
    assert "commentary removed" in ok("commentary", "set", str(template), "--db", db).stderr  # an unedited template
    assert ok("commentary", "show", "--db", db).stdout == ""


def test_commentary_on_a_section_the_report_lacks_is_kept_and_said(tmp_path):
    from prodops.shells.demo import EXAMPLES

    db = str(tmp_path / "value.db")
    ok("import", "--organization", "Acme", "launches", str(EXAMPLES / "launches.csv"), "--db", db)
    note = tmp_path / "c.md"
    note.write_text("# Roadmap\nNo plan before the first assessment.\n")
    ok("commentary", "set", str(note), "--db", db)
    p = ok("report", "--db", db)
    assert "note: the commentary on Roadmap is kept, but this report has no such section" in p.stderr
