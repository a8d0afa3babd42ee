"""The web app in a real browser (Debian's Chromium through Playwright) against a real server on
127.0.0.1: the respondent's form on a phone and a laptop with the keyboard alone, resuming after the
page is closed, with JavaScript off; the admin's whole round; an accessibility scan of every page."""

from __future__ import annotations

import re

import pytest

from conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from prodops import operations  # noqa: E402
from prodops.inputs.models import load_model  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious, tab_to  # noqa: E402

MODEL = load_model()
PASSWORD = "correct horse battery staple"
PHONE, LAPTOP = 390, 1280


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("web") / "web.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    running = Server(db)
    yield running
    running.stop()



def link(server, **invitee) -> str:
    with Workspace.open(server.app.state.settings.db) as ws:
        campaign = operations.create_campaign(ws, MODEL, "Acme", "Q4 check")
        token = operations.invite(ws, MODEL, campaign.id, [{"name": "Ana", "role": "pm", **invitee}]).issued[0].token
    return f"{server.url}/r/{token}"


def first_page() -> list:
    return sorted((c for c in MODEL.criteria if c.dimension == MODEL.dimensions[0].id), key=lambda c: c.level)


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_a_respondent_answers_with_the_keyboard_alone_and_resumes_later(browser, server, width):
    url = link(server, name=f"Kbd {width}")
    page = browser.new_page(viewport={"width": width, "height": 860})
    page.goto(url)
    tab_to(page, "el.textContent.trim() === 'Start'")
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    criteria = first_page()
    for c in criteria:
        tab_to(page, f"el.name === 'answer-{c.id}'")
        page.keyboard.press("ArrowRight")  # the second point of the scale: "Started"
        expect(page.locator(f"#saved-{c.id}")).to_have_text("Saved")
    page.locator(f"#note-{criteria[0].id}").focus()
    page.keyboard.type("<b>wiki</b>/org-chart")
    page.keyboard.press("Tab")  # leaving the note saves it
    expect(page.locator(f"#saved-{criteria[0].id}")).to_have_text("Saved")
    expect(page.locator("#progress label")).to_have_text(f"{len(criteria)} of 52 answered")
    page.close()
    # the link opened again, in a new page: on the next page with something to answer, answers kept
    again = browser.new_page(viewport={"width": width, "height": 860})
    again.goto(url)
    again.wait_for_url(url + "/2")
    again.goto(url + "/1")
    for c in criteria:
        expect(again.locator(f"input[name='answer-{c.id}'][value='Started']")).to_be_checked()
    expect(again.locator(f"#note-{criteria[0].id}")).to_have_value("<b>wiki</b>/org-chart")
    again.close()


def test_the_form_works_with_javascript_off(browser, server):
    url = link(server, name="No JS")
    context = browser.new_context(java_script_enabled=False, viewport={"width": PHONE, "height": 860})
    page = context.new_page()
    page.goto(url + "/1")
    for c in first_page():
        page.locator(f"input[name='answer-{c.id}'][value='Fully']").check()
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_url(url + "/2")
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(url + "/review")
    expect(page.locator("main")).to_contain_text(f"{52 - len(first_page())} statements are not answered yet")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("h1")).to_have_text("Thank you")
    context.close()


def sign_in(page, server):
    page.goto(server.url + "/login")
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/campaigns")


