"""The `prodops` command end to end, in child processes, as a user runs it."""

import json
import shutil

import pytest
import yaml

from conftest import ok, refused, run, run_process
from prodops.shells.demo import demo_answers
from prodops.shells.interactive import interview_order
from prodops.inputs.models import load_model

MODEL = load_model()
Q1, Q2, Q3 = demo_answers()


def test_version_and_help():
    assert run_process("--version").stdout.startswith("prodops ")  # the installed command itself
    out = ok("--help").stdout
    for command in ("assess", "plan", "history", "model", "demo", "template"):
        assert command in out


def test_model_commands(tmp_path):
    assert "om-2-role" in ok("model", "show").stdout
    shown = json.loads(ok("model", "show", "--json").stdout)
    assert shown["id"] == "prodops-maturity"
    exported = json.loads(ok("model", "export", "--format", "json").stdout)
    assert len(exported["criteria"]) == len(MODEL.criteria)
    schema = json.loads(ok("model", "schema").stdout)
    assert "properties" in schema
    copy = tmp_path / "mine.yaml"
    ok("model", "export", "--format", "yaml", "--out", str(copy))
    assert "valid model prodops-maturity@1.0.0" in ok("model", "validate", str(copy)).stdout
    assert json.loads(ok("model", "validate", str(copy), "--json").stdout)["valid"] is True


def test_an_invalid_model_is_refused_with_its_path(tmp_path):
    data = yaml.safe_load(ok("model", "export").stdout)
    data["criteria"][0]["dimension"] = "nowhere"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    err = refused("model", "validate", str(bad))
    assert f"{bad}:" in err and "criteria[0].dimension: unknown dimension 'nowhere'" in err
    # and anywhere a model is used
    assert "criteria[0].dimension" in refused("assess", str(Q1), "--model", str(bad), "--no-record")


def test_assess_json_and_recording(tmp_path):
    db = str(tmp_path / "ws.db")
    doc = json.loads(ok("assess", str(Q3), "--db", db, "--json").stdout)
    assert doc["level"] == 2 and doc["dimensions"]["operating-model"] == 3
    assert "pp-3-playbook-practiced" in doc["blockers"]
    c = doc["criteria"]["pp-3-playbook-practiced"]
    # confidential: the 4 PMs' mean is shown; the other roles (1 or 2 people each) only together
    assert c["disagreement"] and set(c["by_role"]) == {"pm"} and "leadership" in c["roles_suppressed"]
    assert doc["privacy"] == {"mode": "confidential", "threshold": 3}
    assert {"score", "met", "na", "spread", "disagreement", "respondents"} <= c.keys()
    assert 0 < doc["progress_to_next"] < 1
    assert doc["recorded"] == {"id": 1, "replaced": False, "previous_respondents": None}
    again = json.loads(ok("assess", str(Q3), "--db", db, "--json").stdout)
    assert again["recorded"] == {"id": 1, "replaced": True, "previous_respondents": 11}
    history = json.loads(ok("history", "--db", db, "--json").stdout)
    assert len(history["assessments"]) == 1
    assert {"id", "date", "organization", "level", "dimensions"} <= history["assessments"][0].keys()


def test_assess_prints_a_readable_result(tmp_path):
    out = ok("assess", str(Q3), "--db", str(tmp_path / "ws.db")).stdout
    for text in ("Northwind Cloud", "Overall: Level 2 Emerging", "Progress to Level 3 Defined",
                 "What blocks Level 3", "Respondents disagree", "recorded as assessment #1"):
        assert text in out


def test_the_workspace_comes_from_the_environment(tmp_path):
    env = {"PRODOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"}
    ok("assess", str(Q1), env=env)
    assert (tmp_path / "env.db").exists()
    assert len(json.loads(ok("history", "--json", env=env).stdout)["assessments"]) == 1


def test_default_workspace_is_prodops_db_in_the_current_folder(tmp_path):
    ok("assess", str(Q1), cwd=tmp_path, env={"PRODOPS_DATABASE_URL": ""})
    assert (tmp_path / "prodops.db").exists()


def test_plan_from_the_latest_assessment_and_from_files(tmp_path):
    db = str(tmp_path / "ws.db")
    ok("assess", str(Q1), "--db", db)
    ok("assess", str(Q3), "--db", db)
    doc = json.loads(ok("plan", "--db", db, "--json").stdout)
    assert doc["current_level"] == 2 and doc["assessment_date"] == "2026-09-30"
    first = doc["phases"][0]
    assert {"number", "investments", "projected_level"} <= first.keys()
    assert "process-standardization" in first["investments"]
    assert doc["phases"][-1]["projected_level"] == 5
    from_file = json.loads(ok("plan", str(Q1), "--json", "--phase-days", "30", "--capacity", "1").stdout)
    assert from_file["current_level"] == 1 and from_file["phase_days"] == 30
    assert "Phase 1" in ok("plan", "--db", db).stdout


