"""The web app through FastAPI's TestClient (real HTTP handling, a real workspace): campaigns,
invites, the respondent's form with and without JavaScript, the API, and each protection with a
test that fails when it is taken away."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from prodops import operations
from prodops.core.errors import InputError
from prodops.inputs.models import load_model
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in

MODEL = load_model()
CRITERIA = list(MODEL.criterion)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "web.db")


def serving(db: str):
    """The web app on the workspace `db`, with an admin and a viewer (a fixture's body: it yields the app)."""
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    made = create_app(Settings(db=db))
    yield made
    made.state.ws.close()


@pytest.fixture
def app(db):
    yield from serving(db)


def client(app, **kw) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False, **kw)


def sign_in(app, email="admin@example.com", password=PASSWORD) -> tuple[TestClient, str]:
    """A browser signed in: (client, its CSRF token)."""
    browser = client(app)
    page = browser.get("/login")
    token = csrf_in(page.text)
    answer = browser.post("/login", data={"csrf": token, "email": email, "password": password})
    assert answer.status_code == 303, answer.text
    campaigns = browser.get("/campaigns")
    return browser, csrf_in(campaigns.text)


def new_campaign(app, **kw) -> int:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_campaign(ws, MODEL, kw.pop("organization", "Acme"), kw.pop("name", "Q4"), **kw).id


def invite(app, campaign_id: int, *people: dict) -> list[str]:
    with Workspace.open(app.state.settings.db) as ws:
        return [i.token for i in operations.invite(ws, MODEL, campaign_id, list(people)).issued]


# --- signing in, sessions -----------------------------------------------------------------------

def test_sign_in_sets_a_session_cookie_that_is_httponly_and_samesite_lax(app):
    browser = client(app)
    token = csrf_in(browser.get("/login").text)
    answer = browser.post("/login", data={"csrf": token, "email": "ADMIN@example.com", "password": PASSWORD})
    assert answer.status_code == 303 and answer.headers["location"] == "/campaigns"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("prodops_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT id_hash FROM sessions")).scalars().all()
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(stored) == 1 and value not in stored[0]  # only the hash is kept


