"""Jira payloads, on fixtures written here in the shape of the real ones."""

import json

import pytest

from prodops.core.errors import Fix, InputError
from prodops.inputs.sources import load


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
    # committed T-1 3, T-2 5, T-3 2 (punted) = 10; T-5 was done in another sprint: in neither figure;
    # done T-1 (3, not its current 5) and the added T-4 (1)
    assert (row["unit"], row["committed"], row["completed_committed"], row["completed"], row["added"], row["removed"]) == (
        "points", 10.0, 3.0, 4.0, 1.0, 2.0)


def test_an_unestimated_issue_counts_the_sprint_in_issues(tmp_path):
    path = report(tmp_path, completedIssues=[_issue("T-1", 3), _issue("T-2", None)], issuesNotCompletedInCurrentSprint=[])
    batch = load("jira-sprint-report", [path], team="T")
    assert batch.rows.row(0, named=True)["unit"] == "issues" and "1 of 2 issues have no estimate" in batch.notes[0]


def test_team_and_sprint_are_required(tmp_path):
    path = report(tmp_path, completedIssues=[_issue("T-1", 3)])
    with pytest.raises(InputError, match="does not name its board's team") as err:
        load("jira-sprint-report", [path])
    assert err.value.fix == Fix("team")
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
    with pytest.raises(InputError, match=r"sprint\.isoStartDate: '2026-03-40T09:00:00\+0000' is not a date"):
        load("jira-sprint-report", [path], team="T")


SPRINT_LIST = {"maxResults": 50, "startAt": 0, "isLast": True, "values": [
    {"id": 3, "state": "closed", "name": "S3", "startDate": "2026-03-02T09:00:00.000Z",
     "endDate": "2026-03-15T17:00:00.000Z", "completeDate": "2026-03-16T10:00:00.000Z", "originBoardId": 1},
    {"id": 4, "state": "closed", "name": "S4", "startDate": "2026-03-16T11:00:00.000Z",
     "endDate": "2026-03-29T17:00:00.000Z", "completeDate": "2026-03-30T10:00:00.000Z", "originBoardId": 1}]}


def _changelog_issue(key, *events, resolved=None, created="2026-02-20T10:00:00.000+0000"):
    histories = [{"created": when, "items": [{"field": field, "from": f, "fromString": fs, "to": t, "toString": ts}]}
                 for when, field, f, fs, t, ts in events]
    return {"key": key, "fields": {"created": created, "resolutiondate": resolved}, "changelog": {"histories": histories}}


def issues_file(tmp_path, *issues):
    (tmp_path / "sprints.json").write_text(json.dumps(SPRINT_LIST))
    path = tmp_path / "issues.json"
    path.write_text(json.dumps({"startAt": 0, "total": len(issues), "issues": list(issues)}))
    return [tmp_path / "sprints.json", path]


def test_commitment_rebuilt_from_the_sprint_history(tmp_path):
    files = issues_file(
        tmp_path,
        # committed to S3, estimated 5 before the start, re-estimated to 8 during it, resolved in S3
        _changelog_issue("T-1", ("2026-02-27T10:00:00.000+0000", "Sprint", "", "", "3", "S3"),
                         ("2026-02-27T10:05:00.000+0000", "Story Points", None, None, None, "5"),
                         ("2026-03-05T10:00:00.000+0000", "Story Points", None, "5", None, "8"),
                         ("2026-03-10T10:00:00.000+0000", "resolution", None, None, "10000", "Done"),
                         resolved="2026-03-10T10:00:00.000+0000"),
        # committed to S3, not done, carried over to S4 when S3 completed, done in S4
        _changelog_issue("T-2", ("2026-02-27T10:00:00.000+0000", "Story Points", None, None, None, "3"),
                         ("2026-02-27T10:01:00.000+0000", "Sprint", "", "", "3", "S3"),
                         ("2026-03-16T10:00:01.000+0000", "Sprint", "3", "S3", "3, 4", "S3, S4"),
                         ("2026-03-20T10:00:00.000+0000", "resolution", None, None, "10000", "Done"),
                         resolved="2026-03-20T10:00:00.000+0000"),
        # added to S3 after its start, then removed from it before the end
        _changelog_issue("T-3", ("2026-03-01T10:00:00.000+0000", "Story Points", None, None, None, "2"),
                         ("2026-03-04T10:00:00.000+0000", "Sprint", "", "", "3", "S3"),
                         ("2026-03-09T10:00:00.000+0000", "Sprint", "3", "S3", "", "")),
    )
    rows = load("jira-issues", files, team="T").rows.sort("sprint").to_dicts()
    s3, s4 = rows
    # S3: committed T-1 (5, not 8) + T-2 (3) = 8; done T-1 = 5; added T-3 = 2 (then removed: added, not committed)
    assert (s3["committed"], s3["completed_committed"], s3["completed"], s3["added"], s3["removed"]) == (8.0, 5.0, 5.0, 2.0, 0.0)
    # S4: T-2 carried over at S3's completion, before S4 started: committed and done
    assert (s4["committed"], s4["completed_committed"]) == (3.0, 3.0)


