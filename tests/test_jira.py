"""Jira payloads, on fixtures written here in the shape of the real ones."""

import json

import pytest

from prodops.errors import InputError
from prodops.sources import load


def _issue(key, initial, current=None):
    stat = {"statFieldId": "customfield_10030"}
    return {"key": key, "estimateStatistic": {**stat, "statFieldValue": {} if initial is None else {"value": initial}},
            "currentEstimateStatistic": {**stat, "statFieldValue": {"value": current if current is not None else initial}}}


def report(tmp_path, name="r.json", **contents):
    body = {"contents": {"issueKeysAddedDuringSprint": {}, **contents},
            "sprint": {"id": 7, "name": "Team Sprint 7", "state": "CLOSED",
                       "isoStartDate": "2026-03-02T09:00:00+0000", "isoEndDate": "2026-03-15T17:00:00+0000"}}
    path = tmp_path / name
    path.write_text(json.dumps(body))
    return path


def test_a_sprint_report_in_points(tmp_path):
    path = report(tmp_path,
                  completedIssues=[_issue("T-1", 3, 5), _issue("T-4", 1)],
                  issuesNotCompletedInCurrentSprint=[_issue("T-2", 5)],
                  puntedIssues=[_issue("T-3", 2)],
                  issuesCompletedInAnotherSprint=[_issue("T-5", 8)],
                  issueKeysAddedDuringSprint={"T-4": True})
    row = load("jira-sprint-report", [path], team="T").rows.row(0, named=True)
    # committed T-1 3, T-2 5, T-3 2 (punted), T-5 8 = 18; done T-1 (3, not its current 5) and the added T-4 (1)
    assert (row["unit"], row["committed"], row["completed_committed"], row["completed"], row["added"], row["removed"]) == (
        "points", 18.0, 3.0, 4.0, 1.0, 2.0)


def test_an_unestimated_issue_counts_the_sprint_in_issues(tmp_path):
    path = report(tmp_path, completedIssues=[_issue("T-1", 3), _issue("T-2", None)], issuesNotCompletedInCurrentSprint=[])
    batch = load("jira-sprint-report", [path], team="T")
    assert batch.rows.row(0, named=True)["unit"] == "issues" and "1 of 2 issues have no estimate" in batch.notes[0]


def test_team_and_sprint_are_required(tmp_path):
    path = report(tmp_path, completedIssues=[_issue("T-1", 3)])
    with pytest.raises(InputError, match="pass --team NAME"):
        load("jira-sprint-report", [path])
    data = json.loads(path.read_text())
    del data["sprint"]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="has no `sprint`"):
        load("jira-sprint-report", [path], team="T")


def test_broken_json_and_bad_dates(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load("jira-sprint-report", [bad], team="T")
    path = report(tmp_path, completedIssues=[_issue("T-1", 3)])
    path.write_text(path.read_text().replace("2026-03-02T09:00:00+0000", "2026-03-40T09:00:00+0000"))
    with pytest.raises(InputError, match="sprint.isoStartDate: '2026-03-40T09:00:00\\+0000' is not a date"):
        load("jira-sprint-report", [path], team="T")