def test_an_admin_runs_a_round_watching_answers_arrive_and_downloads_the_pdf(browser, server):
    admin = browser.new_page(viewport={"width": LAPTOP, "height": 900})
    sign_in(admin, server)
    admin.fill("#organization", "Browser Co")
    admin.fill("#name", "Round in a browser")
    admin.fill("input[name='target-pm']", "1")
    admin.check("input[name='privacy'][value='named']")  # one respondent: a named round shows its result
    admin.get_by_role("button", name="Create campaign").click()
    admin.wait_for_url(re.compile(r".*/campaigns/\d+$"))
    admin.fill("#inv-name", "Pat")
    admin.select_option("#inv-role", "pm")
    admin.get_by_role("button", name="Invite", exact=True).click()
    url = admin.locator("input.copy-source").first.input_value()
    expect(admin.locator("#rates")).to_contain_text("0 submitted of 1 invited")
    phone = browser.new_page(viewport={"width": PHONE, "height": 860})
    phone.goto(url.replace("http://testserver", server.url))
    token = url.rsplit("/", 1)[1]
    phone.request.put(f"{server.url}/api/v1/respond/{token}",
                      data={"answers": {c.id: "Mostly" for c in MODEL.criteria}, "submit": True})
    # the dashboard polls: the rate rises without a reload
    expect(admin.locator("#rates")).to_contain_text("1 submitted of 1 invited (100%)", timeout=15_000)
    expect(admin.locator("#rates")).to_contain_text("Toward the targets: 1 of 1 wanted (100%)")
    admin.get_by_role("button", name="Close and record…").click()
    admin.get_by_role("button", name="Yes, close and record").click()  # it asks first
    expect(admin.locator(".meta")).to_contain_text("closed")
    admin.get_by_role("link", name="history and report").click()
    with admin.expect_download(timeout=60_000) as download:
        admin.get_by_role("link", name="PDF").click()
        # made in the background: the page says so, then the browser is sent to the file
        expect(admin.locator("#drawing")).to_contain_text("Making the PDF")
    expect(admin.locator("#drawing")).to_contain_text("The PDF is ready")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_page_has_a_serious_accessibility_violation(browser, server, width):
    url = link(server, name=f"Axe {width}")
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = {}
    for path in ("", "/1", "/review"):
        page.goto(url + path)
        found[url + path] = serious(page)
    page.goto(server.url + "/login")
    found["/login"] = serious(page)
    sign_in(page, server)
    for path in ("/campaigns", "/organizations", "/imports", "/users", "/api/docs"):
        page.goto(server.url + path)
        found[path] = serious(page)
    page.goto(server.url + "/campaigns")
    page.locator("table.list a").first.click()
    page.wait_for_load_state()
    found["/campaigns/N"] = serious(page)
    dashboard = page.url
    for path in ("/remind", "/emails", "/emails?kind=reminder"):  # the pages of a campaign's life
        page.goto(dashboard + path)
        found["/campaigns/N" + path] = serious(page)
    page.goto(dashboard)
    page.get_by_role("button", name="Close and record…").click()  # its confirmation
    page.wait_for_load_state()
    found["/campaigns/N/close"] = serious(page)
    assert not {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_organisation_and_a_units_page_pass_the_scan_and_units_are_declared_by_keyboard(browser, demo_workspace, width):
    with Workspace.open(demo_workspace) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    running = Server(demo_workspace)
    try:
        page = browser.new_page(viewport={"width": width, "height": 900})
        sign_in(page, running)
        found = {}
        for path in ("/organization?name=Northwind%20Cloud", "/organization?name=Northwind%20Cloud&unit=Commerce",
                     "/organization/records?name=Northwind%20Cloud&metric=predictability&show=excluded",
                     "/organization/records?name=Northwind%20Cloud&metric=data-verdicts&sort=measure"):
            page.goto(running.url + path)
            found[path] = serious(page)
            # the page never scrolls sideways: a wide table scrolls in its own frame
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert not {k: v for k, v in found.items() if v}
        page.goto(running.url + "/organization?name=Northwind%20Cloud")  # a figure opens its records by keyboard
        tab_to(page, "document.activeElement.href && document.activeElement.href.includes('metric=data-verdicts')")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Criteria checked against the data: the records")
        page.goto(running.url + "/organization?name=Northwind%20Cloud")
        tab_to(page, "document.activeElement.id === 'unit-name'")
        page.keyboard.type("Mobile")
        page.keyboard.press("Tab")  # to "Part of"
        page.keyboard.press("End")  # the last unit listed
        page.keyboard.press("Tab")
        page.keyboard.type("Growth")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"#units-h$"))
        expect(page.locator("#units-h")).to_be_visible()
        with Workspace.open(demo_workspace) as ws:
            mobile = operations.unit_tree(ws, "Northwind Cloud").find("mobile")
        assert (mobile.name, mobile.parent, mobile.teams) == ("Mobile", "Platform", ("Growth",))
    finally:
        running.stop()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_burn_up_reads_on_a_phone_and_a_laptop_and_passes_the_scan(browser, server, clock, width):
    import datetime as dt
    from itertools import pairwise

    opens = dt.date(2026, 3, 1)
    clock.freeze(dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC))
    with Workspace.open(server.app.state.settings.db) as ws:
        cid = operations.create_campaign(ws, MODEL, "Acme", f"Burn-up {width}", opens=opens,
                                         targets={"pm": 4, "engineering": 3}).id
        people = [{"name": f"B{width}-{i}", "role": ("pm", "pm", "engineering")[i % 3], "team": ("Pay", "Core")[i % 2]}
                  for i in range(9)]
        tokens = [i.token for i in operations.invite(ws, MODEL, cid, people).issued]
        for token, day in zip(tokens, [0, 1, 1, 3, 6], strict=False):  # engineers: 1 of 3 wanted
            clock.freeze(dt.datetime.combine(opens + dt.timedelta(days=day), dt.time(11), dt.UTC))
            operations.save(ws, MODEL, token, {c.id: "Mostly" for c in MODEL.criteria}, submit=True)
    clock.freeze(dt.datetime(2026, 3, 10, 16, tzinfo=dt.UTC))
    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, server)
    page.goto(f"{server.url}/campaigns/{cid}")
    chart = page.locator("figure.burnup svg")
    expect(chart).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    box = chart.bounding_box()
    assert box and box["width"] <= width and box["height"] > 120
    # the date labels shown are legible and none overlaps the next
    labels = [b for b in (t.bounding_box() for t in page.locator("figure.burnup .dates text").all()) if b and b["width"]]
    assert len(labels) == (3 if width == PHONE else 5)
    assert all(a["x"] + a["width"] < b["x"] for a, b in pairwise(labels))
    assert min(b["height"] for b in labels) >= 11
    expect(page.locator("#rates")).to_contain_text("under 60%")
    assert not serious(page)
    page.close()
