"""Two-step sign-in (TOTP, RFC 6238) through the web app's real HTTP handling on SQLite and
PostgreSQL: enrolment with a QR code, the code after the password, replays, recovery codes, the
workspace's rule for admins, the command line's reset. Codes are computed with pyotp at the time the
`clock` fixture sets; each protection has a test that fails without it (the comment says which)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from prodops import operations
from prodops.core import mfa as rules
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in, ok, refused

PASSWORD = "correct horse battery staple"
STEP = dt.timedelta(seconds=30)


@pytest.fixture
def app(db_url):
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    made = create_app(Settings(db=db_url, tick_seconds=0))
    yield made
    made.state.ws.close()


def browser(app) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def password_step(app, email="admin@example.com", password=PASSWORD, into: TestClient | None = None):
    """The login form sent: (the browser, the answer)."""
    b = into or browser(app)
    token = csrf_in(b.get("/login").text)
    return b, b.post("/login", data={"csrf": token, "email": email, "password": password})


def signed_in(app, email="admin@example.com") -> tuple[TestClient, str]:
    """A browser with a session (for a user without two-step sign-in): (browser, the session's CSRF token)."""
    b, answer = password_step(app, email)
    assert answer.status_code == 303 and answer.headers["location"] == "/campaigns", answer.text
    return b, csrf_in(b.get("/account").text)


def key_on(page: str) -> str:
    """The key the account page shows to type by hand."""
    return re.search(r'<code class="key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def code(secret: str, clock, steps: int = 0) -> str:
    """The code the app shows now (or `steps` steps later or earlier)."""
    return pyotp.TOTP(secret).at(clock.now() + steps * STEP)


def enrol(app, clock, email="admin@example.com") -> tuple[TestClient, str, str, list[str]]:
    """`email`'s user signed in and enrolled: (browser, CSRF token, the TOTP secret, the recovery codes).
    The clock is then one step on, so that the next code is not the one just used."""
    b, csrf = signed_in(app, email)
    assert b.post("/account/mfa/start", data={"csrf": csrf}).status_code == 303
    secret = key_on(b.get("/account").text)
    done = b.post("/account/mfa/confirm", data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock)})
    assert done.status_code == 200 and "Two-step sign-in is on" in done.text, done.text
    codes = re.findall(r"<li><code>([0-9A-Z-]{19})</code></li>", done.text)
    clock.freeze(clock.now() + STEP)
    return b, csrf, secret, codes


def code_step(b: TestClient, given: str, kind: str | None = None):
    """The code page's form sent with `given`."""
    page = b.get("/login/code")
    assert page.status_code == 200, page.headers.get("location")
    data = {"csrf": csrf_in(page.text), "code": given, **({"kind": kind} if kind else {})}
    return b.post("/login/code", data=data)


def audit(app) -> list[tuple[str, str]]:
    with Workspace.open(app.state.settings.db) as ws:
        return [(e.action, e.subject) for e in operations.audit_trail(ws, limit=1000)]


# --- the rules ----------------------------------------------------------------------------------

def test_a_code_counts_within_one_step_either_side_and_never_twice():
    secret, at = rules.new_secret(), 1_800_000_000.0
    totp = pyotp.TOTP(secret)
    now = totp.timecode(int(at))
    assert len(secret) == 32  # 160 bits
    assert rules.totp_step(secret, totp.at(int(at)), at, None) == now
    assert rules.totp_step(secret, totp.at(int(at), counter_offset=-1), at, None) == now - 1  # ±30 s of drift
    assert rules.totp_step(secret, totp.at(int(at), counter_offset=1), at, None) == now + 1
    assert rules.totp_step(secret, totp.at(int(at), counter_offset=-2), at, None) is None  # a minute old: no more
    assert rules.totp_step(secret, totp.at(int(at)), at, now) is None  # used: never again
    assert rules.totp_step(secret, totp.at(int(at), counter_offset=-1), at, now) is None  # older than the last used
    assert rules.totp_step(secret, "12345", at, None) is None and rules.totp_step(secret, "", at, None) is None


