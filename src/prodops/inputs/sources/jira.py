"""Jira payloads -> sprint-issues rows (then summed into sprints by the one rule in metrics.predictability).

The greenhopper sprint report (`GET /rest/greenhopper/latest/rapid/charts/sprintreport`):
- every issue listed in `completedIssues`, `issuesNotCompletedInCurrentSprint` or `puntedIssues`
  was in the sprint; `issuesCompletedInAnotherSprint` were done elsewhere (before the start): they
  are in neither the commitment nor the completed work;
- added during the sprint = its key is in `issueKeysAddedDuringSprint`; otherwise it was in the
  sprint at its start (committed);
- removed = listed in `puntedIssues`; done at the end = listed in `completedIssues`;
- initial estimate = `estimateStatistic` (the estimate when it entered the sprint, as Jira's
  velocity chart uses), not `currentEstimateStatistic`: a re-estimate does not change the commitment.
A report without the issue lists (only the `*EstimateSum` totals) cannot tell committed from added
work and is refused, as is one without its `sprint` (no name, no dates).

A sprint's dates, in every Jira format that carries them: it starts on its `startDate` and ends
on its `completeDate`, the day it was closed, when it has one (closed early or late, that is when
its work stopped counting), else on its planned `endDate` (a sprint still active). Each is the
calendar day of the timestamp in the offset the payload writes it with: Jira Server and Data
Center write the site's time zone, so for a site in UTC+10 a sprint completed at
2026-03-16T00:10+10:00 ends on 16 March, although it was still 15 March in UTC. A payload written
in UTC (`Z` or `+0000`, as Jira Cloud's agile API writes its sprints) gives UTC days. Whether an
issue was done or in the sprint by its start or end compares the moments themselves, whatever
their offsets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodops.core.errors import Fix, InputError
from prodops.inputs.files import format_loc, read_text

LISTS = ("completedIssues", "issuesNotCompletedInCurrentSprint", "puntedIssues", "issuesCompletedInAnotherSprint")


# --- the shapes of Jira's payloads: each payload is checked against its shape before it is read,
# so that a field of the wrong type is a message naming it, never a crash half-way. Real payloads
# carry many more fields than these: extra fields are allowed and ignored.

class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow")


Number = Annotated[float, Field(allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=10_000)]
Name = str | int  # Jira gives some names and ids as numbers


class _Stat(_Payload):
    value: Number | None = None


class _StatField(_Payload):
    statFieldValue: _Stat | None = None


class _ReportIssue(_Payload):
    key: Text = Field(min_length=1)
    estimateStatistic: _StatField | None = None


class _Contents(_Payload):
    completedIssues: list[_ReportIssue] | None = None
    issuesNotCompletedInCurrentSprint: list[_ReportIssue] | None = None
    puntedIssues: list[_ReportIssue] | None = None
    issuesCompletedInAnotherSprint: list[_ReportIssue] | None = None
    issueKeysAddedDuringSprint: dict[str, Any] | None = None


class _Sprint(_Payload):
    id: Name
    name: Name | None = None
    state: Text | None = None
    startDate: Text | None = None
    endDate: Text | None = None
    completeDate: Text | None = None


class _ReportSprint(_Payload):
    name: Name
    isoStartDate: Text | None = None
    startDate: Text | None = None
    isoEndDate: Text | None = None
    endDate: Text | None = None
    isoCompleteDate: Text | None = None
    completeDate: Text | None = None


class SprintReport(_Payload):
    contents: _Contents
    sprint: _ReportSprint


class _HistoryItem(_Payload):
    field: Name | None = None
    from_: Text | int | None = Field(default=None, alias="from")
    to: Text | int | None = None
    fromString: Text | Number | None = None
    toString: Text | Number | None = None


class _History(_Payload):
    created: Text
    items: list[_HistoryItem] = []


class _Changelog(_Payload):
    histories: list[_History] = []


class _ChangelogIssue(_Payload):
    key: Text = Field(min_length=1)
    fields: dict[str, Any] = {}
    changelog: _Changelog | None = None
    created: Text | None = None


class _AgileFields(_Payload):
    closedSprints: list[_Sprint] | None = None
    sprint: _Sprint | None = None
    resolutiondate: Text | None = None


class _AgileIssue(_Payload):
    key: Text = Field(min_length=1)
    fields: _AgileFields = _AgileFields()


class AgileIssues(_Payload):
    issues: list[_AgileIssue]


class SprintPage(_Payload):
    values: list[_Sprint] = []
    isLast: bool | None = None


def checked(shape: type[BaseModel], data: Any, where: Path | str, what: str) -> None:
    """Refuse `data` that does not have the shape of `what`, naming the field and what is wrong."""
    try:
        shape.model_validate(data)
    except ValidationError as e:
        lines: dict[str, str] = {}
        for err in e.errors():
            loc = format_loc(tuple(k for k in err["loc"] if k not in _TYPE_TAGS)) or "the payload"
            msg = re.sub(r" or instance of \w+", "", err["msg"]).replace("dictionary", "mapping (an object)")
            lines.setdefault(loc, f"{loc}: {msg[0].lower()}{msg[1:]}"
                             + (f" (found {_found(err['input'])})" if err["type"] != "missing" else ""))
        shown = list(lines.values())
        more = f"; and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise InputError(f"{where}: not a valid {what}: {'; '.join(shown[:5])}{more}") from None


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none"}  # pydantic's names for the arms of a union


def _found(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def _json(path: Path) -> Any:
    text = read_text(path, "a Jira JSON payload")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be a Jira payload") from None


def _date(value: Any, path: Path | str, where: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(value)[:10], "%Y-%m-%d").date()
    except ValueError:
        raise InputError(f"{path}: {where}: {value!r} is not a date (expected ISO 8601, e.g. 2022-07-28T07:49:36+0000)") from None


def read_sprint_report(path: Path, team: str | None) -> pl.DataFrame:
    """One greenhopper sprint report file -> sprint-issues rows for `team`."""
    return sprint_report_rows(_json(path), path, team)


def sprint_report_rows(data: Any, path: Path | str, team: str | None, completed: str | None = None) -> pl.DataFrame:
    """A greenhopper sprint report payload (from a file or the live API) -> sprint-issues rows.
    `completed`: the sprint's completeDate from the board's sprint list, for a report without
    its own `isoCompleteDate`."""
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
        raise InputError(f"{path}: a sprint report does not name its board's team", fix=Fix("team"))
    checked(SprintReport, data, path, "Jira sprint report")
    start = _date(sprint.get("isoStartDate") or sprint.get("startDate"), path, "sprint.isoStartDate")
    complete = sprint.get("isoCompleteDate") or completed or sprint.get("completeDate")
    end = (_date(complete, path, "sprint.isoCompleteDate") if complete  # closed: the day it was closed
           else _date(sprint.get("isoEndDate") or sprint.get("endDate"), path, "sprint.isoEndDate"))
    added = set((contents.get("issueKeysAddedDuringSprint") or {}).keys())
    rows = []
    for name in LISTS[:3]:
        for issue in contents.get(name) or []:
            key = issue["key"]
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


# --- issues with changelog: the commitment rebuilt from the Sprint field's history --------------
# An issue already resolved when the sprint started is left out of that sprint: it was not its work.

POINTS_FIELDS = ("story points", "story point estimate")


def _when(value: str) -> dt.datetime:
    """Jira timestamps: 2022-04-15T00:52:08.258+0000 or ...Z."""
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.replace("Z", "+0000")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise ValueError(value)


def _ids(value: Any) -> set[str]:
    return {v.strip() for v in str(value or "").split(",") if v.strip()}


def _sprint_defs(payloads: list[tuple[Path, Any]]) -> dict[str, dict]:
    """Sprints by id, from board sprint lists (`values`) and from the issues' own sprint fields."""
    found: dict[str, dict] = {}

    def add(s: Any, path: Path) -> None:
        if not (isinstance(s, dict) and s.get("id") is not None and s.get("startDate")):
            return  # a future sprint has no dates yet
        for key in ("startDate", "endDate", "completeDate"):
            if s.get(key):
                try:
                    _when(s[key])
                except ValueError:
                    raise InputError(f"{path}: sprint {s['id']} ({s.get('name')!r}): {key} {s[key]!r} is not a "
                                     "real date and time; fix the export") from None
        found.setdefault(str(s["id"]), s)

    for path, data in payloads:
        for s in data.get("values", []) if isinstance(data, dict) else []:
            add(s, path)
        for issue in _issues(data):
            for value in (issue.get("fields") or {}).values():
                if (isinstance(value, list) and value and isinstance(value[0], dict)
                        and "startDate" in value[0] and "state" in value[0]):
                    for s in value:
                        add(s, path)
    return found


