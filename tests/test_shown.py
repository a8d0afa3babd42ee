"""Figures that mislead as shown (issue 18 §4). Each figure is checked by hand, on cases made right
at and around their lines, and on the demo, in every format people read: the terminal, the
report's HTML, PDF, Markdown, XLSX and slides, and the web app's dashboard.

"Lineside" is an organisation whose data sits at the default model's lines. By hand:
- planning accuracy: 5 sprints of team Core, 400 points committed each, 320, 320, 320, 320 and 319
  of them done: 1,599 / 2,000 = 0.7995, below the 0.8 line: "79.95%", never "80%" and unmet;
- PM overhead share: 3 PMs, 4 + 4 + 2 + 2.01 = 12.01 of 40 hours each: 0.30025, above the 0.3
  line: "30.03%", never "30%" and met;
- GTM-ready rate: 2 launches, both checklists complete: 100 % from 2 launches, fewer than the 5
  needed: no verdict, the answers decide;
- cadence: the 5 sprints are 14 days from a Monday, back to back: 100 %, no delay.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import ok, responses, tiny_model
from prodops.core.assessment import assess
from prodops.core.metrics import Measurement
from prodops.inputs.models import load_model
from prodops.core.numbers import beside, pct
from tests.test_organizations import _texts
from tests.test_web import app, db  # noqa: F401 (fixtures: the web app on a workspace of its own)

MODEL = load_model()
ORG = "Lineside"
SPRINTS = """team,sprint,start,end,unit,committed,completed,completed_committed,added,removed
Core,C1,2026-07-06,2026-07-19,points,400,320,320,0,0
Core,C2,2026-07-20,2026-08-02,points,400,320,320,0,0
Core,C3,2026-08-03,2026-08-16,points,400,320,320,0,0
Core,C4,2026-08-17,2026-08-30,points,400,320,320,0,0
Core,C5,2026-08-31,2026-09-13,points,400,319,319,0,0
"""
SURVEY = """respondent,period,date,meeting_coordination,reporting,tool_research,process_design,work_hours,team
pm1,baseline,2026-06-01,5,5,5,5,40,Core
pm2,baseline,2026-06-01,5,5,5,5,40,Core
pm3,baseline,2026-06-01,5,5,5,5,40,Core
pm1,followup,2026-09-15,4,4,2,2.01,40,Core
pm2,followup,2026-09-15,4,4,2,2.01,40,Core
pm3,followup,2026-09-15,4,4,2,2.01,40,Core
"""
LAUNCHES = """launch,name,tier,original_date,actual_date,adoption_metric,adoption_target,adoption_q1,team
L1,First,1,2026-05-01,2026-05-01,weekly active teams,100,150,Core
L2,Second,1,2026-08-01,2026-08-01,weekly active teams,100,150,Core
"""
CHECKLIST = """launch,function,item,owner,done,done_at
L1,Marketing,Launch blog post,marketing-lead,true,2026-04-30
L2,Marketing,Launch blog post,marketing-lead,true,2026-07-30
"""


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _answers(folder: Path, **people) -> str:
    """An answers file of Lineside on 2026-09-30: `people` id -> (role, team, one answer for every criterion)."""
    return _write(folder, "answers.yaml", yaml.safe_dump({"organization": ORG, "date": "2026-09-30", "respondents": [
        {"id": pid, "role": role, "team": team, "answers": {c.id: value for c in MODEL.criteria}}
        for pid, (role, team, value) in people.items()]}))


@pytest.fixture(scope="module")
def lineside(tmp_path_factory) -> dict:
    """Lineside's workspace, its `prodops assess` output and its report in every format."""
    folder = tmp_path_factory.mktemp("lineside")
    db = str(folder / "w.db")
    for kind, name, text in (("sprint-summary", "s.csv", SPRINTS), ("time-survey", "t.csv", SURVEY),
                             ("launches", "l.csv", LAUNCHES), ("launch-checklist", "c.csv", CHECKLIST)):
        ok("import", kind, _write(folder, name, text), "--organization", ORG, "--db", db)
    answers = _answers(folder, ana=("pm", "Core", "Fully"), lee=("leadership", "Core", "Fully"))
    ok("settings", "reporting_threshold", "named", "--organization", ORG, "--db", db)  # two people: their figures shown
    shown = ok("assess", answers, "--db", db, env={"COLUMNS": "250"}).stdout  # wide: the evidence as a table, unwrapped
    ok("report", "-f", "html,pdf,md,xlsx,pptx,json", "--appendix", "--out", f"{folder}/", "--db", db)  # every criterion
    symptoms = ok("metrics", "symptoms", "--db", db, "--until", "2026-09-30").stdout
    return {"db": db, "folder": folder, "assess": shown, "symptoms": symptoms,
            "report": json.loads((folder / "report.json").read_text())}


