"""API tokens (issue 24): an expiry, a scope, listed and revoked one by one, on the command line,
the web pages and the API; each protection with a test that fails without it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from prodops import operations
from prodops.core.errors import InputError, Refused
from prodops.operations.access import MAX_TOKEN_DAYS, NO_EXPIRY, TOKEN_DAYS
from prodops.shells.web import security
from prodops.store import Workspace
from tests.conftest import ok, refused
from tests.test_web import PASSWORD, api, client, serving, sign_in


@pytest.fixture
def app(db_url):
    """The web app on SQLite and on PostgreSQL, with an admin and a viewer."""
    yield from serving(db_url)


def token_for(app, email: str, scope: str = "role", days: int | None = None, name: str | None = None) -> str:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_token(ws, email, name, scope=scope, days=days)[1]


def listed(app, email: str | None = None) -> list[operations.Token]:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.list_tokens(ws, email)


def trail(app) -> list:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.audit_trail(ws, 1000)


# --- the read scope: refused every state change, whatever the user's role ----------------------

STATE_CHANGES = {"POST", "PUT", "DELETE", "PATCH"}
# The state changes a signed-in user or a token never reaches: a respondent's (the invite link is the
# credential), the word game's guests, signing in. A new route must either need a user (and so be
# refused to a read token) or be named here on purpose.
NEEDS_NO_USER = {
    ("POST", "/r/{token}/save/{criterion}"), ("POST", "/r/{token}/submit"), ("POST", "/r/{token}/{number}"),
    ("POST", "/challenge/guess"), ("POST", "/challenge/hard"), ("POST", "/challenge/practice"),
    ("PUT", "/api/v1/respond/{token}"), ("POST", "/login"), ("POST", "/login/code"),
    ("POST", "/password/forgot"), ("POST", "/password/reset/{token}"),
}


def every_route(app):
    """(method, path, route) of every route the app serves, however FastAPI nests included routers."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # FastAPI 0.16x: an included router
            found = [(c.path, c.methods, c.original_route) for c in route.effective_route_contexts()]
        else:
            found = [(route.path, getattr(route, "methods", None) or set(), route)]
        for path, methods, original in found:
            for method in methods:
                yield method, path, original


def _needs_a_user(route) -> bool:
    def calls(dependant):
        for d in dependant.dependencies:
            yield d.call
            yield from calls(d)
    dependant = getattr(route, "dependant", None)
    return dependant is not None and any(c in (security.viewer, security.api_viewer, security.account_holder)
                                                 for c in calls(dependant))


def test_a_read_token_changes_nothing_on_any_route_whatever_its_role(app):
    # guards: the scope check in security.caller; without it the admin's read token would create,
    # close, invite, revoke... (and a route that forgot to need a user would be listed here)
    read = api(app, token_for(app, "admin@example.com", scope="read"))
    changes = [(m, p, r) for m, p, r in every_route(app) if m in STATE_CHANGES]
    without_user = {(m, p) for m, p, r in changes if not _needs_a_user(r)}
    assert without_user == NEEDS_NO_USER
    before = len(trail(app))
    answered = {}
    for method, path, _route in changes:
        if (method, path) in NEEDS_NO_USER:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = read.request(method, url, json={}) if path.startswith("/api/") else read.request(method, url, data={})
        answered[f"{method} {path}"] = (answer.status_code, security.READ_ONLY in answer.text)
    assert len(answered) >= 40
    assert {k: v for k, v in answered.items() if v != (403, True)} == {}
    assert len(trail(app)) == before  # nothing was done, so nothing recorded
    # it still reads, with the admin's role
    assert read.get("/api/v1/tokens").status_code == 200 and read.get("/api/v1/audit").status_code == 200


def test_a_role_token_does_what_its_role_may(app):
    admin = api(app, token_for(app, "admin@example.com", scope="role"))
    made = admin.post("/api/v1/campaigns", json={"organization": "Acme", "name": "Q1"})
    assert made.status_code == 201, made.text
    spare = listed(app)[0].id
    assert admin.delete(f"/api/v1/tokens/{spare}").status_code == 204  # even revoke itself
    viewer = api(app, token_for(app, "viewer@example.com", scope="role"))
    assert viewer.post("/api/v1/campaigns", json={"organization": "Acme", "name": "Q2"}).status_code == 403


