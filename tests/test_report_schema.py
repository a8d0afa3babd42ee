"""The report's JSON Schema (src/prodops/core/report/schema.json): real reports pass it, drifted ones do not."""

import copy
import importlib.resources
import json

import pytest
from jsonschema import Draft202012Validator

from conftest import run
from prodops.shells.demo import demo_answers


@pytest.fixture(scope="module")
def schema():
    return json.loads((importlib.resources.files("prodops.core.report") / "schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def demo_report(demo):
    return json.loads((demo / "report.json").read_text(encoding="utf-8"))


def problems(validator, report) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(report)]


def report_of(db, *options) -> dict:
    p = run("report", "--db", str(db), "--format", "json", *options)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_every_field_of_the_schema_is_described(schema):
    undescribed = []

    def walk(node, path):
        if isinstance(node, dict):
            undescribed.extend(f"{path}/{k}" for k, sub in node.get("properties", {}).items() if "description" not in sub)
            for k, sub in node.items():
                walk(sub, f"{path}/{k}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}/{i}")

    walk(schema, "#")
    assert not undescribed
    assert schema["properties"]["schema_version"]["const"] == 1


def test_the_demo_report_is_valid(validator, demo_report):
    assert problems(validator, demo_report) == []
    assert all(demo_report["value"][m] is not None for m in ("predictability", "time_value", "launches", "revenue", "symptoms"))


def test_other_plans_of_the_demo_workspace_are_valid(validator, demo):
    report = report_of(demo / "prodops.db", "--phase-days", "30", "--capacity", "1")
    assert report["roadmap"]["phase_days"] == 30 and report["roadmap"]["capacity"] == 1
    assert problems(validator, report) == []


def test_a_report_with_one_assessment_and_no_value_data_is_valid(validator, tmp_path):
    db = tmp_path / "one.db"
    p = run("assess", str(demo_answers()[0]), "--db", str(db))
    assert p.returncode == 0, p.stderr
    report = report_of(db)
    assert problems(validator, report) == []
    value = report["value"]
    assert [value[m] for m in ("predictability", "time_value", "launches", "revenue", "symptoms", "change_date")] == [None] * 6
    assert len(report["trajectory"]) == 1 and report["methodology"]["sample_sizes"]["sprints"] is None


def _drop(path):
    def mutate(r):
        *parents, key = path
        for k in parents:
            r = r[k]
        del r[key]
    return mutate


def _set(path, value):
    def mutate(r):
        *parents, key = path
        for k in parents:
            r = r[k]
        r[key] = value
    return mutate


def _rename(path, new):
    def mutate(r):
        *parents, key = path
        for k in parents:
            r = r[k]
        r[new] = r.pop(key)
    return mutate


DRIFT = {
    "missing top-level key": _drop(["methodology"]),
    "missing nested key": _drop(["value", "predictability", "teams", 0, "say_do_pooled"]),
    "missing criterion key": _drop(["criteria", 3, "unanswered_count"]),
    "renamed key": _rename(["value", "time_value"], "time-value"),
    "extra key": _set(["maturity", "levels"], 2),
    "level as a string": _set(["maturity", "level"], "2"),
    "share as a string": _set(["criteria", 0, "score"], "1.0"),
    "null where a value is required": _set(["roadmap", "phase_days"], None),
    "date not ISO": _set(["as_of"], "30/09/2026"),
    "unknown status": _set(["criteria", 0, "status"], "passed"),
    "schema version 2": _set(["schema_version"], 2),
}


@pytest.mark.parametrize("mutation", list(DRIFT.values()), ids=list(DRIFT))
def test_the_schema_catches_drift(validator, demo_report, mutation):
    drifted = copy.deepcopy(demo_report)
    mutation(drifted)
    assert drifted != demo_report
    assert problems(validator, drifted), "the drifted report passed the schema"


def test_a_report_with_events_and_investments_as_run_is_valid(validator, demo, tmp_path, clock):
    import shutil

    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    for args in (["events", "add", "2026-04-06", "Playbook adopted"], ["events", "add", "2025-12-01", "Lead hired"],
                 ["investments", "set", "establish-product-ops", "--status", "done", "--done-on", "2026-04-15",
                  "--owner", "Dana", "--cost", "125000", "--weeks", "12"],
                 ["investments", "set", "metrics-alignment", "--status", "in-progress", "--target", "2027-01-31"],
                 ["investments", "set", "okr-automation", "--status", "done"]):  # done today: after the report's date
        assert run(*args, "--db", str(db)).returncode == 0
    report = report_of(db)
    assert problems(validator, report) == []
    assert [e["label"] for e in report["value"]["events"]] == ["Product Ops lead hired", "Lead hired", "Playbook adopted"]
    assert report["roadmap"]["tracking"]["okr-automation"]["verification"] is None  # not done by the report's date


@pytest.mark.slow
def test_a_report_with_value_data_and_no_assessment_is_valid_and_says_so(validator, tmp_path):
    from prodops.shells.demo import EXAMPLES

    db = str(tmp_path / "value.db")
    for kind, name in (("sprint-summary", "sprints.csv"), ("launches", "launches.csv")):
        assert run("import", "--organization", "Northwind Cloud", kind, str(EXAMPLES / name), "--db", db).returncode == 0
    report = report_of(db)
    assert problems(validator, report) == []
    assert report["maturity"] is None and report["roadmap"] is None and report["assessed"] is None
    assert report["as_of"] == "2026-10-04"  # the last day with data
    assert report["summary"][0].startswith("No assessment covers the period up to 2026-10-04")
    assert report["title"] == "Product Operations value: Northwind Cloud"  # whose data it is
    p = run("report", "--db", db, "-f", "html,pdf,md,xlsx,pptx", "--out", str(tmp_path / "r"))
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "r.md").read_text()
    assert "## Where we are" not in md and "## Sprint predictability" in md and "no assessment covers this period" in md
    # an assessment dated later does not cover an earlier period: that period's report is the value alone
    assert run("assess", str(demo_answers()[-1]), "--db", db, "--no-data").returncode == 0
    assert report_of(db)["maturity"] is not None
    earlier = report_of(db, "--as-of", "2026-06-30")
    assert earlier["maturity"] is None and problems(validator, earlier) == []