# --- 1. rounding never puts a figure on the other side of its line -----------------------------

LINES = [(c.data.op, c.data.threshold) for c in MODEL.criteria if c.data]
OFFSETS = [0, 1e-12, 1e-9, 1e-6, 4e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2]


@pytest.mark.parametrize("op, threshold", LINES, ids=[f"{op}{t}" for op, t in LINES])
@pytest.mark.parametrize("offset", OFFSETS + [-x for x in OFFSETS[1:]])
def test_a_share_near_its_line_reads_on_its_side(op, threshold, offset):
    from prodops.core.model.schema import DataBinding

    value = threshold + offset
    holds = DataBinding(metric="m", op=op, threshold=threshold).holds(value)
    shown = beside(value, op, threshold, holds, percent=True)
    if shown.startswith("just "):  # closer than the digits can show: said in words, on the right side
        side = "above" if value > threshold else "below"
        assert shown == f"just {side} {Decimal(repr(threshold)) * 100:f}%".replace(".0%", "%")
        assert abs(offset) < 5e-6
        return
    read = Decimal(shown.rstrip("%")) / 100  # what a reader compares with the line
    reads = {"<=": read <= Decimal(repr(threshold)), ">=": read >= Decimal(repr(threshold)),
             "<": read < Decimal(repr(threshold)), ">": read > Decimal(repr(threshold))}[op]
    assert reads == holds, (value, shown)
    if abs(offset) >= 1e-2 or offset == 0:
        assert "." not in shown  # far from the line, or on it: the usual whole percent


def test_the_examples_of_the_issue_read_on_their_side():
    assert beside(0.30025, "<=", 0.3, False, percent=True) == "30.03%"  # not "30%" against "≤ 30%"
    assert beside(0.7995, ">=", 0.8, False, percent=True) == "79.95%"  # not "80%" against "≥ 80%"
    assert beside(0.3, "<=", 0.3, True, percent=True) == "30%"  # on the line, and meets it
    assert beside(0.30000000000000004, "<=", 0.3, False, percent=True) == "just above 30%"
    assert beside(0.7495, ">=", 0.75, False, 2) == "0.7495"  # a score beside the met threshold
    assert beside(0.75 - 1e-12, ">=", 0.75, True, 2) == "0.75"  # met within the scoring's tolerance, and reads so
    assert pct(0.285) == "29%" and pct(0.125) == "13%"  # halves up from the figure as written, not from 28.4999...


def test_a_score_beside_the_met_threshold_keeps_its_deciding_digits_in_the_table_and_the_workbook():
    import openpyxl

    from prodops.core.report import layout
    from prodops.renderers import xlsx

    report = {"methodology": {"model": {"met_threshold": 0.75}}}
    cell = layout.score_beside({"score": 0.7495, "answers_met": False}, report)
    assert layout.text(cell) == "0.7495"
    assert layout.text(layout.score_beside({"score": 0.74, "answers_met": False}, report)) == "0.74"
    sheet = openpyxl.Workbook().active
    xlsx._put(sheet["A1"], cell, "score")
    assert (sheet["A1"].value, sheet["A1"].number_format) == (0.7495, "0.0000")  # Excel shows 0.7495, not 0.75
    xlsx._put(sheet["A2"], layout._measured({"value": 0.30025, "op": "<=", "threshold": 0.3, "holds": False}), "percent")
    assert (sheet["A2"].value, sheet["A2"].number_format) == (0.30025, "0.00%")


