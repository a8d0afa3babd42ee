"""The report as a slide deck, read back with python-pptx as PowerPoint would: at most twelve
slides in the order a leadership meeting asks, each on a layout with its title in the title
placeholder, charts as PowerPoint charts holding the report's figures, tables as real tables,
speaker notes with the sentences, definitions and sample sizes, the detail in an appendix only when
asked for, nothing off the slide, hostile text as text, the same bytes."""

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

pytestmark = pytest.mark.slow  # slide decks rendered and read back: seconds a test


HOSTILE = '<script>alert(1)</script> & "Co" =HYPERLINK("http://evil","x") *bold*'


def deck(path) -> Presentation:
    return Presentation(str(path))


def title(slide) -> str:
    return slide.shapes.title.text


def charts_of(slide) -> dict:
    return {shape.chart.chart_title.text_frame.text: shape.chart for shape in slide.shapes if shape.has_chart}


def values(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


MEETING = ["Executive summary", "Where we are", "Teams and business units", "What blocks Level 3", "Roadmap",
           "Sprint predictability", "Launch success", "Time saved for PMs", "Revenue wins from feedback-driven work",
           "Symptoms of low maturity"]


def test_the_deck_has_the_meetings_slides_in_order_each_titled(demo):
    slides = list(deck(demo / "report.pptx").slides)
    report = json.loads((demo / "report.json").read_text())
    assert len(slides) <= 12
    for slide in slides:  # outline view and screen readers read the title placeholder
        assert slide.shapes.title is not None and slide.shapes.title.is_placeholder and title(slide).strip()
    assert [s.slide_layout.name for s in slides] == ["Title Slide"] + ["Title Only"] * (len(slides) - 1)
    assert title(slides[0]) == report["title"] and "As of 2026-09-30" in slides[0].placeholders[1].text_frame.text
    assert [title(s) for s in slides[1:]] == MEETING
    assert not any(title(s).startswith("Appendix") or "continued" in title(s) for s in slides)


def test_the_answer_is_one_slide_of_the_reports_own_sentences(demo):
    report = json.loads((demo / "report.json").read_text())
    answer = list(deck(demo / "report.pptx").slides)[1]
    said = " ".join(shape.text_frame.text for shape in answer.shapes if shape.has_text_frame and not shape.is_placeholder)
    assert all(f"• {sentence}" in said for sentence in report["summary"])  # level, trajectory, the plan, the value
    assert "Phase 1, 2026-09-30 to 2026-12-29: Metrics alignment" in said  # what comes next
    assert report["commentary"]["summary"][0][1] in said  # the lead's words beside them
    notes = answer.notes_slide.notes_text_frame.text
    assert all(f"{label}: {layout.text(value)} ({basis})" in notes for label, value, basis in layout.headline(report))


def test_the_charts_are_powerpoint_charts_holding_the_reports_figures(demo):
    report = json.loads((demo / "report.json").read_text())
    presentation = deck(demo / "report.pptx")
    assert not [shape for s in presentation.slides for shape in s.shapes if shape.shape_type == 13]  # no pictures
    slides = {title(s): s for s in presentation.slides}
    where = charts_of(slides["Where we are"])
    assert values(where["Level by dimension"]) == {"Level": [float(d["level"]) for d in report["maturity"]["dimensions"]]}
    assert list(where["Level by dimension"].plots[0].categories) == [d["name"] for d in report["maturity"]["dimensions"]]
    assert values(where["Maturity over time"])["Overall level"] == [float(a["level"]) for a in report["trajectory"]]
    predictability = charts_of(slides["Sprint predictability"])
    overall = values(predictability["Planning accuracy by quarter"])["All teams"]
    assert overall == [q["planning_accuracy"] for q in report["value"]["predictability"]["by_quarter"]]
    launches = values(charts_of(slides["Launch success"])["Launch success by year"])
    years = report["value"]["launches"]["years"]
    assert launches["Succeeded"] == [y["rate"] for y in years] and launches["On time"] == [y["on_time_rate"] for y in years]
    hours = values(charts_of(slides["Time saved for PMs"])["Where PM hours go"])
    by_category = report["value"]["time_value"]["by_category"].values()
    assert hours == {"Baseline": [c["baseline"] for c in by_category], "Follow-up": [c["followup"] for c in by_category]}
    wins = values(charts_of(slides["Revenue wins from feedback-driven work"])["Revenue wins after feedback-driven work"])
    assert wins == {"ARR (USD)": sorted((float(w["arr"]) for w in report["value"]["revenue"]["wins"]), reverse=True)}
    for chart in (*where.values(), *predictability.values()):  # the data is in the embedded sheet, editable
        assert chart.part.chart_workbook.xlsx_part is not None


def test_tables_are_real_tables_and_nothing_leaves_the_slide(demo):
    report = json.loads((demo / "report.json").read_text())
    presentation = deck(demo / "report.pptx")
    slides = {title(s): s for s in presentation.slides}
    blocks = next(shape.table for shape in slides["What blocks Level 3"].shapes if shape.has_table)
    assert [row.cells[1].text for row in list(blocks.rows)[1:]] == [c["id"] for c in report["maturity"]["blockers"]]
    plan = [shape.table for shape in slides["Roadmap"].shapes if shape.has_table]
    assert [c.text for c in plan[1].rows[0].cells][:4] == ["Investment", "Status", "Owner", "Cost"]  # owners and cost
    assert len(plan[0].rows) == len(report["roadmap"]["phases"]) + 1
    for n, slide in enumerate(presentation.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, n
            assert shape.left + shape.width <= presentation.slide_width, (n, shape.name)
            assert shape.top + shape.height <= presentation.slide_height + Emu(1), (n, title(slide), shape.name)


def test_speaker_notes_carry_the_sentences_definitions_and_sample_sizes(demo):
    report = json.loads((demo / "report.json").read_text())
    slides = {title(s): s.notes_slide.notes_text_frame.text for s in deck(demo / "report.pptx").slides}
    assert all(slides.values())
    notes = slides["Sprint predictability"]
    definition = layout.prose(report["methodology"]["definitions"]["predictability"])[0][1]
    assert "Definition (predictability):" in notes and definition in notes
    assert "Sample sizes: 11 respondents; 273 sprints; 18 launches; time survey paired: 13." in notes
    assert all(p in notes for p in next(s for s in layout.sections(report) if s.id == "predictability").paragraphs)
    assert "By team:" in notes  # the rows the slide does not show, with their n
    assert "Definition (scoring):" in slides["Where we are"]


def test_the_appendix_holds_every_criterion_and_the_methodology_only_when_asked(demo, tmp_path):
    report = json.loads((demo / "report.json").read_text())
    default = list(deck(demo / "report.pptx").slides)
    ok("report", "--db", str(demo / "prodops.db"), "-f", "pptx", "--appendix", "--out", str(tmp_path / "full.pptx"))
    slides = list(deck(tmp_path / "full.pptx").slides)
    assert [title(s) for s in slides[:len(default)]] == [title(s) for s in default]  # the meeting's, then the detail
    appendix = slides[len(default):]
    assert appendix and all(title(s).startswith("Appendix: ") for s in appendix)
    criteria = [s for s in appendix if title(s).startswith("Appendix: Criteria heat map: All criteria")]
    rows = [[row.cells[1].text for row in list(shape.table.rows)[1:]] for s in criteria for shape in s.shapes
            if shape.has_table]
    assert [c for chunk in rows for c in chunk] == [c["id"] for c in report["criteria"]]  # every criterion once, in order
    assert max(map(len, rows)) - min(map(len, rows)) <= 1  # split evenly: no slide of one row after full ones
    titles = [title(s) for s in appendix]
    assert "Appendix: Methodology" in titles and any(t.startswith("Appendix: Scoring") for t in titles)
    assert any(t.startswith("Appendix: Launch success: Launches that did not succeed") for t in titles)
    assert "Appendix: Roadmap: Investments as run" in titles  # the plan's slide shows it without "Did it work?"
    assert not any(t.startswith(("Appendix: What blocks", "Appendix: Roadmap: Phases")) for t in titles)  # shown whole
    body = next(s for s in appendix if title(s) == "Appendix: Methodology")
    assert body.slide_layout.name == "Title and Content"
    assert report["methodology"]["as_of"] in body.placeholders[1].text_frame.text
    high = deck(tmp_path / "full.pptx").slide_height
    for slide in appendix:
        assert all(shape.top + shape.height <= high + Emu(1) for shape in slide.shapes), title(slide)


def test_a_deck_of_every_section_stays_within_twelve_slides(demo):
    from prodops.renderers.slides import render_pptx

    report = json.loads((demo / "report.json").read_text())
    report["commentary"] = {sid: [["p", f"The lead on {sid}."]] for sid in ("notes", "methodology", "criteria", "trajectory")}
    slides = list(Presentation(io.BytesIO(render_pptx(report))).slides)
    assert len(slides) <= 12
    said = " ".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
    assert all(f"The lead on {sid}." in said for sid in ("criteria", "trajectory"))


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
    slides = Presentation(io.BytesIO(render(report, ["pptx"], appendix=True)["report.pptx"])).slides
    assert title(slides[0]) == HOSTILE  # as typed, without the control character
    cells = [c.text for s in slides for shape in s.shapes if shape.has_table for row in shape.table.rows for c in row.cells]
    assert HOSTILE in cells
    teams = [c for s in slides for shape in s.shapes if shape.has_chart for c in shape.chart.plots[0].categories]
    assert HOSTILE in teams


@pytest.mark.parametrize("formats", ["pptx", "pptx,pdf"])
def test_the_report_command_writes_the_deck(demo, tmp_path, formats):
    out = tmp_path / "board"
    ok("report", "--db", str(demo / "prodops.db"), "-f", formats, "--out", str(out))
    assert (tmp_path / "board.pptx").read_bytes() == (demo / "report.pptx").read_bytes()


def test_a_long_commentary_is_cut_to_fit_its_slide_and_kept_whole_in_the_notes(demo):
    from prodops.renderers.slides import MORE, render_pptx

    report = json.loads((demo / "report.json").read_text())
    long = " ".join(f"Sentence {i} of the lead's single very long paragraph about the quarter." for i in range(120))
    report["commentary"] = {"roadmap": [["p", long]]}
    presentation = Presentation(io.BytesIO(render_pptx(report)))
    [plan] = [s for s in presentation.slides if title(s) == "Roadmap"]
    said = [shape for shape in plan.shapes if shape.has_text_frame and "Sentence 0 of" in shape.text_frame.text]
    assert len(said) == 1 and said[0].text_frame.text.endswith(MORE)
    assert said[0].top + said[0].height <= presentation.slide_height
    assert long in plan.notes_slide.notes_text_frame.text
