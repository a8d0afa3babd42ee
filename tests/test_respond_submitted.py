"""A personal link reopened after submitting: the page it lands on says when the answers were
submitted (UTC) and until when they can still be changed; submitting again shows the new time."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from prodops import operations
from prodops.core.dates import day_words, instant_words
from prodops.store import Workspace
from tests.conftest import csrf_in
from tests.test_web import MODEL, client, invite, new_campaign, serving

PAGES = operations.form_pages(MODEL)
SUBMITTED = re.compile(r'<p class="ok" role="status" id="submitted">([^<]*)</p>')


@pytest.fixture
def app(tmp_path):
    yield from serving(str(tmp_path / "web.db"))


def _answer_all_and_submit(app, token: str) -> str:
    """Every page's form posted (no JavaScript), then the review's Submit: the "Thank you" page."""
    phone = client(app)
    csrf = csrf_in(phone.get(f"/r/{token}/1").text)
    for n, dim in enumerate(PAGES, 1):
        data = {"csrf": csrf, "go": "next"} | {f"answer-{c.id}": "Partly" for c in operations.page_criteria(MODEL, dim)}
        assert phone.post(f"/r/{token}/{n}", data=data).status_code == 303
    done = phone.post(f"/r/{token}/submit", data={"csrf": csrf_in(phone.get(f"/r/{token}/review").text)})
    assert done.status_code == 200 and "Thank you" in done.text
    return done.text


def _reopened(app, token: str) -> str:
    """The link opened again, in a new browser: the page it lands on."""
    browser = client(app)
    landed = browser.get(f"/r/{token}")
    if landed.status_code == 303:  # not the welcome: the first page not finished, or the review
        landed = browser.get(landed.headers["location"])
    assert landed.status_code == 200
    return landed.text


def _said(page: str) -> str:
    found = SUBMITTED.search(page)
    assert found, "no status saying when the answers were submitted"
    return html.unescape(found.group(1))


def test_a_reopened_link_says_when_the_answers_were_submitted_and_until_when_they_change(app, clock):
    clock.freeze(dt.datetime(2026, 12, 7, 14, 5, 42, tzinfo=dt.UTC))
    cid = new_campaign(app, closes=dt.date(2026, 12, 12))
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    done = _answer_all_and_submit(app, token)
    assert "You can change them until the end of 12 December 2026 (UTC)" in done
    clock.freeze(dt.datetime(2026, 12, 9, 8, 0, tzinfo=dt.UTC))  # a later day: the link opened again
    assert client(app).get(f"/r/{token}").headers["location"] == f"/r/{token}/review"  # every statement answered
    page = _reopened(app, token)
    assert _said(page) == ("You submitted your answers on 7 December 2026 at 14:05 UTC. "
                           "You can still change them until the end of 12 December 2026 (UTC).")
    # near the top: right under the page's one heading, before the progress and the form
    assert page.count("<h1>") == 1
    assert page.index("<h1>") < page.index('id="submitted"') < page.index('id="progress-bar"') < page.index("<form")


def test_without_a_closing_date_the_answers_change_until_the_campaign_closes(app, clock):
    clock.freeze(dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC))
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    _answer_all_and_submit(app, token)
    assert _said(_reopened(app, token)) == ("You submitted your answers on 7 December 2026 at 14:05 UTC. "
                                            "You can still change them until the campaign closes.")


def test_submitting_again_shows_the_new_time(app, clock):
    clock.freeze(dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC))
    cid = new_campaign(app, closes=dt.date(2026, 12, 12))
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    _answer_all_and_submit(app, token)
    clock.freeze(dt.datetime(2026, 12, 11, 23, 59, 30, tzinfo=dt.UTC))
    _answer_all_and_submit(app, token)
    said = _said(_reopened(app, token))
    assert said.startswith("You submitted your answers on 11 December 2026 at 23:59 UTC.") and "7 December" not in said


def test_a_link_submitted_with_gaps_says_so_on_the_page_it_opens_on(app, clock):
    """Submitted with statements unanswered, the link opens on the first page not finished: it says so too."""
    clock.freeze(dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC))
    cid = new_campaign(app, closes=dt.date(2026, 12, 12))
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    with Workspace.open(app.state.settings.db) as ws:
        first = [c.id for c in operations.page_criteria(MODEL, PAGES[0])]
        operations.save(ws, MODEL, token, dict.fromkeys(first, "Fully"), submit=True)
    landed = client(app).get(f"/r/{token}")
    assert landed.status_code == 303 and landed.headers["location"] == f"/r/{token}/2"
    assert _said(_reopened(app, token)).startswith("You submitted your answers on 7 December 2026 at 09:30 UTC.")
    before = client(app).get(f"/r/{invite(app, cid, {'name': 'Bo', 'role': 'pm'})[0]}/1").text
    assert 'id="submitted"' not in before  # not submitted yet: nothing said


def test_the_api_gives_when_the_answers_were_submitted_and_the_closing_day(app, clock):
    clock.freeze(dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC))
    cid = new_campaign(app, closes=dt.date(2026, 12, 12))
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    saved = client(app).put(f"/api/v1/respond/{token}", json={"answers": {MODEL.criteria[0].id: "Fully"}, "submit": True})
    assert saved.status_code == 200
    seen = client(app).get(f"/api/v1/respond/{token}").json()
    assert seen["submitted_at"] == "2026-12-07T14:05:00+00:00" and seen["closes"] == "2026-12-12"


def test_days_and_instants_are_worded_in_english_and_utc():
    assert day_words(dt.date(2026, 1, 2)) == "2 January 2026"
    later = dt.datetime(2026, 12, 8, 1, 5, tzinfo=dt.timezone(dt.timedelta(hours=11)))  # 7 December, 14:05 UTC
    assert instant_words(later) == "7 December 2026 at 14:05 UTC"
    with pytest.raises(ValueError):
        instant_words(dt.datetime(2026, 12, 7, 14, 5))