def test_every_format_shows_the_digits_that_decide(lineside):
    criteria = {c["id"]: c for c in lineside["report"]["criteria"]}
    overhead, accuracy = criteria["om-2-overhead"]["data"], criteria["pp-4-predictability"]["data"]
    assert (overhead["value"], overhead["holds"], accuracy["value"], accuracy["holds"]) == (0.30025, False, 0.7995, False)
    for fmt, words in _texts(lineside["folder"]).items():
        flat = " ".join(words.split())
        if fmt == "json":
            continue
        if fmt == "xlsx":  # numbers stay numbers: their format carries the digits
            import openpyxl

            book = openpyxl.load_workbook(lineside["folder"] / "report.xlsx")
            formats = {(c.value, c.number_format) for sheet in book for row in sheet.iter_rows() for c in row
                       if c.value in (0.30025, 0.7995)}
            assert formats >= {(0.30025, "0.00%"), (0.7995, "0.00%")}, formats
            assert "79.95% (line ≥ 80%) from 5 sprints, 2026-07-02 to 2026-09-30" in flat
            continue
        assert "79.95% (line ≥ 80%) from 5 sprints, 2026-07-02 to 2026-09-30" in flat, fmt
        assert "30.03% (line ≤ 30%) from 3 respondents, 2026-09-15" in flat, fmt
        assert "80% (line" not in flat and "30% (line" not in flat, fmt
    rows = [" ".join(line.replace("│", " ").split()) for line in lineside["assess"].splitlines()]
    assert "pp-4-predictability planning_accuracy ≥ 80% 79.95% 5 sprints, 2026-07-02 to 2026-09-30 misses conflict " \
           "1.00 (met) data" in rows, lineside["assess"]
    assert "om-2-overhead pm_overhead_share ≤ 30% 30.03% 3 respondents, 2026-09-15 misses conflict 1.00 (met) data" in rows
    symptoms = " ".join(lineside["symptoms"].split())
    assert "30.03%" in symptoms and "≤ 30%" in symptoms and "3 respondents" in symptoms


# --- 2. every data verdict shows its figure, its window and its n ------------------------------

def test_every_data_verdict_carries_its_figure_n_and_days(lineside):
    criteria = {c["id"]: c["data"] for c in lineside["report"]["criteria"] if c["data"]}
    assert {cid: (d["n"], d["counts"], d["from"], d["to"], d["needed"]) for cid, d in criteria.items()} == {
        "om-2-overhead": (3, "respondents", "2026-09-15", "2026-09-15", 3),
        "pp-2-cadence": (5, "sprints", "2026-07-02", "2026-09-30", 5),
        "pp-4-predictability": (5, "sprints", "2026-07-02", "2026-09-30", 5),
        "dp-2-planning-on-time": (4, "sprints", "2026-07-02", "2026-09-30", 5),  # C1 has no predecessor: 4 judged
        "gtm-4-coordinated-gtm": (2, "launches", "2025-10-01", "2026-09-30", 5),
    }
    conflicts = {c["id"] for c in lineside["report"]["maturity"]["data_conflicts"]}
    assert conflicts == {"om-2-overhead", "pp-4-predictability"}  # everyone says Fully; the data says no
    md = (lineside["folder"] / "report.md").read_text()
    conflict_row = next(line for line in md.splitlines() if line.startswith("| pp-4-predictability") and "Rests on" not in line
                        and "79.95%" in line and "| unmet |" in line)
    assert "| 5 sprints, 2026-07-02 to 2026-09-30 |" in conflict_row  # the conflicts table says what it rests on


def test_the_demos_predictability_verdict_shows_its_own_sprints(demo):
    """0.794 over 39 sprints decides pp-4-predictability: that figure, not the 2026-Q3 row's, stands beside it."""
    md = (demo / "report.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| pp-4-predictability |"))
    assert row.endswith("| unmet (data) |  | 79% (line ≥ 80%) from 39 sprints, 2026-07-02 to 2026-09-30 |")
    from pptx import Presentation

    from prodops.renderers.slides import render_pptx

    deck = Presentation(io.BytesIO(render_pptx(json.loads((demo / "report.json").read_text()), appendix=True)))
    cells = " ".join(c.text for s in deck.slides for shape in s.shapes if shape.has_table for row in shape.table.rows
                     for c in row.cells)
    assert "79% (line ≥ 80%) from 39 sprints, 2026-07-02 to 2026-09-30" in " ".join(cells.split())  # the appendix's


