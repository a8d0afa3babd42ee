"""Every figure one click from its records: each metric's `records` are the ones its figures rest
on. Each test recomputes the figures by hand from the counted records alone and holds them equal
to the reported ones, on the demo's data and on the real data beside the project."""

import datetime as dt
import re
import json
import math
import statistics
from collections import Counter
from pathlib import Path

import pytest

from prodops.core.metrics import METRICS, Options

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def close(a, b) -> bool:
    """Equal, but for the last digits of a float sum taken in another order."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


RATES = {"planning_accuracy": ("completed_committed", "committed"), "say_do": ("completed", "committed"),
         "scope_creep": ("added", "committed")}


def group_figures(rows: list[dict]) -> dict:
    """A group's figures from its counted sprints: per ratio, its sprints, median and pooled."""
    out = {"sprints": len(rows)}
    for name, (num, den) in RATES.items():
        given = [r for r in rows if r[name] is not None]
        out[f"{name}_sprints"] = len(given)
        out[f"{name}_median"] = statistics.median(r[name] for r in given) if given else None
        one_unit = len({r["unit"] for r in rows}) == 1
        out[f"{name}_pooled"] = (sum(r[num] for r in given) / sum(r[den] for r in given)) if one_unit and given else None
    return out


def check_predictability(result: dict) -> None:
    records = result["records"]
    assert len({r["id"] for r in records}) == len(records)
    counted = [r for r in records if r["counted"]]
    assert all(r["reason"] for r in records if not r["counted"])
    zero = [r for r in records if r["reason"] == "zero commitment"]
    assert all(r["committed"] <= 0 for r in zero) and all(r["committed"] > 0 for r in counted)
    assert [(r["team"], r["sprint"]) for r in zero] == [(e["team"], e["sprint"]) for e in result["excluded_sprints"]]
    groups = [(result["overall"], counted, zero)] + [
        (team, [r for r in counted if r["team"] == team["team"]], [r for r in zero if r["team"] == team["team"]])
        for team in result["teams"]]
    for reported, rows, excluded in groups:
        assert reported["sprints"] == len(rows) and reported["excluded_zero_commitment"] == len(excluded)
        for key, value in group_figures(rows).items():
            assert close(reported[key], value), (key, reported[key], value)
    ba = result.get("before_after")
    if ba:
        compared = [r for r in records if r.get("compared")]
        assert all(r["comparison_reason"] for r in records if "compared" in r and not r["compared"])
        spanning = [(r["team"], r["sprint"]) for r in records if r.get("comparison_reason") == "spanning the change date"]
        assert spanning == [(s["team"], s["sprint"]) for s in ba["excluded_spanning_change"]]
        assert ba["excluded_undated"] == sum(r.get("period") == "undated" for r in records)
        num, den = RATES[ba["metric"]]
        one_unit = len({r["unit"] for r in compared}) <= 1
        for period in ("before", "after"):
            rows = [r for r in compared if r["period"] == period]
            assert ba[period]["n"] == len(rows)
            if rows:
                mine = (sum(r[num] for r in rows) / sum(r[den] for r in rows) if one_unit
                        else statistics.median(r[ba["metric"]] for r in rows))
                assert close(ba[period]["value"], mine)


def check_launches(result: dict) -> None:
    records = result["records"]
    assert all(r["reason"] for r in records if not r["counted"])
    judged = [r for r in records if r["outcome"] != "pending" and "before" not in (r["reason"] or "")]
    for year in result["years"]:
        mine = [r for r in judged if r["year"] == year["year"]]
        counted = [r for r in mine if r["counted"]]
        assert year["launches"] == len(mine) and year["known"] == len(counted)
        assert year["succeeded"] == sum(r["outcome"] == "succeeded" for r in counted)
        assert close(year["rate"], year["succeeded"] / len(counted) if counted else None)
        for part in ("on_time", "gtm_ready", "adoption_met"):
            known = [r for r in mine if r[part] is not None]
            assert year[f"{part}_known"] == len(known)
            assert close(year[f"{part}_rate"], sum(r[part] for r in known) / len(known) if known else None)
    assert sorted(p["launch"] for p in result["pending"]) == sorted(r["id"] for r in records if r["outcome"] == "pending")
    assert sorted(f["launch"] for f in result["failures"]) == sorted(r["id"] for r in judged if r["outcome"] == "failed")


