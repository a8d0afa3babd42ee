"""Every CSV the app writes quotes every field and holds nothing a spreadsheet would run, in any
locale (core/spreadsheet.py): the rule on a hostile matrix, then through the real downloads of the
web app and the command line."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import unquote

import pytest

from prodops import operations
from prodops.core.report.layout import records_csv
from prodops.core.spreadsheet import csv_document, spreadsheet_text
from prodops.store import Workspace
from tests.conftest import ok, run
from tests.test_web import MODEL, serving, sign_in

# What a spreadsheet runs, written here on its own (not read from the code under test): a cell, or
# a piece of one split at one locale's separator (`,` `;` or tab) or at line breaks (a reader that
# ignores quotes), that starts, after any spaces, with one of these.
STARTS_A_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def runs_as_formula(field: str) -> bool:
    pieces = [field, *(p for separator in (",", ";", "\t", r"\r\n|\r|\n") for p in re.split(separator, field))]
    return any(p.lstrip(" ").startswith(STARTS_A_FORMULA) for p in pieces)


HOSTILE = [f"{lead}{c}1+1" for c in STARTS_A_FORMULA for lead in ("", " ", "   ")] + [
    f"Ann{sep}{lead}{c}1+1{sep}x" for c in STARTS_A_FORMULA for sep in (",", ";", "\t", "\n", "\r\n")
    for lead in ("", "  ") if not (c in "\t\r" and sep in "\t\n\r\n")] + [  # (a tab after a tab is one more separator)
    "Ann;=1+1;x", '=HYPERLINK("http://evil","x")', "@SUM(A1)", "-3.5", "a\t\t=1", ";;=1", "=", "-", "\t", "\r",
    "x,+1;-2\t@3"]


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_no_piece_of_a_hostile_field_runs_as_a_formula_and_the_rest_is_kept(text):
    written = spreadsheet_text(text)
    assert runs_as_formula(text) and not runs_as_formula(written)
    assert written.replace("'", "") == text.replace("'", "")  # only apostrophes added
    document = csv_document(["name"], [[text]])
    (back,) = list(csv.reader(io.StringIO(document, newline="")))[1:]
    assert back == [written]


def test_the_issues_invitee_is_exported_quoted_with_its_formula_as_text():
    assert csv_document(["name"], [["Ann;=1+1;x"]]) == '"name"\r\n"Ann;\'=1+1;x"\r\n'


@pytest.mark.parametrize("text", ["Ann", "＝1+1", "Ann；＝1+1", "Ann ; x", "ACC-001", "2026-01-05", "a=b", "x@example.com",
                                  "1-2", "'=already", "", "O'Brien"])
def test_harmless_text_is_left_as_it_is(text):
    """A fullwidth ＝ (U+FF1D) starts no formula; a dash or @ inside a word is no piece's start."""
    assert spreadsheet_text(text) == text and not runs_as_formula(text)


def test_figures_we_computed_stay_numbers_and_numbers_people_typed_are_text():
    """The rule is per column: a number in a column of figures is written as the number; the same
    characters in a text column, even read as a number, are neutralised; a figure that is not a finite
    number is text."""
    document = csv_document(["team", "delta", "n"], [["-3.5", -3.5, 2], ["=1+1", float("-inf"), None], [-2, True, "-1"]],
                            numeric={"delta", "n"})
    rows = list(csv.reader(io.StringIO(document, newline="")))
    assert rows[1:] == [["'-3.5", "-3.5", "2"], ["'=1+1", "'-inf", ""], ["'-2", "True", "'-1"]]
    assert all(line.startswith('"') and line.endswith('"') for line in document.splitlines())  # every field quoted


