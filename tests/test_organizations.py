"""Each organisation its own data. The adversary: a second organisation in the same workspace,
whose figures must never reach the first's report, dashboard or page, nor the first's its.

Acme Software joins the demo's workspace (Northwind Cloud) with data of its own, named as
Northwind names its own (team Payments, sprint PAY 1, launch L01): every figure of each is checked
by hand, in every format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa
import yaml

from prodops.store import HEAD_REVISION
from prodops.inputs.models import load_model
from tests.conftest import ok, refused

ACME = "Acme Software"
MODEL = load_model()

# Acme's own data, keyed as Northwind keys its own. By hand:
# - predictability: 4 sprints, 20 points committed each, 10 of them done: 50 % planning accuracy
#   and say/do; lengths 14, 14, 9, 7 days: the most common cadence (14 days from a Monday) holds 2 of
#   4 sprints (50 %); PAY 3 starts on Wednesday 08-19 after PAY 2 ended on Sunday 08-16: 1 delay of 3.
# - time: 2 PMs, 20 h of 40 on overhead at baseline (50 %), 16 h at follow-up (40 %): 4 h saved a
#   week each; at 100 EUR an hour for 3 PMs, 4 x 100 x 3 x 52 / 12 = 5,200 EUR a month.
# - launches: L01 on time, checklist complete, adoption 150 of 100: 1 of 1 succeeded in 2026.
SPRINTS = """team,sprint,start,end,unit,committed,completed,completed_committed,added,removed
Payments,PAY 1,2026-07-20,2026-08-02,points,20,10,10,0,0
Payments,PAY 2,2026-08-03,2026-08-16,points,20,10,10,0,0
Payments,PAY 3,2026-08-19,2026-08-27,points,20,10,10,0,0
Payments,PAY 4,2026-08-28,2026-09-03,points,20,10,10,0,0
"""
SURVEY = """respondent,period,date,meeting_coordination,reporting,tool_research,process_design,work_hours,team
pm01,baseline,2026-07-01,5,5,5,5,40,Payments
pm02,baseline,2026-07-01,5,5,5,5,40,Payments
pm01,followup,2026-09-15,4,4,4,4,40,Payments
pm02,followup,2026-09-15,4,4,4,4,40,Payments
"""
LAUNCHES = """launch,name,tier,original_date,actual_date,adoption_metric,adoption_target,adoption_q1,team
L01,Acme launch,1,2026-06-01,2026-06-01,weekly active teams,100,150,Payments
"""
CHECKLIST = """launch,function,item,owner,done,done_at
L01,Marketing,Launch blog post,marketing-lead,true,2026-05-30
"""
# What only Northwind's data gives (the demo's report): none of it may show in Acme's.
NORTHWIND_ONLY = ["190,552", "32,487", "USD", "Playbook adopted", "Product Ops lead hired", "FB-0"]


def _answers(folder: Path) -> Path:
    """Two of Acme's people: 0.25 and 0.5 on every criterion, 38 % on average: nothing met."""
    path = folder / "acme.yaml"
    path.write_text(yaml.safe_dump({"organization": ACME, "date": "2026-09-30", "respondents": [
        {"id": f"acme-{i}", "role": "pm", "answers": {c.id: value for c in MODEL.criteria}}
        for i, value in enumerate((0.25, 0.5))]}), encoding="utf-8")
    return path


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def two(demo_workspace, tmp_path) -> str:
    """The demo's workspace with Acme Software in it: its answers, data and settings."""
    db = demo_workspace
    ok("settings", "reporting_threshold", "named", "--organization", ACME, "--db", db)  # two respondents: shown
    ok("assess", str(_answers(tmp_path)), "--db", db)
    for kind, name, text in (("sprint-summary", "s.csv", SPRINTS), ("time-survey", "t.csv", SURVEY),
                             ("launches", "l.csv", LAUNCHES), ("launch-checklist", "c.csv", CHECKLIST)):
        ok("import", kind, _write(tmp_path, name, text), "--organization", "acme software", "--db", db)  # any case
    for key, value in (("hourly_rate", "100"), ("headcount", "3"), ("currency", "EUR")):
        ok("settings", key, value, "--organization", ACME, "--db", db)
    return db