def _issues(data: Any) -> list:
    if isinstance(data, dict) and isinstance(data.get("issues"), list):
        return data["issues"]
    if isinstance(data, dict) and "changelog" in data and "key" in data:
        return [data]
    return []


def read_issue_changelogs(paths: list[Path], team: str | None) -> tuple[pl.DataFrame, list[str]]:
    """Issues with changelog (+ board sprint lists) -> sprint-issues rows, and notes."""
    if not team:
        raise InputError("Jira issues do not name their board's team", fix=Fix("team"))
    payloads = [(p, _json(p)) for p in paths]
    for path, data in payloads:
        if not _issues(data) and not (isinstance(data, dict) and "values" in data):
            raise InputError(f"{path}: neither issues with changelog (GET /rest/api/2/issue/KEY?expand=changelog, "
                             "or a search with expand=changelog) nor a board sprint list (/rest/agile/1.0/board/ID/sprint)")
        if isinstance(data, dict) and "values" in data:
            checked(SprintPage, data, path, "Jira board sprint list")
        for i, issue in enumerate(_issues(data)):
            checked(_ChangelogIssue, issue, f"{path}: issue {i + 1}", "Jira issue with changelog")
    sprints = _sprint_defs(payloads)
    rows, notes = [], []
    active: set[str] = set()  # ids of the sprints not yet completed when exported
    for path, data in payloads:
        for issue in _issues(data):
            if not isinstance(issue.get("changelog"), dict):
                raise InputError(f"{path}: issue {issue.get('key')}: no changelog; export it with expand=changelog")
            try:
                rows += _issue_rows(issue, sprints, team, active)
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{path}: issue {issue.get('key')}: unreadable date or history ({e})") from None
    for sid in sorted(active):
        notes.append(f"sprint {sprints[sid]['name']!r} was still active when exported: its figures are as of the export")
    frame = pl.DataFrame(rows, schema={"team": pl.String, "sprint": pl.String, "start": pl.Date, "end": pl.Date,
                                       "issue": pl.String, "in_sprint_at_start": pl.Boolean,
                                       "added_during_sprint": pl.Boolean, "removed_during_sprint": pl.Boolean,
                                       "done_at_end": pl.Boolean, "initial_estimate": pl.Float64})
    if not frame.height:
        raise InputError("no issue of these files was in a sprint with known dates; add the board's sprint list "
                         "(/rest/agile/1.0/board/ID/sprint) to the files")
    return frame, notes