def check_revenue(result: dict) -> None:
    counted = [r for r in result["records"] if r["counted"]]
    assert all(r["reason"] for r in result["records"] if not r["counted"])
    assert len(counted) == len(result["wins"])
    assert close(result["attributed_arr"], sum(r["attributed_arr"] for r in counted))
    assert close(result["expansion_arr"], sum(r["arr_after"] - r["arr_before"] for r in counted if r["outcome"] == "expanded"))
    assert close(result["renewed_arr"], sum(r["arr_after"] for r in counted if r["outcome"] == "renewed"))
    losses = [r for r in result["records"] if (r["reason"] or "").startswith("a loss")]
    assert len(losses) == len(result["losses"])


def check_time_value(result: dict) -> None:
    records = result["records"]
    counted = [r for r in records if r["counted"]]
    assert all(r["reason"] for r in records if not r["counted"])
    if result["paired"]:
        assert result["paired"] == len(counted)
        assert close(result["hours_saved_per_pm_week"], statistics.fmean(r["hours_saved"] for r in counted))
        assert close(result["paired_baseline_hours"], statistics.fmean(r["baseline_hours"] for r in counted))
        assert close(result["paired_followup_hours"], statistics.fmean(r["followup_hours"] for r in counted))
    for period in ("baseline", "followup"):
        answered = [r[f"{period}_hours"] for r in records if r[f"{period}_hours"] is not None]
        assert result[f"respondents_{period}"] == len(answered)
        assert close(result[f"{period}_hours"], statistics.fmean(answered) if answered else None)


def measured(measure: str, counted: list[dict]) -> float:
    """A measurement recomputed from the records it counts."""
    if measure == "sprint_cadence_consistency":
        return max(Counter((r["length_days"], r["start_weekday"]) for r in counted).values()) / len(counted)
    if measure == "planning_accuracy":
        one_unit = len({r["unit"] for r in counted}) == 1
        return (sum(r["completed_committed"] for r in counted) / sum(r["committed"] for r in counted) if one_unit
                else statistics.median(r["value"] for r in counted))
    return statistics.fmean(float(r["value"]) for r in counted) if counted else 0.0


def check_symptoms(result: dict) -> None:
    records = result["records"]
    assert all(r["reason"] for r in records if not r["counted"])
    for measure, value in result["measurements"].items():
        counted = [r for r in records if r["measure"] == measure and r["counted"]]
        assert result["samples"][measure]["n"] == len(counted), measure
        mine = measured(measure, counted)
        assert close(value, mine), (measure, value, mine)


CHECKS = {"predictability": check_predictability, "launches": check_launches, "revenue": check_revenue,
          "time_value": check_time_value, "symptoms": check_symptoms}


@pytest.mark.parametrize("name", CHECKS)
def test_the_demos_figures_are_recomputed_from_their_counted_records(demo, name):
    metrics = json.loads((demo / "metrics.json").read_text(encoding="utf-8"))
    report = json.loads((demo / "report.json").read_text(encoding="utf-8"))["value"]
    assert metrics[name]["records"] and report[name]["records"]
    CHECKS[name](metrics[name])
    if name in ("time_value", "symptoms"):  # the report lists each survey respondent, never their hours
        def surveyed(records: list[dict]) -> list[dict]:
            return [r for r in records if name == "time_value" or r["measure"] == "pm_overhead_share"]
        theirs = surveyed(report[name]["records"])
        assert theirs and not any(k.endswith(("_hours", "_share")) or k in ("hours_saved", "value") for r in theirs for k in r)
        assert [(r["id"], r["counted"]) for r in theirs] == [(r["id"], r["counted"])
                                                             for r in surveyed(metrics[name]["records"])]
    else:
        CHECKS[name](report[name])


