"""A result's criteria are laid out once (report.layout: criteria_section, blockers_table, from
report.model.criteria_document): the report, the campaign dashboard and the terminal show the same
rows in the same words."""

import html
import json
import re
import shutil
from pathlib import Path

from rich.console import Console

from prodops import operations
from prodops.renderers.files import dump_json
from prodops.inputs.models import load_model
from prodops.core.report.layout import Table, blockers_table, criteria, criteria_section, text
from prodops.core.report.model import blocking, criteria_document
from prodops.store import Workspace
from prodops.shells.terminal import show_result

MODEL = load_model()


def cells(table: Table) -> list[list[str]]:
    """Each row of `table` as people read it, the group column left out (a page shows it as a heading)."""
    return [[text(row[i], table.columns[i].kind) for i in table.shown()] for row in table.rows]


def latest_answers(demo: Path) -> Path:
    return sorted((demo / "answers").glob("*.yaml"))[-1]


def test_the_report_s_criteria_are_a_result_s_criteria_document(demo, demo_workspace):
    report = json.loads((demo / "report.json").read_text())
    with Workspace.open(demo_workspace) as ws:
        result = operations.assess(MODEL, operations.read_responses(MODEL, [latest_answers(demo)]), ws, record=False).result
    assert json.loads(dump_json(criteria_document(result, MODEL))) == report["criteria"]
    assert json.loads(dump_json(blocking(criteria_document(result, MODEL), result))) == report["maturity"]["blockers"]
    section = criteria(report)
    assert section == criteria_section(report["criteria"], MODEL.met_threshold)
    assert [row[7] for row in section.tables[0].rows if row[1] == "pp-4-predictability"] == ["unmet (data)"]


def test_the_dashboard_shows_the_report_s_rows_and_words(demo, tmp_path):
    from tests.test_web import PASSWORD, sign_in
    from prodops.shells.web import Settings, create_app

    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    people = operations.read_responses(MODEL, [latest_answers(demo)]).respondents[:2]
    with Workspace.open(str(db)) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
        campaign = operations.create_campaign(ws, MODEL, "Northwind Cloud", "Heat", threshold=None)  # named: live
        issued = operations.invite(ws, MODEL, campaign.id, [{"name": p.id, "role": p.role} for p in people]).issued
        for link, person in zip(issued, people):
            operations.save(ws, MODEL, link.token, person.answers, person.notes, submit=True)
        result = operations.result(ws, MODEL, campaign.id).result
    expected = criteria_section(criteria_document(result, MODEL), MODEL.met_threshold)
    app = create_app(Settings(db=str(db)))
    browser, _ = sign_in(app, "viewer@example.com")
    page = browser.get(f"/campaigns/{campaign.id}").text
    app.state.ws.close()
    table = page[page.index('<h3 id="heat">'):]
    table = table[:table.index("</table>")]
    assert f'<h3 id="heat">{expected.title}</h3>' in page and html.escape(expected.paragraphs[0], quote=False) in page
    shown = [[html.unescape(c) for c in re.findall(r'<td role="cell"[^>]*>(.*?)</td>', row)]
             for row in re.findall(r'<tr role="row">(<td.*?)</tr>', table)]
    assert shown == cells(expected.tables[0])
    groups = re.findall(r'scope="rowgroup" role="rowheader">(.*?)</th>', table)
    assert groups == [html.escape(d.name) for d in MODEL.dimensions]
    assert re.findall(r'data-label="Score" class="score (s[0-4]|s-none)"', table)  # the heat map's colours


def test_the_terminal_draws_the_report_s_blocker_rows(demo, demo_workspace):
    with Workspace.open(demo_workspace) as ws:
        result = operations.assess(MODEL, operations.read_responses(MODEL, [latest_answers(demo)]), ws, record=False).result
    report = json.loads((demo / "report.json").read_text())
    table = blockers_table(report["maturity"]["blockers"], report["maturity"]["next_level"], MODEL.met_threshold)
    for width in (400, 80):  # a table, and on a narrow terminal a list
        console = Console(width=width, record=True)
        show_result(console, result, MODEL)
        shown = " ".join(console.export_text().replace("│", " ").split())
        assert table.title in shown, width
        for row in cells(table):
            words = [c for c in row if c and c != "–"]
            assert all(w in shown for w in words), (width, row)
            if width > 200:  # one line a row, its cells in the report's order
                assert re.search(r"\W+".join(re.escape(w) for w in words), shown), row
