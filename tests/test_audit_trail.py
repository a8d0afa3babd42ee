"""The audit trail as issue 24 asks: what changes who can see what or what leadership reads is
recorded with who did it (a signed-in user, the scheduler, the command line), and shown to admins
(/audit, /audit.jsonl, the API, `prodops audit`) and to no one else, escaped, one line an entry."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from prodops import operations
from prodops.operations.audit import ANONYMOUS, COMMAND_LINE, SCHEDULER, acting, record
from prodops.shells.web import Settings, create_app
from prodops.shells.web.app import Scheduler
from prodops.store import Workspace
from tests.conftest import ok
from tests.test_lifecycle import ALL_MOSTLY
from tests.test_web import MODEL, PASSWORD, api, client, demo_app, serving, sign_in

DAY = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)
SPRINTS = "team,sprint,start,end,unit,committed,completed\nPay,S1,2026-01-01,2026-01-14,points,10,8\n"


@pytest.fixture
def app(db_url):
    yield from serving(db_url)


def done(db: str, since: int = 0) -> list[tuple[str, str, str]]:
    """(actor, action, subject) of the entries after entry #`since`, oldest first."""
    with Workspace.open(db) as ws:
        return [(e.actor, e.action, e.subject) for e in reversed(operations.audit_trail(ws, 1000)) if (e.id or 0) > since]


def last_id(db: str) -> int:
    with Workspace.open(db) as ws:
        return operations.audit_trail(ws, 1)[0].id or 0


# --- what is recorded, by whom ------------------------------------------------------------------

def test_a_signed_in_admin_is_recorded_for_campaigns_exports_settings_and_imports(demo_workspace, clock):
    clock.freeze(DAY)
    app = demo_app(demo_workspace)
    try:
        browser, csrf = sign_in(app)
        since = last_id(demo_workspace)
        made = browser.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q4", "draft": "1",
                                                "privacy": "named", "closes": "2026-12-20"})
        assert made.status_code == 303, made.text
        cid = int(made.headers["location"].rsplit("/", 1)[1])
        with Workspace.open(demo_workspace) as ws:
            token = operations.invite(ws, MODEL, cid, [{"name": "Ana", "role": "pm"}]).issued[0].token
        for move, data in (("schedule", {}), ("extend", {"closes": "2026-12-24"})):
            assert browser.post(f"/campaigns/{cid}/{move}", data={"csrf": csrf, **data}).status_code == 303
        with Workspace.open(demo_workspace) as ws:
            operations.save(ws, MODEL, token, ALL_MOSTLY, {}, submit=True)
        for move, data in (("close", {"confirm": "yes"}), ("reopen", {"closes": "2026-12-22", "reason": "Bo was away"}),
                           ("clone", {"name": "Q1", "draft": "1"})):
            assert browser.post(f"/campaigns/{cid}/{move}", data={"csrf": csrf, **data}).status_code == 303, move
        where = "?name=Northwind%20Cloud"
        for path, data in (("units", {"unit": "Audit squad"}), ("units", {"unit_remove": "Audit squad"}),
                           ("commentary", {"commentary": "Q3 went well."}),
                           ("investments", {"investment": "establish-product-ops", "owner": "Dana"}),
                           ("look", {"brand_name": "Northwind", "accent": "#7a1f5c"}),
                           ("look", {"event_day": "2026-07-01", "event_label": "QBR"}),
                           ("look", {"event_remove": "2026-07-01"})):
            assert browser.post(f"/organization/{path}{where}", data={"csrf": csrf, **data}).status_code == 303, path
        assert browser.get(f"/organization/records.csv{where}&metric=predictability").status_code == 200
        assert browser.get(f"/campaigns/{cid}/records.csv").status_code == 200
        assert browser.post("/imports", data={"csrf": csrf, "kind": "sprint-summary", "organization": "Acme"},
                            files={"file": ("sprints.csv", SPRINTS, "text/csv")}).status_code == 200
        assert browser.post("/people/export", data={"csrf": csrf, "email": "viewer@example.com"}).status_code == 200
        assert browser.post("/people/erase", data={"csrf": csrf, "email": "viewer@example.com",
                                                   "confirm": "1"}).status_code == 200
        recorded = done(demo_workspace, since)
    finally:
        app.state.ws.close()
    c, clone = f"campaign #{cid}", f"campaign #{cid + 1}"
    expected = [("campaign created", c), ("campaign opened", c), ("campaign extended", c), ("campaign closed", c),
                ("campaign reopened", c), ("campaign created", clone), ("campaign cloned", clone),
                ("unit declared", "Northwind Cloud"), ("unit removed", "Northwind Cloud"),
                ("commentary set", "Northwind Cloud"), ("investment changed", "Northwind Cloud"),
                ("brand changed", "Northwind Cloud"), ("event added", "Northwind Cloud"),
                ("events removed", "Northwind Cloud"), ("records exported", "Northwind Cloud"),
                ("records exported", c), ("data imported", "Acme"), ("person exported", "viewer@example.com"),
                ("person erased", "viewer@example.com")]
    assert [(a, s) for _, a, s in recorded] == expected
    assert {who for who, _, _ in recorded} == {"admin@example.com"}