def test_the_dashboard_shows_each_verdict_with_its_figure_n_and_days(app, db, tmp_path, clock):
    """A campaign's result is scored today (the program's clock) against the quarter up to today:
    its data dated from that day."""
    from tests.test_web import invite, new_campaign, sign_in
    from prodops import operations
    from prodops.store import Workspace

    today = clock.today()
    ends = [today - dt.timedelta(days=14 * k + 1) for k in range(5)][::-1]
    done = [320, 320, 320, 320, 319]
    sprints = "team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n" + "".join(
        f"Core,C{i},{end - dt.timedelta(days=13)},{end},points,400,{d},{d},0,0\n" for i, (end, d) in enumerate(zip(ends, done)))
    survey = SURVEY.replace("2026-09-15", str(today - dt.timedelta(days=20)))
    ok("import", "sprint-summary", _write(tmp_path, "s.csv", sprints), "--organization", "Acme", "--db", db)
    ok("import", "time-survey", _write(tmp_path, "t.csv", survey), "--organization", "Acme", "--db", db)
    cid = new_campaign(app, threshold=None)  # named: its result as it stands
    token, = invite(app, cid, {"name": "Ana", "role": "pm", "team": "Core"})
    with Workspace.open(db) as ws:
        operations.save(ws, MODEL, token, {c.id: "Fully" for c in MODEL.criteria}, submit=True)
    browser, _ = sign_in(app, "viewer@example.com")
    page = " ".join(browser.get(f"/campaigns/{cid}").text.split())
    first = today - dt.timedelta(days=90)
    # the heat map's row, in the report's words: status, then the figure that decides it
    assert (f'<td role="cell" data-label="Status">unmet (data)</td><td role="cell" data-label="Disagree" class="flag"></td>'
            f'<td role="cell" data-label="Data" class="wide">79.95% (line ≥ 80%) from 5 sprints, {first} to {today}</td>') in page
    assert f">30.03% (line ≤ 30%) from 3 respondents, {today - dt.timedelta(days=20)}</td>" in page
    assert f"(om-2-overhead; data: 30.03% (line ≤ 30%) from 3 respondents, {today - dt.timedelta(days=20)})" in page  # a blocker


# --- 3. tiny samples do not decide levels silently ---------------------------------------------

def test_too_few_launches_leave_the_verdict_to_the_answers_and_say_so(lineside):
    gtm = next(c for c in lineside["report"]["criteria"] if c["id"] == "gtm-4-coordinated-gtm")
    assert gtm["data"]["value"] == 1.0 and gtm["data"]["holds"] is None
    assert not gtm["data"]["decides"] and not gtm["data"]["conflict"] and gtm["status"] == "met"  # the answers: Fully
    said = "too few launches to judge (2 of the 5 needed): 100%, 2025-10-01 to 2026-09-30"
    for fmt, words in _texts(lineside["folder"]).items():
        if fmt != "json":
            assert said in " ".join(words.split()), fmt
    assert "too few launches to judge (2 of the 5 needed)" in " ".join(lineside["assess"].split())


def test_a_minimum_below_which_data_judges_nothing_is_part_of_the_binding():
    model = tiny_model(criteria=[
        {"id": f"{d}{n}", "dimension": d, "level": n, "text": "t",
         **({"data": {"metric": "gtm_ready_rate", "op": ">=", "threshold": 0.8}} if (d, n) == ("a", 2) else {})}
        for d in "ab" for n in range(2, 6)])
    two = Measurement(1.0, 2, "launches", dt.date(2025, 10, 1), dt.date(2026, 9, 30), minimum=5)
    c = assess(model, responses(("pm", {"a2": 0.0})), {"gtm_ready_rate": two}).criteria["a2"]
    assert c.status == "unmet" and c.data.holds is None and not c.data.decides and not c.data.conflict
    assert c.data.document()["needed"] == 5
    five = Measurement(1.0, 5, "launches", dt.date(2025, 10, 1), dt.date(2026, 9, 30), minimum=5)
    c = assess(model, responses(("pm", {"a2": 0.0})), {"gtm_ready_rate": five}).criteria["a2"]
    assert c.status == "met" and c.data.decides and c.data.conflict  # five launches judge
    lenient = model.model_copy(deep=True)
    lenient.criterion["a2"].data.minimum = 2  # the model may ask for fewer (or more)
    c = assess(lenient, responses(("pm", {"a2": 0.0})), {"gtm_ready_rate": two}).criteria["a2"]
    assert c.status == "met" and c.data.decides and c.data.document()["needed"] == 2
    nobody = assess(model, responses(("pm", {})), {"gtm_ready_rate": two}).criteria["a2"]
    assert nobody.status == "unanswered"  # too few does not fill in for nobody either