def test_cookies_are_secure_behind_tls(db, app):
    secure_app = create_app(Settings(db=db, secure_cookies=True))
    page = client(secure_app).get("/login")
    assert "Secure" in page.headers["set-cookie"]
    secure_app.state.ws.close()


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app):
    browser = client(app)
    token = csrf_in(browser.get("/login").text)
    wrong = browser.post("/login", data={"csrf": token, "email": "admin@example.com", "password": "nope nope nope"})
    unknown = browser.post("/login", data={"csrf": token, "email": "who@example.com", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "wrong e-mail or password" in wrong.text and "wrong e-mail or password" in unknown.text


def test_login_without_its_csrf_token_is_refused(app):
    browser = client(app)
    browser.get("/login")
    answer = browser.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert answer.status_code == 403
    assert "prodops_session" not in answer.headers.get("set-cookie", "")


def test_logging_in_too_often_is_limited_for_every_worker(app, db, clock):  # the clock: no delay ends mid-test
    browser = client(app)
    token = csrf_in(browser.get("/login").text)
    codes = [browser.post("/login", data={"csrf": token, "email": "admin@example.com", "password": "wrong password"}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]  # five free failures, then a delay (tests/test_passwords.py)
    # the count is in the workspace: another app (worker) over it refuses too from this client, even the
    # right password, while the delay runs
    other = create_app(Settings(db=db))
    second = client(other)
    token = csrf_in(second.get("/login").text)
    answer = second.post("/login", data={"csrf": token, "email": "admin@example.com", "password": PASSWORD})
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    other.state.ws.close()


def test_signing_out_ends_the_session_for_good(app):
    browser, csrf = sign_in(app)
    cookie = browser.cookies.get("prodops_session")
    assert browser.post("/logout", data={"csrf": csrf}).status_code == 303
    thief = client(app)
    thief.cookies.set("prodops_session", cookie)
    assert thief.get("/campaigns").status_code == 303  # to the login page


def test_an_idle_session_ends(app, db, clock):
    from prodops.operations.access import SESSION_IDLE

    browser, _ = sign_in(app)
    clock.freeze(clock.now() + SESSION_IDLE - dt.timedelta(minutes=1))
    assert browser.get("/campaigns").status_code == 200  # used within the idle time: it goes on
    clock.freeze(clock.now() + SESSION_IDLE + dt.timedelta(seconds=1))
    assert browser.get("/campaigns").status_code == 303


def test_every_session_ends_after_its_life(app, clock):
    from prodops.operations.access import SESSION_IDLE, SESSION_LIFE

    browser, _ = sign_in(app)
    for _ in range(SESSION_LIFE // SESSION_IDLE):  # in use all along
        clock.freeze(clock.now() + SESSION_IDLE - dt.timedelta(minutes=1))
        assert browser.get("/campaigns").status_code == 200
    clock.freeze(clock.now() + SESSION_IDLE - dt.timedelta(minutes=1))
    assert browser.get("/campaigns").status_code == 303


# --- CSRF, roles, headers -----------------------------------------------------------------------

def test_a_post_without_the_csrf_token_is_refused(app):
    browser, csrf = sign_in(app)
    refused = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4"})
    assert refused.status_code == 403
    accepted = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4", "csrf": csrf})
    assert accepted.status_code == 303
    with Workspace.open(app.state.settings.db) as ws:
        assert len(operations.list_campaigns(ws)) == 1


def test_an_htmx_post_carries_the_token_in_a_header(app):
    browser, csrf = sign_in(app)
    answer = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 303


def test_a_cross_site_post_is_refused_even_with_the_token(app):
    browser, csrf = sign_in(app)
    answer = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4", "csrf": csrf},
                          headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    for where in ("cross-site", "same-site"):  # same-site: a sibling subdomain is another origin
        answer = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4", "csrf": csrf},
                              headers={"Sec-Fetch-Site": where, "Origin": "null"})
        assert answer.status_code == 403
    # our own pages send no referrer, so their posts carry Origin: null with Sec-Fetch-Site: same-origin
    answer = browser.post("/campaigns", data={"organization": "Acme", "name": "Q4", "csrf": csrf},
                          headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"})
    assert answer.status_code == 303


def test_a_viewer_changes_nothing(app):
    cid = new_campaign(app)
    invite(app, cid, {"name": "Ana", "role": "pm"})
    browser, csrf = sign_in(app, "viewer@example.com")
    assert browser.get(f"/campaigns/{cid}").status_code == 200
    for path, data in [("/campaigns", {"organization": "X", "name": "Y"}), (f"/campaigns/{cid}/invites", {"role": "pm"}),
                       (f"/campaigns/{cid}/close", {}), (f"/campaigns/{cid}/invites/1/revoke", {}),
                       (f"/campaigns/{cid}/invites/1/reissue", {}), ("/users", {"email": "x@y.z", "role": "admin"})]:
        assert browser.post(path, data={**data, "csrf": csrf}).status_code == 403, path
    assert browser.get("/imports").status_code == 403
    page = browser.get(f"/campaigns/{cid}").text
    assert "Close and record" not in page and "Invite everyone" not in page


def test_every_response_carries_the_security_headers(app):
    for path in ("/login", "/r/" + "x" * 43, "/api/openapi.json", "/static/app.css"):
        headers = client(app).get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
    assert client(app).get("/login").headers["cache-control"] == "no-store"


def test_pages_carry_no_inline_script_or_style(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    browser, _ = sign_in(app)
    for page in (browser.get(f"/campaigns/{cid}").text, client(app).get(f"/r/{token}/1").text, browser.get("/campaigns").text):
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert "<style" not in page and " style=" not in page and " on" not in re.sub(r"\bon[a-z]*=", "", "")
        assert not re.search(r"\son[a-z]+=", page)


def test_htmx_is_served_from_the_package(app):
    script = client(app).get("/static/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]
    page = client(app).get("/login").text
    assert '<script src="/static/htmx.min.js"' in page and "https://" not in re.sub(r'href="https?://[^"]*"', "", page)


# --- campaigns and the respondent's form ------------------------------------------------------

def test_an_admin_creates_a_campaign_invites_and_sees_the_link_once(app):
    browser, csrf = sign_in(app)
    made = browser.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q4 check", "closes": "2030-01-31",
                                            "target-pm": "3"})
    cid = int(made.headers["location"].rsplit("/", 1)[1])
    page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, "name": "Ana", "email": "ana@example.com", "role": "pm"})
    assert page.status_code == 200
    links = re.findall(r'value="(http://testserver/r/[^"]+)"', page.text)
    assert len(links) == 1
    token = links[0].rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        dump = "\n".join(str(r) for t in ("invites", "campaigns") for r in conn.execute(sa.text(f"SELECT * FROM {t}")))
    assert token not in dump  # stored only as a hash
    again = browser.get(f"/campaigns/{cid}").text
    assert token not in again and "Ana" in again


def test_a_new_campaign_opens_on_the_utc_day_whatever_the_servers_time_zone(app, clock, local_zone):
    local_zone("Etc/GMT-14")  # at 23:50 UTC the server's own calendar (UTC+14) says tomorrow
    browser, csrf = sign_in(app)
    assert 'name="opens" type="date" value="2026-12-07"' in browser.get("/campaigns").text
    made = browser.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q4"})
    with Workspace.open(app.state.settings.db) as ws:
        assert operations.campaign(ws, int(made.headers["location"].rsplit("/", 1)[1])).opens == dt.date(2026, 12, 7)


def test_invitees_from_a_csv_get_row_level_messages_like_the_command_line(app):
    cid = new_campaign(app)
    browser, csrf = sign_in(app)
    bad = "name,email,role,team\nAna,ana@example.com,pm,Pay\nBo,bo@example.com,wizard,Pay\nCy,cy@example.com,pm,\x1b[31mX\n"
    page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf}, files={"file": ("people.csv", bad, "text/csv")})
    assert page.status_code == 422
    assert "control character" in page.text and "row 4" in page.text
    good = "name,email,role,team\nAna,ana@example.com,pm,Pay\nBo,bo@example.com,engineering,Pay\n"
    page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf}, files={"file": ("people.csv", good, "text/csv")})
    assert page.status_code == 200 and len(re.findall(r'value="http://testserver/r/', page.text)) == 2
    unknown_role = "name,role\nZed,wizard\n"
    page = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf}, files={"file": ("p.csv", unknown_role, "text/csv")})
    assert page.status_code == 422 and "unknown role" in page.text
    with Workspace.open(app.state.settings.db) as ws:
        assert len(operations.list_invites(ws, cid)) == 2  # nothing half-invited


