"""Two-step sign-in in a real browser (Debian's Chromium through Playwright) against a real server
on 127.0.0.1: set up with the QR code's key and a code computed by pyotp, then sign in with a code;
each page scanned for accessibility at phone and laptop width, and the QR code read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pyotp
import pytest

from conftest import needs, require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from prodops import operations  # noqa: E402
from prodops.core import mfa as rules  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious  # noqa: E402

PASSWORD = "correct horse battery staple"
PHONE, LAPTOP = 390, 1280
SHOTS = os.environ.get("PRODOPS_SHOTS")  # a folder: the screenshots to look at


@pytest.fixture
def server(tmp_path):
    db = str(tmp_path / "web.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    running = Server(db)
    yield running
    running.stop()


def shot(page, name: str) -> None:
    """Screenshots of the page at phone and laptop width, each scanned for accessibility."""
    for width in (PHONE, LAPTOP):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)  # no sideways scrolling
        assert serious(page) == [], (name, width)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def sign_in_with_password(page, server) -> None:
    page.goto(server.url + "/login")
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def enrol(page, server, clock) -> str:
    """Set up two-step sign-in from the account page: the key the page shows."""
    sign_in_with_password(page, server)
    page.wait_for_url(server.url + "/campaigns")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    page.wait_for_url(server.url + "/account#mfa")
    key = page.locator("code.key").inner_text().replace(" ", "")
    box = page.locator(".qr svg").bounding_box()
    assert box and box["width"] > 150 and abs(box["width"] - box["height"]) < 1  # drawn, and square
    shot(page, "enrolment")
    page.fill("#confirm-password", PASSWORD)
    page.fill("#confirm-code", pyotp.TOTP(key).at(clock.now()))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.locator("ol.codes li").count() == 10
    shot(page, "recovery-codes")
    return key


def test_setting_up_and_signing_in_with_a_code(browser, server, clock):
    import datetime as dt

    page = browser.new_page(viewport={"width": LAPTOP, "height": 900})
    key = enrol(page, server, clock)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(server.url + "/login")
    clock.freeze(clock.now() + dt.timedelta(seconds=30))
    sign_in_with_password(page, server)
    page.wait_for_url(server.url + "/login/code")
    expect(page.locator("#code")).to_be_focused()  # straight to typing the code (autofocus lands after the load: waited for)
    shot(page, "code")
    page.fill("#code", "000000" if pyotp.TOTP(key).at(clock.now()) != "000000" else "111111")
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.get_by_role("alert").inner_text().startswith("that code is not right")
    shot(page, "code-wrong")
    page.fill("#code", pyotp.TOTP(key).at(clock.now()))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(server.url + "/campaigns")
    page.get_by_role("link", name="Account").click()
    assert "10 recovery codes left" in page.locator("main").inner_text()
    shot(page, "account-on")
    page.close()


def test_the_qr_code_reads_back_as_the_key_uri(browser, server, clock, tmp_path):
    """The QR code as the browser draws it, read by a real decoder (zbar): the otpauth:// URI."""
    zbarimg = shutil.which("zbarimg")
    needs("zbarimg", zbarimg is not None, "PRODOPS_REQUIRE_ZBAR", "Debian: apt-get install zbar-tools")
    page = browser.new_page(viewport={"width": PHONE, "height": 900})
    sign_in_with_password(page, server)
    page.wait_for_url(server.url + "/campaigns")
    page.goto(server.url + "/account")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    key = page.locator("code.key").inner_text().replace(" ", "")
    page.locator(".qr").screenshot(path=str(tmp_path / "qr.png"))
    read = subprocess.run([str(zbarimg), "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True,
                          timeout=60)
    assert read.stdout.strip() == rules.otpauth_uri(key, "admin@example.com")
    assert re.fullmatch(r"otpauth://totp/prodops:admin%40example.com\?secret=[A-Z2-7]{32}&issuer=prodops", read.stdout.strip())
    page.close()