def test_the_demos_units_do_not_reach_gtm_level_4_on_one_or_two_launches(demo):
    report = json.loads((demo / "report.json").read_text())
    levels = {u["name"]: u["dimensions"].get("gtm") for u in report["units"]["units"]}
    # the units of two people show no level (confidential): Commerce and Core, of 4 and 3, do
    assert levels == {"Commerce": 3, "Onboarding": None, "Payments": None, "Core": 3, "Platform": None}
    commerce = (demo / "report-commerce.html").read_text()
    assert "too few launches to judge (2 of the 5 needed): 100%, 2025-10-01 to 2026-09-30" in commerce


# --- 4. a unit's n counts only those who gave a scored answer ----------------------------------

def test_a_unit_resting_on_one_person_counts_one_and_says_so(tmp_path):
    db = str(tmp_path / "w.db")
    answers = _answers(tmp_path, ana=("pm", "Payments", "Fully"), bo=("engineering", "Payments", "N/A"),
                       cy=("pm", "Growth", "Partly"))
    ok("settings", "reporting_threshold", "named", "--organization", ORG, "--db", db)  # units of one: shown
    ok("assess", answers, "--db", db)
    ok("units", "add", "Payments", "--db", db)
    ok("units", "add", "Growth", "--db", db)
    report = json.loads(ok("report", "-f", "json", "--db", db).stdout)
    rows = {u["name"]: u for u in report["units"]["units"]}
    assert (rows["Payments"]["respondents"], rows["Growth"]["respondents"]) == (1, 1)  # bo answered only N/A
    said = "one of 2 respondents gave a scored answer (the others only N/A or blanks): the levels are one person's view"
    assert any(said in w for w in rows["Payments"]["warnings"])
    assert any("one respondent" in w for w in rows["Growth"]["warnings"])
    md = ok("report", "-f", "md", "--db", db, "--out", str(tmp_path / "r.md")) and (tmp_path / "r.md").read_text()
    assert "> **Read with care:**\n> - Growth: one respondent" in md and f"> - Payments: {said}" in md
    alone = json.loads(ok("report", "-f", "json", "--unit", "Payments", "--db", db).stdout)
    assert any(w["code"] == "single_respondent" for w in alone["maturity"]["warnings"])


# --- 5. the n of a year, which total is which, tied roles, one number of decimals a column -------

def test_the_demos_launch_sentence_gives_each_years_n(demo):
    md = (demo / "report.md").read_text()
    assert ("- Launch success went from 0% in 2025 (0 of 10 with a known outcome) to 43% in 2026 "
            "(3 of 7 with a known outcome, of 8 launches).") in md
    assert "| 2026 | 8 | 7 | 3 | 43% | 88% of 8 | 63% of 8 | 83% of 6 |" in md  # each part's rate says of how many


def test_the_demos_time_table_labels_the_unpaired_and_the_paired_total(demo):
    md = (demo / "report.md").read_text()
    assert "| Total, unpaired: everyone who answered each survey | 15.3 | 8.9 | -6.4 |" in md
    assert "| Total, paired: the 13 PMs who answered both | 15.3 | 9.0 | -6.3 |" in md
    report = json.loads((demo / "report.json").read_text())
    tv = report["value"]["time_value"]
    assert tv["paired_baseline_hours"] - tv["paired_followup_hours"] == pytest.approx(tv["hours_saved_per_pm_week"])