def test_an_import_names_its_organisation_when_the_workspace_holds_several(two, tmp_path):
    path = _write(tmp_path, "more.csv", SPRINTS)
    said = refused("import", "sprint-summary", path, "--db", two)
    assert "several organisations (Acme Software, Northwind Cloud)" in said and "--organization NAME" in said
    done = json.loads(ok("import", "sprint-summary", path, "--organization", "ACME SOFTWARE", "--db", two, "--json").stdout)
    assert (done["organization"], done["new"], done["updated"]) == (ACME, 0, 4)  # its own rows, spelled as held


def test_an_empty_workspace_asks_whose_data_and_one_organisation_is_the_default(tmp_path):
    db = str(tmp_path / "w.db")
    path = _write(tmp_path, "s.csv", SPRINTS)
    assert "holds no organisation yet" in refused("import", "sprint-summary", path, "--db", db)
    assert not (tmp_path / "w.db").exists() or "Acme" not in ok("metrics", "--db", db, "--json").stdout
    ok("import", "sprint-summary", path, "--organization", ACME, "--db", db)
    again = json.loads(ok("import", "sprint-summary", path, "--db", db, "--json").stdout)  # the only one: the default
    assert (again["organization"], again["updated"]) == (ACME, 4)


def test_each_organisation_keeps_its_own_rows_under_the_same_keys(demo, two):
    """Acme's Payments / PAY 1 and L01 are not Northwind's: Northwind's figures are as before."""
    northwind = ["metrics", "--until", "2026-09-30", "--json"]
    alone = json.loads(ok(*northwind, "--db", str(demo / "prodops.db")).stdout)
    beside = json.loads(ok(*northwind, "--organization", "Northwind Cloud", "--db", two).stdout)
    assert beside == alone
    acme = json.loads(ok(*northwind[:-1], "--organization", ACME, "--db", two, "--json").stdout)
    p = acme["predictability"]["overall"]
    assert (p["sprints"], p["planning_accuracy_pooled"], p["say_do_pooled"]) == (4, 0.5, 0.5)
    t = acme["time_value"]
    assert (t["hours_saved_per_pm_week"], t["headcount"], t["headcount_basis"], t["currency"]) == (4.0, 3.0, "set", "EUR")
    assert t["monthly_value"] == pytest.approx(4 * 100 * 3 * 52 / 12)
    assert [(y["year"], y["launches"], y["succeeded"]) for y in acme["launches"]["years"]] == [(2026, 1, 1)]
    assert acme["revenue"] is None  # Acme imported none; Northwind's is Northwind's
    assert refused("metrics", "--db", two).count("several organisations") == 1


def test_an_assessment_is_checked_against_its_own_organisations_data(two):
    """Acme's people average 38 % everywhere, and Acme's data misses the lines Northwind's meets."""
    report = json.loads(ok("report", "-f", "json", "--organization", ACME, "--db", two).stdout)
    assert report["maturity"]["level"] == 1
    criteria = {c["id"]: c for c in report["criteria"]}
    measured = {cid: criteria[cid]["data"] for cid in ("om-2-overhead", "pp-2-cadence", "dp-2-planning-on-time",
                                                       "gtm-4-coordinated-gtm")}
    assert measured["om-2-overhead"]["value"] == pytest.approx(0.4)  # Acme's follow-up survey, not Northwind's
    assert measured["pp-2-cadence"]["value"] == pytest.approx(0.5)
    assert measured["dp-2-planning-on-time"]["value"] == pytest.approx(1 / 3)
    assert measured["gtm-4-coordinated-gtm"]["value"] == 1.0
    assert not any(criteria[cid]["met"] for cid in ("om-2-overhead", "pp-2-cadence", "dp-2-planning-on-time"))
    theirs = json.loads(ok("report", "-f", "json", "--organization", "Northwind Cloud", "--db", two).stdout)
    assert next(c for c in theirs["criteria"] if c["id"] == "om-2-overhead")["data"]["value"] == pytest.approx(0.2137, abs=1e-4)


