"""The pages of a password's life: changing it (signed in), asking for a reset link (signed
out: "Forgot your password?"), the link's page that sets a new one, and the page after it.

The pages before sign-in carry the login form's CSRF token (a cookie and the same value in the
form, as the sign-in page does). A reset link's page sends no Referer anywhere (the app's
Referrer-Policy), so its token stays out of other sites' logs. With password sign-in switched off
(single sign-on alone), the pages before sign-in are not there: a password set by a reset link
would sign in nowhere, and asking for one would only send e-mails."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import RedirectResponse

from prodops.core.errors import InputError, Refused
from prodops.core.passwords import LENGTH
from prodops.shells.web.app import page
from prodops.shells.web.security import Caller, check_signed_out_csrf, client, form_data, signed_out_form, viewer

router = APIRouter(include_in_schema=False)  # pages, not the API


def _ws(request: Request):
    return request.app.state.ws


def _outbox(request: Request):
    """The mail server and the configured public address only: never the request's own (its Host
    header is the sender's to choose, and a link built on it could lead to another site)."""
    return request.app.state.settings.outbox()


def _signed_out_page(request: Request, template: str, status_code: int = 200, **context):
    """A page before sign-in whose form carries their CSRF token (security.signed_out_form)."""
    return signed_out_form(request, lambda token: page(request, template, status_code=status_code, login_csrf=token,
                                                       length=LENGTH, **context))


# --- changing one's password --------------------------------------------------------------------

def _change_page(request: Request, who: Caller, status_code: int = 200, **context):
    context.setdefault("problem", None)
    context.setdefault("field", None)
    return page(request, "password_change.html", status_code=status_code, length=LENGTH,
                has_password=who.user.has_password, **context)


@router.get("/password")
def change_form(request: Request, who: Caller = Depends(viewer)):
    return _change_page(request, who)


@router.post("/password")
def change(request: Request, who: Caller = Depends(viewer), data: dict = Depends(form_data)):
    from prodops.operations import change_password

    if who.session is None:
        raise Refused("forbidden", "a password is changed from a signed-in browser, not with an API token")
    new = data.get("new", "")
    try:
        if new != data.get("again", ""):
            raise InputError("the two new passwords differ; type the same one twice")
        ended = change_password(_ws(request), who.session, data.get("current", ""), new, client(request))
    except InputError as e:
        return _change_page(request, who, 422, problem=e.message, field="new")
    except Refused as e:
        if e.kind not in ("login", "too_many"):
            raise
        refused = _change_page(request, who, 401 if e.kind == "login" else 429, problem=e.message, field="current")
        if e.retry_after:
            refused.headers["Retry-After"] = str(e.retry_after)
        return refused
    ended_words = {0: "no other session of yours was open", 1: "your 1 other session has ended"}.get(
        ended, f"your {ended} other sessions have ended")
    return _change_page(request, who, notice=f"Your password is changed; {ended_words}.")


# --- a forgotten password -----------------------------------------------------------------------

def _password_sign_in(request: Request) -> None:
    """The pages of a forgotten password are there only while passwords sign in."""
    if not request.app.state.settings.password_sign_in:
        raise Refused("unknown", "signing in with a password is switched off here, so there is no password to reset; "
                                 "use single sign-on")


SIGNED_OUT = [Depends(_password_sign_in)]


@router.get("/password/forgot", dependencies=SIGNED_OUT)
def forgot_form(request: Request):
    from prodops.operations import resets_by_mail

    return _signed_out_page(request, "password_forgot.html", by_mail=resets_by_mail(_outbox(request)), sent=None,
                            problem=None)


@router.post("/password/forgot", dependencies=SIGNED_OUT)
def forgot(request: Request, background: BackgroundTasks, data: dict = Depends(form_data)):
    """Ask for a reset link: one answer whether or not the e-mail is a user's; the e-mail is made
    and sent after the answer has gone (a background task), so its time says nothing either."""
    from prodops.operations import request_reset, resets_by_mail

    check_signed_out_csrf(request, data.get("csrf"))
    outbox, email = _outbox(request), str(data.get("email", ""))
    if not resets_by_mail(outbox):
        return _signed_out_page(request, "password_forgot.html", by_mail=False, sent=None, problem=None)
    try:
        request_reset(_ws(request), outbox, email, client(request), later=background.add_task)
    except InputError as e:
        return _signed_out_page(request, "password_forgot.html", 422, by_mail=True, sent=None, problem=e.message,
                                email=email[:320])
    except Refused as e:
        if e.kind != "too_many":
            raise
        refused = _signed_out_page(request, "password_forgot.html", 429, by_mail=True, sent=None, problem=e.message,
                                   email=email[:320])
        refused.headers["Retry-After"] = str(e.retry_after or 60)
        return refused
    return _signed_out_page(request, "password_forgot.html", by_mail=True, sent=email.strip()[:320], problem=None)


def _reset_page(request: Request, token: str, status_code: int = 200, problem: str | None = None):
    from prodops.operations import reset_user

    try:
        user = reset_user(_ws(request), token)
    except Refused as e:
        return _signed_out_page(request, "password_reset.html", 404, spent=e.message, problem=None)
    return _signed_out_page(request, "password_reset.html", status_code, spent=None, problem=problem, email=user.email,
                            token=token)


@router.get("/password/reset/{token}", dependencies=SIGNED_OUT)
def reset_form(request: Request, token: str):
    return _reset_page(request, token[:100])


@router.post("/password/reset/{token}", dependencies=SIGNED_OUT)
def reset(request: Request, token: str, data: dict = Depends(form_data)):
    from prodops.operations import reset_password

    check_signed_out_csrf(request, data.get("csrf"))
    new = data.get("new", "")
    try:
        if new != data.get("again", ""):
            raise InputError("the two new passwords differ; type the same one twice")
        reset_password(_ws(request), token[:100], new)
    except InputError as e:
        return _reset_page(request, token[:100], 422, problem=e.message)
    except Refused as e:
        if e.kind != "unknown":
            raise
        return _signed_out_page(request, "password_reset.html", 404, spent=e.message, problem=None)
    return RedirectResponse("/password/done", status_code=303)


@router.get("/password/done", dependencies=SIGNED_OUT)
def reset_done(request: Request):
    return page(request, "password_done.html")
