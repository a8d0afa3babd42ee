"""Writes docs/inputs.md from the table specs (src/prodops/inputs/sources/tables.py) and the prose below.

Run `python tools/make_inputs_doc.py` after changing a table or the prose. The prose lives here, not in the
doc: a test (tests/test_imports.py) checks that the doc is exactly what `inputs_doc()` makes, so an edit made
to docs/inputs.md by hand fails it until it is made here too.
"""

from pathlib import Path

from prodops.inputs.sources import FORMATS
from prodops.inputs.sources.tables import TABLES

DOC = Path(__file__).resolve().parents[1] / "docs" / "inputs.md"

INTRO = """# Inputs for the value metrics

`prodops import KIND FILE... [--organization ORG]` reads files into the workspace as one
organisation's data; `prodops template KIND` prints the header to start from.

**Every row belongs to one organisation.** A workspace may hold several; each one's figures are
computed from its own rows only, and the same key (team `Payments`, sprint `PAY 1`, launch `L01`)
may be used by two organisations without touching each other. `--organization` names whose data
an import (or `prodops sync jira`, or the web app's Imports page) is: it may be left out once the
workspace holds exactly one organisation, and is required while it holds none or several. A
workspace made before organisations owned their data gives the data it kept to its only
organisation when it is opened; where it holds none or several, it is left as it was until
`prodops upgrade --organization ORG` says whose the data is. Every file is checked before anything
is written, and one import is one transaction: a problem anywhere means nothing was imported.
Problems name the file, the row (the header is row 1), the column and what is wrong, and the command
exits with code 2. Rows whose key was imported before are updated, not duplicated. Extra columns are
allowed and ignored.

Values: numbers with a `.` for decimals; dates as `YYYY-MM-DD`; true/false also as yes/no, 1/0
(blank is false); files in UTF-8, with or without a BOM, LF or CRLF line ends. An Excel workbook,
a UTF-16 file or other binary data given as CSV is refused with what it is.

**Names match whatever their letter case**, everywhere: team, sprint, respondent, launch,
checklist function and item, feedback, account and roadmap item names, as respondent ids in
answers files do. "Payments" and "payments" are one team, a checklist row for launch `l1` belongs
to launch `L1`, and a time-survey respondent `PM01` is paired with `pm01`. The workspace keeps the
spelling it saw first (the one already imported for the organisation, else the first in the files);
a key given twice in one import, whatever its case, is refused.

A sprint whose source gives only commitment and completed (Jira's velocity chart) leaves
`completed_committed` blank: its planning accuracy is then *not available*, never 0 (see
[metrics](metrics.md)); `added` and `removed` may be blank too.

| kind | fills | key |
|---|---|---|
"""

