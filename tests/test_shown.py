"""Figures that mislead as shown (issue 18 §4). Each figure is checked by hand, on cases made right
at and around their lines, and on the demo, in every format people read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from conftest import ok, responses, tiny_model
from prodops.assessment import assess
from prodops.metrics import Measurement
from prodops.model import load_model

MODEL = load_model()
ORG = "Lineside"


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _answers(folder: Path, **people) -> str:
    """An answers file of Lineside on 2026-09-30: `people` id -> (role, team, one answer for every criterion)."""
    return _write(folder, "answers.yaml", yaml.safe_dump({"organization": ORG, "date": "2026-09-30", "respondents": [
        {"id": pid, "role": role, "team": team, "answers": {c.id: value for c in MODEL.criteria}}
        for pid, (role, team, value) in people.items()]}))


# --- 3. tiny samples do not decide levels silently ---------------------------------------------

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
    levels = {u["name"]: u["dimensions"]["gtm"] for u in report["units"]["units"]}
    assert levels == {"Commerce": 3, "Onboarding": 3, "Payments": 3, "Core": 3, "Platform": 3}


# --- 4. a unit's n counts only those who gave a scored answer ----------------------------------

def test_a_unit_resting_on_one_person_counts_one_and_says_so(tmp_path):
    db = str(tmp_path / "w.db")
    answers = _answers(tmp_path, ana=("pm", "Payments", "Fully"), bo=("engineering", "Payments", "N/A"),
                       cy=("pm", "Growth", "Partly"))
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
    assert f"> **Read with care:**\n> - Growth: one respondent" in md and f"> - Payments: {said}" in md
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


def test_every_tied_role_is_named(demo):
    md = (demo / "report.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| pp-4-process-measures |") and "role" not in line
               and line.count("|") == 7)
    # design 0.00 is lowest; engineering, gtm, leadership, pm and product-ops all 0.25 are highest
    assert row.endswith("| design 0.00 | engineering, gtm, leadership, pm, product-ops 0.25 |")


def test_a_column_of_hours_takes_one_number_of_decimals():
    from prodops.report import layout

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

    from prodops.metrics.stats import compare

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
