"""The report's HTML, PDF and Markdown, read back as a reader's tools would, and the `report` command."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml

from conftest import ok, refused, run_process
from prodops.shells.demo import EXAMPLES, demo_answers
from prodops.renderers import FORMATS
from prodops.renderers.charts import CHARTS

pytestmark = pytest.mark.slow  # every report format rendered: seconds a test


# what a reader acts on, then the appendix
SECTIONS = ["summary", "maturity", "roadmap", "predictability", "launches", "time-value", "revenue",
            "symptoms", "trajectory", "criteria", "methodology"]
HOSTILE = '<script>alert(1)</script> & "Co" </style> =HYPERLINK("http://evil","x") | *bold* [l](http://evil) @octocat'


class Page(HTMLParser):
    """What a browser would see: element ids, tags, text, attribute values."""

    def __init__(self, html: str):
        super().__init__()
        self.ids, self.tags, self.text, self.attrs = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_data(self, data):
        self.text.append(data)


def test_the_demo_writes_every_format(demo):
    for fmt in FORMATS:
        assert (demo / f"report.{fmt}").stat().st_size > 1000
    assert sorted(p.stem for p in (demo / "report-charts").glob("*.svg")) == sorted(CHARTS)


def test_html_is_one_self_contained_page_with_every_section_and_chart(demo):
    html = (demo / "report.html").read_text()
    page = Page(html)
    assert [i for i in page.ids if i in SECTIONS] == SECTIONS
    assert page.tags.count("svg") == 2 * len(CHARTS) == 2 * len([i for i in page.ids if i.startswith("chart-")])  # laptop, phone
    # Offline: nothing to fetch, nothing to run.
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for _, k, v in page.attrs if k in ("src", "href") and v and not v.startswith("#")]
    assert "@import" not in html and "url(http" not in html and "@font-face" not in html
    # SVG ids are unique on the page, so one chart's clip paths cannot clip another.
    assert len(page.ids) == len(set(page.ids))
    text = " ".join(page.text)
    for title in ("Level by dimension", "Criteria heat map", "Planning accuracy by quarter", "Launch success by year",
                  "Where PM hours go", "Revenue wins after feedback-driven work", "Maturity over time",
                  "Projected level by phase"):
        assert title in text  # chart titles, drawn as SVG text
    assert "Level 2 · Emerging" in text and "60% → 83%" in text and "+23.6 pp" in text and "190,552 USD" in text
    assert "2026-04-06 (Playbook adopted)" in text  # the change date marked, and named, on the predictability chart
    assert "2025-11-03 (Product Ops lead hired)" in text  # another named day
    assert "Commentary" in text and "Q3 is the quarter the Playbook stuck" in text  # the lead's own words
    assert 'name="viewport"' in html and "@media print" in html and "size: A4" in html


def test_pdf_pages_text_and_page_size(demo, tmp_path):
    pdf = pypdf.PdfReader(demo / "report.pdf")
    assert 8 <= len(pdf.pages) <= 40
    first = pdf.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)  # A4 in points
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Northwind Cloud" in text and "Executive summary" in text and "Methodology" in text
    assert f"Page 1 of {len(pdf.pages)}" in text and f"Page {len(pdf.pages)} of {len(pdf.pages)}" in text
    assert "Planning accuracy by quarter" in text  # chart text is real text in the PDF
    # the cover, then the executive summary on one page of its own, then the body; the detail after it
    pages = [page.extract_text() for page in pdf.pages]
    assert "Contents" in pages[0] and "Executive summary" not in pages[0].split("Appendix")[-1]
    assert pages[1].startswith("Executive summary") and pages[2].startswith("Where we are")
    assert "p < 0.001" in pages[1] and "e-" not in pages[1] and "pm_overhead" not in pages[1]
    appendix = next(i for i, p in enumerate(pages) if p.startswith("Appendix A: Criteria heat map"))
    assert not any("All criteria" in p for p in pages[:appendix])
    ok("report", "--db", str(demo / "prodops.db"), "-f", "pdf", "--page-size", "letter", "--out", str(tmp_path / "l.pdf"))
    letter = pypdf.PdfReader(tmp_path / "l.pdf").pages[0]
    assert (round(float(letter.mediabox.width)), round(float(letter.mediabox.height))) == (612, 792)


def test_markdown_tables_and_chart_images_beside_it(demo):
    md = (demo / "report.md").read_text()
    assert md.startswith("# Product Operations maturity and value: Northwind Cloud\n")
    headings = [h[3:] for h in re.findall(r"^## .+$", md, re.M)]
    assert headings[:4] == ["Executive summary", "Where we are", "Teams and business units", "What people noted"]
    assert headings[-4:] == ["Appendix A: Criteria heat map", "Appendix B: Every unit by dimension",
                             "Appendix C: Methodology", "Appendix D: The records behind the figures"]
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(images) == len(CHARTS) and all((demo / i).is_file() for i in images)
    table = md[md.index("### Level by dimension"):].split("\n\n")[1].splitlines()
    assert table[0] == "| Dimension | Level | Level name |" and table[1] == "|---|---:|---|" and len(table) == 10


def test_every_format_is_the_same_bytes_from_the_same_workspace(demo, tmp_path):
    db = str(demo / "prodops.db")
    for folder, tz in (("a", "UTC"), ("b", "America/Los_Angeles")):  # charts' dates must not move with the zone
        p = run_process("report", "--db", db, "-f", ",".join(FORMATS), "--out", str(tmp_path / folder) + "/", env={"TZ": tz})
        assert p.returncode == 0, p.stderr
    for fmt in FORMATS:
        assert (tmp_path / "a" / f"report.{fmt}").read_bytes() == (tmp_path / "b" / f"report.{fmt}").read_bytes(), fmt
        assert (tmp_path / "a" / f"report.{fmt}").read_bytes() == (demo / f"report.{fmt}").read_bytes(), fmt
    stamped = ok("report", "--db", db, "--timestamp").stdout
    assert '"generated_at": "20' in stamped and '"generated_at": null' in (demo / "report.json").read_text()


# fontTools (WeasyPrint's font subsetter without libharfbuzz-subset) stamps each subset font with the clock.
_FONTTOOLS_PDF = """
import sys
import weasyprint.pdf.fonts
weasyprint.pdf.fonts.harfbuzz_subset = None if sys.argv[1] == "fonttools" else weasyprint.pdf.fonts.harfbuzz_subset
from prodops.shells.cli import main
sys.argv = ["prodops", "report", "-f", "pdf", "--db", sys.argv[2], "--out", sys.argv[3]]
main()
"""


@pytest.mark.parametrize("subsetter", ["fonttools", "harfbuzz"])
def test_the_pdf_is_the_same_bytes_whatever_the_clock(demo, tmp_path, subsetter):
    import subprocess
    import sys

    from conftest import needs

    needs("faketime", bool(shutil.which("faketime")), "PRODOPS_REQUIRE_FAKETIME", "apt-get install faketime")
    db = str(demo / "prodops.db")
    for name, clock in (("now.pdf", []), ("next-year.pdf", ["faketime", "-f", "+365d"])):
        p = subprocess.run([*clock, sys.executable, "-c", _FONTTOOLS_PDF, subsetter, db, str(tmp_path / name)],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
    assert (tmp_path / "now.pdf").read_bytes() == (tmp_path / "next-year.pdf").read_bytes()


def test_out_names_a_file_a_stem_or_a_folder(demo, tmp_path):
    db = str(demo / "prodops.db")
    p = ok("report", "--db", db, "-f", "html", "-f", "md", "--out", str(tmp_path / "board" / "q3"))
    assert sorted(x.name for x in (tmp_path / "board").iterdir()) == ["q3-charts", "q3.html", "q3.md"]
    assert "wrote" in p.stderr and "chart SVGs" in p.stderr
    assert "](q3-charts/trajectory.svg)" in (tmp_path / "board" / "q3.md").read_text()
    ok("report", "--db", db, "-f", "html", "--out", str(tmp_path / "pack.html"))
    assert (tmp_path / "pack.html").is_file()
    assert "name it x.pdf" in refused("report", "--db", db, "-f", "pdf", "--out", str(tmp_path / "x.html"))
    assert "--out PATH: where to write the html report" in refused("report", "--db", db, "-f", "html")
    assert "unknown report format 'docx'; one of html, pdf, md, xlsx, pptx, json" in refused(
        "report", "--db", db, "-f", "docx", "--out", "x")
    assert "unknown page size 'legal'; one of a4, letter" in refused(
        "report", "--db", db, "-f", "pdf", "--page-size", "legal", "--out", "x")
    assert "give a name without a suffix" in refused("report", "--db", db, "-f", "html,pdf", "--out", str(tmp_path / "x.xlsx"))
    assert "the output path is empty" in refused("report", "--db", db, "-f", "html", "--out", "")
    assert "--format is empty" in refused("report", "--db", db, "-f", ",", "--out", "x")
    assert "give one or the other" in refused("report", "--db", db, "--json", "-f", "html", "--out", "x")
    assert "only the JSON report goes to standard output" in refused("report", "--db", db, "-f", "html", "--out", "-")
    assert ok("report", "--db", db, "--out", "-").stdout == (demo / "report.json").read_text()
    # One format: the name as given, whatever its suffix; its charts beside it. Again (with --force):
    # its own charts made again, a file it did not write left alone.
    ok("report", "--db", db, "-f", "md", "--out", str(tmp_path / "notes.markdown"))
    assert (tmp_path / "notes.markdown").is_file() and len(list((tmp_path / "notes-charts").glob("*.svg"))) == len(CHARTS)
    (tmp_path / "notes-charts" / "revenue-wins.svg").unlink()
    (tmp_path / "notes-charts" / "someone-elses.svg").write_text("<svg/>")
    assert "exists; nothing was written (--force)" in refused(
        "report", "--db", db, "-f", "md", "--out", str(tmp_path / "notes.markdown"))
    ok("report", "--db", db, "-f", "md", "--out", str(tmp_path / "notes.markdown"), "--force")
    assert sorted(p.stem for p in (tmp_path / "notes-charts").glob("*.svg")) == sorted([*CHARTS, "someone-elses"])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert "cannot make the folder" in refused("report", "--db", db, "-f", "html", "--out", str(blocker / "r.html"))
    assert "cannot write /proc/r.html" in refused("report", "--db", db, "-f", "html", "--out", "/proc/r.html")
    assert not list(tmp_path.rglob("*.partial"))


def _hostile_workspace(tmp_path: Path) -> str:
    """A workspace whose organisation and a team carry text that is code in HTML, CSS, Markdown and Excel."""
    db = str(tmp_path / "hostile.db")
    answers = yaml.safe_load(demo_answers()[-1].read_text())
    answers["organization"] = HOSTILE
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers, allow_unicode=True))
    rows = list(csv.reader(io.StringIO((EXAMPLES / "sprints.csv").read_text())))
    for row in rows[1:]:
        row[0] = HOSTILE if row[0] == "Payments" else row[0]
    with open(tmp_path / "sprints.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    ok("import", "--organization", HOSTILE, "sprint-summary", str(tmp_path / "sprints.csv"), "--db", db)
    ok("assess", str(tmp_path / "answers.yaml"), "--db", db, "--no-data")
    return db


def test_hostile_text_is_inert_in_html_pdf_and_markdown(tmp_path):
    db = _hostile_workspace(tmp_path)
    ok("report", "--db", db, "-f", "html,pdf,md", "--out", str(tmp_path / "r"))
    html = (tmp_path / "r.html").read_text()
    page = Page(html)
    assert "script" not in page.tags and "<script>alert" not in html
    assert HOSTILE in " ".join(page.text)  # shown as typed, in the heading and the tables
    style = html[html.index("<style>"):html.index("</style>")]
    # The footer's CSS string holds the name escaped: its quote and </style> cannot end it early.
    assert "\\00003c\\00002fstyle\\00003e" in style and "\\000022Co\\000022" in style and "counter(pages)" in style
    chart = html[html.index('id="chart-predictability-over-time"'):]
    legend = [t for t in Page(chart[:chart.index("</figure>")]).text if t.startswith("<script>")]
    assert legend and HOSTILE.startswith(legend[0].rstrip("…"))  # the team in the legend, as text, cut to fit
    md = (tmp_path / "r.md").read_text()
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\[`l](http://evil`)" in md  # link-like words in code spans, brackets outside: no link, no autolink
    title = md.splitlines()[0]
    assert title.count("|") == title.count("\\|")  # pipes cannot open a table cell
    pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "r.pdf").pages)
    assert "<script>alert(1)</script>" in pdf_text


def test_a_workspace_with_answers_only_reports_without_value_sections(tmp_path):
    db = str(tmp_path / "ws.db")
    ok("assess", str(demo_answers()[0]), "--db", db, "--no-data")
    ok("report", "--db", db, "-f", "html,md,pdf,xlsx", "--out", str(tmp_path / "r"))
    ids = Page((tmp_path / "r.html").read_text()).ids
    assert "predictability" not in ids and "revenue" not in ids and {"summary", "trajectory", "methodology"} <= set(ids)
    assert len(pypdf.PdfReader(tmp_path / "r.pdf").pages) >= 3


def test_what_the_level_rests_on_is_shown_wherever_the_level_is(tmp_path):
    import openpyxl

    answers = yaml.safe_load(demo_answers()[-1].read_text())
    person = answers["respondents"][0]
    person["answers"] = dict.fromkeys(person["answers"], "N/A")
    answers["respondents"] = [person]
    (tmp_path / "na.yaml").write_text(yaml.safe_dump(answers))
    db = str(tmp_path / "ws.db")
    ok("settings", "reporting_threshold", "named", "--organization", answers["organization"], "--db", db)  # one person
    shown = ok("assess", str(tmp_path / "na.yaml"), "--db", db).stdout
    assert "Read with care:" in shown and "the level would be 1, not 5" in shown
    ok("report", "--db", db, "-f", "html,md,pdf,xlsx", "--out", str(tmp_path / "r"))
    needle = "count as met only because everyone answered N/A"
    html = (tmp_path / "r.html").read_text()
    assert html.count('class="warning"') == 2 and needle in html  # in the summary and where we are
    md = (tmp_path / "r.md").read_text()
    assert "> **Read with care:**" in md and needle in md
    pdf = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(tmp_path / "r.pdf").pages[:3])
    assert "Read with care:" in pdf and needle in pdf
    sheets = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert any(needle in str(c.value) for ws in sheets for row in ws.iter_rows(max_row=4) for c in row)


def test_pdf_never_splits_a_chart_or_a_short_table_across_pages(demo):
    """Where each element landed in WeasyPrint's page layout (its page boxes are internal API)."""
    import collections
    import json

    from weasyprint import HTML

    from prodops.renderers.charts import render_svgs
    from prodops.renderers.html import render_html
    from prodops.core.report.layout import sections

    report = json.loads((demo / "report.json").read_text())
    svgs = render_svgs(report, [c for s in sections(report) for c in s.charts])
    pages = HTML(string=render_html(report, svgs)).render().pages
    where = collections.defaultdict(set)

    def walk(box, number):
        element = getattr(box, "element", None)
        if element is not None and element.get("id"):
            where[element.get("id")].add(number)
        for child in getattr(box, "children", None) or []:
            walk(child, number)

    for number, page in enumerate(pages, 1):
        walk(page._page_box, number)
    short = [f"{s.id}-{t.id}" for s in sections(report) if s.id != "summary"  # its table is drawn as cards
             for t in s.tables if t.keep]
    assert len([k for k in where if k.startswith("chart-")]) == len(CHARTS)
    for key in [k for k in where if k.startswith("chart-")] + short:
        assert len(where[key]) == 1, (key, sorted(where[key]))
    assert len(where["criteria-criteria"]) > 1  # the long criteria table does run on, header repeated