OUTRO = """## How issue rows become sprints

`sprint-issues` rows are summed per team and sprint into the same figures as `sprint-summary`:
committed = issues in the sprint at its start (removed ones included); completed = issues done at
the end and not removed (added ones included); completed committed = committed and done; added =
added during the sprint; removed = committed and removed. A team's sprints count story points
(`initial_estimate`) when every one of its issues has an estimate, and issues otherwise; the import
says which for each team, and how many issues lacked an estimate.

## Revenue attribution: `feedback`, `roadmap-items`, `account-outcomes`

A feedback item names the account it came from and the roadmap item it drove. A roadmap item has
the date it shipped. An account outcome is a renewal, expansion, contraction or churn with the ARR
before and after. `prodops metrics revenue` follows each chain feedback -> roadmap item -> shipped
-> the same account's outcome within 180 days ([metrics](metrics.md)).

## `jira-sprint-report`: Jira's sprint report

The JSON of `GET /rest/greenhopper/latest/rapid/charts/sprintreport?rapidViewId=B&sprintId=S`,
one file per sprint, imported for one team: `prodops import jira-sprint-report report.json --team Payments`.
Each listed issue becomes an issue row: added = its key is in `issueKeysAddedDuringSprint`,
otherwise committed; removed = in `puntedIssues`; done = in `completedIssues`; estimate =
`estimateStatistic` (the estimate when it entered the sprint, so a re-estimate during the sprint
does not change the commitment). Issues "completed outside of this sprint"
(`issuesCompletedInAnotherSprint`) were done before it started: they count in neither the
commitment nor the completed work (likewise an issue with changelog resolved before the start). A
report with only the estimate totals cannot tell committed from added work and is refused, as is one
without its sprint's name and dates.

## `jira-issues`: issues with their changelog

Issues exported with their history (`GET /rest/api/2/issue/KEY?expand=changelog`, or a search with
`expand=changelog`), and the board's sprint list (`GET /rest/agile/1.0/board/ID/sprint`) for the
sprints' dates, imported for one team: `prodops import jira-issues sprints.json issues-*.json --team Payments`.
The commitment is rebuilt from each issue's Sprint field history: in the sprint when it started =
committed; entered after the start = added (scope creep); left before the end (the completion, or
the planned end while the sprint is active) = removed; done = resolved by the end; estimate = its
Story Points when it entered the sprint. A sprint still active at export is imported with a note.
Every sprint date is checked: a date that does not exist (the public sample has `2015-04-40`) is
refused, naming the file and the sprint.

## `jira-sprint-issues` and `jira-csv`: without history, approximate

The agile API's issue lists (`GET /rest/agile/1.0/sprint/ID/issue` or `/board/ID/issue`, with
`--points-field customfield_NNNNN` for story points) and Jira's CSV export (Issues -> Export -> CSV,
one `Sprint` column per sprint an issue was in; story points from `Custom field (Story Points)`)
say which sprints each issue was in, but not when it entered or left them. So the commitment can
only be approximated, and the import says so: every issue counts as committed to each sprint it
was in (scope creep cannot be seen and shows as 0), and as done in a sprint when it was resolved by
the sprint's end (the CSV export has no sprint dates: when it is resolved and the sprint is the last
one it was in). The sprints are marked `no_history`, and their planning accuracy, say/do and scope
creep are shown as approximate (`≈`). Prefer `jira-issues` (with changelog) or
`jira-sprint-report`, which are exact. An issue list exported without the `sprint` and
`closedSprints` fields (asking for other fields only) is refused with the fields to ask for.

## Sprint dates from Jira

In every Jira format that carries dates (`jira-sprint-report`, `jira-issues`,
`jira-sprint-issues`, `sync jira`), a sprint starts on its `startDate` and ends on its
`completeDate`, the day it was closed, when it has one: a sprint closed a day early or a day
late ends that day, not on its planned `endDate` (the sprint report's `isoCompleteDate`; `sync
jira` falls back on the board's sprint list). Only a sprint still active ends on its planned
`endDate`. Jira's CSV export has no sprint dates.

Each date is the calendar day of the timestamp **in the offset the payload writes it with**.
Jira Server and Data Center write the site's own time zone, so for a site in UTC+10 a sprint
started at `2026-03-02T00:15:00+10:00` and completed at `2026-03-16T00:10:00+10:00` runs from
2 to 16 March, although both moments fall on the 1st and the 15th in UTC. A payload written in
UTC (`Z` or `+0000`, as Jira Cloud's agile API writes sprint dates) gives UTC days: a team in
UTC+10 whose sprint starts on Monday at 09:00 sees it start on Sunday (23:00 UTC), which the
cadence and planning-delay measures then read as a Sunday. Whether an issue was in the sprint
or done by its start and end compares the moments themselves, whatever their offsets.

## `survey-export`: Google Forms and Typeform exports

A form's CSV export (Google Forms "Download responses (.csv)", Typeform Results -> Download -> CSV)
with a mapping file that says which column is which: a header's text, `#N` for the Nth column
(exports repeat headers such as `Other`, so position is the safe key), or `{value: X}` for a
constant. The same mapping idea feeds assessment answers to `prodops assess EXPORT.csv --mapping M.yaml`.

```yaml
# time-survey.yaml: prodops import survey-export baseline.csv --mapping time-survey.yaml
for: time-survey
respondent: Email Address
period: {value: baseline}
date: Timestamp                      # Google's 8/21/2026 13:10:31 (month first) or ISO; else date_format
meeting_coordination: "Q1: Hours per week coordinating meetings"
reporting: "#4"
tool_research: "Q3: Hours per week researching tools"
process_design: "Q4: Hours per week designing processes"
work_hours: "Q5: Hours worked per week"   # optional
```

```yaml
# answers.yaml: prodops assess responses.csv --mapping answers.yaml
for: answers
organization: {value: Acme}
date: Submit Date (UTC)              # the assessment is dated by the latest response
respondent: "#"                      # Typeform's response token, or Email Address
role: "What is your role?"
roles: {Product Manager: pm, Engineering: engineering, Leadership: leadership}
values: {Strongly agree: Fully, Agree: Mostly, Neutral: Partly, Disagree: Started, Strongly disagree: "No"}
criteria:
  om-2-role: "We have a named Product Ops role"
  pp-2-cadence: "#7"
```

Export quirks handled: a UTF-8 BOM or none; CRLF or LF; newlines inside quoted answers; duplicate
headers; rows longer than the header (the extra cells must be empty); Typeform's `Response Type`
(partial responses are left out and counted). Problems name the export's record (row) and the
mapped field; answers go through the same checks as an answers file.

## Live Jira: `prodops sync jira`

```sh
export JIRA_EMAIL=you@acme.com JIRA_TOKEN=...       # Jira Cloud; for Server/DC set only JIRA_TOKEN (a PAT)
prodops sync jira --url https://acme.atlassian.net --board 7 --team Payments
```

Reads the board's closed sprints (`/rest/agile/1.0/board/ID/sprint?state=closed`, page by page)
and each one's sprint report (as `jira-sprint-report` above), with a progress bar. The token comes
from the environment only (`--token-env` and `--email-env` rename the variables). Answers 429 and
5xx are retried with exponential backoff (or the server's Retry-After, obeyed up to a minute); any
other error stops the sync naming the URL and status, and nothing is written unless every sprint
was read. The sync is bounded: at most 1,000 pages of sprints (a server that never says which page
is the last is stopped) and ten minutes in all. Every answer is checked against the shape of Jira's
payload before it is read, and its rows pass the same checks as an imported file. A user name and
password written into the URL are left out (the token signs in): the URL is shown and stored
without them, and the token is blanked out of any answer that is echoed. Syncing again updates the
sprints already there.

## `tse2017-sprints`: the TSE 2017 sprint dataset

The 3,834 closed sprints of Choetkiertikul et al., "Predicting Delivery Capability in Iterative
Software Development", IEEE TSE 2017 (doi:10.1109/TSE.2017.2693989), one file per project and
prediction time `t`. Import the `*_iteration_80.csv` files (scope changes nearest the sprint's end):

```sh
prodops import tse2017-sprints path/to/sprints-tse2017/*/*_iteration_80.csv
```

The conversion (`src/prodops/inputs/sources/tse2017.py`): team = `<project> board <boardid>`, sprint =
`<sprintid> <name>`, unit = points, committed = `vel_starttime`, added = `vel_added`, completed =
`vel_diff + vel_starttime + vel_added - vel_removed` (all points delivered by the end); removed is
left blank (`vel_removed` counts added work removed too, not only committed work). The dataset does
not say which of the completed points were committed, so completed committed is an upper bound:

    min(completed, committed - max(vel_removed - vel_added, 0)), and 0 where that is below 0

Committed work done is at most all work done, and at most the commitment less the committed work
removed; of the points removed, at most `vel_added` can have been added work, so at least
`vel_removed - vel_added` were committed. (Taking every removed point off the commitment would not
be a bound: 8 committed, 60 added, 29 removed and 58 done would give 0 % where all 8 may have been
done.) The clamp at 0 applies only where more points were removed than were committed and added,
which an estimate changed during the sprint can do; no sprint of the dataset reaches it. Every
sprint is marked `completed_committed_upper_bound`: say/do and scope creep are exact, planning
accuracy is at most what is shown (over the whole dataset `≤ 71%` pooled, `≤ 80%` the median
sprint). It has no calendar dates, so before/after and cadence leave these sprints out and
say so. Sprint names with unquoted commas are joined back together, names that are not valid
UTF-8 or hold control characters get those replaced by �, and the 1,241 sprints with zero points
committed are kept and then excluded (and counted) by the metrics. The import prints a note for
each.

## Settings

`prodops settings KEY VALUE` stores what the metrics need when no option is given:
`hourly_rate` and `headcount` (time value), `currency` (every sum of money), `change_date`
(before/after), `grace_days` (launches). Each is checked when set (a headcount is more than 0, a
rate at most 100,000, grace days at most 3,650), and a value given for one run obeys the same bounds.
"""


def inputs_doc() -> str:
    """The text of docs/inputs.md, made from the table specs and the prose above; nothing is written."""
    parts = [INTRO]
    for kind, fmt in FORMATS.items():
        target = fmt.table
        key = ", ".join(fmt.key)
        fills = target + (" (one row per sprint, aggregated)" if kind == "sprint-issues" else "")
        parts.append(f"| `{kind}` | {fills} | {key} |\n")
    parts.append("\n")
    for t in TABLES.values():
        parts.append(f"## `{t.kind}`\n\n{t.description}\n\n```\n{','.join(t.header)}\n```\n\n"
                     "| column | | meaning |\n|---|---|---|\n")
        for c in t.columns:
            kind = c.kind + (f" ({'/'.join(c.choices)})" if c.choices else "")
            parts.append(f"| `{c.name}` | {kind}{'' if c.required else ', optional'} | {c.help} |\n")
        if t.rules:
            parts.append("\nAlso refused: " + "; ".join(r[2] for r in t.rules) + ".\n")
        parts.append("\n")
    parts.append(OUTRO)
    return "".join(parts)


def main() -> None:
    DOC.write_text(inputs_doc(), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
