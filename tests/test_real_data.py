"""Conformance with the real data in ../shared/data/real (skipped where that folder is absent, failed
there with $PRODOPS_REQUIRE_REAL_DATA set, as CI sets it)."""

import json
from pathlib import Path

import pytest

from conftest import run
from prodops.core.errors import InputError
from prodops.core.metrics.predictability import APPROXIMATIONS
from prodops.inputs.sources import load
from prodops.inputs.sources.tse2017 import read_tse2017

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
TSE = REAL / "sprints-tse2017"


@pytest.fixture(autouse=True)
def real_data():
    from conftest import needs

    needs("the real data", REAL.exists(), "PRODOPS_REQUIRE_REAL_DATA",
          f"it lives in {REAL.relative_to(REAL.parents[3])} beside the project")


def tse_files(t=80):
    return sorted(TSE.glob(f"*/*_iteration_{t}.csv"))


def test_all_3834_tse2017_sprints_convert_with_their_quirks():
    batch = load("tse2017-sprints", tse_files())
    assert batch.rows.height == 3834
    assert batch.rows.filter(batch.rows["committed"] <= 0).height == 1241
    notes = " ".join(batch.notes)
    assert "4 sprint names held unquoted commas" in notes and "12 sprint names held unquoted commas" in notes
    assert "2 sprint names were not valid UTF-8 or held control characters; those were replaced by �" in notes
    assert (batch.rows["approximation"] == "completed_committed_upper_bound").all() and batch.rows["start"].is_null().all()
    assert (batch.rows["completed_committed"] <= batch.rows["completed"]).all()


def test_tse2017_planning_accuracy_is_a_true_upper_bound():
    """Below min(completed, committed) only where the removed points exceed the added ones, so that
    some committed work was removed for certain: 657 of the 2,593 sprints with a commitment came out
    below it when every removed point was taken off the commitment, 67 now, each by that excess."""
    from prodops.inputs.sources.tse2017 import NUMERIC

    rows = load("tse2017-sprints", tse_files()).rows.sort("team", "sprint")
    raw = []
    for path in tse_files():
        project = path.stem.split("_")[0]
        for line in path.read_bytes().replace(b"\r\n", b"\n").split(b"\n")[1:]:
            if line.strip():
                fields = line.decode("utf-8", "replace").split(",")
                numbers = dict(zip(NUMERIC, map(float, fields[-len(NUMERIC):])))
                raw.append((f"{project} board {int(float(fields[0]))}", int(float(fields[1])), numbers))
    by_key = {(team, sprintid): n for team, sprintid, n in raw}
    committed_removed = []
    for r in rows.filter(rows["committed"] > 0).iter_rows(named=True):
        n = by_key[(r["team"], int(r["sprint"].split(" ")[0]))]
        at_least_removed = max(n["vel_removed"] - n["vel_added"], 0)
        assert r["completed_committed"] == max(min(r["completed"], r["committed"] - at_least_removed), 0)
        if r["completed_committed"] < min(r["completed"], r["committed"]):
            committed_removed.append(r["sprint"])
    assert len(committed_removed) == 67
    mesos = rows.filter((rows["team"] == "apache board 1") & rows["sprint"].str.starts_with("143 ")).row(0, named=True)
    assert (mesos["committed"], mesos["added"], mesos["completed"], mesos["completed_committed"]) == (8, 60, 58, 8)


def test_a_comma_in_a_name_stays_in_the_name():
    frame, _ = read_tse2017(TSE / "jboss" / "jboss_iteration_80.csv")
    joined = [s for s in frame["sprint"] if "," in s]
    assert sorted(joined) == ["1521 Rel 5.0.0.Alpha2, 4.5.0.Alpha1", "1621 Rel 5.0.0.Alpha2, 4.5.0.Alpha2",
                              "1621 Rel 5.0.0.Alpha2, 4.5.0.Alpha2", "2270 Sprint_July7-11,2014"]


def test_the_completed_points_are_the_same_from_every_t_file():
    by_t = {t: load("tse2017-sprints", tse_files(t)).rows.sort("team", "sprint") for t in (0, 80)}
    assert by_t[0]["completed"].to_list() == by_t[80]["completed"].to_list()
    assert any("t = 0" in n for n in load("tse2017-sprints", tse_files(0)).notes)


def test_the_same_sprints_from_two_t_files_are_refused():
    with pytest.raises(InputError,
                       match=r"is in .*spring_iteration_.*and .*; nothing was imported; import one t file per project"):
        load("tse2017-sprints", [TSE / "spring" / "spring_iteration_0.csv", TSE / "spring" / "spring_iteration_80.csv"])


