"""`prodops sync jira` against a real HTTP server started here on 127.0.0.1."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import run, run_process
from prodops.core.errors import InputError
from prodops.inputs.sources.jira_sync import Client, sync_board

SPRINTS = [{"id": i, "state": "closed", "name": f"POW Sprint {i}", "startDate": f"2026-0{i}-02T09:00:00.000Z",
            "endDate": f"2026-0{i}-15T17:00:00.000Z", "completeDate": f"2026-0{i}-15T17:30:00.000Z", "originBoardId": 7}
           for i in (1, 2, 3)]


def report(sprint):
    """Shaped like the real greenhopper report: 2 committed (one done), 1 added and done."""
    def issue(key, points):
        return {"key": key, "estimateStatistic": {"statFieldId": "customfield_10030", "statFieldValue": {"value": points}}}
    i = sprint["id"]
    return {"contents": {"completedIssues": [issue(f"POW-{i}1", 5.0), issue(f"POW-{i}3", 1.0)],
                         "issuesNotCompletedInCurrentSprint": [issue(f"POW-{i}2", 3.0)], "puntedIssues": [],
                         "issuesCompletedInAnotherSprint": [], "issueKeysAddedDuringSprint": {f"POW-{i}3": True}},
            "sprint": {**sprint, "isoStartDate": sprint["startDate"], "isoEndDate": sprint["endDate"]}}


class Jira(BaseHTTPRequestHandler):
    failures: ClassVar[dict] = {}  # shared by every request the server hands a new handler
    seen_auth: ClassVar[list] = []

    def log_message(self, *args):
        pass

    def _send(self, status, body=None, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {}).encode())

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        Jira.seen_auth.append(self.headers.get("Authorization"))
        basic = "Basic " + base64.b64encode(b"me@x.io:secret-token").decode()
        if self.headers.get("Authorization") not in ("Bearer secret-token", basic):
            return self._send(401, {"errorMessages": ["Unauthorized"]})
        if url.path == "/rest/agile/1.0/board/7/sprint":
            start = int(q.get("startAt", 0))
            page = SPRINTS[start:start + 2]
            return self._send(200, {"maxResults": 2, "startAt": start, "isLast": start + 2 >= len(SPRINTS), "values": page})
        if url.path == "/rest/greenhopper/latest/rapid/charts/sprintreport":
            sid = int(q["sprintId"])
            status = Jira.failures.pop(sid, None)
            if status:
                return self._send(status, {"error": "try later"}, [("Retry-After", "0")] if status == 429 else [])
            return self._send(200, report(SPRINTS[sid - 1]))
        self._send(404, {"errorMessages": ["not found"]})


@pytest.fixture
def jira():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Jira)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Jira.failures = {2: 429, 3: 503}
    Jira.seen_auth = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_sync_pages_retries_and_reads_every_sprint(jira, monkeypatch):
    progress = []
    client = Client(jira, "secret-token", backoff=0.01)
    rows, sprints = sync_board(client, 7, "POW", lambda done, total, name: progress.append((done, total)))
    assert sprints == 3 and rows.height == 9 and progress[-1] == (3, 3)
    assert not Jira.failures  # the 429 and the 503 were each retried
    assert set(Jira.seen_auth) == {"Bearer secret-token"}


def test_a_synced_sprint_ends_on_the_day_it_was_completed(jira, monkeypatch):
    """Each sprint closed two days before its planned end: it ends that day, from the report's
    isoCompleteDate, or from the sprint list's completeDate where the report has only Jira's
    display form of it."""
    import sys

    early = [{**s, "completeDate": s["endDate"].replace("-15T17:00", "-13T16:00")} for s in SPRINTS]
    here = sys.modules[__name__]
    monkeypatch.setattr(here, "SPRINTS", early)
    Jira.failures = {}
    client = Client(jira, "secret-token", backoff=0.01)
    assert sorted({str(d) for d in sync_board(client, 7, "POW")[0]["end"]}) == ["2026-01-13", "2026-02-13", "2026-03-13"]
    plain = here.report
    monkeypatch.setattr(here, "report", lambda sprint: {**plain(sprint), "sprint": {
        **plain(sprint)["sprint"], "completeDate": "13/Jan/26 4:00 PM"}})  # the display form, and no isoCompleteDate
    assert sorted({str(d) for d in sync_board(client, 7, "POW")[0]["end"]}) == ["2026-01-13", "2026-02-13", "2026-03-13"]


def test_sync_through_the_cli_writes_the_sprints(jira, tmp_path):
    db = str(tmp_path / "w.db")
    env = {"JIRA_TOKEN": "secret-token", "JIRA_EMAIL": "me@x.io"}
    sync = ("sync", "jira", "--organization", "Acme", "--url", jira, "--board", "7", "--team", "POW", "--db", db, "--json")
    p = run(*sync, env=env)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert (doc["sprints"], doc["issues"], doc["new"]) == (3, 9, 3)
    team = json.loads(run("metrics", "predictability", "--db", db, "--json").stdout)["teams"][0]
    # each sprint: committed 5 + 3, completed committed 5, added 1
    assert (team["team"], team["planning_accuracy_pooled"], team["scope_creep_pooled"]) == ("POW", 0.625, 0.125)
    again = json.loads(run(*sync, env=env).stdout)
    assert (again["new"], again["updated"]) == (0, 3)
    assert "secret-token" not in p.stdout + p.stderr
    synced = [json.loads(line) for line in run("audit", "--json-lines", "--db", db).stdout.splitlines()][:2]
    assert [(e["actor"], e["action"], e["subject"], e["detail"]["new"]) for e in synced] == [
        ("command line", "jira synced", "Acme", 3), ("command line", "jira synced", "Acme", 0)]


def test_a_wrong_token_or_none(jira, tmp_path, monkeypatch):
    sync = ("sync", "jira", "--organization", "Acme", "--url", jira, "--board", "7", "--db", str(tmp_path / "w.db"))
    p = run(*sync, env={"JIRA_TOKEN": "wrong", "JIRA_EMAIL": ""})
    assert p.returncode == 2 and "401: Jira refused the token" in p.stderr and "Traceback" not in p.stderr
    p = run(*sync, env={"JIRA_TOKEN": ""})
    assert p.returncode == 2 and "no Jira API token (set $JIRA_TOKEN to an API token" in p.stderr
    assert not (tmp_path / "w.db").exists()


def test_an_unreachable_site_and_too_many_failures(monkeypatch, jira):
    with pytest.raises(InputError, match="cannot reach"):
        Client("http://127.0.0.1:1", "secret-token", retries=1, backoff=0.01).get("/rest/agile/1.0/board/7/sprint")
    Jira.failures = {1: 503}
    with pytest.raises(InputError, match="Jira answered 503"):
        sync_board(Client(jira, "secret-token", retries=0), 7, "POW")


class Hostile(BaseHTTPRequestHandler):
    """A Jira that misbehaves in one way per test: `mode` says which."""
    mode = ""

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        mode = Hostile.mode
        if mode == "retry-after":
            return self._send(429, {}, [("Retry-After", "100000")])
        if mode == "echo":  # an error page that echoes the request, headers and all
            return self._send(400, {"request": dict(self.headers)})
        if mode == "escape":  # an error page that would drive the terminal
            self.send_response(400)
            self.end_headers()
            self.wfile.write(b"\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b[2J")
            return None
        if mode == "slow":
            import time

            time.sleep(3)
        if url.path.endswith("/sprint"):
            if mode == "endless":
                start = int(q.get("startAt", 0))
                return self._send(200, {"isLast": False, "values": [{**SPRINTS[0], "id": start + 1}]})
            if mode == "list-page":
                return self._send(200, [SPRINTS[0]])
            if mode == "no-id":
                return self._send(200, {"isLast": True, "values": [{"name": "Sprint"}]})
            return self._send(200, {"isLast": True, "values": SPRINTS[:1]})
        if mode == "added-list":
            body = report(SPRINTS[0])
            body["contents"]["issueKeysAddedDuringSprint"] = ["POW-13"]
            return self._send(200, body)
        return self._send(200, report(SPRINTS[0]))


@pytest.fixture
def hostile():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode,expected", [
    ("list-page", "not a valid Jira board sprint list: the payload: input should be a valid mapping"),
    ("no-id", "values[0].id: field required"),
    ("added-list", "contents.issueKeysAddedDuringSprint: input should be a valid mapping"),
])
def test_a_malformed_answer_is_refused_with_what_is_wrong(hostile, mode, expected):
    Hostile.mode = mode
    with pytest.raises(InputError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        sync_board(Client(hostile, "secret-token", retries=0), 7, "POW")


@pytest.mark.slow
def test_every_wait_is_bounded(hostile, monkeypatch):
    import time

    from prodops.inputs.sources import jira_sync

    Hostile.mode = "retry-after"  # obeyed up to a minute, then the sync's deadline stops it
    start = time.monotonic()
    with pytest.raises(InputError, match=r"Jira asked to wait 60 seconds .* past the sync's 5-second bound"):
        sync_board(Client(hostile, "secret-token", deadline=5), 7, "POW")
    assert time.monotonic() - start < 5
    Hostile.mode = "endless"  # never says isLast
    monkeypatch.setattr(jira_sync, "MAX_PAGES", 20)
    with pytest.raises(InputError, match="more than 20 pages of sprints without saying it was the last"):
        sync_board(Client(hostile, "secret-token"), 7, "POW")
    Hostile.mode = "slow"  # each answer takes 3 s: one deadline for the whole sync, retries included
    start = time.monotonic()
    with pytest.raises(InputError):
        sync_board(Client(hostile, "secret-token", deadline=2), 7, "POW")
    assert time.monotonic() - start < 4


def test_no_secret_is_shown_or_stored(hostile, tmp_path):
    Hostile.mode = ""
    db = str(tmp_path / "w.db")
    url = hostile.replace("http://", "http://admin:PASS@")
    p = run("sync", "jira", "--organization", "Acme", "--url", url, "--board", "7", "--team", "POW", "--db", db, "--json",
            env={"JIRA_TOKEN": "secret-token"})
    assert p.returncode == 0, p.stderr
    assert "PASS" not in p.stdout + p.stderr and json.loads(p.stdout)["url"] == hostile
    assert "left out" in " ".join(json.loads(p.stdout)["notes"])
    import sqlite3

    assert {s for (s,) in sqlite3.connect(db).execute("select distinct source from sprints")} == {f"{hostile} board 7"}
    trail = run("audit", "--json-lines", "--db", db).stdout
    assert "PASS" not in trail and "secret-token" not in trail and f'"url": "{hostile}"' in trail
    Hostile.mode = "echo"
    p = run_process("sync", "jira", "--organization", "Acme", "--url", hostile, "--board", "7", "--db", db,
                    env={"JIRA_TOKEN": "secret-token"})
    assert p.returncode == 2 and "secret-token" not in p.stderr and "Bearer [hidden]" in p.stderr


def test_an_answer_that_would_drive_the_terminal_is_shown_inert(hostile, tmp_path):
    Hostile.mode = "escape"
    p = run_process("sync", "jira", "--organization", "Acme", "--url", hostile, "--board", "7", "--db", str(tmp_path / "w.db"),
                    env={"JIRA_TOKEN": "t"})
    assert p.returncode == 2 and "Jira answered 400" in p.stderr and "\x1b" not in p.stderr and "\x07" not in p.stderr