def _history(issue: dict, names: tuple[str, ...]) -> list[tuple[dt.datetime, dict]]:
    out = []
    for h in issue["changelog"].get("histories", []):
        for item in h.get("items", []):
            if str(item.get("field", "")).lower() in names:
                out.append((_when(h["created"]), item))
    return sorted(out, key=lambda e: e[0])


def _value_at(events: list[tuple[dt.datetime, Any, Any]], initial: Any, moment: dt.datetime) -> Any:
    """The value at `moment`, from (time, from, to) events sorted by time."""
    value = events[0][1] if events else initial
    for when, _, to in events:
        if when >= moment:
            break
        value = to
    return value


def _issue_rows(issue: dict, sprints: dict[str, dict], team: str, active: set[str]) -> list[dict]:
    fields = issue.get("fields") or {}
    membership = [(w, _ids(i.get("from")), _ids(i.get("to"))) for w, i in _history(issue, ("sprint",))]
    current = {str(s["id"]) for v in fields.values() if isinstance(v, list) for s in v
               if isinstance(s, dict) and "startDate" in s and "state" in s and s.get("id") is not None}
    ever = set().union(*[f | t for _, f, t in membership]) if membership else set(current)
    created = _when(fields["created"]) if fields.get("created") else None
    points = [(w, _num(i.get("fromString")), _num(i.get("toString"))) for w, i in _history(issue, POINTS_FIELDS)]
    resolution = [(w, i.get("from") or i.get("fromString"), i.get("to") or i.get("toString"))
                  for w, i in _history(issue, ("resolution",))]
    resolved_at = _when(fields["resolutiondate"]) if fields.get("resolutiondate") else None
    rows = []
    for sid in sorted(ever):
        sprint = sprints.get(sid)
        if sprint is None:
            continue
        start = _when(sprint["startDate"])
        end = _when(sprint.get("completeDate") or sprint["endDate"])
        if not sprint.get("completeDate"):
            active.add(sid)
        member = ((lambda t, sid=sid: sid in _value_at(membership, current, t)) if membership
                  else (lambda t: created is None or created <= t))
        at_start = member(start)
        joined = [w for w, f, t in membership if sid in t and sid not in f and start <= w < end]
        if not at_start and not joined and membership:
            continue  # in the sprint only before it started, or after it ended
        at_end = member(end)
        if resolution:
            done = _value_at(resolution, None, end) is not None
            done_before = _value_at(resolution, None, start) is not None
        else:
            done = resolved_at is not None and resolved_at <= end
            done_before = resolved_at is not None and resolved_at <= start
        if done_before and at_start:
            continue  # done before the sprint started: not this sprint's work
        entered = start if at_start else min(joined) if joined else start
        rows.append({
            "team": team, "sprint": str(sprint["name"]), "start": start.date(), "end": end.date(),
            "issue": issue["key"], "in_sprint_at_start": at_start, "added_during_sprint": not at_start,
            "removed_during_sprint": not at_end, "done_at_end": done and at_end,
            "initial_estimate": _value_at(points, None, entered + dt.timedelta(seconds=1)) if points else None,
        })
    return rows


