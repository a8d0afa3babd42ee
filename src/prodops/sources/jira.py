"""Jira payloads -> sprint-issues rows (then summed into sprints by the one rule in metrics.predictability).

The greenhopper sprint report (`GET /rest/greenhopper/latest/rapid/charts/sprintreport`):
- every issue listed in `completedIssues`, `issuesNotCompletedInCurrentSprint`, `puntedIssues` or
  `issuesCompletedInAnotherSprint` was in the sprint;
- added during the sprint = its key is in `issueKeysAddedDuringSprint`; otherwise it was in the
  sprint at its start (committed);
- removed = listed in `puntedIssues`; done at the end = listed in `completedIssues`;
- initial estimate = `estimateStatistic` (the estimate when it entered the sprint, as Jira's
  velocity chart uses), not `currentEstimateStatistic`: a re-estimate does not change the commitment.
A report without the issue lists (only the `*EstimateSum` totals) cannot tell committed from added
work and is refused, as is one without its `sprint` (no name, no dates).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from prodops.errors import InputError

LISTS = ("completedIssues", "issuesNotCompletedInCurrentSprint", "puntedIssues", "issuesCompletedInAnotherSprint")


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None


def _date(value: Any, path: Path, where: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(value)[:10], "%Y-%m-%d").date()
    except ValueError:
        raise InputError(f"{path}: {where}: {value!r} is not a date (expected ISO 8601, e.g. 2022-07-28T07:49:36+0000)") from None


def read_sprint_report(path: Path, team: str | None) -> pl.DataFrame:
    """One greenhopper sprint report -> sprint-issues rows for `team`."""
    data = _json(path)
    contents = data.get("contents") if isinstance(data, dict) else None
    if not isinstance(contents, dict):
        raise InputError(f"{path}: not a Jira sprint report (no `contents`); export "
                         "/rest/greenhopper/latest/rapid/charts/sprintreport?rapidViewId=..&sprintId=..")
    if not any(k in contents for k in LISTS):
        raise InputError(f"{path}: this sprint report has only the estimate totals, no issue lists "
                         f"({', '.join(LISTS)}), so committed work cannot be told from added work; "
                         "export the full report")
    sprint = data.get("sprint")
    if not isinstance(sprint, dict) or not sprint.get("name"):
        raise InputError(f"{path}: the sprint report has no `sprint` (name and dates); export the full report")
    if not team:
        raise InputError(f"{path}: a sprint report does not name its board's team; pass --team NAME")
    start = _date(sprint.get("isoStartDate") or sprint.get("startDate"), path, "sprint.isoStartDate")
    end = _date(sprint.get("isoEndDate") or sprint.get("endDate"), path, "sprint.isoEndDate")
    added = set((contents.get("issueKeysAddedDuringSprint") or {}).keys())
    rows = []
    for name in LISTS:
        for i, issue in enumerate(contents.get(name) or []):
            key = issue.get("key") if isinstance(issue, dict) else None
            if not key:
                raise InputError(f"{path}: contents.{name}[{i}] has no issue key")
            stat = ((issue.get("estimateStatistic") or {}).get("statFieldValue") or {}).get("value")
            rows.append({
                "team": team, "sprint": str(sprint["name"]), "start": start, "end": end, "issue": key,
                "in_sprint_at_start": key not in added, "added_during_sprint": key in added,
                "removed_during_sprint": name == "puntedIssues", "done_at_end": name == "completedIssues",
                "initial_estimate": None if stat is None else float(stat),
            })
    return pl.DataFrame(rows, schema={"team": pl.String, "sprint": pl.String, "start": pl.Date, "end": pl.Date,
                                      "issue": pl.String, "in_sprint_at_start": pl.Boolean,
                                      "added_during_sprint": pl.Boolean, "removed_during_sprint": pl.Boolean,
                                      "done_at_end": pl.Boolean, "initial_estimate": pl.Float64})