def test_each_data_verdict_is_recomputed_from_its_records(demo):
    """The assessment's data verdicts rest on the quarter before it (not the symptoms' window): each
    criterion checked against the data has its measurement's records, n and days, and the figure."""
    report = json.loads((demo / "report.json").read_text(encoding="utf-8"))
    records = report["maturity"]["data_records"]
    checked = [c for c in report["criteria"] if c["data"]]
    assert len(checked) == 5 and {r["measure"] for r in records} == {c["data"]["metric"] for c in checked}
    for c in checked:
        d = c["data"]
        mine = [r for r in records if r["measure"] == d["metric"]]
        counted = [r for r in mine if r["counted"]]
        assert len(counted) == d["n"], c["id"]
        assert all(d["from"] <= r["date"] <= d["to"] for r in counted), c["id"]
        if d["metric"] == "pm_overhead_share":  # each respondent listed, never their answer
            assert all("value" not in r for r in mine)
        else:
            assert close(d["value"], measured(d["metric"], counted)), c["id"]
    assert report["value"]["symptoms"]["window"]["to"] != checked[1]["data"]["to"]  # two windows: two lists


def test_the_demos_records_say_every_reason_they_give(demo):
    metrics = json.loads((demo / "metrics.json").read_text(encoding="utf-8"))
    predictability = metrics["predictability"]["records"]
    reasons = Counter(r["reason"] for r in predictability if not r["counted"])
    assert reasons["zero commitment"] == metrics["predictability"]["overall"]["excluded_zero_commitment"] == 5
    assert any(r.startswith("ended after ") for r in reasons)
    assert any(r.get("comparison_reason") == "spanning the change date" for r in predictability)
    time = Counter(r["reason"] for r in metrics["time_value"]["records"])
    assert time["answered the baseline only"] == time["answered the follow-up only"] == 1
    assert any("never netted" in (r["reason"] or "") for r in metrics["revenue"]["records"])
    assert any((r["reason"] or "").startswith("outcome unknown") for r in metrics["launches"]["records"])


def test_a_team_filter_and_a_period_list_the_sprints_they_leave_out(demo_workspace):
    from prodops.operations import value_metrics
    from prodops.store import Workspace

    with Workspace.open(demo_workspace) as ws:
        result = value_metrics(ws, ["predictability"], as_of=dt.date(2026, 9, 30), since=dt.date(2025, 4, 1),
                               teams=("Payments",), change_date=dt.date(2026, 1, 1)).results["predictability"]
    check_predictability(result)
    reasons = Counter(r["reason"] for r in result["records"])
    assert reasons["another team"] > 0 and reasons["started before 2025-04-01"] > 0
    assert {r["team"] for r in result["records"] if r["counted"]} == {"Payments"}


def real_sprints():
    from conftest import needs
    import polars as pl

    from prodops.inputs.sources import load

    needs("the real data", REAL.exists(), "PRODOPS_REQUIRE_REAL_DATA",
          f"it lives in {REAL.relative_to(REAL.parents[3])} beside the project")
    tse = load("tse2017-sprints", sorted((REAL / "sprints-tse2017").glob("*/*_iteration_80.csv"))).rows
    jira = REAL / "jira"
    report = jira / "dingyuliang-powerbi" / "greenhopper_sprintreport_POW_sprint1.json"
    pow_ = load("jira-sprint-report", [report], team="POW").rows
    sp = load("jira-issues", [jira / "jirametrics" / f"SP-{n}.json" for n in (13, 14, 15)], team="SP").rows
    return pl.concat([tse, pow_, sp], how="diagonal_relaxed")


@pytest.mark.parametrize("as_of,change", [(None, None), (dt.date(2022, 7, 1), dt.date(2022, 4, 20))])
def test_the_real_sprints_figures_are_recomputed_from_their_counted_records(as_of, change):
    sprints = real_sprints()
    result = METRICS["predictability"].compute({"sprints": sprints}, Options(as_of=as_of, change_date=change))
    check_predictability(result)
    reasons = Counter(r["reason"] for r in result["records"])
    assert reasons["zero commitment"] == result["overall"]["excluded_zero_commitment"] >= 1241
    assert len(result["records"]) == sprints.height
    if as_of:
        assert reasons["ended after 2022-07-01"] == 1  # POW Sprint 1 ended on 2022-07-28
        assert Counter(r.get("comparison_reason") for r in result["records"])["undated"] >= 3834 - 1241


