"""No state in a process: two `prodops serve` instances over one real PostgreSQL serve one
respondent who switches between them mid-form and one admin session; autosaves of one answer at
once; a close while answers arrive; invite links by e-mail through a real SMTP server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from prodops import operations
from prodops.inputs.models import load_model
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in
from tests.pgserver import free_port as _free_port

pytestmark = pytest.mark.slow  # real servers under load: seconds a test


MODEL = load_model()
CRITERIA = list(MODEL.criterion)
PASSWORD = "correct horse battery staple"


def start_instance(db_url: str, port: int, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PRODOPS_DATABASE_URL": db_url}
    return subprocess.Popen([sys.executable, "-m", "prodops", "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server on {port} stopped: {process.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"the server on {port} did not start")


def test_two_instances_over_postgresql_lose_nothing(postgres_url):
    # Both start at once on an empty database: the schema is made once, under a lock.
    ports = [_free_port(), _free_port()]
    instances = [start_instance(postgres_url, port) for port in ports]
    try:
        for port, process in zip(ports, instances):
            wait_up(port, process)
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        with Workspace.open(postgres_url) as ws:
            operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
            with ws.engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar_one() == 1
        # the admin signs in on A and carries on on B; signing out on B ends it on A
        admin = httpx.Client(base_url=a, follow_redirects=False)
        admin.post("/login", data={"csrf": csrf_in(admin.get("/login").text), "email": "admin@example.com",
                                   "password": PASSWORD})
        csrf = csrf_in(admin.get("/campaigns").text)
        made = httpx.post(f"{b}/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q4"},
                          cookies=admin.cookies, follow_redirects=False)
        assert made.status_code == 303, made.text
        cid = int(made.headers["location"].rsplit("/", 1)[1])
        page = httpx.post(f"{a}/campaigns/{cid}/invites", data={"csrf": csrf, "name": "Ana", "role": "pm"}, cookies=admin.cookies)
        token = re.search(r'value="http://[^"]+/r/([^"]+)"', page.text).group(1)
        # the respondent switches instance on every answer
        form_csrf = csrf_in(httpx.get(f"{a}/r/{token}/1").text)
        for i, cid_ in enumerate(CRITERIA):
            host = (a, b)[i % 2]
            saved = httpx.post(f"{host}/r/{token}/save/{cid_}", data={f"answer-{cid_}": "Mostly"},
                               headers={"X-CSRF-Token": form_csrf})
            assert saved.status_code == 200 and "Saved" in saved.text, saved.text
        assert httpx.post(f"{b}/r/{token}/submit", data={"csrf": form_csrf}).status_code == 200
        dashboard = httpx.get(f"{b}/campaigns/{cid}", cookies=admin.cookies)
        assert "<strong>1</strong> submitted" in dashboard.text
        with Workspace.open(postgres_url) as ws:
            assert operations.form(ws, token).invite.answered == 52
        assert httpx.post(f"{b}/logout", data={"csrf": csrf}, cookies=admin.cookies).status_code == 303
        assert httpx.get(f"{a}/campaigns", cookies=admin.cookies).status_code == 303  # signed out everywhere
    finally:
        for process in instances:
            process.terminate()
            process.wait(20)


@pytest.fixture
def app(db_url):
    made = create_app(Settings(db=db_url))
    yield made
    made.state.ws.close()


def test_autosaves_of_one_answer_at_once_leave_one_row_and_no_error(app, db_url):
    from fastapi.testclient import TestClient

    with Workspace.open(db_url) as ws:
        campaign = operations.create_campaign(ws, MODEL, "Acme", "Q4")
        token = operations.invite(ws, MODEL, campaign.id, [{"name": "Ana", "role": "pm"}]).issued[0].token
    labels = [p.label for p in MODEL.answer_scale]
    client = TestClient(app)

    def put(i: int) -> int:
        return client.put(f"/api/v1/respond/{token}", json={"answers": {CRITERIA[0]: labels[i % len(labels)]},
                                                             "notes": {CRITERIA[0]: f"note {i}"}}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(put, range(40)))
    assert codes == [200] * 40
    with Workspace.open(db_url) as ws, ws.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT value, note FROM invite_answers").all()
    assert len(rows) == 1 and rows[0].note.startswith("note ")


def test_a_close_while_answers_arrive_keeps_every_answer_saved_before_it(app, db_url):
    from fastapi.testclient import TestClient

    with Workspace.open(db_url) as ws:
        # named: the recorded answers are found by who gave them
        campaign = operations.create_campaign(ws, MODEL, "Acme", "Q4", threshold=None)
        people = [{"name": f"P{n}", "role": "pm"} for n in range(4)]
        tokens = [i.token for i in operations.invite(ws, MODEL, campaign.id, people).issued]
        for t in tokens:
            operations.save(ws, MODEL, t, dict.fromkeys(CRITERIA, "No"), submit=True)
    client = TestClient(app)
    labels = [p.label for p in MODEL.answer_scale]
    last_saved: dict[str, dict[str, str]] = {}
    refused: list[str] = []
    stop = threading.Event()

    def keep_answering(n: int) -> None:
        token, i = tokens[n], 0
        while not stop.is_set() and i < 400:
            criterion, label = CRITERIA[i % len(CRITERIA)], labels[(i + n) % len(labels)]
            answer = client.put(f"/api/v1/respond/{token}", json={"answers": {criterion: label}, "submit": True})
            if answer.status_code == 200:
                last_saved.setdefault(f"P{n}", {})[criterion] = label
            else:
                assert answer.status_code == 404 and "closed" in answer.json()["error"], answer.text
                refused.append(token)
                return
            i += 1

    threads = [threading.Thread(target=keep_answering, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    with Workspace.open(db_url) as ws:
        closed = operations.close(ws, MODEL, campaign.id)
    stop.set()
    for t in threads:
        t.join(30)
    with Workspace.open(db_url) as ws:
        recorded = {r.id: r for r in ws.responses(closed.recorded.id).respondents}
    value = {p.label: p.value for p in MODEL.answer_scale}
    for person, answers in last_saved.items():
        for criterion, label in answers.items():
            assert recorded[person].answers[criterion] == value[label], (person, criterion)
    assert len(refused) == 4  # every writer still running met the close


def test_invite_links_are_sent_through_a_real_smtp_server(tmp_path):
    from aiosmtpd.controller import Controller
    from fastapi.testclient import TestClient

    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    port = _free_port()
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=port)
    smtp.start()
    db = str(tmp_path / "mail.db")
    try:
        with Workspace.open(db) as ws:
            operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
            cid = operations.create_campaign(ws, MODEL, "Acme", "Q4").id
        app = create_app(Settings(db=db, smtp=f"smtp://127.0.0.1:{port}", mail_from="ops@acme.example"))
        browser = TestClient(app, follow_redirects=False)
        browser.post("/login", data={"csrf": csrf_in(browser.get("/login").text), "email": "admin@example.com",
                                     "password": PASSWORD})
        csrf = csrf_in(browser.get(f"/campaigns/{cid}").text)
        people = "name,email,role,team\nAna,ana@acme.example,pm,Pay\nBo,,engineering,Pay\n"
        page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, "send": "1"},
                            files={"file": ("people.csv", people, "text/csv")})
        assert page.status_code == 200 and "1 e-mail sent" in page.text
        assert len(received) == 1 and received[0][0] == ["ana@acme.example"]
        link = re.search(r"(http://testserver/r/\S+)", received[0][1]).group(1)
        assert browser.get(link.replace("http://testserver", "")).status_code == 200
        app.state.ws.close()
    finally:
        smtp.stop()


def test_a_respondent_reading_for_seconds_keeps_their_connection(tmp_path):
    """A person reads a statement before tapping the next answer: `prodops serve` keeps an idle
    connection open longer than that (uvicorn alone closes it after 5 s, and a save sent just then
    fails)."""
    import socket

    port = _free_port()
    process = start_instance(f"sqlite:///{tmp_path / 'w.db'}", port)
    try:
        wait_up(port, process)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            stream = conn.makefile("rb")

            def answered() -> bytes:  # one whole response: status line, headers, the body they announce
                conn.sendall(f"GET /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                status, length = stream.readline(), 0
                while (line := stream.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                stream.read(length)
                return status

            assert answered().startswith(b"HTTP/1.1 200")
            time.sleep(6)  # reading the next statement
            assert answered().startswith(b"HTTP/1.1 200")  # the same connection still serves
    finally:
        process.terminate()
        process.wait(30)