def test_a_committed_issue_removed_during_the_sprint_is_punted(tmp_path):
    files = issues_file(tmp_path, _changelog_issue(
        "T-9", ("2026-02-27T10:00:00.000+0000", "Sprint", "", "", "3", "S3"),
        ("2026-02-27T10:00:01.000+0000", "Story Points", None, None, None, "5"),
        ("2026-03-09T10:00:00.000+0000", "Sprint", "3", "S3", "", "")))
    row = load("jira-issues", files, team="T").rows.row(0, named=True)
    assert (row["committed"], row["removed"], row["completed"]) == (5.0, 5.0, 0.0)


def test_jira_issue_payloads_that_cannot_be_used(tmp_path):
    files = issues_file(tmp_path, {"key": "T-1", "fields": {}})
    with pytest.raises(InputError, match="no changelog; export it with expand=changelog"):
        load("jira-issues", files, team="T")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"contents": {}}))
    with pytest.raises(InputError, match="neither issues with changelog"):
        load("jira-issues", [other], team="T")
    with pytest.raises(InputError, match="do not name their board's team") as err:
        load("jira-issues", files)
    assert err.value.fix == Fix("team")


def test_the_csv_export_approximates_from_each_issues_sprints(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text("Summary,Issue key,Status,Resolved,Sprint,Sprint,Custom field (Story Points)\n"
                    "A,T-1,Done,21/Apr/26 3:42 PM,S1,,5\n"
                    "B,T-2,Done,02/May/26 9:00 AM,S1,S2,3\n"   # carried over: done in S2 only
                    "C,T-3,In Progress,,S2,,2\n"
                    "D,T-4,To Do,,,,8\n")                       # never in a sprint
    batch = load("jira-csv", [path], team="T")
    s1, s2 = batch.rows.sort("sprint").to_dicts()
    assert (s1["committed"], s1["completed_committed"], s2["committed"], s2["completed_committed"]) == (8.0, 5.0, 5.0, 3.0)
    assert s1["approximation"] == "no_history" and s1["start"] is None and "no history" in batch.notes[0]


def test_agile_issue_lists_use_each_issues_closed_sprints(tmp_path):
    def sprint(i, state="closed"):
        return {"id": i, "state": state, "name": f"S{i}", "startDate": f"2026-0{i}-02T09:00:00.000Z",
                "endDate": f"2026-0{i}-15T17:00:00.000Z", "completeDate": f"2026-0{i}-15T17:30:00.000Z"}
    issues = {"issues": [
        {"key": "T-1", "fields": {"resolutiondate": "2026-01-10T10:00:00.000+0000", "closedSprints": [sprint(1)],
                                  "customfield_10105": 5.0}},
        {"key": "T-2", "fields": {"resolutiondate": "2026-02-10T10:00:00.000+0000", "closedSprints": [sprint(1), sprint(2)],
                                  "customfield_10105": 3.0}},
        {"key": "T-3", "fields": {"resolutiondate": None, "sprint": sprint(3, "future"), "closedSprints": [sprint(2)],
                                  "customfield_10105": 2.0}},
    ]}
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(issues))
    rows = load("jira-sprint-issues", [path], team="T", points_field="customfield_10105").rows.sort("sprint").to_dicts()
    assert [(r["sprint"], r["committed"], r["completed_committed"]) for r in rows] == [("S1", 8.0, 5.0), ("S2", 5.0, 3.0)]
    assert all(r["approximation"] == "no_history" for r in rows)
    counted = load("jira-sprint-issues", [path], team="T").rows.sort("sprint").to_dicts()
    assert counted[0]["unit"] == "issues" and counted[0]["committed"] == 2


def test_an_issue_done_before_the_sprint_started_is_not_its_work(tmp_path):
    files = issues_file(
        tmp_path,
        _changelog_issue("T-1", ("2026-02-20T10:00:00.000+0000", "resolution", None, None, "10000", "Done"),
                         ("2026-02-27T10:00:00.000+0000", "Sprint", "", "", "3", "S3"),
                         resolved="2026-02-20T10:00:00.000+0000"),
        _changelog_issue("T-2", ("2026-02-27T10:00:00.000+0000", "Sprint", "", "", "3", "S3")),
    )
    row = load("jira-issues", files, team="T").rows.row(0, named=True)
    assert (row["committed"], row["completed"]) == (1, 0)


def test_an_agile_issue_list_without_sprint_fields_says_which_fields_to_ask_for(tmp_path):
    path = tmp_path / "issues_in_sprint.json"  # as go-jira's sample: fields chosen without the sprint ones
    path.write_text(json.dumps({"issues": [{"key": "AR-86", "fields": {"status": {}, "resolutiondate": None}}]}))
    with pytest.raises(InputError, match=r"issue AR-86 does not say which sprints it was in .*\?fields=sprint,closedSprints"):
        load("jira-sprint-issues", [path], team="T")