def test_reading_commands_never_create_a_workspace(tmp_path):
    for command in ("plan", "history"):
        assert "no workspace at" in refused(command, cwd=tmp_path, env={"PRODOPS_DATABASE_URL": ""})
    assert list(tmp_path.iterdir()) == []


def test_plan_on_an_empty_workspace(tmp_path):
    from prodops.store import Workspace

    db = tmp_path / "w.db"
    Workspace(f"sqlite:///{db}").organizations()  # a use creates it
    assert "no assessment recorded" in refused("plan", "--db", str(db))


def test_bad_answers_are_refused_and_nothing_is_recorded(tmp_path):
    db = tmp_path / "ws.db"
    text = Q1.read_text().replace("om-2-knowledge: Partly", "om-2-knowledge: Perhaps", 1)
    assert "Perhaps" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    err = refused("assess", str(bad), "--db", str(db))
    assert "the answers are not valid (1 problem); nothing was recorded" in err
    assert f"{bad}:128:21: respondents[2].answers.om-2-knowledge" in err
    assert "respondent 'chen', criterion 'om-2-knowledge': 'Perhaps' is not on the answer scale" in err
    assert "use one of No (0)" in err
    assert not db.exists()  # answers are checked before the workspace is opened


@pytest.mark.parametrize("content,expected", [
    ("respondents: [", "not valid YAML"),
    ("{}", "organization is required"),
])
def test_malformed_answers_file(tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    assert expected in refused("assess", str(bad), "--no-record")


def test_missing_file_and_no_file(tmp_path):
    assert "no such file" in refused("assess", str(tmp_path / "nope.yaml"), "--no-record")
    assert "no answers file given" in refused("assess", "--no-record")


def test_interactive_assessment_writes_a_file_that_scores(tmp_path):
    out = tmp_path / "ana.yaml"
    replies = ["Acme", "2026-10-01", "ana", "pm"]
    criteria = interview_order(MODEL)
    for i, _ in enumerate(criteria):
        replies.append({0: "f", 1: "maybe", 2: "Mostly", 3: "n/a", 4: ""}.get(i, "0.25"))
        if i == 1:
            replies.append("p")  # asked again after an answer off the scale
    p = ok("assess", "--interactive", "--out", str(out), input="\n".join(replies) + "\n")
    assert "not on the answer scale" in p.stdout
    doc = yaml.safe_load(out.read_text())
    answers = doc["respondents"][0]["answers"]
    assert answers[criteria[0].id] == "Fully" and answers[criteria[1].id] == "Partly"
    assert answers[criteria[3].id] == "N/A" and criteria[4].id not in answers
    assert len(answers) == len(criteria) - 1
    scored = json.loads(ok("assess", str(out), "--no-record", "--json").stdout)
    assert scored["criteria"][criteria[4].id]["status"] == "unanswered"


def test_interactive_input_ending_before_any_answer_writes_nothing(tmp_path):
    out = tmp_path / "half.yaml"
    assert "nothing was written" in refused("assess", "-i", "--out", str(out), input="Acme\n2026-10-01\nana\npm\n")
    assert not out.exists()


def test_an_interview_stopped_half_way_keeps_what_was_answered(tmp_path):
    """Ctrl-C after two answers: the two are saved, and the command says where."""
    import signal
    import subprocess
    import time

    from conftest import PRODOPS

    out = tmp_path / "half.yaml"
    p = subprocess.Popen([PRODOPS, "assess", "-i", "--out", str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdin.write("Acme\n2026-10-01\nana\npm\nFully\nPartly\n")
    p.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and f"3/{len(MODEL.criteria)}" not in p.stdout.readline():
        pass  # until the third question is asked
    p.send_signal(signal.SIGINT)
    _, stderr = p.communicate(timeout=30)
    assert p.returncode == 130 and "Traceback" not in stderr, stderr
    assert f"stopped after 2 of {len(MODEL.criteria)} criteria; the answers so far are saved in {out}" in stderr
    answers = yaml.safe_load(out.read_text())["respondents"][0]["answers"]
    criteria = interview_order(MODEL)
    assert answers == {criteria[0].id: "Fully", criteria[1].id: "Partly"}
    assert json.loads(ok("assess", str(out), "--no-record", "--json").stdout)["respondents"] == 1  # and it scores


def test_template_answers_fills_in_and_scores(tmp_path):
    path = tmp_path / "t.yaml"
    ok("template", "answers", "--out", str(path))
    doc = yaml.safe_load(path.read_text())
    assert set(doc["respondents"][0]["answers"]) == set(MODEL.criterion)
    err = refused("assess", str(path), "--no-record")  # an unedited template is not an assessment
    assert "organization is required" in err and "id is required" in err
    assert "--force" in refused("template", "answers", "--out", str(path))
    doc["organization"] = "Acme"
    doc["respondents"][0]["id"] = "ana"
    doc["respondents"][0]["answers"] = dict.fromkeys(MODEL.criterion, "Fully")
    path.write_text(yaml.safe_dump(doc))
    assert json.loads(ok("assess", str(path), "--no-record", "--json").stdout)["level"] == 5


@pytest.mark.slow
def test_demo(demo, tmp_path):
    out = tmp_path / "demo"
    shutil.copytree(demo, out)
    before = (out / "plan.json").read_text()
    p = run_process("demo", "--out", str(out))  # again, over its own earlier outputs, as a real process
    assert p.returncode == 0, p.stderr
    assert (out / "plan.json").read_text() == before
    for text in ("Northwind Cloud", "Levels over time", "Overall: Level 2", "What do we invest in next?", "Phase 1",
                 "What has Product Ops been worth?", "Sprint predictability", "Monthly time value", "Launch success"):
        assert text in p.stdout
    written = sorted(f.name for f in out.iterdir())
    assert written == ["answers", "assessment-2026-03-31.json", "assessment-2026-06-30.json",
                       "assessment-2026-09-30.json", "history.json", "metrics.json", "plan.json", "prodops.db",
                       "report-charts", "report-commerce.html", "report.html", "report.json", "report.md", "report.pdf",
                       "report.pptx", "report.xlsx"]
    for name in ("report.html", "report.pdf", "report.md", "report.xlsx"):
        assert f"Wrote      {out / name}" in p.stdout
    value = json.loads((out / "metrics.json").read_text())
    assert value["predictability"]["before_after"]["difference_pp"] > 10
    assert value["time_value"]["monthly_value"] > 0 and len(value["launches"]["years"]) == 2
    assert value["revenue"]["attributed_arr"] > 0 and "not causation" in value["revenue"]["label"]
    history = json.loads((out / "history.json").read_text())
    # Q2's answers say PM overhead is under 30 %, the baseline time survey says 36 %: the data holds it at 1
    assert [a["level"] for a in history["assessments"]] == [1, 1, 2]
    q2 = json.loads((out / "assessment-2026-06-30.json").read_text())
    assert q2["blockers"] == ["om-2-overhead"] and q2["criteria"]["om-2-overhead"]["data"]["conflict"]
    latest = json.loads((out / "assessment-2026-09-30.json").read_text())
    assert sum(1 for lvl in latest["dimensions"].values() if lvl >= 3) >= 3  # part of Level 3
    assert set(latest["roles"]) >= {"pm", "leadership", "engineering", "product-ops"}
    assert latest["respondents"] >= 8
    assert len(json.loads(ok("history", "--db", str(out / "prodops.db"), "--json").stdout)["assessments"]) == 3


def test_assess_on_postgresql(postgres_url):
    doc = json.loads(ok("assess", str(Q2), "--db", postgres_url, "--json").stdout)
    assert doc["level"] == 2 and doc["recorded"]["id"] == 1
    history = json.loads(ok("history", "--db", postgres_url, "--json").stdout)
    assert history["assessments"][0]["level"] == 2
    assert json.loads(ok("plan", "--db", postgres_url, "--json").stdout)["current_level"] == 2


def test_unreachable_postgresql_is_a_clear_error():
    err = refused("history", "--db", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert "cannot use the workspace database" in err and "Connection refused" in err and "secret" not in err


@pytest.mark.parametrize("db,expected", [
    ("mysql://u@h/db", "its database driver is not installed"),
    ("foo://bar", "not a database URL or path"),
    ("   ", "the workspace is given as empty text"),
])
def test_bad_workspace_urls(db, expected):
    err = refused("history", "--db", db)
    assert expected in err and "(--db PATH|URL" in err


def test_a_file_that_is_not_a_workspace(tmp_path):
    assert "it is not a prodops workspace" in refused("history", "--db", str(Q1))


def test_a_read_only_workspace(tmp_path):
    db = tmp_path / "w.db"
    ok("assess", str(Q1), "--db", str(db))
    err = refused("assess", str(Q2), "--db", f"sqlite:///file:{db}?mode=ro&uri=true")
    assert "read-only" in err
    assert len(json.loads(ok("history", "--db", str(db), "--json").stdout)["assessments"]) == 1


def test_options_that_do_not_go_together(tmp_path):
    assert "--interactive" in refused("assess", "-i", "--json")
    assert "--interactive" in refused("assess", str(Q1), "-i")
    assert "go with --interactive" in refused("assess", str(Q1), "--out", str(tmp_path / "x.yaml"))
    assert "3650" in refused("plan", str(Q1), "--phase-days", "100000000")


def test_interactive_checks_its_output_file_before_asking(tmp_path):
    err = refused("assess", "-i", "--out", str(tmp_path / "missing" / "x.yaml"), input="Acme\n2026-10-01\nzed\npm\n")
    assert "cannot write" in err and "1/52" not in err


def test_several_organisations(tmp_path):
    db = str(tmp_path / "w.db")
    ok("assess", str(Q1), "--db", db)
    other = tmp_path / "globex.yaml"
    other.write_text(Q2.read_text().replace("Northwind Cloud", "Globex"))
    ok("assess", str(other), "--db", db)
    assert "several organisations (Globex, Northwind Cloud)" in refused("plan", "--db", db)
    assert json.loads(ok("plan", "--db", db, "--organization", "globex", "--json").stdout)["organization"] == "Globex"
    assert "recorded: Globex, Northwind Cloud" in refused("history", "--db", db, "--organization", "Initech")
    out = ok("history", "--db", db).stdout
    assert "Levels over time: Northwind Cloud" in out and "Levels over time: Globex" in out


def test_blockers_read_on_an_80_column_terminal():
    out = ok("assess", str(Q3), "--no-record", env={"COLUMNS": "80"}).stdout
    assert "Process and Playbook · pp-3-playbook-practiced · Score 0.50 · Spread 0.75" in out  # the report's words
    assert "  The documented practices are consistently followed across teams" in out  # whole words, not a sliver


def test_the_readme_command_table_lists_every_command():
    """Each command and subcommand `prodops --help` knows is in the README's table, and nothing else is."""
    import re

    import typer.main

    from conftest import REPO
    from prodops.shells.cli import app

    root = typer.main.get_command(app)
    commands = set()
    for name, command in root.commands.items():
        subs = getattr(command, "commands", None)
        commands |= {f"{name} {sub}" for sub in subs} if subs else {name}
    rows = re.findall(r"^\| `prodops ([^`]+)` \|", (REPO / "README.md").read_text(), re.M)
    listed = set()
    for row in rows:
        group, _, rest = row.partition(" ")
        subs = getattr(root.commands.get(group), "commands", None)
        if not subs:
            listed.add(group)
            continue
        for part in rest.split(" / "):  # `model show / validate FILE / schema / export --format json|yaml`
            sub = part.split()[0]
            listed |= {f"{group} {s}" for s in subs} if sub == "KIND" else {f"{group} {sub}"}
    assert commands == listed


def test_a_mistyped_command_is_suggested_once():
    err = run("asess").stderr
    assert err.count("Did you mean") == 1 and "'assess'" in err


def test_an_export_given_as_answers_points_to_the_mapping(tmp_path):
    export = tmp_path / "responses.csv"
    export.write_text("Timestamp,Email Address,Q1\n2026-10-01 10:00:00,a@x.io,Agree\n")
    err = refused("assess", str(export), "--no-record")
    assert "looks like a survey export" in err and "(--mapping FILE)" in err


def test_figures_for_one_run_obey_the_settings_bounds(tmp_path):
    db = str(tmp_path / "w.db")
    assert "headcount: 0.0 is not valid: a number more than 0" in refused("metrics", "--headcount", "0", "--db", db) or \
        "no workspace" in refused("metrics", "--headcount", "0", "--db", db)
    ok("settings", "currency", "EUR", "--organization", "Acme", "--db", db)
    assert "headcount: 0.0 is not valid: a number more than 0" in refused("metrics", "--headcount", "0", "--db", db)
    assert "a whole number from 0 to 3,650" in refused("metrics", "--grace-days", "99999", "--db", db)


def test_one_respondent_is_one_respondent(tmp_path):
    doc = yaml.safe_load(Q1.read_text())
    doc["respondents"] = doc["respondents"][:1]
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(doc))
    # named: a confidential result of one person is not shown at all (test_confidential)
    ok("settings", "reporting_threshold", "named", "--organization", doc["organization"], "--db", str(tmp_path / "w.db"))
    out = ok("assess", str(tmp_path / "one.yaml"), "--db", str(tmp_path / "w.db")).stdout
    assert "1 respondent (" in out and "1 respondents" not in out
    ok("report", "--db", str(tmp_path / "w.db"), "-f", "md", "--out", str(tmp_path / "r.md"))
    md = (tmp_path / "r.md").read_text()
    assert "· model prodops-maturity@1.0.0 · 1 respondent\n" in md and "(1 respondent," in md and "1 respondents" not in md


def test_every_command_line_in_the_readme_and_docs_names_real_commands_and_options():
    """Each `prodops ...` line of a shell block in the README and docs/ is a command `prodops`
    knows, with options it takes: what a newcomer copies works."""
    import re

    import click
    import typer.main

    from conftest import REPO
    from prodops.shells.cli import app

    root = typer.main.get_command(app)
    checked = 0
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for block in re.findall(r"```sh\n(.*?)```", doc.read_text(), re.S):
            for line in block.splitlines():
                for command in re.findall(r"(?:^|\|\s*|&&\s*)prodops ([^|#&;>]*)", line):
                    words = command.split()
                    group = root.commands.get(words[0]) if words else None
                    assert group is not None, f"{doc.name}: unknown command in {line!r}"
                    if isinstance(group, click.Group) and len(words) > 1 and not words[1].startswith("-"):
                        group = group.commands.get(words[1])
                        assert group is not None, f"{doc.name}: unknown subcommand in {line!r}"
                    known = {o for p in group.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
                    for flag in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", command):
                        assert flag in known | {"--help"}, f"{doc.name}: {flag} is not an option of prodops {words[0]}: {line!r}"
                    checked += 1
    assert checked > 20


def test_every_numeric_option_has_a_range():
    """`prodops serve --port 99999` once printed "Serving" and hung: every number a command takes is bounded."""
    import click
    import typer

    from prodops.shells.cli import app

    def commands(group: click.Command):
        yield group
        for sub in getattr(group, "commands", {}).values():
            yield from commands(sub)

    unbounded = [(c.name, p.name) for c in commands(typer.main.get_command(app)) for p in c.params
                 if isinstance(p.type, (click.types.IntParamType, click.types.FloatParamType))
                 and not isinstance(p.type, (click.IntRange, click.FloatRange))]
    assert unbounded == []
    assert "not in the range 1<=x<=65535" in refused("serve", "--port", "99999")


def test_an_unexpected_error_is_one_line_and_its_report_a_file(tmp_path, monkeypatch):
    """A fault of prodops: no traceback on the terminal, one line saying where the whole story is;
    option values (which may hold secrets) stay out of it."""
    import tempfile

    from prodops.shells import cli
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    @cli.app.command("fault-for-a-test", hidden=True)
    def fault(url: str) -> None:
        raise KeyError("the fault")

    try:
        p = run("fault-for-a-test", "smtp://user:secret@mail.example")
    finally:
        cli.app.registered_commands.pop()
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert p.stderr.startswith("error: prodops met an unexpected problem (KeyError); the details are in ")
    (report,) = tmp_path.glob("prodops-crash-*.txt")
    text = report.read_text()
    assert str(report) in p.stderr and "command: prodops fault-for-a-test\n" in text
    assert "Traceback" in text and "KeyError: 'the fault'" in text and "secret" not in text


def test_an_install_without_an_extra_says_which_to_install(tmp_path, monkeypatch):
    """The web server and the PDF are extras (`prodops-maturity[web]`, `[pdf]`): without them, a clear
    line and exit 2, and the rest works."""
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if never installed: importing it fails
    assert "the web app needs uvicorn, which is not installed: pip install 'prodops-maturity[web]'" in refused("serve")
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    db = str(tmp_path / "w.db")
    ok("assess", str(demo_answers()[-1]), "--db", db)
    said = refused("report", "-f", "html,pdf", "--out", str(tmp_path / "r"), "--db", db)
    assert "PDF needs WeasyPrint, which is not installed: pip install 'prodops-maturity[pdf]'" in said
    assert not (tmp_path / "r.html").exists()  # all or nothing
    ok("report", "-f", "html", "--out", str(tmp_path / "r"), "--db", db)