def test_the_form_saves_each_answer_and_resumes_where_it_was_left(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    phone = client(app)
    start = phone.get(f"/r/{token}")
    assert start.status_code == 200 and "Start" in start.text
    page = phone.get(f"/r/{token}/1").text
    csrf = csrf_in(page)
    first = [c.id for c in MODEL.criteria if c.dimension == MODEL.dimensions[0].id]
    saved = phone.post(f"/r/{token}/save/{first[0]}", data={f"answer-{first[0]}": "Fully", f"note-{first[0]}": "wiki/org"},
                       headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert saved.status_code == 200 and "Saved" in saved.text and "1 of 52 answered" in saved.text
    # a new visit (the tab closed) resumes on the first page with something unanswered
    again = client(app).get(f"/r/{token}")
    assert again.status_code == 303 and again.headers["location"] == f"/r/{token}/1"
    page = client(app).get(f"/r/{token}/1").text
    assert re.search(rf'name="answer-{first[0]}" value="Fully" checked', page) and "wiki/org" in page


def test_the_form_works_without_javascript(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    phone = client(app)
    csrf = csrf_in(phone.get(f"/r/{token}/1").text)
    pages = [d for d in MODEL.dimensions if any(c.dimension == d.id for c in MODEL.criteria)]
    for n, dim in enumerate(pages, 1):
        data = {"csrf": csrf, "go": "next"}
        data |= {f"answer-{c.id}": "Partly" for c in MODEL.criteria if c.dimension == dim.id}
        answer = phone.post(f"/r/{token}/{n}", data=data)
        assert answer.status_code == 303
    assert answer.headers["location"] == f"/r/{token}/review"
    review = phone.get(f"/r/{token}/review").text
    assert "Every statement is answered" in review
    done = phone.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert done.status_code == 200 and "Thank you" in done.text
    with Workspace.open(app.state.settings.db) as ws:
        assert operations.list_invites(ws, cid)[0].submitted_at is not None


def test_a_bad_answer_posted_without_javascript_saves_nothing_and_says_why(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    phone = client(app)
    csrf = csrf_in(phone.get(f"/r/{token}/1").text)
    first = [c.id for c in MODEL.criteria if c.dimension == MODEL.dimensions[0].id]
    page = phone.post(f"/r/{token}/1", data={"csrf": csrf, f"answer-{first[0]}": "Fully", f"answer-{first[1]}": "Maybe"})
    assert page.status_code == 422 and "not on the answer scale" in page.text
    with Workspace.open(app.state.settings.db) as ws:
        assert operations.form(ws, token).given == {}


def test_the_review_lists_what_is_unanswered(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA[1:], "Fully"))
    review = client(app).get(f"/r/{token}/review").text
    assert "1 statement is not answered yet" in review and MODEL.criterion[CRITERIA[0]].text in html.unescape(review)


def test_a_respondent_post_without_the_form_token_is_refused(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    answer = client(app).post(f"/r/{token}/save/{CRITERIA[0]}", data={f"answer-{CRITERIA[0]}": "Fully"})
    assert answer.status_code == 403
    with Workspace.open(app.state.settings.db) as ws:
        assert operations.form(ws, token).given == {}


def test_one_respondent_cannot_read_or_write_another_ones_answers(app):
    cid = new_campaign(app)
    a, b = invite(app, cid, {"name": "Ana", "role": "pm"}, {"name": "Bo", "role": "pm"})
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, b, {CRITERIA[0]: "Fully"}, {CRITERIA[0]: "Bo's secret evidence"})
    seen = client(app).get(f"/api/v1/respond/{a}").json()
    assert seen["answers"] == {} and "secret" not in str(seen)
    assert "secret" not in client(app).get(f"/r/{a}/1").text
    # A's form token does not let A post into B's form
    csrf_a = csrf_in(client(app).get(f"/r/{a}/1").text)
    answer = client(app).post(f"/r/{b}/save/{CRITERIA[0]}", data={f"answer-{CRITERIA[0]}": "No"},
                              headers={"X-CSRF-Token": csrf_a})
    assert answer.status_code == 403
    client(app).put(f"/api/v1/respond/{a}", json={"answers": {CRITERIA[0]: "No"}})
    with Workspace.open(app.state.settings.db) as ws:
        assert operations.form(ws, b).given[CRITERIA[0]].value == 1.0


def test_a_revoked_or_closed_link_opens_nothing(app):
    cid = new_campaign(app)
    a, b = invite(app, cid, {"name": "Ana", "role": "pm"}, {"name": "Bo", "role": "pm"})
    with Workspace.open(app.state.settings.db) as ws:
        operations.revoke(ws, cid, operations.list_invites(ws, cid)[0].id)
        operations.save(ws, MODEL, b, {CRITERIA[0]: "Fully"}, submit=True)
        operations.close(ws, MODEL, cid)
    for token in (a, b):
        assert client(app).get(f"/r/{token}").status_code == 404
        assert client(app).put(f"/api/v1/respond/{token}", json={"answers": {CRITERIA[0]: "Fully"}}).status_code == 404


def test_guessing_invite_links_is_limited(app, clock):  # the clock: no window ends mid-test
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    guesser = client(app)
    codes = [guesser.get(f"/r/{'A' * 42}{i % 10}").status_code for i in range(31)]
    assert codes[:30] == [404] * 30 and codes[30] == 429
    assert guesser.get(f"/r/{token}").status_code == 200  # a right link always opens: no lockout behind one address


def test_hostile_text_is_shown_escaped_on_the_dashboard(app):
    cid = new_campaign(app, organization="<b>Acme</b>", threshold=None)  # named: names and notes shown while open
    token = invite(app, cid, {"name": "<script>alert(1)</script>", "role": "pm", "team": "<img src=x onerror=alert(2)>"})[0]
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, token, {CRITERIA[0]: "Fully"}, {CRITERIA[0]: '<a href="javascript:alert(3)">x</a>'},
                        submit=True)
    browser, _ = sign_in(app)
    page = browser.get(f"/campaigns/{cid}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and '<a href="javascript' not in page and "&lt;a href=" in page
    assert "<b>Acme</b>" not in page


def test_the_dashboard_shows_rates_the_result_and_who_is_waiting(app):
    cid = new_campaign(app, targets={"pm": 2}, threshold=None)  # named: the result as it stands, and who
    a, _, c = invite(app, cid, {"name": "Ana", "role": "pm", "team": "Pay"}, {"name": "Bo", "role": "pm", "team": "Pay"},
                     {"name": "Cy", "role": "engineering", "team": "Growth"})
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, a, dict.fromkeys(CRITERIA, "Fully"), submit=True)
        operations.save(ws, MODEL, c, {CRITERIA[0]: "Fully"})
    browser, _ = sign_in(app, "viewer@example.com")
    page = browser.get(f"/campaigns/{cid}").text
    assert "<strong>1</strong> submitted of 3 invited (33%)" in page
    assert "Toward the targets: <strong>1</strong> of 2 wanted (50%)" in page  # each role up to its target
    assert "Level 5" in page and "one respondent" in page  # the warning of a single respondent
    assert "Bo · pm · Pay" in page and "Cy · engineering · Growth · started (1 answered)" in page
    live = browser.get(f"/campaigns/{cid}/progress").text
    assert 'hx-trigger="every 5s"' in live and "Response rate by team" in live


# --- closing records the assessment as `prodops assess` would ---------------------------------

def test_closing_records_the_same_assessment_as_the_answers_file(app, tmp_path, db, clock):
    from prodops.inputs.answers import dump_yaml, responses_document
    from prodops.core.assessment import result_document
    from tests.conftest import run

    cid = new_campaign(app, organization="Acme", closes=dt.date(2030, 1, 31))
    people = [{"name": f"P{i}", "role": role, "team": "Pay"} for i, role in enumerate(["pm", "pm", "engineering", "design"])]
    tokens = invite(app, cid, *people)
    scale = [p.label for p in MODEL.answer_scale] + ["N/A"]
    with Workspace.open(db) as ws:
        for n, token in enumerate(tokens[:3]):
            operations.save(ws, MODEL, token, {c: scale[(i + n) % len(scale)] for i, c in enumerate(CRITERIA)},
                            {CRITERIA[n]: f"note {n}"}, submit=True)
        operations.save(ws, MODEL, tokens[3], {CRITERIA[0]: "Fully"})  # started, never submitted: left out
    browser, csrf = sign_in(app)
    assert browser.post(f"/campaigns/{cid}/close", data={"csrf": csrf, "confirm": "yes"}).status_code == 303
    with Workspace.open(db) as ws:
        recorded = ws.latest("Acme")
        replay = ws.responses(recorded.id)
        live = operations.result(ws, MODEL, cid)  # confidential: shown once closed
    assert recorded.respondents == 3 and recorded.date == clock.today()
    # the same answers as an answers file, assessed by the command line in another workspace
    answers = tmp_path / "answers.yaml"
    answers.write_text(dump_yaml(responses_document(replay, MODEL)))
    cli = run("assess", str(answers), "--json", "--no-record")
    assert cli.returncode == 0, cli.stderr
    import json

    from_cli = json.loads(cli.stdout)
    from_cli.pop("recorded")
    assert from_cli == result_document(live.result, MODEL)
    history = run("history", "--db", db, "--json")
    assert '"Acme"' in history.stdout and f'"level": {recorded.level}' in history.stdout


def test_answers_after_the_close_are_refused_with_a_clear_message(app):
    cid = new_campaign(app)
    a, b = invite(app, cid, {"name": "Ana", "role": "pm"}, {"name": "Bo", "role": "pm"})
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, a, {CRITERIA[0]: "Fully"}, submit=True)
        operations.close(ws, MODEL, cid)
    answer = client(app).put(f"/api/v1/respond/{b}", json={"answers": {CRITERIA[0]: "Fully"}})
    assert answer.status_code == 404 and "closed" in answer.json()["error"]


def test_closing_with_no_submitted_answers_says_so(app):
    cid = new_campaign(app)
    invite(app, cid, {"name": "Ana", "role": "pm"})
    browser, csrf = sign_in(app)
    page = browser.post(f"/campaigns/{cid}/close", data={"csrf": csrf, "confirm": "yes"})
    assert page.status_code == 409 and "no one has submitted answers" in page.text  # the state, not the request


# --- the API ------------------------------------------------------------------------------------

def api(app, token: str | None = None) -> TestClient:
    return client(app, headers={"Authorization": f"Bearer {token}"} if token else {})


def tokens(app) -> tuple[str, str]:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_token(ws, "admin@example.com")[1], operations.create_token(ws, "viewer@example.com")[1]


def test_the_api_runs_a_whole_campaign(app):
    admin_token, viewer_token = tokens(app)
    admin = api(app, admin_token)
    made = admin.post("/api/v1/campaigns", json={"organization": "Acme", "name": "Q4", "model": MODEL.ref})
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    links = admin.post(f"/api/v1/campaigns/{cid}/invites", json={"invitees": [{"name": "Ana", "role": "pm"},
                                                                              {"email": "bo@example.com", "role": "design"}]})
    assert links.status_code == 201 and [x["role"] for x in links.json()["issued"]] == ["pm", "design"]
    assert links.json()["skipped"] == []
    token = links.json()["issued"][0]["url"].rsplit("/", 1)[1]
    assert links.json()["issued"][0]["url"] == f"http://testserver/r/{token}"
    saved = client(app).put(f"/api/v1/respond/{token}", json={"answers": dict.fromkeys(CRITERIA, "Fully"),
                                                              "notes": {CRITERIA[0]: "link"}, "submit": True})
    assert saved.status_code == 200 and saved.json()["answered"] == 52
    status = api(app, viewer_token).get(f"/api/v1/campaigns/{cid}").json()
    assert status["by_role"]["pm"]["submitted"] == 1 and status["by_role"]["design"]["submitted"] == 0
    early = api(app, viewer_token).get(f"/api/v1/campaigns/{cid}/result")  # confidential: nothing while open
    assert early.status_code == 409 and "confidential" in early.json()["error"]
    closed = admin.post(f"/api/v1/campaigns/{cid}/close")
    assert closed.status_code == 200 and closed.json()["id"] >= 1
    # one respondent: closed and recorded, but nothing of the result is shown (it would be Ana's answers)
    late = api(app, viewer_token).get(f"/api/v1/campaigns/{cid}/result")
    assert late.status_code == 409 and "fewer than 3 answers (1 gave a scored answer)" in late.json()["error"]


def test_api_errors_are_json_with_the_problems(app):
    admin_token, viewer_token = tokens(app)
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    bad = client(app).put(f"/api/v1/respond/{token}", json={"answers": {CRITERIA[0]: "Maybe", "nope-1": "Fully"}})
    assert bad.status_code == 422
    body = bad.json()
    assert {p.get("criterion") for p in body["problems"]} == {CRITERIA[0], "nope-1"}
    assert "not on the answer scale" in body["problems"][0]["message"] + body["problems"][1]["message"]
    shape = api(app, admin_token).post("/api/v1/campaigns", json={"organization": "Acme"})
    assert shape.status_code == 422 and shape.json()["problems"][0]["message"].startswith("name:")
    assert api(app, "pdo_wrong").get("/api/v1/campaigns").status_code == 401
    assert client(app).get("/api/v1/campaigns").status_code == 401
    assert api(app, viewer_token).post("/api/v1/campaigns", json={"organization": "A", "name": "B"}).status_code == 403
    assert api(app, admin_token).get("/api/v1/campaigns/999").status_code == 404


def test_the_api_with_a_session_needs_the_csrf_header(app):
    browser, csrf = sign_in(app)
    assert browser.post("/api/v1/campaigns", json={"organization": "A", "name": "B"}).status_code == 403
    assert browser.post("/api/v1/campaigns", json={"organization": "A", "name": "B"},
                        headers={"X-CSRF-Token": csrf}).status_code == 201


def test_api_tokens_are_stored_as_hashes(app, db):
    admin_token, _ = tokens(app)
    with Workspace.open(db) as ws, ws.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert admin_token not in stored and len(stored[0]) == 64


def test_the_api_reference_is_served_without_a_cdn(app):
    page = client(app).get("/api/docs")
    assert page.status_code == 200 and "PUT /api/v1/respond/{token}" in page.text and "cdn" not in page.text.lower()
    paths = client(app).get("/api/openapi.json").json()["paths"]
    assert "/api/v1/campaigns/{campaign_id}/invites" in paths and all(p.startswith("/api/v1/") for p in paths)


# --- imports and reports ------------------------------------------------------------------------

def test_an_upload_imports_through_the_same_code_and_messages_as_the_command_line(app, tmp_path, db):
    from tests.conftest import run

    browser, csrf = sign_in(app)
    bad = "team,sprint,start,end,unit,committed,completed\nPay,S1,2026-01-01,2026-01-14,points,10,x\n"
    page = browser.post("/imports", data={"csrf": csrf, "kind": "sprint-summary", "organization": "Acme"},
                        files={"file": ("sprints.csv", bad, "text/csv")})
    path = tmp_path / "sprints.csv"
    path.write_text(bad)
    cli = run("import", "--organization", "Acme", "sprint-summary", str(path), "--db", str(tmp_path / "other.db"))
    assert page.status_code == 422 and cli.returncode == 2
    problem = cli.stderr.splitlines()[1].strip().replace(str(path), "sprints.csv")
    assert problem in page.text.replace("&#34;", '"').replace("&#39;", "'")
    with Workspace.open(db) as ws:
        assert ws.read("sprints", "Acme").height == 0 and ws.held() == []  # nothing half-imported
    good = bad.replace(",x\n", ",8\n")
    nobody = browser.post("/imports", data={"csrf": csrf, "kind": "sprint-summary"},
                          files={"file": ("sprints.csv", good, "text/csv")})
    assert nobody.status_code == 422 and "holds no organisation yet" in nobody.text
    page = browser.post("/imports", data={"csrf": csrf, "kind": "sprint-summary", "organization": "Acme"},
                        files={"file": ("sprints.csv", good, "text/csv")})
    assert page.status_code == 200 and "1 new" in page.text and "into Acme's sprints" in page.text
    form = browser.get("/imports").text
    assert 'name="organization"' in form and 'value="Acme"' in form  # the only one: offered as given


def _demo_viewer(tmp_path, demo):
    """A copy of the demo's workspace, its app, and a viewer signed in to it: (db, app, browser)."""
    import shutil

    db = str(tmp_path / "demo.db")
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(db) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    app = create_app(Settings(db=db))
    browser, _ = sign_in(app, "viewer@example.com")
    return db, app, browser


@pytest.mark.slow
def test_reports_download_in_every_format(tmp_path, demo):
    _, app, browser = _demo_viewer(tmp_path, demo)
    page = browser.get("/organization?name=northwind%20cloud")  # any letter case
    assert page.status_code == 200 and "Level 2" in page.text and "Planning accuracy (median of sprint ratios) rose" in page.text
    for fmt, start in (("pdf", b"%PDF"), ("html", b"<!doctype html"), ("xlsx", b"PK"), ("pptx", b"PK"), ("md", b"PK"),
                       ("json", b"{")):
        got = browser.get(f"/organization/report.{fmt}?name=Northwind%20Cloud")
        assert got.status_code == 200 and got.content[:len(start)].lower() == start.lower(), fmt
        assert got.headers["content-disposition"].startswith("attachment")
        if fmt in ("pptx", "json"):  # the same bytes as `prodops report`
            assert got.content == (demo / f"report.{fmt}").read_bytes(), fmt
    app.state.ws.close()


@pytest.mark.slow
def test_a_report_is_made_in_the_background_while_the_page_shows_progress(tmp_path, demo):
    import time

    db, app, browser = _demo_viewer(tmp_path, demo)
    page = browser.get("/organization?name=Northwind%20Cloud").text
    assert 'hx-get="/organization/report-drawn.pdf?name=Northwind%20Cloud"' in page and 'id="drawing"' in page
    asked = "/organization/report-drawn.html?name=Northwind%20Cloud"

    def made() -> None:
        first = browser.get(asked, headers={"HX-Request": "true"})
        assert first.status_code == 200 and "Making the HTML" in first.text and "<progress" in first.text
        assert "HX-Trigger" not in first.headers
        poll = re.search(r'hx-get="([^"]+since=\d+)"', first.text).group(1).replace("&amp;", "&")
        deadline = time.monotonic() + 120
        while "HX-Trigger" not in (got := browser.get(poll, headers={"HX-Request": "true"})).headers:
            assert time.monotonic() < deadline and "Making the HTML" in got.text  # asking again draws nothing more
            time.sleep(0.1)
        assert json.loads(got.headers["HX-Trigger"]) == {
            "prodops:report-ready": {"file": "/organization/report.html?name=Northwind%20Cloud"}} and "is ready" in got.text

    made()
    assert "HX-Trigger" in browser.get(asked).headers  # kept: ready at once
    file = browser.get("/organization/report.html?name=Northwind%20Cloud")
    assert file.content[:15].lower() == b"<!doctype html>" and file.headers["content-disposition"].startswith("attachment")
    with Workspace.open(db) as ws:  # a change: the next one is made again (the first drawing gave its lease back)
        operations.change_setting(ws, "currency", "EUR", organization="Northwind Cloud")
    made()
    app.state.ws.close()


# --- found by a review of the web app's security -------------------------------------------------

@pytest.mark.slow
def test_one_client_past_its_sign_in_limit_cannot_lock_out_other_people(app, db, clock):  # no window ends mid-test
    from prodops.core.errors import Refused

    with Workspace.open(db) as ws:
        for n in range(30):
            with pytest.raises(Refused) as wrong:
                operations.login(ws, f"someone{n}@example.com", "wrong password", "10.0.0.66")
            assert wrong.value.kind == "login"
        for _ in range(15):
            with pytest.raises(Refused) as limited:
                operations.login(ws, "admin@example.com", "wrong password", "10.0.0.66")
            assert limited.value.kind == "too_many"
        # the attacker's refused attempts did not count against the admin's e-mail
        assert operations.login(ws, "admin@example.com", PASSWORD, "10.0.0.7").user.admin


def test_crafted_requests_get_a_4xx_never_a_500(app, tmp_path):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    huge = '{"answers": {"' + CRITERIA[0] + '": 1' + "0" * 400 + "}}"  # a number beyond any float
    for t in (token, "A" * 43):
        answer = client(app).put(f"/api/v1/respond/{t}", content=huge, headers={"Content-Type": "application/json"})
        assert answer.status_code in (404, 422), answer.text
    browser, csrf = sign_in(app)
    assert browser.get("/campaigns/99999999999999999999").status_code == 422
    assert browser.get("/campaigns/0").status_code == 422
    admin_token, _ = tokens(app)
    assert api(app, admin_token).post("/logout").status_code == 403
    login = client(app)
    token = csrf_in(login.get("/login").text)
    assert login.post("/login", data={"csrf": token}, files={"email": ("x", b"y")}).status_code == 401
    for name in ("..", "x\x00y.csv", "a" * 500 + ".csv"):
        page = browser.post("/imports", data={"csrf": csrf, "kind": "sprint-summary"},
                            files={"file": (name, "team,sprint\nPay,S1\n", "text/csv")})
        assert page.status_code == 422 and "missing columns" in page.text and "/tmp" not in page.text, name


def test_request_bodies_are_bounded_before_any_route_reads_them(app):
    cid = new_campaign(app)
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    big = client(app).post(f"/r/{token}/1", content=b"x" * (2**20 + 1),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    anonymous = client(app).post("/campaigns", data={f"f{i}": "x" for i in range(3000)})
    assert anonymous.status_code == 303  # to the login page, the form never read


def test_an_organisation_with_a_slash_in_its_name_opens(app):
    cid = new_campaign(app, organization="Acme / EMEA", threshold=None)  # named: one respondent's result shown
    token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA, "Fully"), submit=True)
        operations.close(ws, MODEL, cid)
    browser, _ = sign_in(app)
    page = browser.get("/organizations").text
    href = re.search(r'href="(/organization\?name=[^"]+)"', page).group(1)
    assert browser.get(html.unescape(href)).status_code == 200
    assert browser.get("/organization/report.json?name=Acme%20%2F%20EMEA").json()["organization"] == "Acme / EMEA"


