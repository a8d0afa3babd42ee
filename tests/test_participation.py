"""Participation in a campaign (core.participation): the answers toward the targets (each role up to
its target), the groups under 60 %, what to say before a close and the burn-up by day; worked by
hand on small cases, then through the operations, the dashboard and the API."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from prodops import operations
from prodops.core.numbers import pct
from prodops.core.participation import (
    LOW_PARTICIPATION, BurnUp, Toward, burn_up, close_warnings, label_days, nice_top, percent_against, role_flagged,
    team_flagged, toward_by_day, toward_targets,
)
from prodops.operations.campaigns import Count
from prodops.store import Workspace
from tests.test_web import MODEL, serving, sign_in

D = dt.date
ANSWERS = {c.id: "Mostly" for c in MODEL.criteria}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


# --- toward the targets ---------------------------------------------------------------------------

def test_over_delivery_counts_up_to_the_target_and_roles_without_one_do_not_count():
    # targets pm=3 only; 4 PMs and 2 engineers submitted: 3 of 3, not 6 of 3
    assert toward_targets({"pm": 4, "engineering": 2}, {"pm": 3}) == Toward(3, 3)
    assert Toward(3, 3).rate == 1.0 and not Toward(3, 3).short


def test_over_delivery_in_one_role_does_not_hide_a_shortfall_in_another():
    # pm: 1 of 3, engineering: 4 of 2 -> 1 + 2 = 3 of 5 (60 %), not 5 of 5
    toward = toward_targets({"pm": 1, "engineering": 4}, {"pm": 3, "engineering": 2})
    assert toward == Toward(3, 5) and toward.rate == 0.6 and toward.short and toward.percent == "60%"
    assert toward.document() == {"submitted": 3, "target": 5, "rate": 0.6}


def test_no_targets_no_figure_and_a_role_no_one_submitted_in_counts_none():
    assert toward_targets({"pm": 4}, {}) is None
    assert toward_targets({"pm": 4}, {"pm": 0}) is None  # a target of 0 is no target
    assert toward_targets({}, {"pm": 2, "design": 2}) == Toward(0, 4)


def test_a_rate_just_short_of_its_line_never_reads_as_on_it():
    assert pct(199 / 200) == "100%" and Toward(199, 200).percent == "99.5%"
    assert pct(0.595) == "60%" and percent_against(0.595) == "59.5%"
    assert percent_against(0.6) == "60%" and percent_against(0.4) == "40%" and percent_against(None) == "–"


# --- groups under 60 % ----------------------------------------------------------------------------

def test_a_group_under_60_percent_is_flagged_and_one_at_60_is_not():
    assert LOW_PARTICIPATION == 0.60
    assert role_flagged(Count(invited=100, submitted=59, target=100))
    assert not role_flagged(Count(invited=100, submitted=60, target=100))
    assert role_flagged(Count(invited=5, submitted=2, target=5)) and not role_flagged(Count(invited=5, submitted=3, target=5))
    assert team_flagged(Count(invited=100, submitted=59)) and not team_flagged(Count(invited=100, submitted=60))
    assert team_flagged(Count(invited=5, submitted=2)) and not team_flagged(Count(invited=5, submitted=3))


def test_a_role_is_judged_against_its_target_and_only_when_it_has_one():
    assert role_flagged(Count(invited=10, submitted=5, target=10))  # 5 of 10 wanted, though half invited
    assert not role_flagged(Count(invited=10, submitted=2, target=3))  # 2 of 3 wanted: 67 %
    assert role_flagged(Count(invited=0, submitted=0, target=2))  # wanted, no one invited
    assert not role_flagged(Count(invited=4, submitted=0))  # no target: not judged
    assert not team_flagged(Count())  # a team of no one


def test_the_rate_of_a_role_is_per_target_and_of_a_team_per_invited():
    assert Count(invited=10, submitted=4, target=3).rate == 4 / 3
    assert Count(invited=10, submitted=4).rate == 0.4
    assert Count().rate is None


def test_close_warnings_say_each_role_short_each_team_under_60_and_the_whole():
    by_role = {"pm": Count(invited=6, submitted=2, target=5), "engineering": Count(invited=4, submitted=4, target=3),
               "design": Count(invited=3, submitted=0)}
    by_team = {"Pay": Count(invited=4, submitted=1), "Core": Count(invited=5, submitted=3)}
    toward = toward_targets({r: n.submitted for r, n in by_role.items()}, {"pm": 5, "engineering": 3})
    assert close_warnings(by_role, by_team, toward, {"pm": "Product Manager"}) == [
        "2 of 5 wanted Product Manager answers (40%): under the target",
        "Team Pay: 1 of 4 invited submitted (25%), under 60%",
        "Toward the targets: 5 of 8 wanted (63%), each role counted up to its target: under the targets",
    ]


def test_no_close_warnings_when_every_target_is_met_and_every_team_is_at_60():
    by_role = {"pm": Count(invited=6, submitted=5, target=5), "design": Count(invited=3, submitted=0)}
    assert close_warnings(by_role, {"Core": Count(invited=5, submitted=3)}, Toward(5, 5)) == []
    assert close_warnings({}, {}, None) == []


# --- the burn-up ----------------------------------------------------------------------------------

def test_burn_up_counts_at_the_end_of_each_day_through_days_without_a_submission():
    days = [D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 4)]
    assert burn_up(days, D(2026, 3, 1), D(2026, 3, 5)) == [
        (D(2026, 3, 1), 0), (D(2026, 3, 2), 2), (D(2026, 3, 3), 2), (D(2026, 3, 4), 3), (D(2026, 3, 5), 3)]


def test_a_submission_before_the_opening_day_counts_on_it_and_one_after_the_last_day_on_that():
    days = [D(2026, 2, 27), D(2026, 3, 1), D(2026, 3, 9)]
    assert burn_up(days, D(2026, 3, 1), D(2026, 3, 3)) == [(D(2026, 3, 1), 2), (D(2026, 3, 2), 2), (D(2026, 3, 3), 3)]


def test_burn_up_of_one_day_of_none_and_before_the_opening():
    assert burn_up([D(2026, 3, 1)], D(2026, 3, 1), D(2026, 3, 1)) == [(D(2026, 3, 1), 1)]
    assert burn_up([], D(2026, 3, 1), D(2026, 3, 3)) == [(D(2026, 3, 1), 0), (D(2026, 3, 2), 0), (D(2026, 3, 3), 0)]
    assert burn_up([D(2026, 3, 1)], D(2026, 3, 2), D(2026, 3, 1)) == []  # not open yet


def test_toward_the_targets_by_day_counts_each_role_up_to_its_target():
    one, two, three = D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 3)
    given = [(one, "pm"), (one, "pm"), (two, "pm"), (two, "design"), (three, "engineering")]
    assert toward_by_day(given, {"pm": 2, "engineering": 1}, one, three) == [(one, 2), (two, 2), (three, 3)]
    assert toward_by_day(given, {}, one, three) == []


def test_a_long_campaign_labels_a_few_days_the_first_and_the_last():
    labels = label_days(95, 5)
    assert len(labels) == 5 and labels[0] == 0 and labels[-1] == 94
    assert set(label_days(95, 3)) <= set(labels)  # the phone's labels are among the laptop's
    assert label_days(3, 5) == [0, 1, 2] and label_days(1, 5) == [0] and label_days(0, 5) == []


def test_the_count_axis_is_round_and_holds_the_line():
    assert nice_top(9) == (10, 5) and nice_top(12) == (15, 5) and nice_top(3) == (3, 1)
    assert nice_top(0) == (1, 1) and nice_top(180) == (200, 50)
    chart = BurnUp([(D(2026, 3, 1), 0), (D(2026, 3, 2), 12)], target=9, toward=[(D(2026, 3, 1), 0), (D(2026, 3, 2), 8)])
    assert chart.ticks() == [0, 5, 10, 15] and chart.up(15) == 1.0 and chart.across(0) == 0.25
    assert chart.submitted == 12 and chart.toward_now == 8 and chart.wanted
    assert chart.rows() == [(D(2026, 3, 1), 0, 0), (D(2026, 3, 2), 12, 8)]


# --- through the operations -----------------------------------------------------------------------

def _campaign(db: str, **kw) -> tuple[int, list[str]]:
    """A campaign opening 2026-03-01 with targets pm=3, and 4 PMs and 2 engineers invited (PMs in Pay,
    engineers in Core)."""
    with Workspace.open(db) as ws:
        found = operations.create_campaign(ws, MODEL, "Acme", "Spring", opens=D(2026, 3, 1), **{"targets": {"pm": 3}, **kw})
        people = [{"name": f"pm{i}", "role": "pm", "team": "Pay"} for i in range(4)]
        people += [{"name": f"eng{i}", "role": "engineering", "team": "Core"} for i in range(2)]
        return found.id, [i.token for i in operations.invite(ws, MODEL, found.id, people).issued]


def _submit(db: str, clock, token: str, day: dt.date) -> None:
    clock.freeze(at(day))
    with Workspace.open(db) as ws:
        operations.save(ws, MODEL, token, ANSWERS, submit=True)


def test_progress_counts_toward_the_targets_and_by_day(tmp_path, clock):
    db = str(tmp_path / "w.db")
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db)
    for token, day in zip(tokens, [D(2026, 3, 1), D(2026, 3, 3), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 4), D(2026, 3, 6)],
                          strict=True):
        _submit(db, clock, token, day)
    clock.freeze(at(D(2026, 3, 7), 23))
    with Workspace.open(db) as ws:
        watched = operations.progress(ws, cid)
    assert (watched.total.submitted, watched.total.invited, watched.total.rate) == (6, 6, 1.0)
    assert watched.toward_targets == Toward(3, 3) and watched.by_role["pm"].rate == 4 / 3
    assert watched.flagged_roles == set() and watched.flagged_teams == set() and watched.close_warnings(MODEL) == []
    assert watched.burn_up is not None and watched.burn_up.target == 3 and watched.burn_up.wanted
    assert [n for _, n in watched.burn_up.series] == [1, 1, 3, 5, 5, 6, 6]  # 1 to 7 March: today is the last day
    assert [n for _, n in (watched.burn_up.toward or [])] == [1, 1, 3, 3, 3, 3, 3]
    doc = watched.document()
    assert doc["toward_targets"] == {"submitted": 3, "target": 3, "rate": 1.0}
    assert doc["responses"]["target"] is None and doc["responses"]["rate"] == 1.0  # everyone, per invited
    assert doc["by_day"]["days"][0] == {"date": "2026-03-01", "submitted": 1, "toward_targets": 1}


def test_progress_flags_and_warns_before_a_close(tmp_path, clock):
    db = str(tmp_path / "w.db")
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db, targets={"pm": 3, "engineering": 2})
    _submit(db, clock, tokens[0], D(2026, 3, 2))  # one PM of 3 wanted
    for token in tokens[4:]:
        _submit(db, clock, token, D(2026, 3, 2))  # both engineers
    with Workspace.open(db) as ws:
        watched = operations.progress(ws, cid)
    assert watched.toward_targets == Toward(3, 5)
    assert watched.flagged_roles == {"pm"} and watched.flagged_teams == {"Pay"}
    assert watched.close_warnings(MODEL) == [
        "1 of 3 wanted Product Manager answers (33%): under the target",
        "Team Pay: 1 of 4 invited submitted (25%), under 60%",
        "Toward the targets: 3 of 5 wanted (60%), each role counted up to its target: under the targets",
    ]


def test_the_burn_up_stops_at_the_closing_day_and_without_targets_climbs_to_those_invited(tmp_path, clock):
    db = str(tmp_path / "w.db")
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db, targets={}, closes=D(2026, 3, 3))
    _submit(db, clock, tokens[0], D(2026, 3, 2))
    clock.freeze(at(D(2026, 4, 30)))  # long after the closing day
    with Workspace.open(db) as ws:
        watched = operations.progress(ws, cid)
    assert watched.toward_targets is None and watched.burn_up is not None
    assert watched.burn_up.series == [(D(2026, 3, 1), 0), (D(2026, 3, 2), 1), (D(2026, 3, 3), 1)]
    assert watched.burn_up.target == 6 and not watched.burn_up.wanted and watched.burn_up.toward is None
    assert watched.document()["toward_targets"] is None


def test_a_campaign_not_open_yet_has_no_days(tmp_path, clock):
    db = str(tmp_path / "w.db")
    clock.freeze(at(D(2026, 2, 20)))
    cid, _ = _campaign(db)
    with Workspace.open(db) as ws:
        watched = operations.progress(ws, cid)
    assert watched.burn_up is not None and watched.burn_up.series == []


# --- through the web app --------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    yield from serving(str(tmp_path / "web.db"))


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_dashboard_counts_toward_the_targets_and_flags_groups_under_60(app, clock):
    db = app.state.settings.db
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db, threshold=None)  # named: the result is shown as it stands
    for token in (tokens[0], *tokens[4:]):  # one PM of 4, both engineers: 3 submitted of 6
        _submit(db, clock, token, D(2026, 3, 2))
    _submit(db, clock, tokens[1], D(2026, 3, 4))  # a second PM: 2 of 3 wanted (67 %), Pay 2 of 4 (50 %)
    clock.freeze(at(D(2026, 3, 5)))
    browser, _ = sign_in(app)
    page = browser.get(f"/campaigns/{cid}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "4 submitted of 6 invited (67%)" in text
    assert "Toward the targets: 2 of 3 wanted (67%) ⚠ under the targets" in text
    assert "wanted (133%)" not in text and "submitted of 3 wanted" not in text
    assert re.search(r'<tr class="low"><th scope="row">Pay</th>\s*<td>.*?50%.*?under 60%', page.text, re.S)
    assert text.count("under 60%") == 1  # Pay alone: the PMs are at 67 % of their target, Core at 100 %
    fragment = browser.get(f"/campaigns/{cid}/progress").text  # the part the dashboard polls
    assert "Toward the targets" in fragment and "under 60%" in fragment


def test_the_old_total_against_the_sum_of_the_targets_is_gone(app, clock):
    db = app.state.settings.db
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db)  # targets pm=3: 4 PMs and 2 engineers submit
    for token in tokens:
        _submit(db, clock, token, D(2026, 3, 2))
    browser, _ = sign_in(app)
    text = _text(browser.get(f"/campaigns/{cid}").text)
    assert "4 submitted of 3 wanted (133%)" not in text and "6 submitted of 3 wanted" not in text
    assert "6 submitted of 6 invited (100%)" in text and "Toward the targets: 3 of 3 wanted (100%)" in text
    assert "under the targets" not in text
    api = browser.get(f"/api/v1/campaigns/{cid}").json()
    assert api["toward_targets"] == {"submitted": 3, "target": 3, "rate": 1.0}


def test_the_dashboard_draws_the_burn_up_with_a_table_for_screen_readers(app, clock):
    db = app.state.settings.db
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db)
    _submit(db, clock, tokens[0], D(2026, 3, 2))
    _submit(db, clock, tokens[4], D(2026, 3, 4))
    clock.freeze(at(D(2026, 3, 5)))
    browser, _ = sign_in(app)
    page = browser.get(f"/campaigns/{cid}").text
    svg = re.search(r"<svg viewBox=\"0 0 640 330\" width=\"100%\" role=\"img\".*?</svg>", page, re.S)
    assert svg and "<title id=\"burnup-title\">Submissions by day</title>" in svg.group(0)
    assert "<desc id=\"burnup-desc\">2 submitted by 2026-03-05" in svg.group(0)
    assert "style=" not in page and "<script>" not in page  # the CSP: no inline style, no inline script
    table = re.search(r'<details class="burnup-data">.*?</details>', page, re.S).group(0)
    rows = re.findall(r"<tr><td class=\"nowrap\">([0-9-]+)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td></tr>", table)
    assert rows == [("2026-03-01", "0", "0", "3"), ("2026-03-02", "1", "1", "3"), ("2026-03-03", "1", "1", "3"),
                    ("2026-03-04", "2", "1", "3"), ("2026-03-05", "2", "1", "3")]
    assert re.findall(r"<text x=\"[0-9.]+\" y=\"296\" dy=\"1em\" text-anchor=\"middle\"[^>]*>([^<]+)</text>", svg.group(0)) == [
        "1 Mar", "2 Mar", "3 Mar", "4 Mar", "5 Mar"]


@pytest.mark.parametrize(("days", "submitted"), [(1, 0), (1, 2), (95, 3)])
def test_one_day_no_submission_and_a_long_campaign_draw_too(app, clock, days, submitted):
    db = app.state.settings.db
    clock.freeze(at(D(2026, 3, 1), 8))
    cid, tokens = _campaign(db, closes=D(2026, 3, 1) + dt.timedelta(days=days - 1))
    for token in tokens[:submitted]:
        _submit(db, clock, token, D(2026, 3, 1))
    clock.freeze(at(D(2026, 3, 1) + dt.timedelta(days=days + 5)))  # past the closing day
    browser, _ = sign_in(app)
    page = browser.get(f"/campaigns/{cid}").text
    svg = re.search(r"<svg viewBox.*?</svg>", page, re.S).group(0)
    assert "nan" not in svg and "inf" not in svg
    labels = re.findall(r"text-anchor=\"middle\"[^>]*>([^<]+)</text>", svg)
    assert len(labels) == min(days, 5) and labels[0] == "1 Mar"
    assert page.count("<tr><td class=\"nowrap\">2026-") == days  # the table: every day, to the closing day
