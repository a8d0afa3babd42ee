"""What the web app refuses before any route runs (issue 24): a 405 says which methods an address
takes, on pages and in the API; a body that cannot be read is refused in the API's own words."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from prodops import operations
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.outbox_servers import smtp_server


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