def test_recovery_codes_are_80_random_bits_read_forgivingly():
    codes = rules.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)
    assert rules.recovery_code(" abcd efgh-jkmn pqrs ") == "ABCD-EFGH-JKMN-PQRS"
    assert rules.recovery_code("OIL0-0000-0000-0000") == "0110-0000-0000-0000"  # O, I and L are read as 0, 1, 1
    assert rules.recovery_code("ABCD-EFGH-JKMN-PQR") is None and rules.recovery_code("ABCD-EFGH-JKMN-PQRU") is None


def test_the_qr_code_is_inline_svg_the_csp_allows_and_holds_the_key_uri(app, clock):
    from prodops.shells.web.account import qr_svg

    b, csrf = signed_in(app)
    b.post("/account/mfa/start", data={"csrf": csrf})
    page = b.get("/account").text
    secret = key_on(page)
    uri = f"otpauth://totp/prodops:admin%40example.com?secret={secret}&issuer=prodops"
    assert rules.otpauth_uri(secret, "admin@example.com") == uri
    svg = re.search(r'<div class="qr" role="img" aria-label="[^"]+">(<svg.*?</svg>)</div>', page, re.S).group(1)
    assert svg == str(qr_svg(uri))  # the QR code of the key URI: the same matrix encoded again
    # no style attribute or element (the CSP's style-src 'self' refuses them), no script, no data: URI
    assert not re.search(r"style|script|data:|href", svg) and svg.startswith('<svg viewBox="0 0 ')


# --- enrolment ----------------------------------------------------------------------------------

def test_enrolment_turns_on_only_with_a_right_code(app, clock):
    b, csrf = signed_in(app)
    assert b.post("/account/mfa/start", data={"csrf": csrf}).status_code == 303
    page = b.get("/account").text
    secret = key_on(page)
    assert "Scan this QR code" in page and "<svg" in page
    wrong = b.post("/account/mfa/confirm", data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock, steps=-2)})
    assert wrong.status_code == 422 and "not the one the app shows now" in wrong.text
    assert 'aria-describedby="confirm-problem"' in wrong.text
    # guards that a pending secret is not used before it is confirmed: signing in asks no code yet
    other, answer = password_step(app)
    assert answer.headers["location"] == "/campaigns" and other.cookies.get("prodops_session")
    done = b.post("/account/mfa/confirm", data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock)})
    assert done.status_code == 200 and len(re.findall(r"<li><code>[0-9A-Z-]{19}</code></li>", done.text)) == 10
    assert "they are shown only now" in done.text
    shown_again = b.get("/account").text
    assert "<li><code>" not in shown_again and "10 recovery codes left" in shown_again  # shown once
    assert ("MFA enabled", "admin@example.com") in audit(app) and ("MFA failed", "admin@example.com") in audit(app)


def test_confirming_enrolment_needs_the_current_password(app, clock):
    """Guards the password check in confirm_enrolment (review finding 8): a stolen session alone cannot
    turn two-step sign-in on with the thief's phone (locking the owner out); the typed password counts
    in the same limits as the code."""
    b, csrf = signed_in(app)
    b.post("/account/mfa/start", data={"csrf": csrf})
    secret = key_on(b.get("/account").text)
    for typed in ({}, {"password": "not my password"}):
        refused_page = b.post("/account/mfa/confirm", data={"csrf": csrf, "code": code(secret, clock), **typed})
        assert refused_page.status_code == 422 and "your password is not right" in refused_page.text
        assert 'id="confirm-password"' in refused_page.text and 'aria-describedby="confirm-problem"' in refused_page.text
    assert "Scan this QR code" in b.get("/account").text  # still only pending
    _, answer = password_step(app)
    assert answer.headers["location"] == "/campaigns"  # no second step was turned on
    assert audit(app).count(("MFA failed", "admin@example.com")) == 2
    done = b.post("/account/mfa/confirm", data={"csrf": csrf, "code": code(secret, clock), "password": PASSWORD})
    assert done.status_code == 200 and "Two-step sign-in is on" in done.text