def test_an_invite_goes_to_one_address(app):
    cid = new_campaign(app)
    from prodops.core.errors import InputError

    with Workspace.open(app.state.settings.db) as ws, pytest.raises(InputError) as e:
        operations.invite(ws, MODEL, cid, [{"email": "ana@example.com,eve@evil.example", "role": "pm"}])
    assert "not one e-mail address" in str(e.value)


def test_links_use_the_configured_public_address_and_stay_text_in_a_spreadsheet(db):
    from urllib.parse import unquote

    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    app = create_app(Settings(db=db, base_url="https://assess.acme.example"))
    cid = new_campaign(app)
    admin_token = tokens_for(app, "admin@example.com")
    links = api(app, admin_token).post(f"/api/v1/campaigns/{cid}/invites", json={"invitees": [{"name": "Ana", "role": "pm"}]})
    assert links.json()["issued"][0]["url"].startswith("https://assess.acme.example/r/")
    browser, csrf = sign_in(app)
    page = browser.post(f"/campaigns/{cid}/invites",
                        data={"csrf": csrf, "name": '=HYPERLINK("http://evil.example")', "role": "pm"},
                        headers={"Host": "evil.example"})
    csv_text = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', page.text).group(1))
    assert "'=HYPERLINK" in html.unescape(csv_text) and "evil.example/r/" not in page.text
    app.state.ws.close()


