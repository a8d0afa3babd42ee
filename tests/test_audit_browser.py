"""The audit trail and the API tokens in a real browser (Debian's Chromium through Playwright)
against a real server on 127.0.0.1, at phone and laptop width: read, filtered, scanned for
accessibility; a token made, shown once, copied and revoked. Screenshots go to /tmp/shots-audit/
for a person to look at."""

from __future__ import annotations

import re

import pytest

from conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from prodops import operations  # noqa: E402
from prodops.operations.audit import acting  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious, shoot  # noqa: E402

PASSWORD = "correct horse battery staple"
PHONE, LAPTOP = 390, 1280


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("audit") / "web.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
        operations.create_token(ws, "viewer@example.com", "nightly export", scope="read")
        with acting("ann.long-name@northwind-cloud.example", "203.0.113.77"):
            operations.record(ws, "sign-in failed", '<script>alert("x")</script>@evil.example',
                              reason="wrong e-mail or password")
            operations.record(ws, "campaign reopened", "campaign #12", closes="2026-12-20",
                              reason="Bo was away for the whole of the first fortnight")
    running = Server(db)
    yield running
    running.stop()


def sign_in(page, server, email="admin@example.com"):
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/campaigns")


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_audit_page_reads_at_both_widths_and_passes_the_scan(browser, server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, server)
    page.get_by_role("link", name="Audit").click()
    page.wait_for_url(server.url + "/audit")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.locator("table.audit")).to_contain_text('<script>alert("x")</script>@evil.example')  # as text
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # nothing wider than the screen
    shoot(page, f"audit-{width}")
    assert serious(page) == []
    page.select_option("#f-action", "campaign reopened")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit?action=campaign+reopened*")
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON lines").click()
    assert download.value.suggested_filename.endswith(".jsonl")
    page.close()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_a_token_is_made_shown_once_and_revoked_in_the_browser(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, server, "viewer@example.com")
    page.goto(server.url + "/account")
    page.fill("#t-name", f"sheet {width}")
    page.fill("#t-days", "30")
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_label("The new API token")
    expect(shown).to_have_value(re.compile(r"^pdo_"))
    shoot(page, f"account-token-{width}")
    assert serious(page) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.goto(server.url + "/account")
    expect(page.locator("#tokens")).to_contain_text(f"sheet {width}")
    assert page.get_by_label("The new API token").count() == 0  # shown once
    page.get_by_role("row").filter(has_text=f"sheet {width}").get_by_role("button", name="Revoke").click()
    page.wait_for_url(server.url + "/account#tokens")
    expect(page.locator("#tokens")).not_to_contain_text(f"sheet {width}")
    admin = context.new_page()
    context.clear_cookies()
    sign_in(admin, server)
    admin.goto(server.url + "/users#tokens")
    expect(admin.locator("#tokens")).to_contain_text("nightly export")
    shoot(admin, f"users-tokens-{width}")
    assert serious(admin) == []
    context.close()