def session_api(app, email: str = "admin@example.com"):
    """A signed-in browser calling the API: (a function posting JSON with the session's CSRF header)."""
    browser, csrf = sign_in(app, email)
    return lambda path, body: browser.post(path, json=body, headers={security.CSRF_HEADER: csrf})


# --- expiry -----------------------------------------------------------------------------------

def test_an_expired_token_is_refused_as_invalid_and_its_row_goes(app, clock):
    # guards: the expiry check in operations.token_caller; without it the token works for ever
    token = token_for(app, "admin@example.com", days=1)
    assert api(app, token).get("/api/v1/campaigns").status_code == 200
    clock.freeze(clock.now() + dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert api(app, token).get("/api/v1/campaigns").status_code == 200  # still its last second
    clock.freeze(clock.now() + dt.timedelta(seconds=1))
    refused_now = api(app, token).get("/api/v1/campaigns")
    assert refused_now.status_code == 401 and "not valid" in refused_now.json()["error"]
    assert listed(app) == []  # cleaned up


def test_a_token_lives_90_days_unless_told_and_at_most_366(app, clock):
    with Workspace.open(app.state.settings.db) as ws:
        made, _ = operations.create_token(ws, "admin@example.com")
        assert made.expires_at == clock.now() + dt.timedelta(days=TOKEN_DAYS)
        longest, _ = operations.create_token(ws, "admin@example.com", days=MAX_TOKEN_DAYS)
        assert longest.expires_at == clock.now() + dt.timedelta(days=366)
        for days in (0, 367, "ten", -1, True):
            with pytest.raises(InputError, match="token"):
                operations.create_token(ws, "admin@example.com", days=days)
    admin = api(app, token_for(app, "admin@example.com"))
    assert admin.post("/api/v1/tokens", json={"expires_in_days": 367}).status_code == 422


def test_other_tokens_expired_are_deleted_when_a_token_is_made(app, clock):
    token_for(app, "viewer@example.com", days=1, name="old")
    clock.freeze(clock.now() + dt.timedelta(days=2))
    token_for(app, "admin@example.com", name="new")
    assert [t.name for t in listed(app)] == ["new"]


def test_last_use_is_written_at_most_once_a_minute(app, clock):
    token = token_for(app, "viewer@example.com", scope="read")
    start = clock.now()
    api(app, token).get("/api/v1/campaigns")
    assert listed(app)[0].last_used_at == start
    clock.freeze(start + dt.timedelta(seconds=50))
    api(app, token).get("/api/v1/campaigns")
    assert listed(app)[0].last_used_at == start  # not a write per request
    clock.freeze(start + dt.timedelta(seconds=61))
    api(app, token).get("/api/v1/campaigns")
    assert listed(app)[0].last_used_at == start + dt.timedelta(seconds=61)


def test_a_token_made_before_tokens_expired_works_and_says_replace_it(db_url, tmp_path):
    """A workspace of revision 0015: its token keeps the user's role and no expiry, listed as such."""
    from alembic import command

    from prodops.operations.access import digest
    from prodops.shells.web import Settings, create_app
    from prodops.store import migrations

    old_token = "pdo_" + "x" * 43
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(migrations(conn), "0015")
        conn.execute(sa.text("INSERT INTO users (email, role, created_at) VALUES ('ann@example.com', 'admin', "
                             "'2026-01-05 10:00:00+00')"))
        conn.execute(sa.text("INSERT INTO api_tokens (token_hash, user_id, name, created_at) SELECT :h, id, 'cron', "
                             "'2026-01-05 10:00:00+00' FROM users").bindparams(h=digest(old_token)))
    engine.dispose()
    made = create_app(Settings(db=db_url))  # brings the workspace up to date
    try:
        shown = api(made, old_token).get("/api/v1/tokens")
        assert shown.status_code == 200
        assert [(t["name"], t["scope"], t["expires_at"]) for t in shown.json()] == [("cron", "role", None)]
        made_by_it = api(made, old_token).post("/api/v1/campaigns", json={"organization": "A", "name": "B"})
        assert made_by_it.status_code == 201  # with its user's role
    finally:
        made.state.ws.close()
    assert f"cron\tann@example.com\trole\t2026-01-05 10:00\t{NO_EXPIRY}" in ok("tokens", "list", "--db", db_url).stdout


# --- listing and revoking: admins any, everyone their own, nobody another's ---------------------

def test_a_viewer_sees_and_revokes_only_their_own_tokens(app):
    # guards: the owner check in list_tokens / revoke_token (store.remove_token's user_id); without
    # it a viewer lists everyone's tokens and revokes an admin's
    admin_token = token_for(app, "admin@example.com", name="admin's")
    viewer = api(app, token_for(app, "viewer@example.com", name="mine"))
    admin_id = next(t.id for t in listed(app) if t.name == "admin's")
    assert [t["name"] for t in viewer.get("/api/v1/tokens").json()] == ["mine"]
    theirs = viewer.get("/api/v1/tokens", params={"email": "admin@example.com"})
    assert theirs.status_code == 404
    gone = viewer.delete(f"/api/v1/tokens/{admin_id}")
    unknown = viewer.delete("/api/v1/tokens/99999")
    assert gone.status_code == unknown.status_code == 404
    assert gone.json()["refused"] == unknown.json()["refused"] == "unknown"
    browser, csrf = sign_in(app, "viewer@example.com")
    assert browser.post(f"/tokens/{admin_id}/revoke", data={"csrf": csrf}).status_code == 404
    assert "admin&#39;s" not in browser.get("/account").text and "mine" in browser.get("/account").text
    assert api(app, admin_token).get("/api/v1/campaigns").status_code == 200  # still works
    # an admin lists everyone's and revokes any: it stops at once
    admin = api(app, admin_token)
    assert sorted(t["name"] for t in admin.get("/api/v1/tokens").json()) == ["admin's", "mine"]
    mine = next(t.id for t in listed(app) if t.name == "mine")
    assert admin.delete(f"/api/v1/tokens/{mine}").status_code == 204
    assert viewer.get("/api/v1/campaigns").status_code == 401


def test_a_viewer_makes_read_tokens_for_themselves_only(app):
    # guards: create_token's checks on behalf of a viewer; without them a viewer makes tokens that
    # act for an admin
    post = session_api(app, "viewer@example.com")
    for_admin = post("/api/v1/tokens", {"email": "admin@example.com", "scope": "read"})
    for_nobody = post("/api/v1/tokens", {"email": "nobody@example.com", "scope": "read"})
    assert for_admin.status_code == for_nobody.status_code == 403
    assert for_admin.json() == for_nobody.json()  # nothing to learn about who is a user
    assert post("/api/v1/tokens", {"scope": "role"}).status_code == 422
    made = post("/api/v1/tokens", {"name": "dashboards"})
    assert made.status_code == 201 and made.json()["scope"] == "read"
    assert api(app, made.json()["token"]).get("/api/v1/campaigns").status_code == 200
    browser, csrf = sign_in(app, "viewer@example.com")
    page = browser.post("/account/tokens", data={"csrf": csrf, "scope": "role", "days": "30"})
    assert page.status_code == 422 and "read-only" in page.text


def test_a_read_token_cannot_make_or_revoke_tokens(app):
    read = api(app, token_for(app, "admin@example.com", scope="read"))
    some = listed(app)[0].id
    assert read.post("/api/v1/tokens", json={}).status_code == 403
    assert read.delete(f"/api/v1/tokens/{some}").status_code == 403
    assert len(listed(app)) == 1


def test_token_forms_need_the_csrf_token(app):
    # guards: the viewer/admin dependencies' CSRF check on the token forms
    browser, csrf = sign_in(app)
    assert browser.post("/account/tokens", data={"name": "x", "days": "5"}).status_code == 403
    assert browser.post("/users/tokens", data={"email": "viewer@example.com", "days": "5"}).status_code == 403
    assert listed(app) == []
    token_for(app, "viewer@example.com")
    assert browser.post(f"/tokens/{listed(app)[0].id}/revoke", data={}).status_code == 403
    assert len(listed(app)) == 1
    assert browser.post(f"/tokens/{listed(app)[0].id}/revoke", data={"csrf": csrf, "back": "users"}).status_code == 303


# --- the pages ----------------------------------------------------------------------------------

def test_a_new_token_is_shown_once_and_every_users_tokens_are_listed_to_admins(app):
    browser, csrf = sign_in(app)
    made = browser.post("/users/tokens", data={"csrf": csrf, "email": "viewer@example.com", "name": "<b>bi</b>",
                                               "scope": "read", "days": "30"})
    assert made.status_code == 201
    secret = re.search(r'value="(pdo_[^"]+)"', made.text).group(1)
    assert "shown only this once" in made.text and "&lt;b&gt;bi&lt;/b&gt;" in made.text and "<b>bi" not in made.text
    assert browser.get("/users/tokens").headers["location"] == "/users#tokens"  # reopened: the list, not the token
    again = browser.get("/users")
    assert secret not in again.text and "viewer@example.com" in again.text and "read-only" in again.text
    assert api(app, secret).get("/api/v1/campaigns").status_code == 200
    problem = browser.post("/users/tokens", data={"csrf": csrf, "email": "viewer@example.com", "days": "400"})
    assert problem.status_code == 422 and 'aria-describedby="token-problems"' in problem.text
    viewer, vcsrf = sign_in(app, "viewer@example.com")
    assert viewer.post("/users/tokens", data={"csrf": vcsrf, "email": "viewer@example.com"}).status_code == 403
    own = viewer.post("/account/tokens", data={"csrf": vcsrf, "name": "sheet", "days": "7"})
    assert own.status_code == 201 and re.search(r'value="pdo_', own.text)


def test_tokens_are_audited_and_the_token_is_never_kept_nor_shown_again(app):
    # guards: only the hash is stored, and the trail and the lists never hold the token
    admin = api(app, token_for(app, "admin@example.com"))
    made = session_api(app)("/api/v1/tokens", {"email": "viewer@example.com", "name": "bi", "scope": "read"}).json()
    secret = made["token"]
    assert admin.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
    admin_token = next(t.id for t in listed(app) if t.owner == "admin@example.com")
    entries = [e for e in trail(app) if e.action.startswith("token")]
    assert [(e.actor, e.action, e.subject, e.detail.get("id")) for e in entries][:2] == [
        (f"admin@example.com (token #{admin_token})", "token revoked", "viewer@example.com", made["id"]),
        ("admin@example.com", "token created", "viewer@example.com", made["id"])]
    with Workspace.open(app.state.settings.db) as ws:
        lines = "".join(operations.audit_lines(ws))
        with ws.engine.connect() as conn:
            dumped = json.dumps([list(map(str, r)) for r in conn.execute(sa.text("SELECT * FROM api_tokens"))])
    assert secret not in lines and secret[4:] not in lines and secret not in dumped
    assert secret not in json.dumps(admin.get("/api/v1/tokens").json())


# --- the command line ---------------------------------------------------------------------------

def test_tokens_on_the_command_line(tmp_path, clock):
    db = str(tmp_path / "cli.db")
    ok("users", "add", "ann@example.com", "--role", "admin", "--db", db)
    made = ok("tokens", "create", "ann@example.com", "--name", "ci", "--scope", "read", "--expires-in-days", "7",
              "--db", db)
    assert made.stdout.startswith("pdo_") and "shown only now" in made.stderr
    found = json.loads(ok("tokens", "list", "ann@example.com", "--json", "--db", db).stdout)["tokens"]
    assert [(t["id"], t["name"], t["scope"], t["expires_at"]) for t in found] == [
        (1, "ci", "read", (clock.now() + dt.timedelta(days=7)).isoformat())]
    assert made.stdout.strip() not in ok("tokens", "list", "--db", db).stdout
    assert "between 1 and 366" in refused("tokens", "create", "ann@example.com", "--expires-in-days", "367", "--db", db) \
        or "1<=x<=366" in refused("tokens", "create", "ann@example.com", "--expires-in-days", "367", "--db", db)
    assert "unknown scope" in refused("tokens", "create", "ann@example.com", "--scope", "write", "--db", db)
    assert "revoked token #1" in ok("tokens", "revoke", "1", "--db", db).stderr
    assert "no API token #1" in refused("tokens", "revoke", "1", "--db", db)
    with Workspace.open(db) as ws:
        assert [(e.actor, e.action) for e in operations.audit_trail(ws)][:2] == [
            ("command line", "token revoked"), ("command line", "token created")]


def test_list_tokens_and_revoke_token_refuse_a_viewer_anothers(db_url):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "ann@example.com", "admin", PASSWORD)
        viewer = operations.add_user(ws, "bob@example.com", "viewer", None)
        made, _ = operations.create_token(ws, "ann@example.com")
        with pytest.raises(Refused) as listing:
            operations.list_tokens(ws, "ann@example.com", by=viewer)
        with pytest.raises(Refused) as revoking:
            operations.revoke_token(ws, made.id, by=viewer)
        assert listing.value.kind == revoking.value.kind == "unknown"
        assert operations.list_tokens(ws, by=viewer) == []
        assert [t.id for t in operations.list_tokens(ws)] == [made.id]


