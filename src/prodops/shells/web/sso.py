"""Single sign-on's two addresses: the button's starts a sign-in at the company's OpenID provider
(operations.start_sso), the provider's answer comes back to the callback (operations.finish_sso),
which starts a session as a password does (or, for a user with two-step sign-in on, sends them to
its code page as a password does). A refusal shows the sign-in page again with its words."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from prodops.core.errors import Refused
from prodops.shells.web.admin import login_page
from prodops.shells.web.app import STATUS
from prodops.shells.web.security import client, first_step_taken, set_cookie

router = APIRouter(include_in_schema=False)  # pages, not the API
SSO_COOKIE = "prodops_sso"  # binds the provider's answer to the browser that started the sign-in
CALLBACK = "/login/sso/callback"  # the redirect URI to register at the provider


def _provider(request: Request):
    provider = request.app.state.sso
    if provider is None:
        raise Refused("unknown", "single sign-on is not set up here; sign in with your e-mail and password")
    return provider


def _refused(request: Request, e: Refused):
    response = login_page(request, problem=e.message, status_code=STATUS[e.kind])
    if e.retry_after:
        response.headers["Retry-After"] = str(e.retry_after)
    response.delete_cookie(SSO_COOKIE, path="/")
    return response


@router.get("/login/sso")
def start(request: Request):
    from prodops.operations import start_sso

    provider = _provider(request)
    base = request.app.state.settings.base_url  # required with single sign-on (Settings): never the Host header
    try:
        started = start_sso(request.app.state.ws, provider, base.rstrip("/") + CALLBACK, client(request))
    except Refused as e:
        return _refused(request, e)
    response = RedirectResponse(started.url, status_code=303)
    set_cookie(response, request, SSO_COOKIE, started.browser, max_age=600)  # SameSite=Lax: sent back on the provider's redirect
    return response


@router.get(CALLBACK)
def callback(request: Request, state: str | None = None, code: str | None = None, error: str | None = None):
    from prodops.operations import finish_sso

    provider = _provider(request)
    try:
        made = finish_sso(request.app.state.ws, provider, state, code, error, request.cookies.get(SSO_COOKIE),
                          client(request))
    except Refused as e:
        return _refused(request, e)
    response = first_step_taken(request, made)
    response.delete_cookie(SSO_COOKIE, path="/")
    return response
