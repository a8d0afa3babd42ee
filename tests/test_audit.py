"""The audit trail: who did what, from where, kept append-only by the database itself."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from prodops import operations
from prodops.core.errors import Refused
from prodops.operations.audit import COMMAND_LINE, acting
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import ok
from tests.test_web import PASSWORD, client, sign_in


def test_entries_say_who_from_where_and_what(db_url, clock):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "ann@example.com", "admin", PASSWORD)
        with acting("ann@example.com", "192.0.2.7"):
            operations.create_token(ws, "ann@example.com", "ci")
        with pytest.raises(Refused):
            operations.login(ws, "bob@example.com", "not the password", "192.0.2.9")
        entries = operations.audit_trail(ws)
        lines = [json.loads(line) for line in operations.audit_lines(ws)]
    assert [(e.actor, e.client, e.action, e.subject) for e in entries] == [
        (COMMAND_LINE, None, "sign-in failed", "(not a user)"),  # what was typed may be a password
        ("ann@example.com", "192.0.2.7", "token created", "ann@example.com"),
        (COMMAND_LINE, None, "user added", "ann@example.com"),
    ]
    # oldest first; taking a copy of the trail is the last thing it records
    assert [line["action"] for line in lines] == ["user added", "token created", "sign-in failed", "audit trail exported"]
    assert lines[0]["detail"] == {"role": "admin", "password": True}
    assert lines[0]["at"] == clock.now().isoformat()


def test_no_entry_can_be_changed_or_deleted(db_url):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "ann@example.com", "viewer", None)
        for statement in ("UPDATE audit_trail SET actor = 'someone else'", "DELETE FROM audit_trail"):
            with pytest.raises(Exception, match="append-only"), ws.engine.begin() as conn:
                conn.execute(sa.text(statement))
        assert [e.actor for e in operations.audit_trail(ws)] == [COMMAND_LINE]


def test_the_web_app_records_the_signed_in_user_and_the_client(tmp_path):
    db = str(tmp_path / "audit.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    app = create_app(Settings(db=db, tick_seconds=0))
    try:
        stranger = client(app)
        stranger.post("/login", data={"csrf": "x", "email": "admin@example.com", "password": "wrong"},
                      cookies={"prodops_login": "x"})
        browser, csrf = sign_in(app)
        assert browser.post("/logout", data={"csrf": csrf}).status_code == 303
        entries = operations.audit_trail(app.state.ws)
    finally:
        app.state.ws.close()
    assert [(e.actor, e.client, e.action) for e in reversed(entries)][-3:] == [
        ("anonymous", "testclient", "sign-in failed"),
        ("admin@example.com", "testclient", "signed in"),
        ("admin@example.com", "testclient", "signed out"),
    ]


def test_the_command_line_records_itself(tmp_path):
    db = str(tmp_path / "cli.db")
    ok("users", "add", "ann@example.com", "--role", "viewer", "--db", db)
    with Workspace.open(db) as ws:
        assert [(e.actor, e.action) for e in operations.audit_trail(ws)] == [(COMMAND_LINE, "user added")]
