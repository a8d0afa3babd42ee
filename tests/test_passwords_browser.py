"""A forgotten password reset in a real browser (Debian's Chromium through Playwright) against a
real server and a real SMTP server on 127.0.0.1, on a phone and a laptop: the sign-in page's
link, the request, the e-mail's link, the new password, signing in with it; every page scanned."""

from __future__ import annotations

import re

import pytest

from conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from prodops import operations  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious  # noqa: E402
from tests.outbox_servers import smtp_server  # noqa: E402

PASSWORD = "correct horse battery staple"
NEW = "tangerine submarine quietly hums"
PHONE, LAPTOP = 390, 1280


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_a_forgotten_password_is_reset_by_the_emailed_link(browser, tmp_path, width):
    db = str(tmp_path / "reset.db")
    email = f"lead{width}@example.com"
    with Workspace.open(db) as ws:
        operations.add_user(ws, email, "admin", PASSWORD)
    with smtp_server() as inbox:
        server = Server(db, smtp=inbox.url)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            found = {}
            page.goto(server.url + "/login")
            found["/login"] = serious(page)
            page.get_by_role("link", name="Forgot your password?").click()
            page.wait_for_url(server.url + "/password/forgot")
            found["/password/forgot"] = serious(page)
            page.get_by_label("E-mail").fill(email)
            page.get_by_role("button", name="Send me a link").click()
            expect(page.get_by_role("status")).to_contain_text("a link to choose a new password is on its way")
            found["/password/forgot (sent)"] = serious(page)
            text = inbox.wait(1)[0].message.get_body(("plain",)).get_content()
            link = re.search(re.escape(server.url) + r"/password/reset/[\w-]+", text).group()
            page.goto(link)
            expect(page.get_by_label("E-mail")).to_have_value(email)
            page.get_by_label("New password", exact=True).fill("passwordpassword")
            page.get_by_label("New password again").fill("passwordpassword")
            page.get_by_role("button", name="Set the new password").click()
            expect(page.get_by_role("alert")).to_contain_text("too easy to guess")
            expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")
            found["/password/reset (refused)"] = serious(page)
            page.get_by_label("New password", exact=True).fill(NEW)
            page.get_by_label("New password again").fill(NEW)
            page.get_by_role("button", name="Set the new password").click()
            page.wait_for_url(server.url + "/password/done")
            found["/password/done"] = serious(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
            page.get_by_role("link", name="Sign in").click()
            page.fill("#email", email)
            page.fill("#password", NEW)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(server.url + "/campaigns")
            page.get_by_role("link", name="Account").click()
            page.get_by_role("link", name="Change your password").click()
            page.wait_for_url(server.url + "/password")
            found["/password"] = serious(page)
            page.goto(link)  # used once
            expect(page.get_by_role("alert")).to_contain_text("expired or was used already")
            assert not {k: v for k, v in found.items() if v}
        finally:
            server.stop()