def test_real_sprints_through_the_cli(tmp_path):
    db = str(tmp_path / "w.db")
    p = run("import", "--organization", "Acme", "tse2017-sprints", *map(str, tse_files()), "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["new"] == 3834
    doc = json.loads(run("metrics", "predictability", "--db", db, "--json").stdout)
    assert doc["overall"]["sprints"] == 3834 - 1241 and doc["overall"]["excluded_zero_commitment"] == 1241
    assert doc["approximations"] == [{"kind": "completed_committed_upper_bound", "sprints": 3834, "meaning": APPROXIMATIONS[
        "completed_committed_upper_bound"][1]}]
    assert doc["overall"]["planning_accuracy_bound"] == "at most" and doc["overall"]["say_do_bound"] is None
    # at most 70.9 % pooled, 80 % the median sprint (57.2 % and 53 % when every removed point was taken off)
    assert round(doc["overall"]["planning_accuracy_pooled"], 4) == 0.7088 and doc["overall"]["planning_accuracy_median"] == 0.8
    p = run("metrics", "--db", db, "--change-date", "2016-01-01", "--json")
    assert p.returncode == 0, p.stderr
    ba = json.loads(p.stdout)["predictability"]["before_after"]
    assert ba["excluded_undated"] == 3834 and "No planning accuracy to compare" in ba["conclusion"]


JIRA = REAL / "jira"


def test_the_real_greenhopper_report_keeps_the_initial_estimate():
    batch = load("jira-sprint-report", [JIRA / "dingyuliang-powerbi" / "greenhopper_sprintreport_POW_sprint1.json"], team="POW")
    row = batch.rows.row(0, named=True)
    # POW-1 was committed at 5 points and re-estimated to 8; POW-2 (2 points) was added during the sprint
    assert (row["sprint"], row["committed"], row["completed_committed"], row["completed"], row["added"]) == (
        "POW Sprint 1", 5.0, 5.0, 5.0, 2.0)
    assert str(row["start"]) == "2022-07-28"
    assert str(row["end"]) == "2022-07-28"  # completed 07-28 07:50, a day before its planned end (07-29)


@pytest.mark.parametrize("name,reason", [
    ("agile-metrics/sprintreportGreenhopper.json", "only the estimate totals, no issue lists"),
    ("agile-metrics/velocityReport.json", "not a Jira sprint report"),
    ("go-jira/sprints.json", "not a Jira sprint report"),
])
def test_other_jira_payloads_are_refused_as_sprint_reports(name, reason):
    with pytest.raises(InputError, match=reason):
        load("jira-sprint-report", [JIRA / name], team="X")


def test_real_changelogs_rebuild_the_commitment():
    files = [JIRA / "jirametrics" / f"SP-{n}.json" for n in (13, 14, 15)]
    batch = load("jira-issues", files, team="SP")
    row = batch.rows.row(0, named=True)
    # SP-13 and SP-14 entered Scrum Sprint 3 minutes before it started; SP-15 was added on 2022-04-24
    assert (row["sprint"], row["unit"], row["committed"], row["completed_committed"], row["added"]) == (
        "Scrum Sprint 3", "issues", 2.0, 2.0, 1.0)
    assert any("still active" in n for n in batch.notes)


def test_the_real_board_sprint_list_has_a_date_that_does_not_exist():
    with pytest.raises(InputError, match=r"sprints.json: sprint 58 \('sprint 2'\): "
                                         r"completeDate '2015-04-40T11:04:00.000\+10:00' is not a real date"):
        load("jira-issues", [JIRA / "agile-metrics" / "sprints.json", JIRA / "agile-metrics" / "issueChangelog.json"],
             team="X")


SURVEYS = REAL / "surveys"


def test_the_real_google_forms_export_reads_with_its_quirks():
    from prodops.inputs.sources.survey import Export

    export = Export(SURVEYS / "google_forms__autistica_turing_form_responses_1.csv")
    assert len(export.records) == 42 and export.header[0] == "Timestamp"
    assert sum("\n" in cell for _, row in export.records for cell in row) == 5  # answers with newlines


@pytest.mark.parametrize("name,columns", [
    ("typeform__fcc_2016_new_coder_survey_part1_first25rows.csv", 51),
    ("typeform__fcc_2017_new_coder_survey_part2.csv", 53),
])
def test_the_real_typeform_exports_read_and_refuse_an_ambiguous_header(tmp_path, name, columns):
    from prodops.inputs.sources.survey import Export

    export = Export(SURVEYS / name)
    assert len(export.header) == columns and export.header.count("Other") >= 1
    mapping = tmp_path / "m.yaml"
    mapping.write_text("for: time-survey\nrespondent: '#'\nperiod: {value: baseline}\ndate: Submit Date (UTC)\n"
                       "meeting_coordination: Other\nreporting: '#2'\ntool_research: '#2'\nprocess_design: '#2'\n")
    with pytest.raises(InputError) as err:
        load("survey-export", [SURVEYS / name], mapping=mapping)
    assert "use #N" in str(err.value) or "names" in str(err.value) or "is not a number" in str(err.value)


def _attempts(path):
    """The import kinds a file of this folder could be, with what they need."""
    if path.suffix == ".csv" and "sprints-tse2017" in path.parts:
        return [("tse2017-sprints", {})]
    if path.suffix == ".csv":
        return [("survey-export", {"mapping": SURVEY_MAP})]
    if path.suffix == ".json":
        return [("jira-sprint-report", {"team": "T"}), ("jira-issues", {"team": "T"}), ("jira-sprint-issues", {"team": "T"})]
    return []


SURVEY_MAP = Path(__file__).resolve().parent / "fixtures" / "generic-time-survey-mapping.yaml"


@pytest.mark.parametrize("path", sorted(p for p in REAL.rglob("*") if p.suffix in (".csv", ".json")),
                         ids=lambda p: str(p.relative_to(REAL)))
def test_every_real_file_imports_or_is_refused_with_a_reason(path):
    outcomes = []
    for kind, options in _attempts(path):
        try:
            batch = load(kind, [path], **options)
            outcomes.append(("imported", kind, batch.rows.height))
        except InputError as e:
            assert str(path.name) in str(e) or "no issue of these" in str(e) or "mapping" in str(e), str(e)
            outcomes.append(("refused", kind, str(e).splitlines()[0]))
    assert outcomes  # and nothing raised anything but a clear InputError


def test_the_real_agile_issue_list_imports_approximately():
    batch = load("jira-sprint-issues", [JIRA / "jira-ruby" / "sprint_1_issues.json"], team="HSP")
    row = batch.rows.row(0, named=True)
    assert (row["sprint"], row["committed"], row["completed"], row["approximation"]) == ("sprint 1", 1.0, 0.0, "no_history")