def test_a_jira_payload_passes_the_checks_of_an_imported_file(tmp_path):
    """One validation for every source of a table: a negative estimate and a sprint that ends
    before it starts are refused from Jira as from a CSV file."""
    negative = report(tmp_path, completedIssues=[_issue("T-1", -3.0)], issuesNotCompletedInCurrentSprint=[])
    with pytest.raises(InputError, match=r"issue 'T-1', column initial_estimate: -3 is below 0"):
        load("jira-sprint-report", [negative], team="T")
    data = json.loads(negative.read_text())
    data["contents"]["completedIssues"] = [_issue("T-1", 3.0)]
    data["sprint"]["isoEndDate"] = "2000-01-01T00:00:00Z"
    negative.write_text(json.dumps(data))
    with pytest.raises(InputError, match="the sprint ends before it starts"):
        load("jira-sprint-report", [negative], team="T")


@pytest.mark.parametrize("complete, end", [("2026-03-12T16:00:00+0000", "2026-03-12"),   # closed three days early
                                           ("2026-03-17T10:00:00+0000", "2026-03-17"),   # closed two days late
                                           (None, "2026-03-15")])                         # no completion: the planned end
def test_a_sprint_report_ends_on_the_day_the_sprint_was_completed(tmp_path, complete, end):
    path = report(tmp_path, completedIssues=[_issue("T-1", 3)])
    data = json.loads(path.read_text())
    if complete:
        data["sprint"]["isoCompleteDate"] = complete
    path.write_text(json.dumps(data))
    row = load("jira-sprint-report", [path], team="T").rows.row(0, named=True)
    assert (str(row["start"]), str(row["end"])) == ("2026-03-02", end)


def test_a_sprint_in_utc_plus_10_near_midnight_keeps_the_days_of_its_own_offset(tmp_path):
    """Started Monday 2 March 00:15 and completed Monday 16 March 00:10 in UTC+10 (Sunday 14:15 and
    14:10 in UTC): it runs from 2 to 16 March in every format that carries the dates. Done or not
    compares moments: resolved at 00:05 (+10:00) it was done by the completion; at 00:20, not."""
    start, complete = "2026-03-02T00:15:00.000+10:00", "2026-03-16T00:10:00.000+10:00"
    # the sprint report, and a report without its own completion date synced with its sprint list's
    path = report(tmp_path, completedIssues=[_issue("T-1", 3)])
    data = json.loads(path.read_text())
    data["sprint"].update(isoStartDate=start.replace(".000", "").replace("+10:00", "+1000"),
                          isoEndDate="2026-03-15T17:00:00+1000",
                          isoCompleteDate=complete.replace(".000", "").replace("+10:00", "+1000"))
    path.write_text(json.dumps(data))
    row = load("jira-sprint-report", [path], team="T").rows.row(0, named=True)
    assert (str(row["start"]), str(row["end"])) == ("2026-03-02", "2026-03-16")
    from prodops.inputs.sources.jira import sprint_report_rows

    del data["sprint"]["isoCompleteDate"]
    synced = sprint_report_rows(data, "sync", "T", completed=complete)
    assert {str(d) for d in synced["end"]} == {"2026-03-16"}
    # issues with changelog and the board's sprint list
    sprints = tmp_path / "sprints.json"
    sprints.write_text(json.dumps({"isLast": True, "values": [
        {"id": 5, "state": "closed", "name": "S5", "startDate": start, "endDate": "2026-03-15T17:00:00.000+10:00",
         "completeDate": complete}]}))
    issues = tmp_path / "issues.json"
    issues.write_text(json.dumps({"issues": [
        _changelog_issue("T-1", ("2026-03-01T10:00:00.000+10:00", "Sprint", "", "", "5", "S5"),
                         resolved="2026-03-15T14:05:00.000+0000"),   # 00:05 on 16 March in UTC+10: done in time
        _changelog_issue("T-2", ("2026-03-01T10:00:00.000+10:00", "Sprint", "", "", "5", "S5"),
                         resolved="2026-03-15T14:20:00.000+0000")]}))  # 00:20: after the completion
    row = load("jira-issues", [sprints, issues], team="T").rows.row(0, named=True)
    assert (str(row["start"]), str(row["end"]), row["committed"], row["completed"]) == ("2026-03-02", "2026-03-16", 2, 1)
    # the agile API's issue list
    listed = tmp_path / "listed.json"
    listed.write_text(json.dumps({"issues": [{"key": "T-1", "fields": {
        "resolutiondate": "2026-03-15T14:05:00.000+0000",
        "closedSprints": [{"id": 5, "state": "closed", "name": "S5", "startDate": start,
                           "endDate": "2026-03-15T17:00:00.000+10:00", "completeDate": complete}]}}]}))
    row = load("jira-sprint-issues", [listed], team="T").rows.row(0, named=True)
    assert (str(row["start"]), str(row["end"]), row["completed"]) == ("2026-03-02", "2026-03-16", 1)