def test_the_workbook_has_a_sheet_of_records_per_figure(demo):
    import io

    from openpyxl import load_workbook

    from prodops.renderers.xlsx import render_xlsx

    report = json.loads((demo / "report.json").read_text(encoding="utf-8"))
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    for key, name in (("predictability", "predictability"), ("time_value", "time-value"), ("launches", "launches"),
                      ("revenue", "revenue"), ("symptoms", "symptoms"), (None, "data-verdicts")):
        ws = wb[f"Records {name}"]
        rows = list(ws.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r[0] and r[0] not in (ws["A1"].value,) and "Counted" in r)
        body = [r for r in rows[header + 1:] if any(v is not None for v in r)][:-1]  # the note ends it
        records = report["value"][key]["records"] if key else report["maturity"]["data_records"]
        assert len(body) == len(records), key
        counted, why = rows[header].index("Counted"), rows[header].index("Left out because")
        assert [r[counted] for r in body] == ["yes" if r["counted"] else "no" for r in records]
        assert [r[why] for r in body] == [r["reason"] for r in records]
    sprints = list(wb["Records predictability"].iter_rows(values_only=True))
    assert any(r[0] == "Payments" and "zero commitment" in r for r in sprints)
    assert any(isinstance(v, dt.datetime) for r in sprints for v in r)  # dates as dates