def test_without_pango_the_pdf_says_what_to_install_and_the_demo_does_the_rest(tmp_path, monkeypatch):
    import sys
    import types

    from prodops.shells.demo import run_demo
    from prodops.renderers.pdf import PdfUnavailable, render_pdf

    broken = types.ModuleType("weasyprint")

    def missing(name):  # as WeasyPrint fails when the system has no Pango
        raise OSError("cannot load library 'libpango-1.0-0'")

    broken.__getattr__ = missing
    monkeypatch.setitem(sys.modules, "weasyprint", broken)
    with pytest.raises(PdfUnavailable, match=r"apt-get install libpango-1\.0-0"):
        render_pdf("<p>x</p>")
    done = run_demo(tmp_path / "demo")
    assert any("no PDF: PDF needs the Pango library" in note for note in done.notes)
    assert not (tmp_path / "demo" / "report.pdf").exists() and (tmp_path / "demo" / "report.html").exists()


def test_edge_cases_render_in_every_format(demo):
    """Shapes real workspaces take that the demo does not."""
    import copy
    import json

    from prodops.renderers import render
    from prodops.renderers.markdown import md_escape

    report = json.loads((demo / "report.json").read_text())
    odd = copy.deepcopy(report)
    tv = odd["value"]["time_value"]  # only the baseline survey imported so far
    tv.update(followup_hours=None, hours_saved_per_pm_week=None, monthly_value=None, paired=0)
    for c in tv["by_category"].values():
        c["followup"] = None
    unanswered = next(c for c in odd["criteria"] if c["id"] == "pp-4-predictability")
    unanswered.update(score=None, respondents=0)  # nobody answered; the data decided
    odd["maturity"]["top_level"] = 7  # a model with seven levels
    team = odd["value"]["predictability"]["teams"][-1]
    odd["value"]["predictability"]["teams"] += [{**team, "team": f"Board {i}", "sprints": i} for i in range(1, 20)]
    odd["value"]["predictability"]["by_quarter"] = []  # undated sprints, as in the TSE 2017 dataset
    out = render(odd, ["html", "md", "xlsx"], names={"html": "r.html", "md": "my report (v2).md", "xlsx": "r.xlsx"})
    html = out["r.html"].decode()
    assert "–*" in out["my report (v2)-charts/criteria-heatmap.svg"].decode()  # no score, the data's verdict
    assert ">7<" in out["my report (v2)-charts/dimension-levels.svg"].decode()  # the axis runs to the top level
    assert "my report (v2)-charts/predictability-over-time.svg" not in out  # nothing dated to draw over time
    by_team = out["my report (v2)-charts/predictability-by-team.svg"].decode()
    assert "The 15 teams with the most sprints of 25; the table lists all" in by_team
    assert ">Board 4<" not in by_team and ">Board 19<" in by_team
    assert "Board 1<" in out["r.html"].decode()  # the table still lists every team
    assert "](my%20report%20%28v2%29-charts/trajectory.svg)" in out["my report (v2).md"].decode()
    assert "Each activity and the unpaired total are means of everyone who answered each survey" in html
    # A code span's fence is longer than any run of backticks inside it: the link stays text.
    assert md_escape("www.x``[click](https://evil.example)") == "``` www.x``[click](https://evil.example ```)"
    # Brackets and stops around a link-like word stay outside its code span.
    assert md_escape("(see https://x.io/a).") == "(see `https://x.io/a`)."


