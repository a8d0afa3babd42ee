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


_READ = ("import sys\nfrom prodops.shells.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
         "    assert not e.code, e.code\nprint('loaded:', *sorted({'sqlalchemy', 'polars', 'pydantic'} & set(sys.modules)), "
         "file=sys.stderr)\n")


def _read(*args: str) -> tuple[str, str]:
    """A reading command in a process of its own: its output, and which heavy libraries it loaded."""
    import os
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", _READ, *args], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "COLUMNS": "160"})
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("args", [["history"], ["history", "--json"], ["metrics", "--until", "2026-09-30"],
                                  ["metrics", "predictability", "--json", "--until", "2026-09-30"],
                                  ["plan"], ["plan", "--json", "--unit", "Commerce", "--capacity", "1"]],
                         ids=["history", "history-json", "metrics", "metrics-json", "plan", "plan-unit-json"])
def test_reading_commands_read_back_what_they_kept_without_opening_the_workspace(demo_workspace, args):
    first, loaded = _read(*args, "--db", demo_workspace)
    assert "sqlalchemy" in loaded  # the first computes, and keeps what it shows
    again, loaded = _read(*args, "--db", demo_workspace)
    assert again == first
    assert loaded == "loaded:"  # neither SQLAlchemy nor Polars nor pydantic


@pytest.mark.parametrize("args", [[], ["--json"], ["--json", "--unit", "Commerce"], ["--json", "--no-data"]],
                         ids=["terminal", "json", "unit", "no-data"])
def test_scoring_without_recording_reads_the_workspace_once_and_scores_as_recording_does(
        demo, demo_workspace, tmp_path, args):
    answers = str(demo / "answers" / ("2026-06-30-q2.yaml" if "--unit" in args else "2026-09-30-q3.yaml"))
    first, loaded = _read("assess", answers, "--no-record", *args, "--db", demo_workspace)
    assert "sqlalchemy" in loaded  # where the answers stand (the organisation, unit, privacy, evidence) is kept
    again, loaded = _read("assess", answers, "--no-record", *args, "--db", demo_workspace)
    assert again == first
    assert loaded == "loaded: pydantic"  # the model; the workspace not opened, no data computed
    if "--json" in args:  # the same result as scoring it in the opened workspace, which records it
        copy = tmp_path / "copy.db"
        shutil.copy(demo_workspace, copy)
        recorded, _ = _read("assess", answers, *args, "--db", str(copy))
        assert {**json.loads(recorded), "recorded": None} == json.loads(first)


def test_a_recorded_assessment_is_in_the_next_history(demo, demo_workspace, tmp_path):
    from tests.conftest import ok

    before, _ = _read("history", "--json", "--db", demo_workspace)
    answers = tmp_path / "q4.yaml"
    answers.write_text((demo / "answers" / "2026-09-30-q3.yaml").read_text(encoding="utf-8")
                       .replace("date: '2026-09-30'", "date: '2026-10-15'"), encoding="utf-8")
    ok("assess", str(answers), "--db", demo_workspace)
    after, loaded = _read("history", "--json", "--db", demo_workspace)
    assert "sqlalchemy" in loaded  # the workspace changed: computed again
    dates = [a["date"] for a in json.loads(after)["assessments"]]
    assert dates[-1] == "2026-10-15" and len(dates) == len(json.loads(before)["assessments"]) + 1
    assert _read("history", "--json", "--db", demo_workspace)[0] == after


def test_store_quick_reads_only_the_version_now_at_the_head_revision(demo_workspace):
    """store.quick finds what Computed keeps at the version now; not after a change, not in a
    workspace at another schema revision (which opening the workspace would upgrade first)."""
    import sqlite3

    from prodops.store.quick import kept

    with Workspace.open(demo_workspace) as ws:
        ws.computed.put("k", ws.computed.version(), b"kept")
    assert kept(demo_workspace, "k") == b"kept"
    assert kept(demo_workspace, "other") is None
    with Workspace.open(demo_workspace) as ws:
        operations.change_setting(ws, "currency", "EUR", organization=ORG)
    assert kept(demo_workspace, "k") is None
    with Workspace.open(demo_workspace) as ws:
        ws.computed.put("k", ws.computed.version(), b"kept")
    with sqlite3.connect(demo_workspace) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0013'")
    assert kept(demo_workspace, "k") is None
    assert kept(str(demo_workspace) + ".none", "k") is None


def test_what_is_kept_is_compressed_only_when_that_makes_it_smaller():
    import os

    from prodops.store.quick import packed, unpacked

    text, noise = b'{"figures": [1, 2, 3]}' * 1000, os.urandom(100_000)  # a document; a PDF's compressed bytes
    assert packed(text)[:1] == b"z" and len(packed(text)) < len(text) / 10
    assert packed(noise) == b"=" + noise  # kept as it is: unpacking it would cost every download
    assert unpacked(packed(text)) == text and unpacked(packed(noise)) == noise and unpacked(packed(b"")) == b""