def test_the_detail_holds_no_answers_secrets_or_passwords(demo_workspace, clock):
    clock.freeze(DAY)
    with Workspace.open(demo_workspace) as ws:
        operations.add_user(ws, "ann@example.com", "admin", PASSWORD)
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", threshold=None,
                                          webhook="https://hooks.example/secret-path")
        token = operations.invite(ws, MODEL, made.id, [{"name": "Ana", "role": "pm"}]).issued[0].token
        operations.save(ws, MODEL, token, ALL_MOSTLY, {MODEL.criteria[0].id: "our private note"}, submit=True)
        operations.close(ws, MODEL, made.id)
        _, api_token = operations.create_token(ws, "ann@example.com")
        lines = "".join(operations.audit_lines(ws))
    for secret in (PASSWORD, "secret-path", token, api_token, "our private note", "Mostly"):
        assert secret not in lines


def test_the_scheduler_is_recorded_for_what_it_opens_and_closes(tmp_path, clock):
    clock.freeze(DAY)
    db = str(tmp_path / "s.db")
    with Workspace.open(db) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", opens=DAY.date() + dt.timedelta(days=1),
                                          closes=DAY.date() + dt.timedelta(days=3), threshold=None)
    since = last_id(db)
    app = create_app(Settings(db=db, tick_seconds=0))
    scheduler = Scheduler(app, 60)  # its ticks taken here, not on a thread's timer (faketime upsets timed waits)
    try:
        clock.freeze(DAY + dt.timedelta(days=2))  # past its opening day in every time zone (UTC-12 to UTC+14)
        scheduler.tick()
        assert (SCHEDULER, "campaign opened", f"campaign #{made.id}") in done(db, since)
        clock.freeze(DAY + dt.timedelta(days=5))
        scheduler.tick()
        assert (SCHEDULER, "campaign closed", f"campaign #{made.id}") in done(db, since)  # no one answered
    finally:
        app.state.ws.close()


def test_the_command_line_is_recorded_as_itself(demo_workspace, tmp_path, clock):
    clock.freeze(DAY)
    db = demo_workspace
    since = last_id(db)
    (tmp_path / "s.csv").write_text(SPRINTS)
    (tmp_path / "c.md").write_text("Q3 went well.\n")
    org = ("--organization", "Northwind Cloud", "--db", db)
    ok("import", "sprint-summary", str(tmp_path / "s.csv"), *org)
    ok("settings", "hourly_rate", "95", *org)
    ok("events", "add", "2026-07-01", "QBR", *org)
    ok("units", "add", "Audit squad", *org)
    ok("commentary", "set", str(tmp_path / "c.md"), *org)
    ok("investments", "set", "establish-product-ops", "--owner", "Dana", *org)
    ok("people", "export", "someone@example.com", "--db", db)
    ok("people", "erase", "someone@example.com", "--yes", "--db", db)
    recorded = done(db, since)
    assert [a for _, a, _ in recorded] == ["data imported", "setting changed", "event added", "unit declared",
                                           "commentary set", "investment changed", "person exported", "person erased"]
    assert {who for who, _, _ in recorded} == {COMMAND_LINE}
    with Workspace.open(db) as ws:
        setting = next(e for e in operations.audit_trail(ws, 20) if e.action == "setting changed")
    assert setting.detail == {"key": "hourly_rate", "value": "95.0", "unit": None}  # as kept


def test_retention_is_recorded_by_whoever_applies_it(tmp_path, clock):
    clock.freeze(DAY)
    db = str(tmp_path / "r.db")
    with Workspace.open(db) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", threshold=None)
        token = operations.invite(ws, MODEL, made.id, [{"name": "Ana", "role": "pm"}]).issued[0].token
        operations.save(ws, MODEL, token, ALL_MOSTLY, {}, submit=True)
        operations.close(ws, MODEL, made.id)
        operations.change_setting(ws, "answers_retention_days", "1", "Acme")
    since = last_id(db)
    clock.freeze(DAY + dt.timedelta(days=3))
    ok("people", "retention", "--db", db)
    assert done(db, since) == [(COMMAND_LINE, "people forgotten (retention)", f"campaign #{made.id}")]


# --- shown to admins alone ----------------------------------------------------------------------