def test_the_json_reports_records_are_in_its_schema(demo):
    import copy
    import importlib.resources

    from jsonschema import Draft202012Validator

    schema = json.loads((importlib.resources.files("prodops.core.report") / "schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    report = json.loads((demo / "report.json").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(report))
    for key in CHECKS:
        drifted = copy.deepcopy(report)
        del drifted["value"][key]["records"][0]["reason"]
        assert list(validator.iter_errors(drifted)), key
        drifted = copy.deepcopy(report)
        drifted["value"][key]["records"][0]["surprise"] = 1
        assert list(validator.iter_errors(drifted)), key
    drifted = copy.deepcopy(report)
    del drifted["maturity"]["data_records"][0]["counted"]
    assert list(validator.iter_errors(drifted))


# --- the web app: each value figure links to its records ------------------------------------------

RIVAL = ("team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n"
         "Rival Squad,=HYPERLINK(\"http://x\"),2026-01-05,2026-01-18,points,10,8,7,1,0\n"
         "Rival Squad,RIV 2,2026-01-19,2026-02-01,points,0,3,0,3,0\n")


def test_a_viewer_reads_a_figures_records_filtered_sorted_and_as_csv_of_one_organisation(demo_workspace, tmp_path):
    import csv
    import io

    from conftest import run
    from tests.test_web import demo_app, sign_in

    rival = tmp_path / "rival.csv"
    rival.write_text(RIVAL, encoding="utf-8")
    p = run("import", "--organization", "Rival", "sprint-summary", str(rival), "--db", demo_workspace)
    assert p.returncode == 0, p.stderr
    app = demo_app(demo_workspace)
    viewer, _ = sign_in(app, "viewer@example.com")
    org = viewer.get("/organization?name=Northwind%20Cloud").text
    assert 'href="/organization/records?name=Northwind%20Cloud&amp;metric=predictability"' in org
    assert "The figures and their records" in org
    base = "/organization/records?name=Northwind%20Cloud&metric=predictability"
    page = viewer.get(base)
    assert page.status_code == 200
    assert "<caption>" in page.text and '<th scope="col"' in page.text and '<th scope="row">' in page.text
    assert "zero commitment" in page.text and "Rival" not in page.text and "HYPERLINK" not in page.text
    excluded = viewer.get(base + "&show=excluded").text
    assert "zero commitment" in excluded and excluded.count("<tr") - 1 == excluded.count('class="left-out"')
    counted = viewer.get(base + "&show=counted").text
    assert "zero commitment" not in counted
    by_accuracy = viewer.get(base + "&show=counted&sort=planning_accuracy&order=desc").text
    assert 'aria-sort="descending"' in by_accuracy
    shown = [float(x) for x in re.findall(r'<td class="num">(\d+)%</td>', by_accuracy)]
    assert shown  # percent cells in the table
    csv_answer = viewer.get("/organization/records.csv?name=Northwind%20Cloud&metric=predictability&show=counted"
                            "&sort=planning_accuracy&order=desc")
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_answer.text)))
    accuracies = [float(r["planning_accuracy"]) for r in rows if r["planning_accuracy"]]
    assert accuracies == sorted(accuracies, reverse=True) and all(r["counted"] == "True" for r in rows)
    assert all(line.startswith('"') for line in csv_answer.text.splitlines())  # every field quoted
    assert "Rival" not in csv_answer.text
    # the other organisation's records are its own, and a formula in them stays text in the CSV
    theirs = viewer.get("/organization/records.csv?name=Rival&metric=predictability").text
    assert "Northwind" not in theirs and "Payments" not in theirs and '"\'=HYPERLINK(""http://x"")"' in theirs
    assert "Payments" not in viewer.get("/organization/records?name=Rival&metric=predictability").text
    commerce = viewer.get("/organization/records.csv?name=Northwind%20Cloud&unit=Commerce&metric=predictability").text
    teams = {r["team"] for r in csv.DictReader(io.StringIO(commerce))}
    assert teams == {"Payments", "Onboarding"}  # a unit's page lists its teams' records alone
    unit_page = viewer.get("/organization?name=Northwind%20Cloud&unit=Commerce").text
    assert "/organization/records?name=Northwind%20Cloud&amp;unit=Commerce&amp;metric=predictability" in unit_page
    for metric in ("launches", "time-value", "revenue", "symptoms", "data-verdicts"):
        assert viewer.get(f"/organization/records?name=Northwind%20Cloud&metric={metric}").status_code == 200
    verdicts = viewer.get("/organization/records?name=Northwind%20Cloud&metric=data-verdicts").text
    assert "Criteria checked against the data: the records" in verdicts
    assert "PM working time on overhead" in verdicts and "pm_overhead" not in verdicts  # measures in words
    assert "5 criteria checked against the data" in org and "metric=data-verdicts" in org
    survey = viewer.get("/organization/records.csv?name=Northwind%20Cloud&metric=time-value").text
    people = list(csv.DictReader(io.StringIO(survey)))
    assert people and not any("hour" in k or "share" in k for k in people[0])  # who answered, never their week
    assert viewer.get(base.replace("predictability", "nothing")).status_code == 422
    assert viewer.get(base + "&sort=password").status_code == 422
    assert viewer.get(base + "&show=everything").status_code == 422
    assert client_without_session(app).get(base).status_code in (303, 401)


def client_without_session(app):
    from tests.test_web import client

    return client(app)


def test_the_html_report_ends_with_a_compact_appendix_of_the_records_left_out(demo):
    html = (demo / "report.html").read_text(encoding="utf-8")
    appendix = html[html.index('<section id="records">'):]
    assert "Sprint predictability: 273 records counted, 8 left out." in appendix
    assert "Analytics / ANA 15" in appendix and "zero commitment" in appendix and "answered the baseline only" in appendix
    assert appendix.count("<tr>") < 80  # compact: the left-out records, at most 30 of each figure


