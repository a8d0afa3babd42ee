"""The one clock (prodops.clock) and the day each place of the program takes from it: the UTC day
for what the workspace computes and stores, the machine's local day only for a person at the
terminal. Each test stands the clock late in the UTC day in a far time zone, where the two differ."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
import yaml

from conftest import CLOCK_START, ok
from prodops.inputs.models import load_model

UTC = dt.UTC
KIRITIMATI, BAKER = "Etc/GMT-14", "Etc/GMT+12"  # UTC+14 and UTC-12 (POSIX signs are the other way round)


def test_the_clock_is_utc_and_a_test_sets_it(clock, local_zone):
    assert clock.now() == CLOCK_START and clock.now().utcoffset() == dt.timedelta(0)
    local_zone(KIRITIMATI)
    assert (clock.today(), clock.local_today()) == (dt.date(2026, 12, 7), dt.date(2026, 12, 8))
    with clock.frozen(dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))) as there:
        assert there == dt.datetime(2026, 12, 6, 22, 30, tzinfo=UTC) and clock.today() == dt.date(2026, 12, 6)
        local_zone(BAKER)
        assert clock.local_today() == dt.date(2026, 12, 6)
    assert clock.now() == CLOCK_START  # where it stood before the block
    with pytest.raises(ValueError, match="no time zone"):
        clock.freeze(dt.datetime(2026, 12, 7, 12, 0))  # which 12:00? refused, not guessed


def test_unfrozen_the_clock_runs():
    from prodops import clock
    with clock.frozen(dt.datetime(2001, 1, 1, tzinfo=UTC)):
        assert clock.today() == dt.date(2001, 1, 1)
    assert clock.now().year > 2001 and clock.now().tzinfo == UTC


# --- the UTC day: what the workspace computes and stores ------------------------------------------

def test_metrics_are_as_of_the_utc_day_by_default(clock, local_zone, tmp_path):
    """A sprint ending tomorrow (UTC) is not known yet, though it is tomorrow already in UTC+14."""
    local_zone(KIRITIMATI)
    db = str(tmp_path / "w.db")
    sprints = tmp_path / "sprints.csv"
    sprints.write_text("team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n"
                       "A,S1,2026-11-23,2026-12-06,points,10,10,10,0,0\n"
                       "A,S2,2026-11-25,2026-12-08,points,10,5,5,0,0\n")
    ok("import", "sprint-summary", str(sprints), "--organization", "Acme", "--db", db)
    known = json.loads(ok("metrics", "predictability", "--db", db, "--json").stdout)["teams"][0]
    assert known["sprints"] == 1 and known["planning_accuracy_pooled"] == 1.0
    clock.freeze(dt.datetime(2026, 12, 8, 0, 30, tzinfo=UTC))
    assert json.loads(ok("metrics", "predictability", "--db", db, "--json").stdout)["teams"][0]["sprints"] == 2


def test_an_investment_done_without_a_day_is_done_on_the_utc_day(clock, local_zone, demo_workspace):
    from prodops import operations
    from prodops.store import Workspace

    local_zone(KIRITIMATI)  # 23:50 UTC is tomorrow already on this machine's calendar
    ok("investments", "set", "okr-automation", "--status", "done", "--db", demo_workspace)
    state = json.loads(ok("investments", "list", "--json", "--db", demo_workspace).stdout)["tracking"]["okr-automation"]
    assert state["done_on"] == "2026-12-07"
    local_zone(BAKER)  # a change recorded after the fact (as the demo records its plan), at 09:00 UTC: the day before in UTC-12
    with Workspace.open(demo_workspace) as ws:
        done = operations.track(ws, load_model(), "metrics-alignment", at=dt.datetime(2026, 10, 1, 9, tzinfo=UTC), status="done")
    assert done.done_on == dt.date(2026, 10, 1)


def test_the_demos_open_campaign_opens_today_and_closes_in_30_days(clock, local_zone, demo, tmp_path):
    from prodops import operations
    from prodops.shells.demo import prepare_web_demo
    from prodops.store import Workspace

    local_zone(BAKER)  # 23:50 UTC is still 11:50 of the same day in UTC-12...
    clock.freeze(dt.datetime(2026, 12, 8, 0, 30, tzinfo=UTC))  # ...and 00:30 UTC is the day before there
    shutil.copy(demo / "prodops.db", tmp_path / "prodops.db")
    made = prepare_web_demo(tmp_path)
    with Workspace.open(str(made.workspace)) as ws:
        campaign = operations.campaign(ws, made.campaign_id)
    assert (campaign.opens, campaign.closes) == (dt.date(2026, 12, 8), dt.date(2027, 1, 7))


# --- the local day: a person at the terminal ---------------------------------------------------------

def test_an_answers_file_is_offered_with_the_respondents_own_day(clock, local_zone, tmp_path):
    local_zone(KIRITIMATI)
    ok("template", "answers", "--out", str(tmp_path / "t.yaml"))
    assert yaml.safe_load((tmp_path / "t.yaml").read_text())["date"] == "2026-12-08"
    model = load_model()
    replies = ["Acme", "", "ana", "pm"] + [""] * (len(model.criteria) - 1) + ["Fully"]  # Enter takes the offered date
    ok("assess", "--interactive", "--out", str(tmp_path / "ana.yaml"), input="\n".join(replies) + "\n")
    assert yaml.safe_load((tmp_path / "ana.yaml").read_text())["date"] == "2026-12-08"
