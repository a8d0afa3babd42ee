"""Who is asking, and may they: sessions from a cookie, API tokens from `Authorization: Bearer`,
roles, CSRF tokens on every state-changing browser request, and refusing cross-site requests."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Path, Request, Response

from prodops.core.errors import Refused

if TYPE_CHECKING:
    from prodops.operations.access import Session, User

SESSION_COOKIE = "prodops_session"
LOGIN_COOKIE = "prodops_login"  # the login form's CSRF token, before there is a session
MFA_COOKIE = "prodops_mfa"  # a sign-in awaiting its code (operations.mfa.hold_sign_in): no session yet
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Caller:
    user: User
    session: Session | None  # None when calling with an API token
    scope: str = "role"  # an API token's: "read" may change nothing, whatever the user's role
    token_id: int | None = None  # the API token's id (None: a session)


READ_ONLY = ("this API token is read-only (scope read): it may not change anything; create a token with the scope "
             "role for this")


def address(request: Request) -> str:
    """The caller's address, as the audit trail keeps it. Behind a proxy, the real one only where
    uvicorn is told to trust the proxy's X-Forwarded-For (FORWARDED_ALLOW_IPS, docs/deploy.md);
    otherwise every request has the proxy's address."""
    return request.client.host if request.client else "unknown"


def client(request: Request) -> str:
    """Who the caller counts as for every per-client limit: their address, an IPv6 one by its /64
    (core.clients.counted_as)."""
    from prodops.core.clients import counted_as

    return counted_as(address(request))


def secure(request: Request) -> bool:
    return request.app.state.settings.secure_cookies or request.url.scheme == "https"


def set_cookie(response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure(request), path="/")


def cross_site(request: Request) -> bool:
    """A browser request sent by another site's page: refused before any route sees it (the CSRF
    token is checked too). Browsers say where a request comes from in Sec-Fetch-Site; older ones
    in Origin (which is "null" on our own pages: they send no referrer)."""
    fetched = request.headers.get("sec-fetch-site")
    if fetched is not None:
        return fetched not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return bool(origin) and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", "")


def current_session(request: Request):
    """The live session of the request's cookie, or None (looked up once per request)."""
    from prodops.operations import session

    if not hasattr(request.state, "session"):
        request.state.session = session(request.app.state.ws, request.cookies.get(SESSION_COOKIE))
    return request.state.session


def caller(request: Request) -> Caller | None:
    """Who is asking (also who acts in the audit trail), or None. Every page and API route that
    needs a user comes here (through viewer or api_viewer), so this is the one place where a
    read-only API token is refused any state change, whatever its user's role."""
    from prodops.operations import token_caller
    from prodops.operations.audit import by_token, current

    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        bearer = token_caller(request.app.state.ws, auth[7:].strip())
        if bearer is None:
            raise Refused("login", "the API token is not valid (unknown, revoked or expired)")
        current().actor = by_token(bearer.user.email, bearer.token_id)  # which token: the one to revoke
        if bearer.scope != "role" and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise Refused("forbidden", READ_ONLY)
        return Caller(bearer.user, None, bearer.scope, bearer.token_id)
    found = current_session(request)
    if found is not None:
        current().actor = found.user.email
    return found and Caller(found.user, found)


# --- the forms before sign-in: one rule for the sign-in page, the password pages and the code page --

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what operations.access.new_secret makes: 256 bits, URL-safe


def signed_out_form(request: Request, render: Callable[[str], Response]) -> Response:
    """A page before sign-in, `render`ed with its form's CSRF token: the browser's login cookie's
    while it holds a well-formed one (so the pages open in several tabs all work), else a new one;
    the cookie is set (again) with the page. It goes once a sign-in succeeds or awaits its code
    (`signing_in`); the code page's form carries the pending sign-in's own token instead."""
    from prodops.operations.access import new_secret

    token = request.cookies.get(LOGIN_COOKIE) or ""
    if not _TOKEN.fullmatch(token):
        token = new_secret()
    response = render(token)
    set_cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
    return response


def check_signed_out_csrf(request: Request, given: str | None, pending: str | None = None) -> None:
    """A form before sign-in carries the login cookie's token; the code page's, the token of the
    sign-in awaiting it (`pending`, tied to its own cookie)."""
    check_csrf(request, given, pending if pending is not None else request.cookies.get(LOGIN_COOKIE) or "")


