"""The records pages in Debian's Chromium: no serious accessibility problem, and at 390 px and
1280 px nothing runs past the page (a wide table scrolls in its own region)."""

from __future__ import annotations

import pytest

from conftest import require_browser

require_browser()

from prodops import operations  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious  # noqa: E402

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    import shutil

    db = str(tmp_path_factory.mktemp("records") / "demo.db")
    shutil.copy(demo / "prodops.db", db)
    with Workspace.open(db) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    served = Server(db)
    yield served
    served.stop()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_figures_records_read_well_at_phone_and_desktop_widths(browser, server, width):
    page = browser.new_context(viewport={"width": width, "height": 844}).new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "viewer@example.com")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(server.url + "/organization?name=Northwind%20Cloud")
    page.get_by_role("link", name="The records of sprint predictability").click()
    assert page.locator("h1").inner_text() == "Sprint predictability: the records"
    page.get_by_role("link", name="Left out", exact=True).click()
    page.locator("thead a[href*='sort=committed&']").click()
    assert page.locator("th[aria-sort]").count() == 1 and "show=excluded" in page.url
    for metric in ("predictability", "launches", "time-value", "revenue", "symptoms"):
        page.goto(server.url + f"/organization/records?name=Northwind%20Cloud&metric={metric}")
        assert serious(page) == [], metric
        assert page.evaluate("document.documentElement.scrollWidth") <= width, metric
    page.context.close()
