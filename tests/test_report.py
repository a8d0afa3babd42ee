"""The report model: built from the workspace, complete, and the same bytes every time."""

import json

from conftest import run


def test_the_demo_report_is_complete_and_deterministic(demo):
    out = demo
    db = str(out / "prodops.db")
    first = run("report", "--db", db, "--format", "json")
    assert first.returncode == 0, first.stderr
    assert run("report", "--db", db).stdout == first.stdout  # same workspace, same bytes
    assert (out / "report.json").read_text() == first.stdout
    r = json.loads(first.stdout)
    assert r["organization"] == "Northwind Cloud" and r["as_of"] == "2026-09-30"
    assert r["maturity"]["level"] == 2 and r["maturity"]["since"] == "2026-09-30"
    assert [a["level"] for a in r["trajectory"]] == [1, 1, 2]
    assert len(r["criteria"]) == 52 and r["maturity"]["blockers"] and r["maturity"]["disagreements"]
    assert r["roadmap"]["phases"][-1]["projected_level"] == 5
    assert r["value"]["change_date"] == "2026-04-06" and len(r["value"]["predictability"]["by_quarter"]) == 8
    assert any("attribution, not causation" in s for s in r["summary"])
    assert any("Planning accuracy (median of sprint ratios) rose" in s for s in r["summary"])
    m = r["methodology"]
    assert m["model"]["id"] == "prodops-maturity" and m["respondents_by_role"]["pm"] == 4
    # Sprints that had not ended by the as-of day are left out (three of the 276 end on 2026-10-04)
    assert "Mann-Whitney" in m["definitions"]["before_after"] and m["sample_sizes"]["sprints"] == 273
    assert "different units" in " ".join(m["approximations"])
    # Symptoms as the latest assessment saw them, measured up to its date
    assert r["value"]["symptoms"]["window"]["to"] <= r["as_of"]
    assert "DESIGN.md" not in first.stdout  # definitions are written for readers, not for this repo's developers


def test_a_criterion_the_data_decides_says_so(demo):
    from prodops.core.report.layout import criteria

    r = json.loads((demo / "report.json").read_text())
    rows = {row[1]: row for row in criteria(r).tables[0].rows}
    # Measured over the sprints that had ended by 2026-09-30: 0.794, below the 0.8 line, as the answers say.
    assert rows["pp-4-predictability"][7] == "unmet (data)" and rows["pp-4-predictability"][4].value < 0.1
    data = next(c for c in r["criteria"] if c["id"] == "pp-4-predictability")["data"]
    assert round(data["value"], 3) == 0.794 and not data["holds"] and not data["conflict"]
    # the figure that decides, its n and its days stand beside the verdict
    assert (data["n"], data["counts"], data["from"], data["to"]) == (39, "sprints", "2026-07-02", "2026-09-30")
    assert rows["pp-4-predictability"][9] == "79% (line ≥ 80%) from 39 sprints, 2026-07-02 to 2026-09-30"
    assert "0.02*" in (demo / "report-charts" / "criteria-heatmap.svg").read_text()


def test_a_report_needs_an_assessment(tmp_path):
    p = run("report", "--db", str(tmp_path / "none.db"))
    assert p.returncode == 2 and "no workspace at" in p.stderr


def test_definitions_quoted_in_the_methodology_state_the_code_s_constants():
    from prodops.core.metrics import stats

    assert f"fewer than {stats.MIN_SPRINTS} sprints in a period" in stats.__doc__


def test_each_value_section_and_its_terminal_table_are_titled_by_the_metric_registry(demo, tmp_path):
    from prodops.core.metrics import METRICS
    from prodops.core.report.layout import TITLES, sections

    r = json.loads((demo / "report.json").read_text())
    shown = {s.id: s.title for s in sections(r)}
    assert {name: shown[name] for name in METRICS} == {name: m.title for name, m in METRICS.items()}
    assert all(TITLES[name] == m.title for name, m in METRICS.items())
    methodology = next(s for s in sections(r) if s.id == "methodology")
    headings = [heading for heading, _ in methodology.blocks]
    assert all(m.method_title in headings for m in METRICS.values())
    terminal = run("metrics", "--db", str(demo / "prodops.db"), "--until", "2026-09-30", env={"COLUMNS": "200"}).stdout
    for name in ("predictability", "launches", "revenue"):
        assert METRICS[name].title in terminal, name