def test_starting_again_gives_a_new_key_and_the_old_one_confirms_nothing(app, clock):
    b, csrf = signed_in(app)
    b.post("/account/mfa/start", data={"csrf": csrf})
    first = key_on(b.get("/account").text)
    b.post("/account/mfa/start", data={"csrf": csrf})
    second = key_on(b.get("/account").text)
    assert first != second
    assert b.post("/account/mfa/confirm",
                  data={"csrf": csrf, "password": PASSWORD, "code": code(first, clock)}).status_code == 422
    assert b.post("/account/mfa/confirm",
                  data={"csrf": csrf, "password": PASSWORD, "code": code(second, clock)}).status_code == 200


# --- signing in with a code ---------------------------------------------------------------------

def test_signing_in_needs_the_code_after_the_password(app, clock):
    _, _, secret, _ = enrol(app, clock)
    b, answer = password_step(app)
    assert answer.status_code == 303 and answer.headers["location"] == "/login/code"
    assert not b.cookies.get("prodops_session")  # no session yet
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("prodops_mfa="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=300" in cookie
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT token_hash FROM pending_sign_ins")).scalars().all()
    assert len(kept) == 1 and b.cookies.get("prodops_mfa") not in kept[0]  # only its hash is kept
    assert b.get("/campaigns").status_code == 303
    page = b.get("/login/code")
    assert 'autocomplete="one-time-code"' in page.text and "admin@example.com" in page.text
    done = code_step(b, code(secret, clock))
    assert done.status_code == 303 and done.headers["location"] == "/campaigns"
    assert b.get("/campaigns").status_code == 200
    assert not b.cookies.get("prodops_mfa")
    assert b.get("/login/code").status_code == 303  # the sign-in awaiting its code is over
    with Workspace.open(app.state.settings.db) as ws:
        signed = [e for e in operations.audit_trail(ws) if e.action == "signed in"]
    assert signed[0].detail == {"method": "password and code"}


def test_a_wrong_code_is_refused(app, clock):
    _, _, secret, _ = enrol(app, clock)
    b, _ = password_step(app)
    wrong = code_step(b, f"{(int(code(secret, clock)) + 1) % 10**6:06d}")
    assert wrong.status_code == 401 and "that code is not right" in wrong.text
    assert 'aria-describedby="code-problem"' in wrong.text
    assert b.get("/campaigns").status_code == 303
    assert ("MFA failed", "admin@example.com") in audit(app)


def test_a_code_used_once_is_refused_the_second_time(app, clock):
    """Guards the replay check (the last time step used is kept): without it, a code seen over a
    shoulder or phished in real time signs in again within its 90 seconds."""
    _, _, secret, _ = enrol(app, clock)
    first, _ = password_step(app)
    used = code(secret, clock)
    assert code_step(first, used).status_code == 303
    again, _ = password_step(app)
    assert code_step(again, used).status_code == 401
    assert code_step(again, code(secret, clock, steps=-1)).status_code == 401  # older than the one used: no more
    clock.freeze(clock.now() + STEP)
    assert code_step(again, code(secret, clock)).status_code == 303  # the next step's code works


def test_a_code_from_two_steps_ago_is_refused_one_step_either_side_counts(app, clock):
    _, _, secret, _ = enrol(app, clock)
    clock.freeze(clock.now() + 10 * STEP)
    b, _ = password_step(app)
    assert code_step(b, code(secret, clock, steps=-2)).status_code == 401
    assert code_step(b, code(secret, clock, steps=2)).status_code == 401
    assert code_step(b, code(secret, clock, steps=-1)).status_code == 303  # a phone 30 s slow


def test_a_recovery_code_works_once(app, clock):
    _, _, _, codes = enrol(app, clock)
    b, _ = password_step(app)
    done = code_step(b, codes[3].lower().replace("-", " "), kind="recovery")
    assert done.status_code == 303 and done.headers["location"] == "/account?used=recovery#mfa"
    page = b.get("/account?used=recovery")
    assert page.status_code == 200 and "9 recovery codes left" in page.text and "signed in with a recovery code" in page.text
    again, _ = password_step(app)
    spent = code_step(again, codes[3], kind="recovery")
    assert spent.status_code == 401 and "<details class=\"recovery\" open>" in spent.text
    assert code_step(again, codes[4], kind="recovery").status_code == 303
    actions = audit(app)
    assert actions.count(("recovery code used", "admin@example.com")) == 2


def test_recovery_codes_are_not_kept_in_clear(app, clock):
    """Guards hashing the codes: a copy of the database must not sign anyone in."""
    _, _, secret, codes = enrol(app, clock)
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        kept = " ".join(str(v) for table in ("recovery_codes", "mfa_secrets", "audit_trail", "users")
                        for row in conn.execute(sa.text(f"SELECT * FROM {table}")) for v in row)
        hashes = conn.execute(sa.text("SELECT code_hash FROM recovery_codes")).scalars().all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    for c in codes:
        assert c not in kept and c.replace("-", "") not in kept and c[5:] not in kept
    assert secret in kept  # the TOTP secret is needed in clear to check a code (docs/deploy.md: protect backups)


def test_the_pending_cookie_alone_opens_no_page_and_no_api(app, clock):
    """A right password with no code yet is no session: nothing an admin sees, by page or API."""
    enrol(app, clock)
    b, _ = password_step(app)
    pending = b.cookies.get("prodops_mfa")
    thief = browser(app)
    thief.cookies.set("prodops_mfa", pending)
    for path in ("/campaigns", "/organizations", "/imports", "/users", "/account", "/campaigns/1"):
        assert thief.get(path).status_code == 303 and thief.get(path).headers["location"] == "/login", path
    assert thief.get("/api/v1/campaigns").status_code == 401
    assert thief.post("/users", data={"email": "x@example.com", "role": "admin"}).status_code == 303  # to /login
    as_session = browser(app)
    as_session.cookies.set("prodops_session", pending)  # its value is no session id either
    assert as_session.get("/campaigns").status_code == 303 and as_session.get("/api/v1/campaigns").status_code == 401


def test_the_pending_sign_in_expires_after_five_minutes(app, clock):
    _, _, secret, _ = enrol(app, clock)
    b, _ = password_step(app)
    csrf = csrf_in(b.get("/login/code").text)
    clock.freeze(clock.now() + dt.timedelta(minutes=5, seconds=1))
    late = b.post("/login/code", data={"csrf": csrf, "code": code(secret, clock)})
    assert late.status_code == 401 and "expired" in late.text
    assert b.get("/login/code").headers["location"] == "/login"
    assert not b.cookies.get("prodops_session")


def test_one_users_pending_sign_in_cannot_finish_anothers(app, clock):
    """Guards binding the sign-in awaiting its code to its user: B's code with A's cookie signs no one in."""
    enrol(app, clock, "admin@example.com")
    _, _, viewer_secret, _ = enrol(app, clock, "viewer@example.com")
    a, _ = password_step(app, "admin@example.com")
    crossed = code_step(a, code(viewer_secret, clock))
    assert crossed.status_code == 401 and not a.cookies.get("prodops_session")
    assert a.get("/api/v1/campaigns").status_code == 401
    # nor does the form take a user from what is posted
    page = a.get("/login/code")
    mixed = a.post("/login/code", data={"csrf": csrf_in(page.text), "code": code(viewer_secret, clock),
                                        "email": "viewer@example.com", "user": "2"})
    assert mixed.status_code == 401


def test_codes_are_limited_per_user_and_the_limit_holds_for_the_right_code(app, clock):
    """Guards the rate limit: six guesses a minute over a million codes would find one in days."""
    _, _, secret, _ = enrol(app, clock)
    clock.freeze(clock.now() + dt.timedelta(minutes=5))  # the enrolment's code counted in the window before
    b, _ = password_step(app)
    right = code(secret, clock)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    assert [code_step(b, wrong).status_code for _ in range(5)] == [401] * 5
    limited = code_step(b, right)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    # a new sign-in from elsewhere is limited too: the count is the user's
    other, _ = password_step(app)
    assert code_step(other, right).status_code == 429
    clock.freeze(clock.now() + dt.timedelta(minutes=5))
    assert code_step(other, code(secret, clock)).status_code == 303


def test_every_new_form_needs_its_csrf_token(app, clock):
    """Guards the CSRF token on each form of two-step sign-in: a POST without it changes nothing."""
    b, _ = signed_in(app)
    for path, data in (("/account/mfa/start", {}), ("/account/mfa/confirm", {"code": "123456"}),
                       ("/account/mfa/recovery", {"code": "123456"}),
                       ("/account/mfa/off", {"password": PASSWORD, "code": "123456"})):
        assert b.post(path, data=data).status_code == 403, path
        assert b.post(path, data={**data, "csrf": "x" * 43}).status_code == 403, path
    assert "Scan this QR code" not in b.get("/account").text  # nothing was started
    _, _, secret, _ = enrol(app, clock)
    pending, _ = password_step(app)
    # neither no token nor the login form's token (another cookie's) passes for the code page's
    assert pending.post("/login/code", data={"code": code(secret, clock)}).status_code == 403
    assert pending.post("/login/code", data={"code": code(secret, clock),
                                             "csrf": pending.cookies.get("prodops_login")}).status_code == 403
    assert code_step(pending, code(secret, clock)).status_code == 303  # the same code was not used up


def test_turning_off_needs_the_password_and_a_code(app, clock):
    b, csrf, secret, _ = enrol(app, clock)
    off = "/account/mfa/off"
    no_password = b.post(off, data={"csrf": csrf, "password": "wrong password!", "code": code(secret, clock)})
    assert no_password.status_code == 422 and "the password or the code is not right" in no_password.text
    no_code = b.post(off, data={"csrf": csrf, "password": PASSWORD, "code": "000000"})
    assert no_code.status_code == 422
    clock.freeze(clock.now() + STEP)
    assert b.post(off, data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock)}).status_code == 303
    assert "Set up two-step sign-in" in b.get("/account").text
    _, answer = password_step(app)
    assert answer.headers["location"] == "/campaigns"  # no code asked any more
    assert ("MFA disabled", "admin@example.com") in audit(app)


