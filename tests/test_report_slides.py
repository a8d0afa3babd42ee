"""The report as a slide deck, read back with python-pptx as PowerPoint would: the slides a
leadership meeting needs, tables as real tables, charts as pictures, speaker notes with the
definitions and sample sizes, nothing off the slide, hostile text as text, the same bytes."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from pptx import Presentation
from pptx.util import Emu

from conftest import PRODOPS, needs, ok
from prodops.core.report import layout
from prodops.renderers.charts import CHARTS

pytestmark = pytest.mark.slow  # slide decks rendered and read back: seconds a test


HOSTILE = '<script>alert(1)</script> & "Co" =HYPERLINK("http://evil","x") *bold*'


def deck(path) -> Presentation:
    return Presentation(str(path))


def title(slide) -> str:
    return slide.shapes[0].text_frame.text


def test_the_deck_has_the_meetings_slides_in_order(demo):
    slides = list(deck(demo / "report.pptx").slides)
    report = json.loads((demo / "report.json").read_text())
    assert report["title"] in title(slides[0]) and "As of 2026-09-30" in slides[0].shapes[1].text_frame.text
    titles = list(dict.fromkeys(title(s) for s in slides))  # a section's further slides share its title
    wanted = ["Executive summary", "Executive summary: Key figures", "Where we are", "Where we are: What blocks Level 3",
              "Roadmap", "Sprint predictability", "Launch success", "Time saved for PMs",
              "Revenue wins from feedback-driven work", "Appendix: Methodology", "Appendix: Criteria heat map: All criteria"]
    assert [t for t in titles if t in wanted] == wanted  # each once, in the order leadership asks
    first = {s.id: titles.index(s.title) for s in layout.sections(report) if s.title in titles}
    assert list(first) == sorted(first, key=first.get)


def test_tables_are_real_tables_and_the_key_figures_match_every_other_format(demo):
    slides = list(deck(demo / "report.pptx").slides)
    report = json.loads((demo / "report.json").read_text())
    figures = next(s for s in slides if title(s) == "Executive summary: Key figures")
    table = next(shape.table for shape in figures.shapes if shape.has_table)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Figure", "Value", "Basis"]
    assert rows[1:] == [[label, layout.text(value), basis] for label, value, basis in layout.headline(report)]
    criteria = [s for s in slides if title(s).startswith("Appendix: Criteria heat map: All criteria")]
    ids = [row.cells[1].text for s in criteria for shape in s.shapes if shape.has_table for row in list(shape.table.rows)[1:]]
    assert ids == [c["id"] for c in report["criteria"]]  # every criterion once, continued over slides


def test_every_chart_is_a_picture_and_nothing_leaves_the_slide(demo):
    presentation = deck(demo / "report.pptx")
    pictures = [shape for s in presentation.slides for shape in s.shapes if shape.shape_type == 13]
    assert len(pictures) == len(CHARTS)
    for n, slide in enumerate(presentation.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, n
            assert shape.left + shape.width <= presentation.slide_width, (n, shape.name)
            assert shape.top + shape.height <= presentation.slide_height + Emu(1), (n, title(slide), shape.name)


def test_speaker_notes_carry_the_definitions_and_sample_sizes(demo):
    report = json.loads((demo / "report.json").read_text())
    slides = {title(s): s.notes_slide.notes_text_frame.text for s in deck(demo / "report.pptx").slides}
    notes = slides["Sprint predictability"]
    definition = layout.prose(report["methodology"]["definitions"]["predictability"])[0][1]
    assert "Definition (predictability):" in notes and definition in notes
    assert "Sample sizes: 11 respondents; 273 sprints; 18 launches; time survey paired: 13." in notes
    assert all(p in notes for p in next(s for s in layout.sections(report) if s.id == "predictability").paragraphs)
    assert "Definition (scoring):" in slides["Where we are"]


def test_the_same_workspace_gives_the_same_deck_whatever_the_clock(demo, tmp_path):
    needs("faketime", bool(shutil.which("faketime")), "PRODOPS_REQUIRE_FAKETIME", "apt-get install faketime")
    db = str(demo / "prodops.db")
    for name, clock in (("now.pptx", []), ("next-year.pptx", ["faketime", "-f", "+365d"])):
        subprocess.run([*clock, PRODOPS, "report", "-f", "pptx", "--db", db, "--out", str(tmp_path / name)],
                       check=True, capture_output=True, timeout=300)
    now, next_year = (tmp_path / "now.pptx").read_bytes(), (tmp_path / "next-year.pptx").read_bytes()
    assert now == next_year == (demo / "report.pptx").read_bytes()


def test_hostile_text_is_text_on_the_slides(tmp_path, demo):
    from prodops.renderers import render

    report = json.loads((demo / "report.json").read_text())
    report["title"] = HOSTILE + "\x0b"  # a vertical tab: no XML may hold it
    report["value"]["predictability"]["teams"][0]["team"] = HOSTILE
    slides = Presentation(io.BytesIO(render(report, ["pptx"])["report.pptx"])).slides
    assert title(slides[0]) == HOSTILE  # as typed, without the control character
    cells = [c.text for s in slides for shape in s.shapes if shape.has_table for row in shape.table.rows for c in row.cells]
    assert HOSTILE in cells


@pytest.mark.parametrize("formats", ["pptx", "pptx,pdf"])
def test_the_report_command_writes_the_deck(demo, tmp_path, formats):
    out = tmp_path / "board"
    ok("report", "--db", str(demo / "prodops.db"), "-f", formats, "--out", str(out))
    assert (tmp_path / "board.pptx").read_bytes() == (demo / "report.pptx").read_bytes()


def test_a_long_commentary_paragraph_is_cut_to_fit_its_slides(demo):
    from prodops.renderers.slides import render_pptx

    report = json.loads((demo / "report.json").read_text())
    long = " ".join(f"Sentence {i} of the lead's single very long paragraph about the quarter." for i in range(120))
    report["commentary"] = {"summary": [["p", long]]}
    presentation = Presentation(io.BytesIO(render_pptx(report, {})))
    slides = [s for s in presentation.slides if title(s).startswith("Executive summary: commentary")]
    assert len(slides) >= 4  # about 8,500 characters: more than one slide holds
    said = [slide.shapes[1].text_frame.text for slide in slides]
    assert all(len(text) <= 2200 for text in said)  # 21 lines of about 100 characters: what a box holds at 16 points
    assert " ".join(" ".join(t.split("\n")) for t in said) == long  # every word, in order, once