def test_only_admins_read_the_trail(app):
    # guards: the admin dependency on /audit, /audit.jsonl and GET /api/v1/audit
    viewer, _ = sign_in(app, "viewer@example.com")
    with Workspace.open(app.state.settings.db) as ws:
        viewer_token = operations.create_token(ws, "viewer@example.com", scope="role")[1]
    for path in ("/audit", "/audit.jsonl", "/api/v1/audit"):
        assert viewer.get(path).status_code == 403, path
        assert api(app, viewer_token).get(path).status_code == 403, path
        assert client(app).get(path).status_code in (303, 401), path  # signed out: sign in first
    admin, _ = sign_in(app)
    page = admin.get("/audit")
    assert page.status_code == 200 and 'href="/audit"' in page.text and "Download JSON lines" in page.text
    assert 'href="/audit"' not in viewer.get("/campaigns").text  # not offered to viewers


HOSTILE = '<script>alert(1)</script>\r\n{"action": "forged", "actor": "admin@example.com"}\u2028x@evil.example'


def test_a_hostile_subject_is_escaped_and_cannot_forge_a_line(app):
    # guards: Jinja2's escaping on /audit, json.dumps plus the line separators' escapes in audit_lines
    # recorded as a subject can be (a name, an e-mail a provider vouches for); a stranger's typed
    # e-mail is no longer one (tests/test_passwords.py: "(not a user)"), so it is put there directly
    with Workspace.open(app.state.settings.db) as ws, acting(ANONYMOUS, "192.0.2.1"):
        record(ws, "sign-in failed", HOSTILE.strip().lower())
    admin, _ = sign_in(app)
    page = admin.get("/audit").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    exported = admin.get("/audit.jsonl")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/jsonl")
    lines = exported.text.splitlines()  # splits at \u2028 too: none may be left raw
    entries = [json.loads(line) for line in lines]
    assert len(entries) == len(exported.text.split("\n")) - 1  # one entry a line, ending in a line break
    assert [e["action"] for e in entries if e["action"] == "forged"] == []
    failed = next(e for e in entries if e["action"] == "sign-in failed")
    assert failed["subject"] == HOSTILE.strip().lower() and failed["actor"] == "anonymous"
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids) and entries[-1]["action"] == "audit trail exported"  # oldest first
    assert entries[-1]["actor"] == "admin@example.com"


def test_the_page_is_paged_by_id_and_filtered(app, clock):
    db = app.state.settings.db
    with Workspace.open(db) as ws:
        for n in range(230):
            with acting("scheduler" if n % 2 else "ann@example.com"):
                operations.record(ws, "campaign opened" if n % 3 else "unit removed", f"campaign #{n}")
    admin, _ = sign_in(app)
    first = admin.get("/audit").text
    rows = re.findall(r'<tr role="row" id="entry-(\d+)"', first)
    assert len(rows) == 100 and rows == sorted(rows, key=int, reverse=True)  # newest first
    assert "7 December 2026 at 23:50 UTC" in first  # the page's own words for an instant
    older = html.unescape(re.search(r'href="(/audit\?before=\d+)"', first).group(1))
    second = re.findall(r'<tr role="row" id="entry-(\d+)"', admin.get(older).text)
    assert len(second) == 100 and int(second[0]) == int(rows[-1]) - 1
    filtered = admin.get("/audit", params={"action": "unit removed", "actor": "ANN@example.com"}).text
    shown = re.findall(r'<td role="cell" data-label="To what" class="text">campaign #(\d+)</td>', filtered)
    assert shown and all(int(n) % 3 == 0 and int(n) % 2 == 0 for n in shown)
    assert len(shown) == len([n for n in range(230) if n % 3 == 0 and n % 2 == 0])
    assert 'value="ANN@example.com"' in filtered or 'value="ann@example.com"' in filtered
    from_api = api(app, _admin_token(app)).get("/api/v1/audit", params={"limit": 5, "actor": "scheduler"}).json()
    assert len(from_api) == 5 and {e["actor"] for e in from_api} == {"scheduler"}
    before = api(app, _admin_token(app)).get("/api/v1/audit", params={"limit": 1, "before": from_api[-1]["id"]}).json()
    assert before[0]["id"] < from_api[-1]["id"]


def _admin_token(app) -> str:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_token(ws, "admin@example.com", scope="read")[1]


def test_prodops_audit_prints_the_trail(tmp_path):
    db = str(tmp_path / "a.db")
    ok("users", "add", "ann@example.com", "--role", "viewer", "--db", db)
    ok("users", "add", "bob@example.com", "--role", "viewer", "--db", db)
    newest = ok("audit", "--limit", "1", "--db", db).stdout.splitlines()
    assert len(newest) == 1 and newest[0].endswith("command line\t-\tuser added\tbob@example.com")
    lines = [json.loads(line) for line in ok("audit", "--json-lines", "--db", db).stdout.splitlines()]
    assert [(e["action"], e["subject"]) for e in lines] == [
        ("user added", "ann@example.com"), ("user added", "bob@example.com"), ("audit trail exported", "")]