def tokens_for(app, email: str) -> str:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_token(ws, email)[1]


def test_a_form_posted_twice_does_not_invite_anyone_twice(app):
    """A reload of the page after inviting posts the form again: no second link, saying who was skipped."""
    cid = new_campaign(app)
    browser, csrf = sign_in(app)
    for person in ({"name": "Ana", "email": "ana@example.com", "role": "pm"}, {"name": "Bo", "role": "pm"}):
        first = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, **person})
        again = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, **person})
        assert first.status_code == 200 and again.status_code == 200 and "1 already invited, skipped" in again.text
        assert "/r/" not in again.text
    twins = "name,email,role\nCy,cy@example.com,pm\nCy,cy2@example.com,design\n"  # two people named alike
    assert browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf},
                        files={"file": ("p.csv", twins, "text/csv")}).status_code == 200
    with Workspace.open(app.state.settings.db) as ws:
        assert [i.respondent for i in operations.list_invites(ws, cid)] == ["Ana", "Bo", "Cy", "Cy 2"]
    assert browser.get(f"/campaigns/{cid}/invites").headers["location"] == f"/campaigns/{cid}#invites"


def demo_app(db: str):
    """The app on a copy of the demo's workspace, with an admin and a viewer."""
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    return create_app(Settings(db=db))


