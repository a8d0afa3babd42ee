"""What is computed from a workspace is kept under its state version (operations.computed) and never
outlives its inputs. The adversary is a stale figure: after every kind of change a report can show,
the kept report equals one computed afresh; the hot paths that cannot change a report (answers saved
to an open campaign, sessions, rate limits, deliveries, leases) leave the version alone; two
instances of the app on one database share what is kept."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest

from prodops import operations
from prodops.inputs.models import load_model
from prodops.operations.reports import _report
from prodops.renderers.files import dump_json
from prodops.store import Workspace

MODEL = load_model()
ORG = "Northwind Cloud"
SPRINTS = ("team,sprint,start,end,unit,committed,completed,completed_committed,added,removed\n"
           "Analytics,ANA 99,2026-09-14,2026-09-27,points,100,10,5,0,0\n")


def fresh(ws: Workspace, **kw) -> dict:
    """The report computed now, without what is kept."""
    return json.loads(dump_json(_report(ws, MODEL, ORG, kw.get("as_of"), 90, 2, None, kw.get("unit")).document))


def changes(tmp_path):
    """Each kind of write a report can show, as (name, change(ws))."""
    sprints = tmp_path / "more.csv"
    sprints.write_text(SPRINTS, encoding="utf-8")
    return [
        ("import", lambda ws: operations.import_files(ws, "sprint-summary", [sprints], organization=ORG)),
        ("setting", lambda ws: operations.change_setting(ws, "currency", "EUR", organization=ORG)),
        ("event", lambda ws: operations.add_event(ws, "2026-08-03", "Offsite", organization=ORG)),
        ("brand", lambda ws: operations.set_brand(ws, ORG, name="Northwind")),
        ("unit", lambda ws: operations.declare_unit(ws, ORG, "Growth squad", teams=("Growth",))),
        ("commentary", lambda ws: operations.set_commentary(ws, MODEL, "## Executive summary\n\nA new word.",
                                                          organization=ORG)),
        ("investment", lambda ws: operations.track(ws, MODEL, "establish-product-ops", organization=ORG,
                                                   status="in-progress", owner="Kim")),
    ]


@pytest.mark.parametrize("change", range(7), ids=["import", "setting", "event", "brand", "unit", "commentary",
                                                  "investment"])
def test_after_each_change_a_report_can_show_the_kept_report_is_the_fresh_one(demo, tmp_path, change):
    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    name, make = changes(tmp_path)[change]
    with Workspace.open(str(db)) as ws:
        before = operations.report(ws, MODEL, ORG).document
        assert before == fresh(ws)
        version = ws.computed.version()
        make(ws)
        assert ws.computed.version() > version, name
        after = operations.report(ws, MODEL, ORG).document
        assert after == fresh(ws), name
        assert after != before, name  # the change shows: the test would pass on a stale cache otherwise


def test_a_kept_report_is_used_until_the_workspace_changes_and_shared_by_instances(demo, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(str(db)) as one, Workspace.open(str(db)) as two:
        first = operations.report(one, MODEL, ORG).document
        assert _kept_rows(one) >= 1  # the report, and the evidence it checked investments against
        # the other instance finds it kept: computing it again would change nothing the test can see,
        # so the proof is that it is not made again (the row's time stays)
        made_at = _made_at(one)
        assert operations.report(two, MODEL, ORG).document == first and _made_at(two) == made_at
        # a hot path leaves the version alone; a change moves it and drops what was kept
        version = one.computed.version()
        two.access.hit("bench", 60, 0.0)
        assert one.computed.version() == version
        operations.change_setting(two, "currency", "EUR", organization=ORG)
        assert one.computed.version() == version + 1
        assert operations.report(one, MODEL, ORG).document["value"]["currency"] == "EUR"


def test_answers_saved_to_an_open_campaign_leave_the_version_alone(demo, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(str(db)) as ws:
        campaign = operations.create_campaign(ws, MODEL, ORG, "Hot path", threshold=None)
        token = operations.invite(ws, MODEL, campaign.id, [{"name": "Ann", "role": "pm"}]).issued[0].token
        version = ws.computed.version()
        for criterion in list(MODEL.criterion)[:5]:
            operations.save(ws, MODEL, token, {criterion: "Mostly"})
        operations.save(ws, MODEL, token, {}, submit=True)
        assert ws.computed.version() == version
        operations.close(ws, MODEL, campaign.id)  # records an assessment: the reports change
        assert ws.computed.version() > version


def test_the_version_moves_in_the_writers_transaction_on_postgresql_too(postgres_url):
    with Workspace.open(postgres_url) as ws:
        start = ws.computed.version()
        operations.change_setting(ws, "currency", "EUR", organization="Acme")
        assert ws.computed.version() == start + 1
        ws.computed.put("k", start + 1, b"value")
        assert ws.computed.get("k", start + 1) == b"value" and ws.computed.get("k", start) is None
        operations.change_setting(ws, "currency", "USD", organization="Acme")
        ws.computed.put("other", start + 2, b"x")  # keeping drops what is stale
        assert ws.computed.get("k", start + 1) is None
        ws.computed.put("late", start + 1, b"y")  # computed before the last change: not kept
        assert ws.computed.get("late", start + 1) is None


def _kept_rows(ws: Workspace) -> int:
    import sqlalchemy as sa

    from prodops.store.tables import computed

    with ws.transaction(write=False) as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(computed)).scalar_one()


def _made_at(ws: Workspace) -> dt.datetime:
    import sqlalchemy as sa

    from prodops.store.tables import computed

    with ws.transaction(write=False) as conn:
        return conn.execute(sa.select(sa.func.max(computed.c.made_at))).scalar_one()


def test_a_download_is_made_once_per_change_and_is_the_commands_bytes(demo, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(str(db)) as ws:
        first = operations.report_download(ws, MODEL, ORG, "json")
        assert first.data == (demo / "report.json").read_bytes() and first.suffix == "json"
        made_at = _made_at(ws)
        again = operations.report_download(ws, MODEL, ORG, "json")
        assert again.data == first.data and _made_at(ws) == made_at  # kept: not made again
        zipped = operations.report_download(ws, MODEL, ORG, "md")
        assert zipped.suffix == "md.zip" and zipped.data.startswith(b"PK")
        operations.change_setting(ws, "currency", "EUR", organization=ORG)
        changed = operations.report_download(ws, MODEL, ORG, "json")
        assert changed.data != first.data and b'"currency": "EUR"' in changed.data


def test_prodops_serve_draws_reports_in_a_process_of_its_own(demo, tmp_path):
    """As `prodops serve` sets it up (Settings.from_environment): the report is drawn in a process
    apart from the worker's, the same bytes as the command's, and the process ends with the app."""
    import os

    from prodops.shells.web import Settings, create_app
    from tests.test_web import PASSWORD, client

    db = tmp_path / "w.db"
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(str(db)) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    settings = Settings.from_environment(db=str(db), tick_seconds=0)
    assert settings.draw_apart
    app = create_app(settings)
    with client(app) as browser:  # the lifespan runs: the drawing process ends with it
        page = browser.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
        browser.post("/login", data={"csrf": csrf, "email": "viewer@example.com", "password": PASSWORD})
        got = browser.get("/organization/report.md", params={"name": ORG})
        assert got.status_code == 200 and got.content.startswith(b"PK")
        drawers = app.state.drawer._pool._processes  # the executor's own: its process is not the worker's
        assert drawers and os.getpid() not in drawers
    assert app.state.drawer._pool is None
    app.state.ws.close()


def test_what_an_earlier_day_kept_is_dropped_when_something_is_kept(tmp_path, clock):
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        operations.change_setting(ws, "currency", "EUR", organization="Acme")
        version = ws.computed.version()
        ws.computed.put("monday's", version, b"old")
        clock.freeze(clock.now() + dt.timedelta(days=3))
        assert ws.computed.get("monday's", version) == b"old"  # until something is kept again
        ws.computed.put("thursday's", version, b"new")
        assert ws.computed.get("monday's", version) is None and ws.computed.get("thursday's", version) == b"new"