def _texts(folder: Path) -> dict[str, str]:
    """Every format's words: HTML and Markdown as written, the XLSX's cells, the PPTX's shapes, the PDF's pages."""
    import openpyxl
    from pptx import Presentation

    out = {"html": (folder / "report.html").read_text(encoding="utf-8"),
           "md": (folder / "report.md").read_text(encoding="utf-8"),
           "json": (folder / "report.json").read_text(encoding="utf-8")}
    book = openpyxl.load_workbook(folder / "report.xlsx")
    out["xlsx"] = "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    deck = Presentation(str(folder / "report.pptx"))
    out["pptx"] = "\n".join(
        [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
        + [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
           for row in shape.table.rows for cell in row.cells]
        + [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide])
    out["pdf"] = "\n".join(page.extract_text() for page in pypdf.PdfReader(folder / "report.pdf").pages)
    return out


@pytest.mark.slow
def test_every_format_of_each_organisations_report_shows_its_own_figures(two, tmp_path):
    ok("events", "add", "2026-08-03", "Acme's playbook", "--organization", ACME, "--db", two)
    ok("settings", "change_date", "2026-08-03", "--organization", ACME, "--db", two)
    ok("brand", "--name", "Acme", "--organization", ACME, "--db", two)
    acme, northwind = tmp_path / "acme", tmp_path / "northwind"
    ok("report", "-f", "html,md,xlsx,pptx,json,pdf", "--organization", ACME, "--out", f"{acme}/", "--db", two)
    ok("report", "-f", "html,md,xlsx,pptx,json,pdf", "--organization", "Northwind Cloud", "--out", f"{northwind}/",
       "--db", two)
    for fmt, text in _texts(acme).items():
        flat = " ".join(text.split())
        for theirs in NORTHWIND_ONLY:
            assert theirs not in flat, (fmt, theirs)
        assert "5,200 EUR" in flat or fmt == "json", fmt
        assert "Acme's playbook" in flat.replace("&#39;", "'"), fmt  # its change date, named
    for fmt, text in _texts(northwind).items():
        flat = " ".join(text.split())
        for theirs in ("5,200 EUR", "EUR", "Acme's playbook", "Acme launch"):
            assert theirs not in flat, (fmt, theirs)
        assert "Northwind" in flat, fmt


# --- a workspace from before: its data goes to its only organisation, or waits to be told whose ---

def _workspace_of_0010(url: str, *organizations: str) -> None:
    """A workspace at revision 0010 (value data, settings, events and a logo for the whole
    workspace), with an assessment of each of `organizations`."""
    from alembic import command

    from prodops.store import migrations

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations(conn), "0010")
        conn.execute(sa.text("INSERT INTO sprints (team, sprint, start, \"end\", unit, committed, completed, "
                             "completed_committed, source, imported_at) VALUES ('Payments', 'PAY 1', '2026-07-06', "
                             "'2026-07-19', 'points', 20, 15, 15, 's.csv', '2026-07-20 00:00:00+00')"))
        conn.execute(sa.text("INSERT INTO settings (key, value) VALUES ('headcount', '14'), ('brand_name', 'Ours')"))
        conn.execute(sa.text("INSERT INTO events (day, label) VALUES ('2026-04-06', 'Playbook adopted')"))
        for org in organizations:
            conn.execute(sa.text("INSERT INTO assessments (organization, unit, date, model_id, model_version, level, "
                                 "respondent_count, sources, result, recorded_at) VALUES (:o, '', '2026-09-30', 'm', '1', "
                                 "2, 3, '[]', '{}', '2026-10-01 00:00:00+00')").bindparams(o=org))
    engine.dispose()