def test_a_figures_records_keep_their_numbers_and_neutralise_their_names():
    """records_csv decides by the column's kind (layout.RECORD_COLUMNS): the revenue's money columns
    are figures; the account, typed by a person, is text."""
    record = {"id": "-3.5 / 2026-01-05 / contracted", "account": "-3.5", "date": "2026-01-05", "outcome": "contracted",
              "arr_before": 10.0, "arr_after": 6.5, "attributed_arr": -3.5, "roadmap_items": "@R1;=R2",
              "feedback": None, "counted": True, "reason": None}
    rows = list(csv.DictReader(io.StringIO(records_csv("revenue", [record]), newline="")))
    assert rows == [{"id": "'-3.5 / 2026-01-05 / contracted", "account": "'-3.5", "date": "2026-01-05",
                     "outcome": "contracted", "counted": "True", "reason": "", "arr_before": "10.0", "arr_after": "6.5",
                     "attributed_arr": "-3.5", "roadmap_items": "'@R1;'=R2", "feedback": ""}]


# --- through the real downloads -------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    yield from serving(str(tmp_path / "web.db"))


def test_the_invite_links_download_quotes_every_field_and_runs_nothing(app):
    with Workspace.open(app.state.settings.db) as ws:
        cid = operations.create_campaign(ws, MODEL, "Acme", "Q4").id
    browser, csrf = sign_in(app)
    page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, "name": "Ann;=1+1;x", "email": "ann@example.com",
                                                          "role": "pm", "team": "-3.5"})
    assert page.status_code == 200, page.text
    document = html.unescape(unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', page.text).group(1)))
    assert document.startswith('"name","email","role","team","respondent","link"\r\n'
                               '"Ann;\'=1+1;x","ann@example.com","pm","\'-3.5",')
    rows = list(csv.DictReader(io.StringIO(document, newline="")))
    assert len(rows) == 1 and not any(runs_as_formula(v) for v in rows[0].values())
    assert rows[0]["link"].startswith("http://testserver/r/")


SPRINTS = ("team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n"
           '"Pay;=1+1;x","@SUM(A1)",2026-01-05,2026-01-18,points,10,8,7,1,0\n'
           '" -3.5","S2",2026-01-19,2026-02-01,points,10,12,9,3,0\n')


def test_the_records_download_quotes_every_field_runs_nothing_and_keeps_its_figures(app, tmp_path):
    sprints = tmp_path / "sprints.csv"
    sprints.write_text(SPRINTS, encoding="utf-8")
    with Workspace.open(app.state.settings.db) as ws:
        operations.import_files(ws, "sprint-summary", [sprints], organization="Acme")
    browser, _ = sign_in(app)
    answer = browser.get("/organization/records.csv?name=Acme&metric=predictability&sort=sprint")
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    lines = answer.text.splitlines()
    assert all(re.fullmatch(r'"[^"]*"(,"[^"]*")*', line) for line in lines)  # every field quoted
    rows = list(csv.DictReader(io.StringIO(answer.text, newline="")))
    assert [(r["team"], r["sprint"]) for r in rows] == [("Pay;'=1+1;x", "'@SUM(A1)"), ("'-3.5", "S2")]
    assert not any(runs_as_formula(v) for r in rows for v in r.values())
    assert [r["committed"] for r in rows] == ["10.0", "10.0"] and rows[0]["planning_accuracy"] == "0.7"


# --- through the command line ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sprint-summary", "invitees", "account-outcomes"])
def test_the_command_lines_csv_templates_quote_every_field_and_import_again(kind, tmp_path):
    written = ok("template", kind).stdout
    assert re.fullmatch(r'"[a-z_]+"(,"[a-z_]+")*\r?\n', written), written
    header = next(csv.reader(io.StringIO(written)))
    assert header and not any(runs_as_formula(h) for h in header)
    if kind == "sprint-summary":  # filled in, it imports as the template says
        path = tmp_path / "sprints.csv"
        path.write_text(written + "Pay,S1,2026-01-05,2026-01-18,points,10,8,7,1,0\n", encoding="utf-8")
        p = run("import", "--organization", "Acme", "sprint-summary", str(path), "--db", str(tmp_path / "w.db"))
        assert p.returncode == 0, p.stderr
