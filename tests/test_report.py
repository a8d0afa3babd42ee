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
    assert r["value"]["change_date"] == "2026-04-06" and len(r["value"]["predictability_by_quarter"]) == 8
    assert any("attribution, not causation" in s for s in r["summary"])
    assert any("Planning accuracy rose" in s for s in r["summary"])
    m = r["methodology"]
    assert m["model"]["id"] == "prodops-maturity" and m["respondents_by_role"]["pm"] == 4
    assert "Mann-Whitney" in m["definitions"]["before_after"] and m["sample_sizes"]["sprints"] == 276
    assert "different units" in " ".join(m["approximations"])


def test_a_report_needs_an_assessment(tmp_path):
    p = run("report", "--db", str(tmp_path / "none.db"))
    assert p.returncode == 2 and "no workspace at" in p.stderr