def test_new_recovery_codes_replace_the_old_ones(app, clock):
    b, csrf, secret, old = enrol(app, clock)
    renewed = b.post("/account/mfa/recovery", data={"csrf": csrf, "code": code(secret, clock)})
    new = re.findall(r"<li><code>([0-9A-Z-]{19})</code></li>", renewed.text)
    assert renewed.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    pending, _ = password_step(app)
    assert code_step(pending, old[0], kind="recovery").status_code == 401
    assert code_step(pending, new[0], kind="recovery").status_code == 303


# --- required for admins ------------------------------------------------------------------------

def test_when_required_an_admin_without_it_can_only_set_it_up(app, clock, db_url):
    """Guards the workspace's rule: an admin who signs in with a password and has no second step can
    reach nothing but their account page (and signing out), by page or by the API with the session;
    API tokens and viewers go on as before."""
    ok("users", "mfa-required", "on", "--db", db_url)
    with Workspace.open(db_url) as ws:
        _, token = operations.create_token(ws, "admin@example.com")
    b, answer = password_step(app)
    assert answer.status_code == 303
    for path in ("/campaigns", "/users", "/imports", "/organizations", "/"):
        got = b.get(path, follow_redirects=True)
        assert got.url.path == "/account" and "requires two-step sign-in of admins" in got.text, path
    csrf = csrf_in(b.get("/account").text)
    assert b.post("/users", data={"csrf": csrf, "email": "x@example.com", "role": "admin",
                                  "password": PASSWORD}).headers["location"] == "/account"
    assert b.get("/api/v1/campaigns").status_code == 403
    assert b.post("/api/v1/campaigns", json={"organization": "Acme", "name": "Q4"},
                  headers={"X-CSRF-Token": csrf}).status_code == 403
    with Workspace.open(db_url) as ws:
        assert [u.email for u in operations.list_users(ws)] == ["admin@example.com", "viewer@example.com"]
    assert browser(app).get("/api/v1/campaigns", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    viewer, _ = signed_in(app, "viewer@example.com")
    assert viewer.get("/campaigns").status_code == 200
    # set up: everything opens again; and it cannot be turned off while required
    b.post("/account/mfa/start", data={"csrf": csrf})
    secret = key_on(b.get("/account").text)
    assert b.post("/account/mfa/confirm",
                  data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock)}).status_code == 200
    assert b.get("/campaigns").status_code == 200 and b.get("/api/v1/campaigns").status_code == 200
    clock.freeze(clock.now() + STEP)
    kept_on = b.post("/account/mfa/off", data={"csrf": csrf, "password": PASSWORD, "code": code(secret, clock)})
    assert kept_on.status_code == 403 and "requires two-step sign-in of admins" in kept_on.text
    assert b.post("/logout", data={"csrf": csrf}).status_code == 303
    ok("users", "mfa-required", "off", "--db", db_url)
    assert [a for a in audit(app) if a[0] == "MFA setting changed"] == [("MFA setting changed", "mfa_required_for_admins")] * 2


