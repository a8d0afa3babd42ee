"""Who counts as one client for the per-client limits (security review, finding 9): an IPv6 client
by its /64 (one subscriber's network: an attacker holds a whole /64 and rotates through it); an
IPv4 client, or IPv4 written as IPv6, by its address. The audit trail keeps the full address."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from prodops import operations
from prodops.core.clients import counted_as
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in
from tests.test_web import PASSWORD


@pytest.mark.parametrize("address, counted", [
    ("192.0.2.7", "192.0.2.7"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("fe80::1%eth0", "fe80::/64"),
    ("testclient", "testclient"), ("unknown", "unknown"),  # no address: as it is
])
def test_an_ipv6_client_counts_by_its_64_and_an_ipv4_one_by_its_address(address, counted):
    assert counted_as(address) == counted


@pytest.fixture
def app(db_url):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    made = create_app(Settings(db=db_url, tick_seconds=0))
    yield made
    made.state.ws.close()


def test_rotating_through_a_64_does_not_escape_the_per_client_limit(app, clock):
    # guards: security.client's /64 (core.clients.counted_as), which every per-client limit keys
    # on. Without it each of a /64's 2^64 addresses had a budget of its own: here a guesser
    # trying many e-mails from a new address each time was never slowed.
    codes = []
    for n in range(40):
        at = TestClient(app, base_url="http://testserver", follow_redirects=False,
                        client=(f"2001:db8:aa:bb::{n + 1:x}", 50000))
        token = csrf_in(at.get("/login").text)
        codes.append(at.post("/login", data={"csrf": token, "email": f"guess{n}@example.com",
                                              "password": "not the password"}).status_code)
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}  # as one client (the per-client budget)
    with Workspace.open(app.state.settings.db) as ws:  # the trail keeps each full address
        clients = {e.client for e in operations.audit_trail(ws, 1000) if e.action == "sign-in failed"}
    assert "2001:db8:aa:bb::1" in clients and len(clients) == 30