def test_an_admin_records_who_runs_an_investment_and_a_viewer_reads_it(demo_workspace):
    db = demo_workspace
    app = demo_app(db)
    admin_browser, csrf = sign_in(app)
    where = "/organization/investments?name=Northwind%20Cloud"
    sent = admin_browser.post(where, data={"csrf": csrf, "investment": "establish-product-ops", "status": "done",
                                           "done_on": "2026-04-15", "owner": "Dana <b>Ruiz</b>", "cost": "125000"})
    assert sent.status_code == 303 and sent.headers["location"].endswith("#run-h")
    wrong = admin_browser.post(where, data={"csrf": csrf, "investment": "establish-product-ops", "cost": "lots"})
    assert wrong.status_code == 422 and "cost: &#39;lots&#39; is not a number" in wrong.text
    forged = admin_browser.post(where, data={"csrf": "x" * 43, "investment": "establish-product-ops", "owner": "Eve"})
    assert forged.status_code == 403
    viewer_browser, viewer_csrf = sign_in(app, "viewer@example.com")
    page = viewer_browser.get("/organization?name=Northwind%20Cloud").text
    assert "done · owner Dana &lt;b&gt;Ruiz&lt;/b&gt; · cost 125,000 · 12 person-weeks · done on 2026-04-15" in page  # escaped
    assert "(changed by admin@example.com)" in page and "3 of 4 criteria met at the assessment of 2026-06-30" in page
    assert "Record a change" not in page  # viewers read
    assert viewer_browser.post(where, data={"csrf": viewer_csrf, "investment": "establish-product-ops",
                                            "owner": "Eve"}).status_code == 403
    with Workspace.open(db) as ws:
        kept = operations.changes(ws, "Northwind Cloud", "establish-product-ops")
        assert [(c.owner, c.by) for c in kept][-1] == ("Dana <b>Ruiz</b>", "admin@example.com")  # the refused ones not kept
    app.state.ws.close()