def test_every_tied_role_is_named():
    from prodops.core.report.layout import _role_extremes

    # design 0.00 is lowest; engineering, gtm, leadership, pm and product-ops all 0.25 are highest
    # (the means of a named assessment land a hair apart: 0.25 and 0.25000000000000006)
    roles = {"design": 0.0, "engineering": 0.25, "gtm": 0.25, "leadership": 0.25000000000000006, "pm": 0.25,
             "product-ops": 0.25}
    assert _role_extremes(roles) == ("design 0.00", "engineering, gtm, leadership, pm, product-ops 0.25")
    # confidential: one role shown is not both the lowest and the highest
    assert _role_extremes({"pm": 0.3125}, ["design", "gtm"]) == ("pm 0.31", "the other roles: too few people each to show")
    assert _role_extremes({}, ["design", "pm"]) == ("every role: too few people to show", "")


def test_a_column_of_hours_takes_one_number_of_decimals():
    from prodops.core.report import layout

    tv = {"by_category": {"meeting_coordination": {"baseline": 6.0, "followup": 2.96}},
          "baseline_hours": 6.0, "followup_hours": 2.96, "hours_saved_per_pm_week": 3.04, "paired": 0,
          "respondents_baseline": 1, "respondents_followup": 1, "overhead_share_baseline": 0.15,
          "overhead_share_followup": 0.074, "hourly_rate": None, "headcount": None, "monthly_value": None}
    section = layout.time_value({"value": {"time_value": tv, "currency": None}})
    table = section.tables[0]
    assert [[layout.text(v, c.kind) for v, c in zip(row[1:], table.columns[1:])] for row in table.rows] == [
        ["6.0", "3.0", "-3.0"], ["6.0", "3.0", "-3.0"]]
    people = layout._table("t", "T", [("Who", "text"), ("Person-weeks", "number")], [("a", 12), ("b", 2.5)])
    assert [layout.text(row[1], people.columns[1].kind) for row in people.rows] == ["12.0", "2.5"]
    whole = layout._table("t", "T", [("Who", "text"), ("Person-weeks", "number")], [("a", 12), ("b", 4)])
    assert [layout.text(row[1], whole.columns[1].kind) for row in whole.rows] == ["12", "4"]


# --- 6. the before/after figure is the group figure of every other place, and says which -------

def test_mixed_units_compare_the_median_sprint_as_every_group_figure_does():
    import numpy as np

    from prodops.core.metrics.stats import compare

    before = (np.array([2.0, 5.0, 9.0]), np.array([10.0, 10.0, 10.0]))  # ratios 0.2, 0.5, 0.9: median 0.5, mean 0.533
    after = (np.array([6.0, 7.0, 10.0, 5.0]), np.array([10.0, 10.0, 10.0, 5.0]))  # 0.6, 0.7, 1.0, 1.0: median 0.85
    mixed = compare(before, after, pooled=False)
    assert (mixed["before"]["value"], mixed["after"]["value"]) == (0.5, 0.85)
    assert mixed["statistic"] == "median of sprint ratios" and mixed["difference_pp"] == pytest.approx(35.0)
    assert mixed["ci_low_pp"] <= 35.0 <= mixed["ci_high_pp"]
    pooled = compare(before, after, pooled=True)
    assert (pooled["before"]["value"], pooled["after"]["value"]) == (16 / 30, 28 / 35) and pooled["statistic"] == "pooled"


def test_the_demos_before_and_after_is_the_median_sprint_and_says_so(demo):
    report = json.loads((demo / "report.json").read_text())
    ba = report["value"]["predictability"]["before_after"]
    # by hand from the 200 and 71 sprints: medians 0.5973 and 0.8333 (the means were 0.5833 and 0.8167)
    assert ba["statistic"] == "median of sprint ratios"
    assert round(ba["before"]["value"], 4) == 0.5973 and round(ba["after"]["value"], 4) == 0.8333
    md = (demo / "report.md").read_text()
    assert ("| Planning accuracy (median of sprint ratios) before and after 2026-04-06 (Playbook adopted) | 60% → 83% "
            "| +23.6 pp;") in md
    assert "Planning accuracy (median of sprint ratios) rose by 23.6 points" in md
