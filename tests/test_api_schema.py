"""The OpenAPI schema says what the API does (issue 24): every status each route answers is
documented with the document it answers; a body valid under the schema is taken and one invalid
is refused; a 405 says which methods an address takes. Schemathesis checks the same over generated
requests against a real server (tools/schemathesis_check.py, in .ci/run); these tests hold each
point with requests written by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from prodops import operations
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import tiny_model
from tests.outbox_servers import smtp_server
from tests.test_web import MODEL, PASSWORD, sign_in

ALL_MOSTLY = dict.fromkeys(MODEL.criterion, "Mostly")


def tokens(db: str) -> tuple[str, str]:
    """An admin's and a viewer's API tokens (users without a password: tokens only)."""
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", None)
        operations.add_user(ws, "viewer@example.com", "viewer", None)
        return operations.create_token(ws, "admin@example.com")[1], operations.create_token(ws, "viewer@example.com")[1]


@pytest.fixture
def served(tmp_path, clock):
    """(app, db, admin token, viewer token), the app sending its e-mails to a real local SMTP server."""
    db = str(tmp_path / "w.db")
    admin, viewer = tokens(db)
    with smtp_server() as inbox:
        app = create_app(Settings(db=db, smtp=inbox.url, base_url="http://assess.example", tick_seconds=0))
        yield app, db, admin, viewer
        app.state.ws.close()


def documented(app) -> dict[tuple[str, str], set[int]]:
    """(method, path) -> the statuses the schema documents."""
    paths = app.openapi()["paths"]
    return {(method.upper(), path): {int(s) for s in operation["responses"]}
            for path, operations_ in paths.items() for method, operation in operations_.items()}


def test_every_status_each_route_answers_is_documented_and_every_documented_one_is_answered(served, clock):
    """A table of real requests, at least one for each status each API route may answer: each gets
    the status it expects, documented for its route with the refusal document; and each route's
    documented statuses are exactly those the table provokes."""
    app, db, admin, viewer = served
    today = clock.today()
    with Workspace.open(db) as ws:
        def made(name, **kw):  # each of its own organisation: one assessment a day each
            return operations.create_campaign(ws, MODEL, name, name, owner="admin@example.com", **kw).id

        named = made("Named", threshold=None, closes=today + dt.timedelta(days=10))
        secret = made("Secret")  # confidential and open: no result until it closes
        draft, to_open, to_close = made("Draft", draft=True), made("To open", draft=True), made("To close", threshold=None)
        closed, reopened = made("Closed", threshold=None), made("Reopened", threshold=None)
        elsewhere = operations.create_campaign(ws, tiny_model(), "Acme", "Tiny").id  # on a model the app does not serve
        links = {cid: operations.invite(ws, MODEL if cid != elsewhere else tiny_model(), cid,
                                        [{"name": "Ann", "email": "ann@example.com", "role": "pm"}]).issued[0].token
                 for cid in (named, to_close, closed, reopened, elsewhere)}
        for cid in (named, to_close, closed, reopened):
            operations.save(ws, MODEL, links[cid], ALL_MOSTLY, submit=True)
        operations.close(ws, MODEL, closed)
        operations.close(ws, MODEL, reopened)
    link = links[named]
    later, past = (today + dt.timedelta(days=20)).isoformat(), "2000-01-01"
    not_utf8 = {"content": b"\xff\xfe{", "headers": {"content-type": "application/json"}}
    too_large = {"content": b" " * (2**20 + 1), "headers": {"content-type": "application/json"}}
    unmeasured = {"content": iter([b"{}"]), "headers": {"content-type": "application/json"}}  # chunked: no length
    campaign_requests = [  # path, who, body or request, status: for each route below that names a campaign
        ("GET", "/api/v1/campaigns/{campaign_id}", [(named, "admin", None, 200)]),
        ("GET", "/api/v1/campaigns/{campaign_id}/invites", [(named, "admin", None, 200), (secret, "viewer", None, 403)]),
        ("GET", "/api/v1/campaigns/{campaign_id}/result", [(named, "viewer", None, 200), (secret, "viewer", None, 409),
                                                  (draft, "admin", None, 409)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/invites", [
            (named, "admin", {"invitees": [{"name": "Bo", "role": "design"}]}, 201),
            (closed, "admin", {"invitees": [{"name": "Bo", "role": "pm"}]}, 409),
            (named, "admin", {"invitees": [{"name": "Bo", "role": ""}]}, 422)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/close", [(to_close, "admin", None, 200), (draft, "admin", None, 409)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/schedule", [(draft, "admin", None, 200), (named, "admin", None, 409)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/open", [(to_open, "admin", None, 200), (named, "admin", None, 409)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/extend", [(named, "admin", {"closes": later}, 200),
                                                   (named, "admin", {"closes": today.isoformat()}, 409),  # not later
                                                   (named, "admin", {"closes": past}, 422)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/reopen", [(reopened, "admin", {"closes": later, "reason": "late answers"}, 200),
                                                   (named, "admin", {"closes": later, "reason": "why not"}, 409),
                                                   (closed, "admin", {"closes": later, "reason": ""}, 422)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/clone", [(named, "admin", {"name": "Again"}, 201),
                                                  (named, "admin", {"name": " "}, 422)]),
        ("POST", "/api/v1/campaigns/{campaign_id}/remind", [(named, "admin", None, 200), (secret, "admin", None, 200),
                                                   (closed, "admin", None, 409)]),
    ]
    requests = [("GET", "/api/v1/campaigns", "/api/v1/campaigns", "viewer", None, 200),
                ("GET", "/api/v1/campaigns", "/api/v1/campaigns", None, None, 401),
                ("POST", "/api/v1/campaigns", "/api/v1/campaigns", "admin", {"organization": "A", "name": "B"}, 201),
                ("POST", "/api/v1/campaigns", "/api/v1/campaigns", "admin", {"organization": "", "name": "B"}, 422),
                ("POST", "/api/v1/campaigns", "/api/v1/campaigns", None, {"organization": "A", "name": "B"}, 401),
                ("POST", "/api/v1/campaigns", "/api/v1/campaigns", "viewer", {"organization": "A", "name": "B"}, 403)]
    with Workspace.open(db) as ws:
        spare = operations.create_token(ws, "admin@example.com", "spare")[0].id
        read = operations.create_token(ws, "admin@example.com", "read", scope="read")[1]
    tokens, token, audit = "/api/v1/tokens", "/api/v1/tokens/{token_id}", "/api/v1/audit"
    requests += [("GET", tokens, tokens, "viewer", None, 200), ("GET", tokens, tokens, None, None, 401),
                 ("GET", tokens, tokens + "?email=admin@example.com", "viewer", None, 404),
                 ("GET", tokens, tokens + "?email=nobody@example.com", "admin", None, 404),
                 ("GET", tokens, tokens + "?email=nobody", "admin", None, 422),
                 # tokens are made by a signed-in session (or the command line), never by a token: 403
                 ("POST", tokens, tokens, "session", {"email": "nobody@example.com"}, 404),
                 ("POST", tokens, tokens, "session", {"name": "mine"}, 201), ("POST", tokens, tokens, None, {}, 401),
                 ("POST", tokens, tokens, "admin", {"name": "child", "expires_in_days": 366}, 403),
                 ("POST", tokens, tokens, "viewer", {"email": "admin@example.com"}, 403),
                 ("POST", tokens, tokens, "admin", {"expires_in_days": 0}, 422),
                 ("POST", tokens, tokens, "read", {}, 403),
                 ("DELETE", token, f"{tokens}/{spare}", "admin", None, 204), ("DELETE", token, f"{tokens}/1", None, None, 401),
                 ("DELETE", token, f"{tokens}/{spare}", "admin", None, 404), ("DELETE", token, f"{tokens}/0", "admin", None, 422),
                 ("GET", audit, audit, "admin", None, 200), ("GET", audit, audit, None, None, 401),
                 ("GET", audit, audit, "viewer", None, 403), ("GET", audit, audit + "?limit=0", "admin", None, 422)]
    for method, template, cases in campaign_requests:
        body = cases[0][2]
        requests += [(method, template, template.format(campaign_id=cid), who, given, status)
                     for cid, who, given, status in cases]
        requests += [(method, template, template.format(campaign_id=named), None, body, 401),
                     (method, template, template.format(campaign_id=99_999), "admin", body, 404),
                     (method, template, template.format(campaign_id=0), "admin", body, 422)]
        if method == "POST":
            requests += [(method, template, template.format(campaign_id=named), "viewer", body, 403)]
    for method, template in [("POST", "/api/v1/campaigns"), *((m, t) for m, t, _ in campaign_requests if m == "POST"),
                             ("PUT", "/api/v1/respond/{token}"), ("POST", tokens), ("DELETE", token)]:
        path = template.format(campaign_id=named, token=link, token_id=spare)
        cross_site = {"request": {"json": {}, "headers": {"origin": "http://evil.example"}}}
        requests += [(method, template, path, "admin", unmeasured, 411), (method, template, path, "admin", too_large, 413),
                     (method, template, path, "admin", cross_site, 403)]
        if method == "DELETE":  # reads no body
            continue
        if "invites" in path or "{campaign_id}/" not in template or template.endswith(("extend", "reopen", "clone", "{token}")):
            requests += [(method, template, path, "admin", not_utf8, 400)]
    respond = "/api/v1/respond/{token}"
    requests += [("GET", respond, f"/api/v1/respond/{link}", None, None, 200),
                 ("PUT", respond, f"/api/v1/respond/{link}", None, {"answers": {"om-2-role": "Fully"}}, 200),
                 ("PUT", respond, f"/api/v1/respond/{link}", None, {"answers": {"nothing": "Fully"}}, 422),
                 ("PUT", respond, f"/api/v1/respond/{links[elsewhere]}", None, {"answers": {}}, 409),
                 ("PUT", respond, f"/api/v1/respond/{links[closed]}", None, {"answers": {}}, 404),  # closed: no link
                 ("GET", respond, "/api/v1/respond/" + "x" * 43, None, None, 404)]
    requests += [("GET", respond, "/api/v1/respond/" + "y" * 43, None, None, 429)] * 31  # wrong links: then too many
    requests += [("PUT", respond, "/api/v1/respond/" + "y" * 43, None, {"answers": {}}, 429)]

    schema, answered = documented(app), defaultdict(set)
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    with Workspace.open(db) as ws:
        operations.add_user(ws, "signed@example.com", "admin", PASSWORD)
    signed, csrf = sign_in(app, "signed@example.com")  # a session, in its own browser: the others send no cookie
    bearer = {"admin": {"authorization": f"Bearer {admin}"}, "viewer": {"authorization": f"Bearer {viewer}"},
              "read": {"authorization": f"Bearer {read}"}, None: {}}
    for method, template, path, who, given, expected in requests:
        if who == "session":
            sent = signed.request(method, path, json=given, headers={"X-CSRF-Token": csrf})
        elif isinstance(given, dict) and ("content" in given or "request" in given):
            raw = given.get("request", given)
            sent = browser.request(method, path, **{**raw, "headers": {**bearer[who], **raw.get("headers", {})}})
        else:
            sent = browser.request(method, path, json=given, headers=bearer[who])
        if expected == 429 and sent.status_code == 404:
            continue  # the limit is not reached yet
        assert sent.status_code == expected, (method, path, who, given if not isinstance(given, dict) else str(given)[:80],
                                              sent.text[:300])
        answered[(method, template)].add(sent.status_code)
        assert sent.status_code in schema[(method, template)], (method, template, sent.status_code)
        if sent.status_code >= 400:  # the refusal document, as the schema says it
            assert set(sent.json()) <= {"error", "refused", "problems", "more", "fix"} and sent.json()["error"]
        if sent.status_code == 429:
            assert int(sent.headers["retry-after"]) > 0
    assert dict(answered) == schema  # every documented status is one a request gets


def test_the_schema_documents_the_refusal_document_and_who_may_call(served):
    app = served[0]
    schema = app.openapi()
    text = json.dumps(schema)
    assert "HTTPValidationError" not in text and '"ge"' not in text  # no FastAPI document that is not ours
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Refusal"}
            auth = "401" in operation["responses"]
            assert ("security" in operation) == auth == (not path.startswith("/api/v1/respond/")), (method, path)
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "an API token (prodops tokens create)"}


def validator(app, name: str) -> Draft202012Validator:
    schema = app.openapi()
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": schema["components"]},
                                format_checker=FormatChecker())


# Bodies at the edges of what the operations take. Each is sent, and the API takes it exactly when the
# schema says it is valid: the four the issue found refused though valid ("organization": "", role "")
# are invalid under the schema now, and the schema-valid ones are taken.
CAMPAIGNS = [
    {"organization": "", "name": "Q1"}, {"organization": " ", "name": "Q1"}, {"organization": "\u3000", "name": "Q1"},
    {"organization": "Acme\x1b", "name": "Q1"}, {"organization": "A", "name": "Q"}, {"organization": "Acme", "name": ""},
    {"organization": "Ann;=1+1", "name": "\tQ1 "}, {"organization": "Acme", "name": "Q1", "team": ""},
    {"organization": "Acme", "name": "Q1", "threshold": 2}, {"organization": "Acme", "name": "Q1", "threshold": 3.0},
    {"organization": "Acme", "name": "Q1", "threshold": "3"}, {"organization": "Acme", "name": "Q1", "threshold": 51},
    {"organization": "Acme", "name": "Q1", "targets": {"pm": 2, "design": 0}}, {"organization": "Acme", "name": "Q1",
                                                                             "targets": {"pm": -1}},
    {"organization": "Acme", "name": "Q1", "targets": {"nobody": 1}}, {"organization": "Acme", "name": "Q1", "model": ""},
    {"organization": "Acme", "name": "Q1", "model": MODEL.ref}, {"organization": "Acme", "name": "Q1", "model": "other@1"},
    {"organization": "Acme", "name": "Q1", "reminders": ["open+0"]}, {"organization": "Acme", "name": "Q1",
                                                                      "reminders": ["open+365", "close-1", "close"]},
    {"organization": "Acme", "name": "Q1", "reminders": ["open+366"]}, {"organization": "Acme", "name": "Q1",
                                                                        "reminders": ["sometimes"]},
    {"organization": "Acme", "name": "Q1", "webhook": "https://hooks.example/T/1"},
    {"organization": "Acme", "name": "Q1", "webhook": "http://hooks.example/T/1"},
    {"organization": "Acme", "name": "Q1", "webhook": "http://127.0.0.1:8080/hook"},
    {"organization": "Acme", "name": "Q1", "webhook": "https://hooks.example:99999/"},
    {"organization": "Acme", "name": "Q1", "webhook": ""}, {"organization": "Acme", "name": "Q1", "opens": "2027-02-30"},
    {"organization": "Acme", "name": "Q1", "opens": 0}, {"organization": "Acme", "name": "Q1", "draft": "true"},
    {"organization": "Acme", "name": "Q1", "surprise": 1},
]
INVITEES = [
    {"role": ""}, {"role": "pm"}, {"role": "Product Manager"}, {"role": "chef"}, {"role": "pm", "name": "Ann;=1+1;x"},
    {"role": "pm", "email": ""}, {"role": "pm", "email": "ann@example.com"}, {"role": "pm", "email": "ann@example"},
    {"role": "pm", "email": "ann@example.com, bo@example.com"}, {"role": "pm", "email": "ann\u2003@example.com"},
    {"role": "pm", "name": "Ann\x07"}, {"role": "pm", "team": "x" * 201},
]


@pytest.mark.parametrize("body", CAMPAIGNS, ids=lambda b: json.dumps(b, ensure_ascii=True)[:60])
def test_a_new_campaign_is_taken_exactly_when_the_schema_says_it_is_valid(served, body):
    app, _db, admin, _viewer = served
    valid = validator(app, "NewCampaign").is_valid(body)
    answer = TestClient(app).post("/api/v1/campaigns", json=body, headers={"authorization": f"Bearer {admin}"})
    assert answer.status_code == (201 if valid else 422), answer.text


@pytest.mark.parametrize("person", INVITEES, ids=lambda b: json.dumps(b, ensure_ascii=True)[:60])
def test_an_invitee_is_taken_exactly_when_the_schema_says_it_is_valid(served, person):
    app, db, admin, _viewer = served
    with Workspace.open(db) as ws:
        cid = operations.create_campaign(ws, MODEL, "Acme", "Q1").id
    valid = validator(app, "Invitees").is_valid({"invitees": [person]})
    answer = TestClient(app).post(f"/api/v1/campaigns/{cid}/invites", json={"invitees": [person]},
                                  headers={"authorization": f"Bearer {admin}"})
    assert answer.status_code == (201 if valid else 422), answer.text


@pytest.mark.parametrize("method, path, allowed", [
    ("TRACE", "/api/v1/campaigns", "GET, POST"), ("DELETE", "/api/v1/campaigns", "GET, POST"),
    ("DELETE", "/api/v1/campaigns/1", "GET"), ("TRACE", "/api/v1/campaigns/1/close", "POST"),
    ("DELETE", "/api/v1/respond/abc", "GET, PUT"), ("TRACE", "/api/openapi.json", "GET, HEAD"),
    ("TRACE", "/campaigns", "GET, POST"), ("DELETE", "/login", "GET, POST"), ("TRACE", "/campaigns/1", "GET"),
    ("DELETE", "/r/abc/save/om-2-role", "POST"), ("TRACE", "/r/abc/2", "GET, POST"), ("PUT", "/static/app.css", "GET, HEAD"),
])
def test_a_405_says_which_methods_the_address_takes(served, method, path, allowed):
    """RFC 9110: a 405 carries Allow, listing every method of the address (the API's and the pages'
    addresses have a route per method: all of them, not the first one found)."""
    answer = TestClient(served[0]).request(method, path)
    assert answer.status_code == 405 and answer.headers["allow"] == allowed
    if path.startswith("/api/"):
        assert answer.json()["error"] == "this address does not take that kind of request"


def test_a_body_that_is_not_text_is_refused_in_the_apis_own_words(served):
    app, _db, admin, _viewer = served
    answer = TestClient(app).post("/api/v1/campaigns", content=b"{\"name\": \"\xff\"}", headers={
        "authorization": f"Bearer {admin}", "content-type": "application/json"})
    assert answer.status_code == 400 and answer.json() == {
        "error": "the request's body cannot be read (send JSON in UTF-8)", "problems": []}


def test_a_refusal_for_the_workspaces_state_is_409_and_for_the_request_422(served, clock):
    """Nothing submitted to score, a closing day not later than the current one, no mail server: the
    request may succeed once the workspace changes (409); a day already past is wrong in itself (422).
    The pages answer the same."""
    app, db, admin, _viewer = served
    with Workspace.open(db) as ws:
        cid = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None,
                                         closes=clock.today() + dt.timedelta(days=5)).id
    api = TestClient(app, headers={"authorization": f"Bearer {admin}"})
    nothing = api.post(f"/api/v1/campaigns/{cid}/close")
    assert nothing.status_code == 409 and "nothing to score" in nothing.json()["error"]
    assert api.get(f"/api/v1/campaigns/{cid}/result").status_code == 409
    assert api.post(f"/api/v1/campaigns/{cid}/extend", json={"closes": clock.today().isoformat()}).status_code == 409
    assert api.post(f"/api/v1/campaigns/{cid}/extend", json={"closes": "2000-01-01"}).status_code == 422
    without_mail = create_app(Settings(db=db, tick_seconds=0))
    refused = TestClient(without_mail, headers={"authorization": f"Bearer {admin}"}).post(f"/api/v1/campaigns/{cid}/remind")
    assert refused.status_code == 409 and "no mail server is set" in refused.json()["error"]
    with Workspace.open(db) as ws:
        operations.add_user(ws, "lead@example.com", "admin", PASSWORD)
    browser, csrf = sign_in(app, "lead@example.com")
    page = browser.post(f"/campaigns/{cid}/close", data={"csrf": csrf, "confirm": "yes"})
    assert page.status_code == 409 and "nothing to score" in page.text
    without_mail.state.ws.close()
