"""Importing value-metric data: validation of canonical CSVs, upserts in the workspace, the CLI."""

import datetime as dt
import re
import json

import pytest

from conftest import run
from prodops.shells.demo import DEMO_IMPORTS, EXAMPLES
from prodops.core.errors import InputError
from prodops.inputs.sources import load
from prodops.inputs.sources.tables import TABLES, read_table, template_csv
from prodops.store import Workspace

HEADER = template_csv("sprint-summary")
ROW = "Payments,S1,2026-01-05,2026-01-18,points,20,18,15,3,2\n"


def write(tmp_path, text, name="s.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_bom_crlf_and_optional_blanks(tmp_path):
    text = "\ufeff" + (HEADER + ROW + "Payments,S2,2026-01-19,2026-02-01,Points,10,5,5,,\n").replace("\n", "\r\n")
    frame = read_table("sprint-summary", write(tmp_path, text))
    assert frame["sprint"].to_list() == ["S1", "S2"] and frame["unit"].to_list() == ["points", "points"]
    batch = load("sprint-summary", [tmp_path / "s.csv"])
    assert batch.rows["added"].to_list() == [3.0, None]  # blank: not known, never 0


def test_quoted_commas_and_extra_columns(tmp_path):
    text = HEADER.strip() + ",comment\n" + '"Payments, EU",S1,2026-01-05,2026-01-18,points,20,18,15,3,2,"hi, there"\n'
    assert read_table("sprint-summary", write(tmp_path, text))["team"].to_list() == ["Payments, EU"]


@pytest.mark.parametrize("text,expected", [
    (HEADER + ROW.replace(",20,", ",twenty,"), "row 2, column committed: 'twenty' is not a number"),
    (HEADER + ROW.replace("2026-01-05", "05/01/2026"), "row 2, column start: '05/01/2026' is not a date as YYYY-MM-DD"),
    (HEADER + ROW.replace("points", "hours"), "row 2, column unit: 'hours' is not one of points, issues"),
    (HEADER + ROW.replace(",20,", ",-3,"), "row 2, column committed: '-3' is below 0"),
    (HEADER + ROW.replace("Payments", ""), "row 2, column team: '' is empty; this column is required"),
    (HEADER + ROW + ROW, "row 3, columns team,sprint: team='Payments', sprint='S1': repeats a team/sprint"),
    (HEADER + ROW.replace(",18,15,", ",18,25,"), "completed_committed is more than committed"),
    (HEADER + ROW.replace("2026-01-18", "2026-01-01"), "the sprint ends before it starts"),
    ("team,sprint\nA,1\n", "missing columns unit, committed, completed for sprint-summary"),
    ("", "the file is empty"),
    (HEADER + "a,b,c\n" + ROW + "x,y,z,w,v,u,t,s,r,q,p,o\n", "row 4 has 12 fields but the header has 10; quote values"),
    ("team;sprint;start\nA;1;2026-01-05\n", "separated by semicolons; save the file with commas"),
    ('{"contents": {}}', "this is JSON, not CSV"),
    (HEADER, "a header and no rows"),
    ("team,team,sprint,start,end,unit,committed,completed,completed_committed\nA,B,1,,,points,1,1,1\n",
     "the header names a column twice"),
])
def test_bad_rows_name_file_row_column_and_reason(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_table("sprint-summary", path)
    assert expected in str(err.value) and str(path) in str(err.value)


ISSUES = template_csv("sprint-issues")


def _issues(rows: int, bad: str = "", at: int = 0) -> str:
    """A sprint-issues file of `rows` rows of few distinct values (as a real one holds), `bad` in place of row `at`."""
    good = [f"Payments,S{i // 40},2026-01-05,2026-01-18,PAY-{i},true,false,false,3,yes\n" for i in range(rows)]
    if bad:
        good[at] = bad
    return ISSUES + "".join(good)


@pytest.mark.parametrize("bad,expected", [
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7,true,false,false,three,yes\n",
     "row 9, column initial_estimate: 'three' is not a number"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7,true,false,false,1e7,yes\n", "row 9, column initial_estimate: '1e7' is above"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7,true,false,false,NaN,yes\n",
     "row 9, column initial_estimate: 'NaN' is not a number"),
    ("Payments,S0,2026-02-30,2026-01-18,PAY-7,true,false,false,3,yes\n", "row 9, column start: '2026-02-30' is not a real day"),
    ("Payments,S0,5/1/2026,2026-01-18,PAY-7,true,false,false,3,yes\n", "row 9, column start: '5/1/2026' is not a date"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7,true,false,false,3,maybe\n", "row 9, column done_at_end: 'maybe' is not true"),
    (",S0,2026-01-05,2026-01-18,PAY-7,true,false,false,3,yes\n", "row 9, column team: '' is empty"),
    ("Payments,S0,2026-01-05,2026-01-18,,true,false,false,3,yes\n", "row 9, column issue: '' is empty"),
    ("Pay\x1bments,S0,2026-01-05,2026-01-18,PAY-7,true,false,false,3,yes\n",
     "row 9, column team: 'Pay\\x1bments' holds a control"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7\x07,true,false,false,3,yes\n", "row 9, column issue: 'PAY-7\\x07' holds a control"),
    ("Payments,S0,2026-01-05,2026-01-18," + "P" * 201 + ",true,false,false,3,yes\n", "column issue: " + repr("P" * 201)),
    ("Payments,S0,2026-01-05,2026-01-01,PAY-7,true,false,false,3,yes\n", "the sprint ends before it starts"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-7,true,true,false,3,yes\n", "either in the sprint at its start or added"),
    ("Payments,S0,2026-01-05,2026-01-18,PAY-8,true,false,false,3,yes\n",
     "row 10, columns team,sprint,issue: team='Payments', sprint='S0', issue='PAY-8': repeats a team/sprint/issue"),
])
@pytest.mark.parametrize("rows", [400, 3000])  # read from memory; from the disk, with categorical columns
def test_a_bad_value_among_many_alike_is_found_and_placed(tmp_path, bad, expected, rows):
    """A large file is checked on each column's distinct values first; a wrong one sends it to the
    row by row checks, which name the row as they always did."""
    with pytest.raises(InputError) as err:
        read_table("sprint-issues", write(tmp_path, _issues(rows, bad, at=7)))
    assert expected in str(err.value)


@pytest.mark.parametrize("bad,expected", [
    ("a,b,c,d,e,f,g,h,i,j,k,l\n", "row 2502 has 12 fields but the header has 10; quote values that contain commas"),
    ("Caf\udce9,S1,2026-01-05,2026-01-18,X-1,true,false,false,3,yes\n", "line 2502: not UTF-8 text (byte "),
    ('"Pay,S1,2026-01-05,2026-01-18,X-1,true,false,false,3,yes\n', "not a readable CSV file (could not parse"),
])
def test_a_large_file_polars_reads_itself_is_refused_in_the_same_words(tmp_path, bad, expected):
    """A file larger than its first bytes that tell what it is is read by Polars from the disk, not from
    a copy in memory; what it cannot read is worded as for a small file."""
    from prodops.inputs.sources.tables import HEAD

    text = _issues(3000, bad, at=2500)
    assert len(text) > HEAD
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(InputError) as err:
        read_table("sprint-issues", path)
    assert str(err.value).startswith(f"{path}: ") and expected in str(err.value)


def test_a_large_file_reads_as_its_bytes_do(tmp_path):
    """Polars reads a large file from the disk, its columns of few values as categorical: the typed
    rows are those of the same bytes read from memory."""
    text = _issues(3000).replace("PAY-1,true", " PAY-1 ,Yes").replace("S3,", "S3 ,").replace(",3,yes", ",,no")
    path = write(tmp_path, text)
    assert read_table("sprint-issues", path).equals(read_table("sprint-issues", path, path.read_bytes()))


@pytest.mark.parametrize("kind", sorted(DEMO_IMPORTS))
def test_checking_distinct_values_types_as_row_by_row(kind):
    """The typing on distinct values (a large file) gives what the row by row typing gives, on every
    table, with values to strip, spellings of yes and no, blanks and letter cases."""
    import polars as pl

    from prodops.inputs.sources.tables import _typed, _typed_at_once, validate

    table = TABLES[kind]
    frame = pl.read_csv(EXAMPLES / DEMO_IMPORTS[kind], infer_schema=False)
    spelled = {"true": [" yes", "Y", "x ", "TRUE", "done", "1"], "false": ["no ", " N", "", "FALSE", "0", None]}
    for c in table.columns:
        if c.kind == "bool":
            frame = frame.with_columns(pl.Series(c.name, [spelled["true" if v.lower() in ("true", "yes") else "false"][i % 6]
                                                          for i, v in enumerate(frame[c.name].to_list())]))
        elif c.kind in ("text", "choice", "number"):
            frame = frame.with_columns(pl.when(pl.int_range(pl.len()) % 3 == 0).then(" " + pl.col(c.name) + "  ")
                                       .otherwise(pl.col(c.name)).alias(c.name))
    big = pl.concat([frame] * 30)
    expected, problems = _typed(table, big.with_columns(pl.all().str.strip_chars()))
    assert not problems and _typed_at_once(table, big, None).equals(expected)
    coded = big.with_columns(pl.col(c).cast(pl.Categorical(pl.Categories.random())) for c in big.columns[::2])
    assert _typed_at_once(table, coded, None).equals(expected)  # as a large file is read
    assert validate(kind, EXAMPLES / DEMO_IMPORTS[kind], frame).equals(_typed(table, frame.with_columns(
        pl.all().str.strip_chars()))[0])


def test_many_bad_rows_are_summarised(tmp_path):
    text = HEADER + "".join(ROW.replace("S1", f"S{i}").replace(",20,", ",x,") for i in range(50))
    with pytest.raises(InputError) as err:
        read_table("sprint-summary", write(tmp_path, text))
    msg = str(err.value)
    assert "(50 problems); nothing was imported" in msg and "... and 47 more rows where committed is not a number" in msg


def test_not_utf8(tmp_path):
    with pytest.raises(InputError, match="line 2: not UTF-8"):
        read_table("sprint-summary", write(tmp_path, HEADER + ROW.replace("Payments", "Caf\xe9"), encoding="latin-1"))


def test_issue_rows_that_contradict_themselves(tmp_path):
    header = template_csv("sprint-issues")
    path = write(tmp_path, header + "A,S1,2026-01-05,2026-01-18,A-1,true,true,false,3,true\n"
                                    "A,S1,2026-01-05,2026-01-18,A-2,yes,no,yes,3,yes\n"
                                    "A,S1,2026-01-05,2026-01-18,A-3,maybe,no,no,3,no\n")
    with pytest.raises(InputError) as err:
        read_table("sprint-issues", path)
    assert "row 4, column in_sprint_at_start: 'maybe' is not true or false" in str(err.value)
    path = write(tmp_path, header + "A,S1,2026-01-05,2026-01-18,A-1,true,true,false,3,true\n"
                                    "A,S1,2026-01-05,2026-01-18,A-2,yes,no,yes,3,yes\n")
    with pytest.raises(InputError) as err:
        read_table("sprint-issues", path)
    msg = str(err.value)
    assert "not both" in msg and "a removed issue cannot be done" in msg


def test_the_same_key_in_two_files_is_refused(tmp_path):
    a, b = write(tmp_path, HEADER + ROW, "a.csv"), write(tmp_path, HEADER + ROW, "b.csv")
    with pytest.raises(InputError, match=r"the same team/sprint \(Payments, S1\) is in .*a.csv row 2 and .*b.csv row 2"):
        load("sprint-summary", [a, b])


def test_every_template_has_its_table_header():
    import csv
    import io

    for kind, table in TABLES.items():
        assert list(csv.reader(io.StringIO(template_csv(kind)))) == [table.header]


def test_demo_inputs_import_and_reimport_as_updates(db_url):
    ws = Workspace(db_url)
    for kind, name in DEMO_IMPORTS.items():
        batch = load(kind, [EXAMPLES / name])
        new, updated = ws.write(batch.table, batch.rows, "Acme")
        assert new > 0 and updated == 0
    batch = load("sprint-summary", [EXAMPLES / "sprints.csv"])
    assert ws.write(batch.table, batch.rows, "acme") == (0, batch.rows.height)  # any case
    sprints = ws.read("sprints", "Acme")
    assert sprints.height == batch.rows.height + load("sprint-issues", [EXAMPLES / "sprint-issues.csv"]).rows.height
    assert sprints["start"].dtype.is_temporal() and set(sprints["team"]) >= {"Payments", "Mobile", "Growth"}
    assert ws.read("time_survey", "Acme").height == 28 and ws.read("launch_checklist", "Acme")["done"].dtype.to_python() is bool
    ws.close()


def test_import_and_metrics_through_the_cli(tmp_path):
    db = str(tmp_path / "w.db")
    for kind, name in DEMO_IMPORTS.items():
        p = run("import", "--organization", "Acme", kind, str(EXAMPLES / name), "--db", db, "--json")
        assert p.returncode == 0, p.stderr
    issues = json.loads(run("import", "--organization", "Acme", "sprint-issues", str(EXAMPLES / "sprint-issues.csv"),
                            "--db", db, "--json").stdout)
    assert issues["updated"] == issues["new"] + issues["updated"] and any("Growth" in n for n in issues["notes"])
    p = run("metrics", "predictability", "--db", db, "--change-date", "2026-04-06", "--json")
    doc = json.loads(p.stdout)
    team = doc["teams"][0]
    assert {"team", "unit", "sprints", "excluded_zero_commitment", "say_do_pooled", "say_do_median",
            "planning_accuracy_pooled", "planning_accuracy_median", "scope_creep_pooled"} <= team.keys()
    ba = doc["before_after"]
    assert {"difference_pp", "ci_low_pp", "ci_high_pp", "p_value"} <= ba.keys() and ba["before"]["n"] > 100
    assert ba["ci_low_pp"] > 10  # the demo's Playbook visibly moves predictability
    one = json.loads(run("metrics", "predictability", "--db", db, "--team", "Payments", "--since", "2026-01-01", "--json").stdout)
    assert [t["team"] for t in one["teams"]] == ["Payments"]
    assert run("settings", "hourly_rate", "85", "--db", db).returncode == 0
    assert run("settings", "headcount", "14", "--db", db).returncode == 0
    tv = json.loads(run("metrics", "time-value", "--db", db, "--json").stdout)
    assert {"baseline_hours", "followup_hours", "hours_saved_per_pm_week", "monthly_value",
            "overhead_share_baseline", "overhead_share_followup"} <= tv.keys() and tv["monthly_value"] > 0
    launches = json.loads(run("metrics", "launches", "--db", db, "--json").stdout)
    assert {"year", "launches", "known", "succeeded", "rate", "on_time_rate", "gtm_ready_rate",
            "adoption_met_rate"} <= launches["years"][0].keys()
    out = run("metrics", "--db", db, "--change-date", "2026-04-06").stdout
    assert "Sprint predictability" in out and "Before and after 2026-04-06" in out and "Launch success" in out


def test_bad_imports_write_nothing(tmp_path):
    db = tmp_path / "w.db"
    good = write(tmp_path, HEADER + ROW, "good.csv")
    bad = write(tmp_path, HEADER + ROW.replace("S1", "S2").replace(",20,", ",x,"), "bad.csv")
    p = run("import", "--organization", "Acme", "sprint-summary", str(good), str(bad), "--db", str(db))
    assert p.returncode == 2 and "Traceback" not in p.stderr and "row 2, column committed" in p.stderr
    assert not db.exists()
    p = run("import", "--organization", "Acme", "sprint-report", str(good), "--db", str(db))
    assert p.returncode == 2 and "unknown import kind" in p.stderr


def test_metrics_on_an_empty_workspace_say_what_to_import(tmp_path):
    db = str(tmp_path / "w.db")
    Workspace(f"sqlite:///{db}").organizations()  # a use creates it
    out = run("metrics", "--db", db).stdout
    assert "KIND one of sprint-summary, sprint-issues" in out and "KIND one of time-survey" in out
    assert json.loads(run("metrics", "launches", "--db", db, "--json").stdout) is None


def test_settings_are_checked(tmp_path):
    db = str(tmp_path / "w.db")
    for args, expected in [(("settings", "hourly", "3"), "unknown setting"),
                           (("settings", "hourly_rate", "lots"), "is not valid"),
                           (("settings", "change_date", "2026-13-01"), "not a real day"),
                           (("settings", "change_date", "1/4/2026"), "not a date as YYYY-MM-DD"),
                           (("settings", "headcount", "0"), "a number more than 0"),
                           (("settings", "currency", "US Dollar"), "1 to 8 letters or a sign")]:
        p = run(*args, "--db", db)
        assert p.returncode == 2 and expected in p.stderr
    assert run("settings", "change_date", "2026-04-06", "--organization", "Acme", "--db", db).returncode == 0
    assert json.loads(run("settings", "--db", db, "--json").stdout)["change_date"] == "2026-04-06"


def test_template_commands(tmp_path):
    for kind in TABLES:
        p = run("template", kind)
        assert p.returncode == 0 and p.stdout == template_csv(kind)


def test_assess_checks_answers_against_the_data(tmp_path):
    from prodops.shells.demo import demo_answers

    db = str(tmp_path / "w.db")
    run("import", "--organization", "Northwind Cloud", "time-survey", str(EXAMPLES / "time-survey.csv"), "--db", db)
    q2 = str(demo_answers()[1])
    doc = json.loads(run("assess", q2, "--db", db, "--json", "--no-record").stdout)
    data = doc["criteria"]["om-2-overhead"]["data"]
    assert data["metric"] == "pm_overhead_share" and data["value"] > 0.3 and data["conflict"] and data["decides"]
    assert doc["level"] == 1 and doc["measurements"]["pm_overhead_share"] == data["value"]
    out = run("assess", q2, "--db", db, "--no-record").stdout
    assert "Evidence from data" in out and "conflict" in out
    # what the figure rests on, beside it: the latest survey's 14 respondents and its day
    assert "│ 36% │ 14 respondents, 2026-04-15 │ misses conflict │" in " ".join(out.split())
    answers_only = json.loads(run("assess", q2, "--db", db, "--json", "--no-record", "--no-data").stdout)
    assert answers_only["level"] == 2 and answers_only["criteria"]["om-2-overhead"]["data"] is None
    assert json.loads(run("plan", q2, "--db", db, "--json").stdout)["current_level"] == 1


def test_the_inputs_doc_names_every_column():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "inputs.md").read_text()
    for table in TABLES.values():
        assert ",".join(table.header) in doc, table.kind
        for column in table.columns:
            assert f"| `{column.name}` |" in doc and column.help in doc


def test_the_inputs_doc_is_what_its_tool_makes():
    """docs/inputs.md is made by tools/make_inputs_doc.py (tables plus the tool's prose): an edit made by hand
    to the doc, or a table changed without remaking it, fails here. The text is made in memory, not written."""
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    inputs_doc = runpy.run_path(str(root / "tools" / "make_inputs_doc.py"))["inputs_doc"]  # no .pyc left in tools/
    doc = (root / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert inputs_doc() == doc, (
        "docs/inputs.md is not what tools/make_inputs_doc.py makes: put any prose edited in the doc into the tool, "
        "then run `python tools/make_inputs_doc.py`")


def test_the_cli_knows_every_table_kind():
    from prodops.shells.cli import TABLE_KINDS

    assert set(TABLE_KINDS) == set(TABLES)


@pytest.mark.parametrize("kind,text,expected", [
    ("sprint-summary", HEADER + ROW.replace(",20,", ",inf,"), "'inf' is not a number"),
    ("sprint-summary", HEADER + ROW.replace(",20,", ",NaN,"), "'NaN' is not a number"),
    ("sprint-summary", HEADER + ROW.replace(",3,2", ",3,30"), "removed is more than committed"),
    ("account-outcomes", "account,date,outcome,arr_before,arr_after\nA,2026-04-01,expanded,15000,9000\n",
     "an expansion must end with more ARR"),
    ("account-outcomes", "account,date,outcome,arr_before,arr_after\nA,2026-04-01,churned,15000,100\n",
     "a churned account has arr_after 0"),
    ("account-outcomes", "account,date,outcome,arr_before,arr_after\nA,2026-04-01,renewed,15000,16000\n",
     "a renewal keeps the same ARR"),
    ("time-survey", "respondent,period,date,meeting_coordination,reporting,tool_research,process_design,work_hours\n"
     "ana,baseline,2026-01-10,0,0,0,0,0\n", "row 2, column work_hours: 0 must be more than 0"),  # else a share of 0/0
])
def test_values_that_would_give_wrong_numbers_are_refused(tmp_path, kind, text, expected):
    with pytest.raises(InputError, match=expected):
        load(kind, [write(tmp_path, text)])


def test_metrics_options_are_checked(tmp_path):
    db = str(tmp_path / "w.db")
    run("import", "--organization", "Acme", "sprint-summary", str(EXAMPLES / "sprints.csv"), "--db", db)
    p = run("metrics", "--db", db, "--team", "payments", "--json")  # any case
    assert p.returncode == 0 and [t["team"] for t in json.loads(p.stdout)["predictability"]["teams"]] == ["Payments"]
    p = run("metrics", "--db", db, "--team", "Nobody")
    assert p.returncode == 2 and "no team 'Nobody'" in p.stderr and "Payments" in p.stderr
    p = run("metrics", "--db", db, "--since", "2026-05-01", "--until", "2026-01-01")
    assert p.returncode == 2 and "the period starts on 2026-05-01, after it ends on 2026-01-01" in p.stderr
    for args in (("hourly_rate", "--", "-5"), ("hourly_rate", "nan"), ("grace_days", "--", "-1")):
        p = run("settings", "--db", db, *args)
        assert p.returncode == 2 and "is not valid" in p.stderr, args
    p = run("settings", "hourly_rate", "5", "--unset", "--db", db)
    assert p.returncode == 2 and "--unset takes no value" in p.stderr


def test_machine_readable_figures_carry_full_precision(tmp_path):
    db = str(tmp_path / "w.db")
    path = write(tmp_path, HEADER + "A,S1,2026-01-05,2026-01-18,points,30,25,23,2,0\n")
    assert run("import", "--organization", "Acme", "sprint-summary", str(path), "--db", db).returncode == 0
    doc = json.loads(run("metrics", "predictability", "--db", db, "--json").stdout)
    assert doc["overall"]["planning_accuracy_pooled"] == 23 / 30 == 0.7666666666666667  # not 0.7667
    shown = run("metrics", "predictability", "--db", db).stdout
    assert "77% / 77%" in shown  # people read it rounded


def test_a_velocity_chart_with_commitment_and_completed_only_imports(tmp_path):
    db = str(tmp_path / "w.db")
    path = write(tmp_path, HEADER + "A,S1,2026-01-05,2026-01-18,points,30,24,,,\n"
                                    "A,S2,2026-01-19,2026-02-01,points,20,20,18,1,0\n")
    p = run("import", "--organization", "Acme", "sprint-summary", str(path), "--db", db, "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["new"] == 2
    team = json.loads(run("metrics", "predictability", "--db", db, "--json").stdout)["teams"][0]
    assert (team["say_do_sprints"], team["say_do_pooled"]) == (2, 44 / 50)
    assert (team["planning_accuracy_sprints"], team["planning_accuracy_pooled"]) == (1, 0.9)
    assert "90% / 90% (1)" in run("metrics", "predictability", "--db", db).stdout  # rests on 1 of 2 sprints


def test_names_match_whatever_their_letter_case(tmp_path):
    from prodops import operations
    with Workspace(f"sqlite:///{tmp_path / 'w.db'}") as ws:
        operations.import_files(ws, "sprint-summary", [write(tmp_path, HEADER + ROW, "a.csv")], organization="Acme")
        shouted = write(tmp_path, HEADER + ROW.replace("Payments,S1", "PAYMENTS,s1"), "b.csv")
        again = operations.import_files(ws, "sprint-summary", [shouted])
        assert (again.new, again.updated) == (0, 1)  # the same sprint of the same team
        assert ws.distinct("sprints", "Acme", "team", "sprint") == [("Payments", "S1")]  # the first spelling stays
        launches = write(tmp_path, template_csv("launches") + "L1,Payouts,1,2026-01-10,2026-01-10,,,\n", "l.csv")
        checklist = write(tmp_path, template_csv("launch-checklist") + "l1,CS,FAQ,,yes,\n", "c.csv")
        operations.import_files(ws, "launches", [launches])
        operations.import_files(ws, "launch-checklist", [checklist])
        r = operations.value_metrics(ws, ["launches"], as_of=dt.date(2026, 11, 30)).results["launches"]
        assert r["checklist_for_unknown_launches"] == [] and r["years"][0]["gtm_ready_rate"] == 1.0
    with pytest.raises(InputError, match="names match whatever their letter case"):
        load("sprint-summary", [write(tmp_path, HEADER + ROW + ROW.replace("Payments", "payments"), "twice.csv")])


def test_issues_of_one_sprint_spelled_two_ways_are_summed_as_one(tmp_path):
    """Issue rows are summed into sprints before names are spelled alike only when no name needs it:
    rows of one sprint whose team or sprint differ in letter case make one sprint, and an issue given
    under both spellings, or in two files, is refused."""
    rows = "".join(f"{team},{sprint},2026-01-05,2026-01-18,PAY-{i},true,false,false,{i},yes\n"
                   for i, (team, sprint) in enumerate([("Payments", "S1"), ("payments", "s1"), ("PAYMENTS", "S1")], 1))
    batch = load("sprint-issues", [write(tmp_path, ISSUES + rows)])
    assert batch.rows.select("team", "sprint", "committed", "completed").rows() == [("Payments", "S1", 6.0, 6.0)]
    assert batch.read == 3 and batch.notes == ["team Payments: counted in points"]
    twice = rows + "payments,S1,2026-01-05,2026-01-18,PAY-2,true,false,false,2,yes\n"
    with pytest.raises(InputError, match=r"the same team/sprint/issue \(Payments, S1, PAY-2\) is in .* row 3 and .* row 5 "
                                         r"\(names match whatever their letter case\)"):
        load("sprint-issues", [write(tmp_path, ISSUES + twice, "twice.csv")])
    other = write(tmp_path, ISSUES + "PAYMENTS,s1,2026-01-05,2026-01-18,PAY-3,true,false,false,1,yes\n", "b.csv")
    with pytest.raises(InputError, match=r"the same team/sprint/issue \(Payments, S1, PAY-3\)"):
        load("sprint-issues", [tmp_path / "s.csv", other])


def test_a_file_that_is_not_csv_says_what_it_is(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "team"
    book.save(tmp_path / "sprints.xlsx")
    with pytest.raises(InputError, match=r"this is an Excel workbook \(.xlsx\), not a CSV file; save the sheet as CSV UTF-8"):
        load("sprint-summary", [tmp_path / "sprints.xlsx"])
    (tmp_path / "u16.csv").write_bytes((HEADER + ROW).encode("utf-16"))
    with pytest.raises(InputError, match="this is UTF-16 text, not a CSV file; save it as UTF-8"):
        load("sprint-summary", [tmp_path / "u16.csv"])
    (tmp_path / "noise.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="this is binary data, not a CSV file"):
        load("sprint-summary", [tmp_path / "noise.csv"])


def test_values_in_messages_read_as_written(tmp_path):
    path = write(tmp_path, HEADER + ROW.replace("2026-01-18", "2026-01-01"))
    with pytest.raises(InputError) as err:
        load("sprint-summary", [path])
    assert "start='2026-01-05'" not in str(err.value) and "start=2026-01-05, end=2026-01-01" in str(err.value)
    assert "datetime.date" not in str(err.value)


def test_teams_are_listed_as_people_read_their_numbers(tmp_path):
    rows = "".join(ROW.replace("Payments,S1", f"apache board {n},S1") for n in (1000, 101, 2, 11))
    batch = load("sprint-summary", [write(tmp_path, HEADER + rows)])
    from prodops.core.metrics.predictability import predictability

    teams = [t["team"] for t in predictability(batch.rows)["teams"]]
    assert teams == ["apache board 2", "apache board 11", "apache board 101", "apache board 1000"]  # not 1000 before 101


def test_one_sprint_with_two_sets_of_dates_is_refused(tmp_path):
    header = template_csv("sprint-issues")
    rows = ("Pay,S1,2026-01-05,2026-01-18,P-1,yes,no,no,3,yes\n"
            "Pay,S1,2027-06-14,2027-06-27,P-2,yes,no,no,3,yes\n")
    with pytest.raises(InputError, match=r"sprint 'S1' of team 'Pay' has two sets of dates: 2026-01-05 to 2026-01-18 "
                                         r"in .*i.csv row 2, 2027-06-14 to 2027-06-27 in .*i.csv row 3"):
        load("sprint-issues", [write(tmp_path, header + rows, "i.csv")])


@pytest.mark.parametrize("text,expected", [
    ("team\tsprint\tstart\nA\t1\t2026-01-05\n", "the columns are separated by tabs; save the file with commas"),
    ("team,sprint,start,end,unit,committed,completed\nA,1,2026-02-30,2026-03-01,points,1,1\n", "'2026-02-30' is not a real day"),
    ("tea,sprint,unit,committed,completed\nA,1,points,1,1\n", "the header read is: tea,sprint,unit,committed,completed"),
    ("team,sprint,start,end,unit,committed,completed\nA,1,,,points,1e308,1\n",
     "'1e308' is above 1,000,000, more than any real figure"),
    ("team,sprint,start,end,unit,committed,completed\n" + "A" * 201 + ",1,,,points,1,1\n", "is longer than 200 characters"),
    ("team,sprint,start,end,unit,committed,completed\n\"Pay\x1b[31m\",1,,,points,1,1\n", "holds a control character"),
])
def test_what_was_read_and_why_it_is_refused(tmp_path, text, expected):
    with pytest.raises(InputError, match=re.escape(expected)):
        load("sprint-summary", [write(tmp_path, text)])


def test_a_header_with_spaces_after_the_commas_reads(tmp_path):
    text = "team, sprint, start, end, unit, committed, completed\nA, 1, 2026-01-05, 2026-01-18, points, 10, 8\n"
    assert load("sprint-summary", [write(tmp_path, text)]).rows["committed"].to_list() == [10.0]


def test_machine_readable_output_is_always_json():
    import math

    from prodops.renderers.files import dump_json

    assert json.loads(dump_json({"a": math.nan, "b": [math.inf, 1.5]})) == {"a": None, "b": [None, 1.5]}


def test_json_output_is_the_standard_librarys_indented_form():
    """dump_json writes its own encoding (lists of records a column at a time): byte for byte what
    json.dumps(indent=2, ensure_ascii=False, default=str) writes, non-finite floats as null."""
    import math

    from prodops.renderers.files import dump_json

    record = {"id": "A / 1", "start": "2026-01-05", "n": 3, "ratio": 0.1 + 0.2, "ok": True, "why": None}
    documents = [
        1, -0.0, None, "é \u2028 \"q\" \\ \x01", [], {}, [[]], [{}], (1, (2, 3)), {"a": {}, "b": [1, [2, {}]]},
        {1: "int key", 2.5: "float key", False: "f", None: "n"},
        [record, {**record, "ratio": 1e-05, "n": 10**20, "why": 's, ", "'}, {**record, "ratio": 1e16, "ok": False}],
        [record, {"start": "2026-01-05", "id": "A / 1"}], [record, {**record, "extra": 1}], [record, 1],
        [{"day": dt.date(2026, 1, 5), "at": dt.datetime(2026, 1, 5, 9, 30)}] * 2, [{"set": {1}}, {"set": {2}}],
        [{"100%s": "%s", "%%": 1}, {"100%s": "50%", "%%": 2}],
    ]
    for document in documents:
        assert dump_json(document) == json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    not_finite = [record, {**record, "ratio": math.nan}, {**record, "ratio": -math.inf}, {**record, "n": math.inf}]
    as_null = [record, {**record, "ratio": None}, {**record, "ratio": None}, {**record, "n": None}]
    assert dump_json(not_finite) == json.dumps(as_null, indent=2) + "\n"


def test_both_databases_take_and_refuse_the_same_rows(db_url, tmp_path):
    """Checked before the database sees them: the same message on SQLite and PostgreSQL, never a
    database error, and a file path longer than the workspace's column keeps its end."""
    from prodops import operations
    deep = tmp_path
    for i in range(6):
        deep = deep / (f"{i}" * 100)
    deep.mkdir(parents=True)
    with Workspace(db_url) as ws:
        done = operations.import_files(ws, "sprint-summary", [write(deep, HEADER + ROW)], organization="Acme")
        assert done.new == 1
        (source,) = ws.distinct("sprints", "Acme", "source")[0]
        assert len(source) == 500 and source.startswith("…") and source.endswith("s.csv")
        for cell, why in (("P" * 201, "is longer than 200 characters"), ("Pay\x00", "this is binary data"),
                          ("Pay\x1b", "holds a control character")):
            with pytest.raises(InputError, match=why):
                operations.import_files(ws, "sprint-summary", [write(tmp_path, HEADER + ROW.replace("Payments", cell))])
        assert ws.read("sprints", "Acme").height == 1


def test_tse2017_completed_committed_is_an_upper_bound(tmp_path):
    """Committed work done is at most all work done, and at most the commitment less the committed
    work removed, which is at least the removed points beyond the added ones (removed points may be
    added work). Subtracting every removed point took too much off: 8 committed, 60 added, 29
    removed, 58 done gave 0 % (apache board 1, sprint 143), though all 8 may have been done."""
    from prodops.inputs.sources.tse2017 import HEADER as TSE_HEADER, read_tse2017

    def row(sprint, committed, added, removed, completed):
        values = dict.fromkeys(TSE_HEADER, "0") | {"boardid": "1", "sprintid": str(sprint), "name": f"S{sprint}",
                                                     "vel_starttime": str(committed), "vel_added": str(added),
                                                     "vel_removed": str(removed),
                                                     "vel_diff": str(completed - committed - added + removed)}
        return ",".join(values[h] for h in TSE_HEADER)

    rows = [row(1, 8, 60, 29, 58),   # removed < added: any removed point may have been added work
            row(2, 44, 4, 27, 15),   # at least 23 committed points removed; 15 done caps it
            row(3, 83, 43, 62, 82),  # at least 19 committed points removed: 83 - 19 = 64
            row(4, 10, 0, 0, 4),     # nothing removed: what was done
            row(5, 3, 1, 10, 0)]     # more removed than committed and added (estimates changed): 0
    path = write(tmp_path, ",".join(TSE_HEADER) + "\n" + "\n".join(rows) + "\n", name="x_iteration_80.csv")
    frame, _ = read_tse2017(path)
    assert frame["completed"].to_list() == [58, 15, 82, 4, 0]
    assert frame["completed_committed"].to_list() == [8, 15, 64, 4, 0]