def _points(value: Any, path: Path, key: str, field: str) -> float | None:
    """An issue's story points: a number, a number as text, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        number = _num(value)
        if number is not None:
            return number
    raise InputError(f"{path}: issue {key}: {field} is {_found(value)}, not a number of story points; "
                     "name the field that holds them", fix=Fix("points_field"))


def _num(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except ValueError:
        return None


# --- payloads without history: commitment approximated -------------------------------------------
# The agile API's issue lists (/rest/agile/1.0/sprint/ID/issue, /board/ID/issue) and the Jira CSV
# export give each issue's sprints but not when it entered or left them. So every issue is counted
# as committed to each sprint it was in (scope creep cannot be seen and shows as 0), and as done in
# a sprint when it was resolved by that sprint's end; without sprint dates (the CSV export), when
# it is resolved and the sprint is the last one it was in. The sprints are marked approximate.

ISSUE_SCHEMA = {"team": pl.String, "sprint": pl.String, "start": pl.Date, "end": pl.Date, "issue": pl.String,
                "in_sprint_at_start": pl.Boolean, "added_during_sprint": pl.Boolean,
                "removed_during_sprint": pl.Boolean, "done_at_end": pl.Boolean, "initial_estimate": pl.Float64}


def _approximate(team: str, key: str, sprints: list[dict], resolved: dt.datetime | None, points: float | None) -> list[dict]:
    rows = []
    for i, s in enumerate(sprints):
        end = s.get("end")
        last = i == len(sprints) - 1
        done = resolved is not None and (resolved <= end if end is not None else last)
        rows.append({"team": team, "sprint": s["name"], "start": s.get("start") and s["start"].date(),
                     "end": end and end.date(), "issue": key, "in_sprint_at_start": True,
                     "added_during_sprint": False, "removed_during_sprint": False,
                     "done_at_end": done, "initial_estimate": points})
    return rows


def read_agile_issues(paths: list[Path], team: str | None, points_field: str | None) -> pl.DataFrame:
    """Agile API issue lists -> approximate sprint-issues rows, from each issue's closed sprints."""
    if not team:
        raise InputError("Jira issue lists do not name their board's team", fix=Fix("team"))
    rows = []
    for path in paths:
        data = _json(path)
        issues = data.get("issues") if isinstance(data, dict) else None
        if not isinstance(issues, list):
            raise InputError(f"{path}: not a Jira issue list (no `issues`); export /rest/agile/1.0/sprint/ID/issue")
        checked(AgileIssues, data, path, "Jira issue list")
        for issue in issues:
            fields = issue.get("fields") or {}
            listed = [s for s in (fields.get("closedSprints") or []) + [fields.get("sprint")]
                      if isinstance(s, dict) and s.get("state") in ("closed", "active") and s.get("startDate")]
            if "closedSprints" not in fields and "sprint" not in fields:
                raise InputError(f"{path}: issue {issue.get('key')} does not say which sprints it was in (no sprint or "
                                 "closedSprints field: the export asked for other fields); export the issues again with "
                                 "those fields, e.g. /rest/agile/1.0/sprint/ID/issue?fields=sprint,closedSprints,"
                                 "resolutiondate and the story points field")
            try:
                sprints = [{"name": str(s["name"]), "start": _when(s["startDate"]),
                            "end": _when(s.get("completeDate") or s["endDate"])} for s in listed]
                resolved = _when(fields["resolutiondate"]) if fields.get("resolutiondate") else None
            except (ValueError, KeyError) as e:
                raise InputError(f"{path}: issue {issue.get('key')}: unreadable sprint or resolution date ({e})") from None
            points = _points(fields.get(points_field), path, issue["key"], points_field) if points_field else None
            rows += _approximate(team, issue["key"], sorted(sprints, key=lambda s: s["start"]), resolved, points)
    if not rows:
        raise InputError("no issue of these lists was in a closed sprint with dates")
    return pl.DataFrame(rows, schema=ISSUE_SCHEMA)


