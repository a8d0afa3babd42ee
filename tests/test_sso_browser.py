"""Single sign-on in a real browser (Debian's Chromium through Playwright): the app on 127.0.0.1,
the test OpenID provider on another port; at phone and laptop width, the sign-in page's button,
the provider's own page, and back signed in. Screenshots go to /tmp/shots-sso/ to be looked at."""

from __future__ import annotations


import pytest

from conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from tests.browsing import Server, serious, shoot  # noqa: E402
from tests.oidc_provider import CLIENT_ID, OpenIdProvider  # noqa: E402

PHONE, LAPTOP = 390, 1280


@pytest.fixture(scope="module")
def idp():
    provider = OpenIdProvider()
    provider.users.update(
        ann={"email": "ann@acme.example", "email_verified": True, "name": "Ann Admin", "groups": ["prodops-admins"]},
        eve={"email": "eve@elsewhere.example", "email_verified": True, "name": "Eve Outsider", "groups": ["prodops-admins"]})
    yield provider
    provider.stop()


def serving(tmp_path_factory, idp: OpenIdProvider, **settings) -> Server:
    from prodops.operations.sso import sso_settings

    sso = sso_settings(idp.discovery_url, CLIENT_ID, idp.client.client_secret, "acme.example", "groups",
                       "prodops-admins", "prodops-viewers", "Sign in with Test IdP")
    running = Server(str(tmp_path_factory.mktemp("sso") / "web.db"), sso=sso, tick_seconds=0, **settings)
    idp.redirect_uris.append(running.url + "/login/sso/callback")
    return running


@pytest.fixture(scope="module")
def server(tmp_path_factory, idp):
    running = serving(tmp_path_factory, idp)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sso_only(tmp_path_factory, idp):
    running = serving(tmp_path_factory, idp, password_sign_in=False)
    yield running
    running.stop()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_signing_in_through_the_provider(browser, server, idp, width):
    context = browser.new_context(viewport={"width": width, "height": 860})
    page = context.new_page()
    page.goto(server.url + "/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    shoot(page, f"sso-login-{width}")
    assert serious(page) == []
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{idp.url}/authorize?*")
    expect(page.get_by_role("heading", name="Sign in to prodops-maturity")).to_be_visible()
    shoot(page, f"sso-provider-{width}")
    page.get_by_label("Ann Admin <ann@acme.example>").check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(server.url + "/campaigns")
    expect(page.locator(".who")).to_have_text("ann@acme.example · admin")
    shoot(page, f"sso-signed-in-{width}", full_page=False)
    context.close()


def test_a_refusal_is_a_clear_page_to_sign_in_again(browser, server, idp):
    context = browser.new_context(viewport={"width": PHONE, "height": 860})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.get_by_label("Eve Outsider <eve@elsewhere.example>").check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(server.url + "/login/sso/callback?*")
    expect(page.get_by_role("alert")).to_have_text("eve@elsewhere.example: accounts of elsewhere.example may not sign in here")
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    shoot(page, f"sso-refused-{PHONE}")
    assert serious(page) == []
    context.close()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_with_password_sign_in_off_the_page_has_the_button_alone(browser, sso_only, width):
    context = browser.new_context(viewport={"width": width, "height": 860})
    page = context.new_page()
    page.goto(sso_only.url + "/login")
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    expect(page.locator("input[type=password]")).to_have_count(0)
    shoot(page, f"sso-login-sso-only-{width}")
    assert serious(page) == []
    context.close()