@pytest.mark.slow
def test_an_admin_writes_the_commentary_and_every_format_carries_it(demo_workspace):
    app = demo_app(demo_workspace)
    browser, csrf = sign_in(app)
    where = "/organization/commentary?name=Northwind%20Cloud"
    wrong = browser.post(where, data={"csrf": csrf, "commentary": "# Outlook\r\nsoon"})
    assert wrong.status_code == 422 and "line 1: &#39;Outlook&#39; is no section of the report" in wrong.text
    assert "# Outlook\nsoon</textarea>" in html.unescape(wrong.text)  # what was written, kept to correct
    sent = browser.post(where, data={"csrf": csrf,
                                     "commentary": "Q3: <b>the Playbook stuck</b>.\r\n\r\n# Roadmap\r\n- Dana owns it"})
    assert sent.status_code == 303
    viewer, _ = sign_in(app, "viewer@example.com")
    page = viewer.get("/organization?name=Northwind%20Cloud").text
    assert "Q3: &lt;b&gt;the Playbook stuck&lt;/b&gt;." in page and "Keep the commentary" not in page
    document = viewer.get("/organization/report.json?name=Northwind%20Cloud").json()
    assert document["commentary"] == {"summary": [["p", "Q3: <b>the Playbook stuck</b>."]], "roadmap": [["li", "Dana owns it"]]}
    assert browser.post(where, data={"csrf": "x" * 43, "commentary": ""}).status_code == 403
    app.state.ws.close()