CSV_RESOLVED_FORMATS = ("%d/%b/%y %I:%M %p", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")


def read_jira_csv(path: Path, team: str | None) -> pl.DataFrame:
    """Jira's CSV export (Issues -> Export -> CSV): approximate sprint-issues rows, no sprint dates."""
    import csv
    import io

    if not team:
        raise InputError(f"{path}: a Jira CSV export does not name the board's team", fix=Fix("team"))
    try:
        rows = list(csv.reader(io.StringIO(read_text(path, "a Jira CSV export"), newline="")))
    except csv.Error as e:
        raise InputError(f"{path}: not a readable CSV file ({e})") from None
    header = [h.strip() for h in rows[0]] if rows else []
    if "Issue key" not in header or "Sprint" not in header:
        raise InputError(f"{path}: not a Jira CSV export with sprints (needs the columns Issue key and Sprint)")
    key_at = header.index("Issue key")
    sprint_at = [i for i, h in enumerate(header) if h == "Sprint"]  # one column per sprint the issue was in
    resolved_at = header.index("Resolved") if "Resolved" in header else None
    points_at = next((i for i, h in enumerate(header) if h.lower() in
                      ("custom field (story points)", "story points", "custom field (story point estimate)")), None)
    out = []
    for number, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        resolved = None
        if resolved_at is not None and row[resolved_at].strip():
            for fmt in CSV_RESOLVED_FORMATS:
                try:
                    resolved = dt.datetime.strptime(row[resolved_at].strip(), fmt)
                    break
                except ValueError:
                    continue
            else:
                raise InputError(f"{path}: row {number}, column Resolved: {row[resolved_at]!r} is not a date this import reads")
        sprints = [{"name": row[i].strip()} for i in sprint_at if row[i].strip()]
        points = _num(row[points_at]) if points_at is not None else None
        out += _approximate(team, row[key_at].strip(), sprints, resolved, points)
    if not out:
        raise InputError(f"{path}: no issue of this export was in a sprint")
    return pl.DataFrame(out, schema=ISSUE_SCHEMA)