@pytest.mark.clock
def test_a_campaigns_dashboard_opens_the_records_of_its_data_verdicts(demo_workspace, tmp_path, clock):
    """The dashboard's criteria checked against the data open their records, as the result shows them:
    the campaign's organisation's data alone; nothing while a confidential result is hidden."""
    import csv
    import io

    from prodops import operations
    from prodops.store import Workspace
    from tests.test_web import CRITERIA, MODEL, demo_app, invite, new_campaign, sign_in

    day = clock.today()
    sprints = tmp_path / "rival.csv"  # two sprints in the quarter before the campaign's result
    sprints.write_text("team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n" + "".join(
        f"Rival Squad,RIV {n},{day - dt.timedelta(days=d + 13)},{day - dt.timedelta(days=d)},points,10,8,7,1,0\n"
        for n, d in ((1, 20), (2, 6))), encoding="utf-8")
    with Workspace.open(demo_workspace) as ws:
        operations.import_files(ws, "sprint-summary", [sprints], organization="Rival")
    app = demo_app(demo_workspace)
    named = new_campaign(app, organization="Northwind Cloud", name="Named", threshold=None)
    hidden = new_campaign(app, organization="Northwind Cloud", name="Hidden", threshold=3)
    elsewhere = new_campaign(app, organization="Rival", name="Theirs", threshold=None)
    with Workspace.open(demo_workspace) as ws:
        for campaign in (named, hidden, elsewhere):
            token = invite(app, campaign, {"name": "Ann", "role": "pm"})[0]
            operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA, "Mostly"), submit=True)
        expected = operations.result(ws, MODEL, named).result
    viewer, _ = sign_in(app, "viewer@example.com")
    dashboard = viewer.get(f"/campaigns/{named}").text
    assert f'href="/campaigns/{named}/records"' in dashboard and "The records behind the data verdicts" in dashboard
    page = viewer.get(f"/campaigns/{named}/records")
    assert page.status_code == 200 and "Criteria checked against the data: the records" in page.text
    assert f'href="/campaigns/{named}/records?show=excluded"' in page.text  # its filters stay on its own address
    rows = list(csv.DictReader(io.StringIO(viewer.get(f"/campaigns/{named}/records.csv?show=counted").text)))
    for metric, measured_ in expected.measurements.items():
        if any(c.data and c.data.metric == metric for c in expected.criteria.values()):
            assert sum(1 for r in rows if r["measure"] == metric) == measured_.n, metric
    assert rows and all(r["counted"] == "True" for r in rows)
    assert viewer.get(f"/campaigns/{hidden}/records").status_code == 409  # shown once it closes, as its result
    theirs = list(csv.DictReader(io.StringIO(viewer.get(f"/campaigns/{elsewhere}/records.csv").text)))
    assert theirs and {r["id"].split(" / ")[0] for r in theirs} == {"Rival Squad"}  # its organisation's data alone
    assert viewer.get(f"/campaigns/{named}/records?sort=password").status_code == 422
    assert viewer.get("/campaigns/99999/records").status_code == 404


def test_a_figures_records_come_a_page_at_a_time_and_the_csv_holds_them_all(demo_workspace):
    """What a records page shows is what it costs: 200 records a page, however many the figure has."""
    import csv
    import io

    from prodops.operations.reports import PER_PAGE
    from tests.test_web import demo_app, sign_in

    viewer, _ = sign_in(demo_app(demo_workspace), "viewer@example.com")
    base = "/organization/records?name=Northwind%20Cloud&metric=predictability&sort=team"
    first, second = viewer.get(base).text, viewer.get(base + "&page=2").text
    every = list(csv.DictReader(io.StringIO(viewer.get(base.replace("records?", "records.csv?")).text)))
    assert len(every) == 281 > PER_PAGE
    assert first.count('<th scope="row">') == PER_PAGE and second.count('<th scope="row">') == 281 - PER_PAGE
    assert "281 records (1 to 200 here)" in first and "281 records (201 to 281 here)" in second
    assert 'rel="next" href="/organization/records?name=Northwind%20Cloud&amp;metric=predictability&amp;show=all' \
           '&amp;sort=team&amp;order=asc&amp;page=2"' in first and 'rel="prev"' in second and 'rel="next"' not in second
    shown = re.findall(r'<th scope="row">([^<]*)</th>', first + second)
    assert shown == [r["team"] for r in every]  # the pages, in order, are the whole sorted list
    assert viewer.get(base + "&page=99").text.count('<th scope="row">') == 281 - PER_PAGE  # past the end: the last
    assert viewer.get(base + "&page=0").status_code == 422