def test_a_held_admin_can_sign_out(app, db_url):
    ok("users", "mfa-required", "on", "--db", db_url)
    b, _ = password_step(app)
    csrf = csrf_in(b.get("/account").text)
    assert b.post("/logout", data={"csrf": csrf}).headers["location"] == "/login"
    assert b.get("/account").headers["location"] == "/login"


def test_reset_by_the_command_line_ends_their_sessions_and_is_audited(app, clock, db_url):
    b, _, _, _ = enrol(app, clock)
    assert b.get("/campaigns").status_code == 200
    said = ok("users", "reset-mfa", "ADMIN@example.com", "--db", db_url).stderr
    assert "two-step sign-in reset" in said and "sessions ended" in said
    assert b.get("/campaigns").status_code == 303  # their session is over
    _, answer = password_step(app)
    assert answer.headers["location"] == "/campaigns"  # no code: they set it up again
    assert ("MFA reset", "admin@example.com") in audit(app)
    assert "is not a user" in refused("users", "reset-mfa", "nobody@example.com", "--db", db_url)
    assert "say on or off" in refused("users", "mfa-required", "yes", "--db", db_url)


def test_removing_a_user_removes_their_second_step(app, clock, db_url):
    """Guards deleting the rows with the user (SQLite enforces no foreign key): a user added later
    under the same id must not inherit the secret or the recovery codes."""
    enrol(app, clock, "viewer@example.com")
    ok("users", "remove", "viewer@example.com", "--db", db_url)
    with Workspace.open(db_url) as ws, ws.engine.connect() as conn:
        for table in ("mfa_secrets", "recovery_codes", "pending_sign_ins"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    with Workspace.open(db_url) as ws:
        operations.add_user(ws, "new@example.com", "viewer", PASSWORD)
    assert password_step(app, "new@example.com")[1].headers["location"] == "/campaigns"


def test_the_account_page_is_linked_and_escapes_what_it_shows(app):
    b, _ = signed_in(app)
    page = b.get("/campaigns").text
    assert '<a href="/account">Account</a>' in page
    assert html.escape("admin@example.com") in b.get("/account").text


def test_an_api_token_manages_no_second_step(app, db_url):
    """Guards the account page's session check: an API token skips the CSRF check, so it must not set
    up, renew or turn off anyone's second step."""
    with Workspace.open(db_url) as ws:
        _, token = operations.create_token(ws, "admin@example.com")
    bearer = {"Authorization": f"Bearer {token}"}
    for path in ("/account/mfa/start", "/account/mfa/confirm", "/account/mfa/recovery", "/account/mfa/off"):
        assert browser(app).post(path, headers=bearer, data={"code": "123456"}).status_code == 403, path
    assert browser(app).get("/account", headers=bearer).status_code == 403
    with Workspace.open(db_url) as ws, ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM mfa_secrets")).scalar() == 0


def test_who_has_a_second_step_is_listed_for_it(app, db_url, clock):
    """IT asks who has two-step sign-in: the users page, `users list` and its JSON say it per user."""
    enrol(app, clock, "viewer@example.com")
    admin, _ = signed_in(app)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>\w+</td><td>([^<]+)</td>", admin.get("/users").text)
    assert rows == [("admin@example.com", "password"), ("viewer@example.com", "password and code")]
    listed = ok("users", "list", "--db", db_url).stdout.splitlines()
    assert listed == ["admin@example.com\tadmin\tpassword", "viewer@example.com\tviewer\tpassword and code"]
    documents = json.loads(ok("users", "list", "--json", "--db", db_url).stdout)
    assert [d["two_step"] for d in documents] == [False, True]