def test_a_team_called_all_teams_keeps_its_own_line(demo):
    import json

    from prodops.renderers.charts import predictability_over_time

    report = json.loads((demo / "report.json").read_text())
    first = report["value"]["predictability"]["teams"][0]["team"]
    for row in report["value"]["predictability"]["teams"] + report["value"]["predictability"]["by_team_quarter"]:
        row["team"] = "All teams" if row["team"] == first else row["team"]
    domain = predictability_over_time(report)["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain[-1] == "All teams (overall)" and "All teams" in domain[:-1]


def test_the_symptoms_window_printed_is_the_one_measured(demo):
    """The window is printed as its first and last day, both in it: the report's symptoms were
    measured over the sprints that ended from 2026-06-29 (not 06-28: the sprints that ended that
    day are not in it) to 2026-09-27, the latest data up to the report's day, in every format."""
    import datetime as dt
    import json

    import openpyxl
    import polars as pl
    from pptx import Presentation

    from prodops.store import Workspace

    symptoms = json.loads((demo / "report.json").read_text())["value"]["symptoms"]
    assert symptoms["window"] == {"from": "2026-06-29", "to": "2026-09-27"}
    with Workspace.open(str(demo / "prodops.db")) as ws:
        sprints = ws.read("sprints", "Northwind Cloud")
    ended = sprints.filter(pl.col("end").is_between(dt.date(2026, 6, 29), dt.date(2026, 9, 27)))
    # 13 fortnights of 3 teams each; units mix (Growth counts issues), so the median sprint
    assert ended.height == 39 and sprints.filter(pl.col("end") == dt.date(2026, 6, 28)).height == 3
    assert symptoms["measurements"]["planning_accuracy"] == (ended["completed_committed"] / ended["committed"]).median()
    said = "sprints that ended from 2026-06-29 to 2026-09-27, both days included, and the time survey of 2026-07-16"
    assert said in " ".join(Page((demo / "report.html").read_text()).text)
    assert said in (demo / "report.md").read_text()
    assert said in " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(demo / "report.pdf").pages)
    assert any(said in str(c.value) for ws in openpyxl.load_workbook(demo / "report.xlsx") for row in ws.iter_rows() for c in row)
    assert any(said in shape.text_frame.text for slide in Presentation(str(demo / "report.pptx")).slides
               for shape in slide.shapes if shape.has_text_frame)
    shown = " ".join(ok("metrics", "symptoms", "--db", str(demo / "prodops.db"), "--until", "2026-09-30").stdout.split())
    assert "(2026-06-29 to 2026-09-27)" in shown and said in shown