def test_a_token_lists_its_users_tokens_by_the_api_not_the_account_page(app):
    """The account page is a browser session's (its two-step sign-in too); a token reads the API."""
    token = token_for(app, "viewer@example.com", name="reader", scope="read")
    with_token = client(app, headers={"Authorization": f"Bearer {token}"})
    assert with_token.get("/account").status_code == 403
    listed = with_token.get("/api/v1/tokens")
    assert listed.status_code == 200 and "reader" in listed.text


# --- a token makes no tokens; its acts name it (security review, findings 2 and 7b) -------------

def test_a_token_cannot_make_tokens_so_none_outlives_its_maker(app):
    # guards: create_token's refusal of a caller with an API token. Without it a 1-day admin token
    # made a 366-day role token for another admin, was revoked, and its child went on working.
    parent = token_for(app, "admin@example.com", days=1, name="parent")
    by_token = api(app, parent)
    made = by_token.post("/api/v1/tokens", json={"email": "viewer@example.com", "scope": "read", "expires_in_days": 366})
    assert made.status_code == 403 and "signed-in browser" in made.json()["error"], made.text
    mine = by_token.post("/account/tokens", data={"name": "child", "days": "366"})
    theirs = by_token.post("/users/tokens", data={"email": "viewer@example.com", "name": "child", "days": "366"})
    assert mine.status_code == theirs.status_code == 403
    assert [t.name for t in listed(app)] == ["parent"]  # nothing was made
    refusals = [e for e in trail(app) if e.action == "token refused"]
    assert len(refusals) == 3 and all(e.detail.get("reason") == "asked with an API token" for e in refusals)
    # a signed-in browser (with its CSRF token) and the command line still make tokens
    browser, csrf = sign_in(app)
    by_session = browser.post("/api/v1/tokens", json={"name": "ci"}, headers={security.CSRF_HEADER: csrf})
    assert by_session.status_code == 201, by_session.text
    assert "pdo_" in ok("tokens", "create", "viewer@example.com", "--db", app.state.settings.db).stdout


def test_a_tokens_acts_are_recorded_with_the_token_and_found_under_its_owner(app):
    # guards: the actor security.caller sets for an API token. Without it a token's acts were
    # recorded as its owner's own, with nothing to tell which token (to revoke) did them.
    token = token_for(app, "admin@example.com", name="ci")
    token_id = listed(app)[0].id
    made = api(app, token).post("/api/v1/campaigns", json={"organization": "Acme", "name": "Q1"})
    assert made.status_code == 201, made.text
    entry = next(e for e in trail(app) if e.action == "campaign created")
    assert entry.actor == f"admin@example.com (token #{token_id})"
    browser, _ = sign_in(app)  # the owner's own acts, by a session, stay under their e-mail alone
    signed = next(e for e in trail(app) if e.action == "signed in")
    assert signed.actor == "admin@example.com"
    with Workspace.open(app.state.settings.db) as ws:  # filtering by the owner finds both
        found = {e.id for e in operations.audit_trail(ws, 1000, actor="Admin@Example.com")}
    assert {entry.id, signed.id} <= found
    page = browser.get("/audit", params={"actor": "admin@example.com"})
    assert f"admin@example.com (token #{token_id})" in page.text