def _revision(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return found


def test_the_data_of_a_workspace_from_before_goes_to_its_only_organisation(db_url):
    from prodops.store import Workspace

    _workspace_of_0010(db_url, "Northwind Cloud")
    with Workspace(db_url) as ws:  # opened: upgraded
        assert ws.held() == ["Northwind Cloud"]
        assert ws.read("sprints", "northwind cloud")["sprint"].to_list() == ["PAY 1"]
        assert ws.settings("Northwind Cloud") == {"": {"headcount": "14", "brand_name": "Ours"}}
    out = json.loads(ok("events", "list", "--json", "--db", db_url).stdout)
    assert out["events"] == [{"date": "2026-04-06", "label": "Playbook adopted"}]


@pytest.mark.parametrize("organizations", [(), ("Northwind Cloud", "Acme Software")])
def test_a_workspace_that_cannot_tell_whose_data_it_kept_asks_and_changes_nothing(db_url, organizations):
    _workspace_of_0010(db_url, *organizations)
    said = refused("metrics", "--db", db_url)
    held = f"several ({', '.join(sorted(organizations))})" if organizations else "none"
    assert f"it holds {held}: name the organisation they belong to" in said and "nothing was changed" in said
    assert "`prodops upgrade --organization NAME`" in said
    assert _revision(db_url) == "0010"  # nothing changed, not even half
    done = json.loads(ok("upgrade", "--organization", "northwind cloud" if organizations else "Solo", "--db", db_url,
                         "--json").stdout)
    assert (done["before"], done["now"]) == ("0010", HEAD_REVISION)
    owner = "Northwind Cloud" if organizations else "Solo"  # spelled as the workspace holds it
    p = json.loads(ok("metrics", "predictability", "--organization", owner, "--until", "2026-09-30", "--db", db_url,
                      "--json").stdout)
    assert p["overall"]["planning_accuracy_pooled"] == 0.75
    assert f"at revision {HEAD_REVISION} already" in ok("upgrade", "--db", db_url).stdout


# --- a campaign, the dashboard and the pages of the second organisation --------------------------

def test_a_campaign_of_the_second_organisation_closes_on_its_own_data_and_its_pages_show_it(two):
    """The issue as a new user met it: Acme's campaign closed with two respondents (38 % on every
    criterion) must not take Northwind's data for its evidence, nor show Northwind's figures."""
    from prodops import operations
    from prodops.store import Workspace
    from tests.test_web import demo_app, sign_in

    with Workspace.open(two) as ws:
        made = operations.create_campaign(ws, MODEL, "ACME SOFTWARE", "Acme Q3", opens=dt.date(2026, 9, 1),
                                          closes=dt.date(2026, 9, 30), threshold=None)  # named: a live result
        assert made.organization == ACME  # as the workspace spells it
        links = operations.invite(ws, MODEL, made.id, [{"name": "A", "role": "pm"}, {"name": "B", "role": "pm"}]).issued
        for link, value in zip(links, (0.25, 0.5)):
            operations.save(ws, MODEL, link.token, {c.id: value for c in MODEL.criteria}, submit=True,
                            today=dt.date(2026, 9, 30))
        shown = operations.result(ws, MODEL, made.id, today=dt.date(2026, 9, 30)).result
        closed = operations.close(ws, MODEL, made.id, today=dt.date(2026, 9, 30)).result
    for result in (shown, closed):  # the dashboard's result, and what closing recorded
        assert result.measurements["pm_overhead_share"].value == pytest.approx(0.4)
        assert not result.criteria["om-2-overhead"].met and not result.criteria["dp-2-planning-on-time"].met
    app = demo_app(two)
    viewer, _ = sign_in(app, "viewer@example.com")
    page = viewer.get("/organization?name=acme%20software").text
    assert "5,200 EUR" in page and not any(theirs in page for theirs in NORTHWIND_ONLY)
    northwind = viewer.get("/organization?name=Northwind%20Cloud").text
    assert "32,487 USD" in northwind and "5,200 EUR" not in northwind


def test_an_organisation_with_data_but_no_assessment_is_listed_with_its_value_report(demo_workspace, tmp_path):
    from tests.test_web import demo_app, sign_in

    ok("import", "sprint-summary", _write(tmp_path, "s.csv", SPRINTS), "--organization", ACME, "--db", demo_workspace)
    viewer, _ = sign_in(demo_app(demo_workspace), "viewer@example.com")
    listed = viewer.get("/organizations").text
    assert "Northwind Cloud" in listed and "Acme Software: its report as of 2026-09-03" in listed
    report = json.loads(viewer.get("/organization/report.json?name=Acme%20Software").content)
    assert report["maturity"] is None and report["value"]["predictability"]["overall"]["sprints"] == 4


# --- a unit's figures are the unit's ----------------------------------------------------------------

def _survey_share(teams: set[str] | None, period: str, until: str = "9999") -> float:
    """By hand from the demo's CSV: the mean overhead share of `teams`' PMs (everyone's) in one survey, as known `until`."""
    import csv

    from prodops.shells.demo import EXAMPLES

    rows = [r for r in csv.DictReader((EXAMPLES / "time-survey.csv").open())
            if (teams is None or r["team"] in teams) and r["period"] == period and r["date"] <= until]
    shares = [sum(float(r[c]) for c in ("meeting_coordination", "reporting", "tool_research", "process_design"))
              / float(r["work_hours"]) for r in rows]
    return sum(shares) / len(shares)


def test_a_units_money_is_at_its_own_scale(demo_workspace):
    db = demo_workspace
    unit = json.loads(ok("metrics", "time-value", "--unit", "Commerce", "--until", "2026-09-30", "--db", db, "--json").stdout)
    whole = json.loads(ok("metrics", "time-value", "--until", "2026-09-30", "--db", db, "--json").stdout)
    assert (whole["headcount"], whole["headcount_basis"]) == (14, "set")
    assert (unit["headcount"], unit["headcount_basis"]) == (5, "surveyed")  # Commerce's 5 surveyed PMs, not 14
    assert unit["monthly_value"] == pytest.approx(unit["hours_saved_per_pm_week"] * 85 * 5 * 52 / 12)
    ok("settings", "headcount", "6", "--unit", "Commerce", "--db", db)
    ok("settings", "hourly_rate", "90", "--unit", "Payments", "--db", db)  # Payments' own; Commerce keeps 85
    said = json.loads(ok("settings", "--unit", "Commerce", "--db", db, "--json").stdout)
    assert (said["headcount"], said["hourly_rate"], said["currency"]) == ("6.0", "85.0", "USD")  # the rest inherited
    assert json.loads(ok("settings", "--unit", "Payments", "--db", db, "--json").stdout)["headcount"] is None  # never inherited
    report = json.loads(ok("report", "-f", "json", "--unit", "Commerce", "--db", db).stdout)["value"]["time_value"]
    assert (report["headcount"], report["headcount_basis"]) == (6, "set")
    assert report["monthly_value"] == pytest.approx(unit["hours_saved_per_pm_week"] * 85 * 6 * 52 / 12)
    assert json.loads(ok("metrics", "time-value", "--until", "2026-09-30", "--db", db, "--json").stdout) == whole


def test_a_units_investments_as_run_are_measured_on_its_own_data(demo):
    db = str(demo / "prodops.db")
    unit = json.loads(ok("report", "-f", "json", "--unit", "Commerce", "--db", db).stdout)["roadmap"]["tracking"]
    whole = json.loads(ok("report", "-f", "json", "--db", db).stdout)["roadmap"]["tracking"]
    mine, theirs = unit["establish-product-ops"]["verification"], whole["establish-product-ops"]["verification"]
    assert mine["metric"] == "pm_overhead_share"
    commerce = {"Payments", "Onboarding"}
    assert mine["metric_before"] == pytest.approx(_survey_share(commerce, "baseline"))  # 39 %, not the whole's 36 %
    assert mine["metric_after"] == pytest.approx(_survey_share(commerce, "followup"))  # 17 %, not 21 %
    assert (theirs["metric_before"], theirs["metric_after"]) == pytest.approx(
        (_survey_share(None, "baseline"), _survey_share(None, "followup", theirs["metric_after_until"])))
    assert (round(mine["metric_before"], 2), round(mine["metric_after"], 2)) == (0.39, 0.17)
