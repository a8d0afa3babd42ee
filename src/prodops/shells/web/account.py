"""A signed-in user's own account (two-step sign-in: set up with a QR code, recovery codes, turn
off), and signing in's second step, the code page. Every form carries its CSRF token: the session's
on the account page, the sign-in's own (kept with it) on the code page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup

from prodops.core.errors import InputError, Refused
from prodops.shells.web.app import messages, page
from prodops.shells.web.security import (MFA_COOKIE, SESSION_COOKIE, Caller, account_holder, check_signed_out_csrf, client,
                                         enrolment_needed, form_data, set_cookie)

router = APIRouter(include_in_schema=False)  # pages, not the API


def _ws(request: Request):
    return request.app.state.ws


def _owner(found: Caller = Depends(account_holder)) -> Caller:
    """The user at their own account page, in a browser session: an API token manages no second step."""
    if found.session is None:
        raise Refused("forbidden", "two-step sign-in is managed in a browser session, not with an API token")
    return found


def qr_svg(uri: str) -> Markup:
    """The QR code of `uri` as inline SVG markup: paths with presentation attributes only (no
    style attribute or element, which the CSP would refuse), black on white whatever the page's
    colours (a scanner needs the light border), its size set by the stylesheet (`.qr svg`)."""
    import segno

    code = segno.make(uri, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff", svgclass=None,
                                  lineclass=None, title=None))  # segno's own markup: no text of ours


def account_page(request: Request, who: Caller, status_code: int = 200, **shown):
    """The account page: two-step sign-in, then the user's own API tokens (shells.web.accounts)."""
    from prodops.operations import list_tokens, second_step
    from prodops.shells.web.accounts import token_form

    step = second_step(_ws(request), who.user)
    shown = {"codes": None, "problems": {}, "token_problems": (), **shown}
    return page(request, "account.html", step=step, qr=step.enrolling and qr_svg(step.enrolling.uri),
                held=enrolment_needed(request, who), status_code=status_code, user=who.user,
                tokens=list_tokens(_ws(request), by=who.user), **token_form(), **shown)


@router.get("/account")
def account(request: Request, used: str | None = None, who: Caller = Depends(_owner)):
    return account_page(request, who, recovery_used=used == "recovery")


@router.post("/account/mfa/start")
def start(request: Request, who: Caller = Depends(_owner), data: dict = Depends(form_data)):
    """A new key for the authenticator app, pending until a code from it confirms it."""
    from prodops.operations import start_enrolment

    try:
        start_enrolment(_ws(request), who.user)
    except InputError as e:
        return account_page(request, who, 422, problems={"start": messages(e)})
    return RedirectResponse("/account#mfa", status_code=303)


@router.post("/account/mfa/confirm")
def confirm(request: Request, who: Caller = Depends(_owner), data: dict = Depends(form_data)):
    """The password and the code that turn two-step sign-in on; the recovery codes are shown on this
    answer alone."""
    from prodops.operations import confirm_enrolment

    try:
        codes = confirm_enrolment(_ws(request), who.user, str(data.get("password", "")), str(data.get("code", "")),
                                  client(request))
    except InputError as e:
        return account_page(request, who, 422, problems={"confirm": messages(e)})
    return account_page(request, who, codes=codes)


@router.post("/account/mfa/recovery")
def renew(request: Request, who: Caller = Depends(_owner), data: dict = Depends(form_data)):
    from prodops.operations import renew_recovery_codes

    try:
        codes = renew_recovery_codes(_ws(request), who.user, str(data.get("code", "")), client(request))
    except InputError as e:
        return account_page(request, who, 422, problems={"recovery": messages(e)})
    return account_page(request, who, codes=codes)


@router.post("/account/mfa/off")
def turn_off(request: Request, who: Caller = Depends(_owner), data: dict = Depends(form_data)):
    from prodops.operations import turn_off_mfa

    try:
        turn_off_mfa(_ws(request), who.user, str(data.get("password", "")), str(data.get("code", "")), client(request))
    except InputError as e:
        return account_page(request, who, 422, problems={"off": messages(e)})
    return RedirectResponse("/account#mfa", status_code=303)


# --- signing in: the second step ------------------------------------------------------------------

def _held(request: Request):
    from prodops.operations import pending_sign_in

    return pending_sign_in(_ws(request), request.cookies.get(MFA_COOKIE))


def _code_page(request: Request, held, status_code: int = 200, problem: str | None = None, field: str = "code"):
    return page(request, "login_code.html", held=held, problem=problem, field=field, status_code=status_code)


@router.get("/login/code")
def code_form(request: Request):
    held = _held(request)
    if held is None:  # no sign-in awaiting a code (or it expired): start again
        return RedirectResponse("/login", status_code=303)
    return _code_page(request, held)


@router.post("/login/code")
def code(request: Request, data: dict = Depends(form_data)):
    """The code (or a recovery code) after the password: only now does the session start."""
    from prodops.operations import finish_sign_in

    held = _held(request)
    if held is None:
        raise Refused("login", "the sign-in has expired (five minutes); sign in again")
    check_signed_out_csrf(request, data.get("csrf"), held.csrf)
    field = "recovery" if data.get("kind") == "recovery" else "code"
    try:
        done = finish_sign_in(_ws(request), held.token, str(data.get("code", "")), client(request))
    except Refused as e:
        if e.kind not in ("login", "too_many"):
            raise
        refused = _code_page(request, held, 401 if e.kind == "login" else 429, e.message, field)
        if e.retry_after:
            refused.headers["Retry-After"] = str(e.retry_after)
        return refused
    where = "/account?used=recovery#mfa" if done.recovery_left is not None else "/campaigns"
    response = RedirectResponse(where, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, done.session.token)  # a new id at every sign-in: no fixation
    response.delete_cookie(MFA_COOKIE, path="/")
    return response
