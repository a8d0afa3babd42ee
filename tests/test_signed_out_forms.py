"""The forms before sign-in (sign-in, forgotten password, reset link, the code page) follow one CSRF
rule, shells.web.security's (security review, finding 12): the login cookie's token, kept while
the browser holds a well-formed one, set with each such page and gone once a sign-in succeeds or
awaits its code; the code page checks the pending sign-in's own token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from prodops import operations
from prodops.core import mfa as rules
from prodops.shells.web import Settings, create_app
from prodops.shells.web.security import LOGIN_COOKIE
from prodops.store import Workspace
from tests.conftest import csrf_in
from tests.outbox_servers import smtp_server
from tests.test_web import PASSWORD


@pytest.fixture
def app(db_url, clock):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        held = operations.add_user(ws, "held@example.com", "admin", PASSWORD)
        secret = rules.new_secret()
        assert ws.mfa.start(held.id, secret, clock.now()) and ws.mfa.enable(held.id, secret, 1, [], clock.now())
    with smtp_server() as inbox:  # reset links by e-mail: the forgotten password's form is there
        made = create_app(Settings(db=db_url, smtp=inbox.url, base_url="http://testserver", tick_seconds=0))
        yield made
        made.state.ws.close()


def browser(app) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def test_every_page_before_sign_in_keeps_the_browsers_token_so_two_tabs_both_work(app):
    # guards: one policy for the token (security.signed_out_form). Before, the sign-in page made a
    # new token each time while the password pages kept the cookie's: opening the sign-in page in
    # another tab broke the "forgot your password" form already open (403).
    at = browser(app)
    forgot = csrf_in(at.get("/password/forgot").text)
    login = csrf_in(at.get("/login").text)
    assert login == forgot == at.cookies.get(LOGIN_COOKIE)
    assert at.post("/password/forgot", data={"csrf": forgot, "email": "admin@example.com"}).status_code == 200
    assert at.post("/login", data={"csrf": login, "email": "admin@example.com", "password": PASSWORD}).status_code == 303


def test_a_malformed_login_cookie_is_never_taken_as_the_token(app):
    # guards: the well-formed check (256 random bits, URL-safe). Without it a cookie set by someone
    # else ("x", planted by a sibling subdomain) became the form's token as it was.
    for path in ("/login", "/password/forgot"):
        at = browser(app)
        at.cookies.set(LOGIN_COOKIE, "x", domain="testserver.local")
        token = csrf_in(at.get(path).text)
        assert token != "x" and len(token) == 43 and at.cookies.get(LOGIN_COOKIE) == token, path


def test_a_sign_in_awaiting_its_code_drops_the_login_token(app):
    # guards: the Pending branch of admin.login ending the login cookie, as a finished sign-in does.
    # Before, it stayed set for the rest of its hour.
    at = browser(app)
    token = csrf_in(at.get("/login").text)
    held = at.post("/login", data={"csrf": token, "email": "held@example.com", "password": PASSWORD})
    assert held.status_code == 303 and held.headers["location"] == "/login/code"
    assert at.cookies.get(LOGIN_COOKIE) is None
    page = at.get("/login/code")  # the code page's form carries the pending sign-in's own token
    assert at.post("/login/code", data={"csrf": token, "code": "000000"}).status_code == 403  # not the login one
    assert at.post("/login/code", data={"csrf": csrf_in(page.text), "code": "000000"}).status_code == 401