def test_an_admin_sets_the_reports_look_and_names_days(demo_workspace):
    app = demo_app(demo_workspace)
    browser, csrf = sign_in(app)
    where = "/organization/look?name=Northwind%20Cloud"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="4" height="4"/></svg>'
    sent = browser.post(where, data={"csrf": csrf, "brand_name": "Northwind", "accent": "#7a1f5c"},
                        files={"file": ("logo.svg", svg, "image/svg+xml")})
    assert sent.status_code == 303
    pale = browser.post(where, data={"csrf": csrf, "brand_name": "Northwind", "accent": "#eeeeee"})
    assert pale.status_code == 422 and "contrast with white is 1.16:1" in pale.text
    event = {"csrf": csrf, "event_day": "2026-07-01", "event_label": "QBR <redesigned>"}
    assert browser.post(where, data=event).status_code == 303
    assert browser.post(where, data={"csrf": csrf, "event_remove": "2025-11-03"}).status_code == 303
    viewer, viewer_csrf = sign_in(app, "viewer@example.com")
    assert viewer.post(where, data={"csrf": viewer_csrf, "brand_name": "Eve"}).status_code == 403
    report = viewer.get("/organization/report.json?name=Northwind%20Cloud").json()
    assert report["brand"]["name"] == "Northwind" and report["brand"]["accent"] == "#7a1f5c"
    assert "onload" not in base64.b64decode(report["brand"]["logo"].split(",", 1)[1]).decode()
    assert [e["label"] for e in report["value"]["events"]] == ["Playbook adopted", "QBR <redesigned>"]
    page = browser.get("/organization?name=Northwind%20Cloud").text
    assert "2026-07-01 QBR &lt;redesigned&gt;" in page
    app.state.ws.close()


def test_a_fault_shows_a_page_with_an_id_that_the_log_carries(app, caplog):
    """A fault of ours never shows a traceback: a page (or JSON under /api/) with an id, and the log
    line with the same id and the traceback for whoever runs the server."""
    def fault():
        raise RuntimeError("the fault")

    app.add_api_route("/fault-for-a-test", fault)
    app.add_api_route("/api/v1/fault-for-a-test", fault)
    browser = client(app, raise_server_exceptions=False)
    page = browser.get("/fault-for-a-test")
    assert page.status_code == 500 and "Something went wrong on our side" in page.text and "Traceback" not in page.text
    error_id = re.search(r"error ([0-9a-f]{12})", page.text).group(1)
    assert f"error {error_id} on GET /fault-for-a-test" in caplog.text and "RuntimeError: the fault" in caplog.text
    answer = browser.get("/api/v1/fault-for-a-test")
    assert answer.status_code == 500 and answer.json()["error"] == "internal error" and len(answer.json()["id"]) == 12
    assert page.headers["Content-Security-Policy"] == answer.headers["Content-Security-Policy"]  # headers as on every page


def test_a_second_campaign_closing_the_same_day_does_not_replace_the_first(app):
    """Found in review: two campaigns of one organisation (and unit and model) closed on one day
    shared one assessment, the second replacing the first's answers."""
    first, second = new_campaign(app, name="A", threshold=None), new_campaign(app, name="B", threshold=None)
    with Workspace.open(app.state.settings.db) as ws:
        for cid, value in ((first, "Fully"), (second, "No")):
            token = invite(app, cid, {"name": f"Ana {cid}", "role": "pm"})[0]
            operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA, value), submit=True)
        kept = operations.close(ws, MODEL, first)
        with pytest.raises(InputError, match=rf"recorded already \(#{kept.recorded.id}, from campaign #{first}\)"):
            operations.close(ws, MODEL, second)
        assert operations.campaign(ws, second).closed_at is None  # still open: nothing half-done
        assert [r.answers[CRITERIA[0]] for r in ws.responses(kept.recorded.id).respondents] == [1.0]