def signing_in(response: Response) -> Response:
    """The password was right (a session starts, or a sign-in awaits its code): the login token goes."""
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response



def first_step_taken(request: Request, made) -> Response:
    """Where a right first step (a password, single sign-on) leads: for a sign-in awaiting its code,
    the code page with that sign-in's cookie (no session yet); else the campaigns, with the new
    session's cookie (a new id at every sign-in: no fixation). The login form's token goes."""
    from fastapi.responses import RedirectResponse

    from prodops.operations.mfa import PENDING_LIFE, Pending

    if isinstance(made, Pending):  # two-step sign-in: shells.web.account takes the code
        response = signing_in(RedirectResponse("/login/code", status_code=303))
        set_cookie(response, request, MFA_COOKIE, made.token, max_age=int(PENDING_LIFE.total_seconds()))
    else:
        response = signing_in(RedirectResponse("/campaigns", status_code=303))
        set_cookie(response, request, SESSION_COOKIE, made.token)
    return response

def check_csrf(request: Request, given: str | None, expected: str) -> None:
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused("forbidden", "the form has expired or did not come from this site; reload the page and try again")


async def form_data(request: Request) -> dict:
    """The posted form's fields; an API's JSON body is read by its model."""
    if request.method in ("GET", "HEAD"):
        return {}
    form = await request.form(max_files=1, max_fields=2000, max_part_size=10 * 1024 * 1024)
    # the last value of each field; a file only where a file is expected (a file sent as `email` is no e-mail)
    return {k: v for k in form if isinstance(v := form.getlist(k)[-1], str) or k == "file"}


def enrolment_needed(request: Request, found: Caller) -> bool:
    """Whether the caller is an admin's session held at the account page until they set up two-step
    sign-in (the workspace requires it); an API token never is."""
    from prodops.operations import enrolment_needed as needed

    return found.session is not None and found.user.admin and needed(request.app.state.ws, found.user)


async def viewer(request: Request) -> Caller:
    """A signed-in user of any role (pages). Who is asking is settled before a body is read; then
    a state change must carry the session's CSRF token."""
    return await signed_in(request, held=False)


async def account_holder(request: Request) -> Caller:
    """A signed-in user at their own account page: the one place an admin who must set up two-step
    sign-in may go (and sign out)."""
    return await signed_in(request, held=True)


async def signed_in(request: Request, held: bool) -> Caller:
    """A signed-in user (`held`: even one who must set up two-step sign-in first), their CSRF token
    checked on a state change."""
    from starlette.concurrency import run_in_threadpool

    from prodops.shells.web.app import EnrolmentNeeded, LoginNeeded

    found = await run_in_threadpool(caller, request)
    if found is None:
        raise LoginNeeded()
    if not held and await run_in_threadpool(enrolment_needed, request, found):
        raise EnrolmentNeeded()
    if found.session is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        data = await form_data(request)
        check_csrf(request, request.headers.get(CSRF_HEADER) or data.get("csrf"), found.session.csrf)
    return found


def admin(found: Caller = Depends(viewer)) -> Caller:
    if not found.user.admin:
        raise Refused("forbidden", "only an admin may do this; viewers read dashboards and reports")
    return found


def api_viewer(request: Request) -> Caller:
    found = caller(request)
    if found is None:
        raise Refused("login", "sign in, or send an API token as Authorization: Bearer TOKEN")
    if enrolment_needed(request, found):
        raise Refused("forbidden", "this workspace requires two-step sign-in of admins: set it up on your account "
                      "page (/account) first")
    if found.session is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        check_csrf(request, request.headers.get(CSRF_HEADER), found.session.csrf)
    return found


def api_admin(found: Caller = Depends(api_viewer)) -> Caller:
    if not found.user.admin:
        raise Refused("forbidden", "only an admin may do this; viewers read dashboards and reports")
    return found


# A database id in a path: a whole number the database can hold (larger ones are no id of ours).
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def body_limit(path: str) -> int:
    """The most bytes a request to `path` may send: uploads 55 MB (files of 50 MB and the form's
    overhead), everything else 1 MB (a page of answers with its notes is well under)."""
    return 55 * 2**20 if path == "/imports" or (path.startswith("/campaigns/") and path.endswith("/invites")) else 2**20
