"""One parser of a day given as text (dates.parse_day); each shell words its refusal its own way."""

import datetime as dt

import pytest

from conftest import refused
from prodops.core.dates import NotADate, parse_day


def test_a_day_is_read_as_yyyy_mm_dd():
    assert parse_day("2026-04-06") == dt.date(2026, 4, 6)
    assert parse_day(" 2026-04-06\n") == dt.date(2026, 4, 6)


@pytest.mark.parametrize("text, well_formed, said", [
    ("2026-02-30", True, "not a real day"),
    ("2026-13-01", True, "not a real day"),
    ("06/04/2026", False, "not a date as YYYY-MM-DD"),
    ("2026-4-6", False, "not a date as YYYY-MM-DD"),
    ("２０２６-０４-０６", False, "not a date as YYYY-MM-DD"),  # digits of another script: not the form
    ("", False, "not a date as YYYY-MM-DD"),
])
def test_why_a_text_is_no_day(text, well_formed, said):
    with pytest.raises(NotADate) as e:
        parse_day(text)
    assert e.value.well_formed is well_formed and str(e.value) == said
    assert e.value.detail  # Python's own words, for the shells that quote them
    assert isinstance(e.value, ValueError)


def test_the_command_line_and_an_answers_file_word_the_same_day_their_own_way(tmp_path):
    db = str(tmp_path / "w.db")
    assert "the event's day: '2026-02-30' is not a real day" in refused("events", "add", "2026-02-30", "x", "--db", db)
    assert "the event's day: '30.02.2026' is not a date as YYYY-MM-DD" in refused("events", "add", "30.02.2026", "x", "--db", db)
    answers = tmp_path / "a.yaml"
    answers.write_text("organization: A\ndate: 2026-02-30\nrespondents:\n  - {id: a, role: pm, answers: {}}\n")
    assert "2026-02-30 is not a real date (day is out of range for month)" in refused("assess", str(answers), "--db", db)


def test_the_web_forms_word_a_wrong_day_as_they_did(tmp_path, clock):
    import html

    from prodops import operations
    from prodops.store import Workspace
    from prodops.shells.web import Settings, create_app
    from tests.test_web import PASSWORD, client, sign_in

    clock.freeze(dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC))
    db = str(tmp_path / "web.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    app = create_app(Settings(db=db))
    browser, csrf = sign_in(app)
    made = browser.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q4", "opens": "15/10/2026"})
    assert made.status_code == 422 and "the opening date &#39;15/10/2026&#39; is not a date (YYYY-MM-DD)" in made.text
    for day, said in (("2026-02-30", "'2026-02-30' is not a real day"), ("tomorrow", "'tomorrow' is not a date (YYYY-MM-DD)")):
        page = client(app).get("/challenge", params={"day": day})
        assert page.status_code == 422 and said in html.unescape(page.text), day
    app.state.ws.close()
