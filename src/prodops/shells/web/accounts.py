"""The pages of API tokens and of the audit trail: every signed-in user's own tokens on their
account page, every user's on /users for admins (listed, made, revoked), and the audit trail for
admins, paged, filtered and downloaded as JSON lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse

from prodops.core.errors import InputError, Refused
from prodops.shells.web.account import account_page
from prodops.shells.web.app import messages, page
from prodops.shells.web.security import Caller, Id, admin, form_data, viewer

router = APIRouter(include_in_schema=False)  # pages, not the API
PER_PAGE = 100  # audit entries a page


def _ws(request: Request):
    return request.app.state.ws


# --- API tokens ---------------------------------------------------------------------------------

def token_form() -> dict:
    """What a form making a token says of expiry."""
    from prodops.operations.access import MAX_TOKEN_DAYS, NO_EXPIRY, TOKEN_DAYS

    return {"token_days": TOKEN_DAYS, "max_token_days": MAX_TOKEN_DAYS, "no_expiry": NO_EXPIRY}


def _create(request: Request, who: Caller, data: dict, email: str):
    """A new token from a form: (the token, its secret) to show once."""
    from prodops.operations import create_token

    return create_token(_ws(request), email, data.get("name") or None, scope=str(data.get("scope", "read"))[:20],
                        days=str(data.get("days") or "").strip()[:20] or None, by=who.user, by_token=who.token_id)


@router.post("/account/tokens")
def create_own_token(request: Request, who: Caller = Depends(viewer), data: dict = Depends(form_data)):
    """A token for the signed-in user (a viewer's are read-only); shown on the page once."""
    try:
        made = _create(request, who, data, who.user.email)
    except InputError as e:
        return account_page(request, who, 422, token_problems=messages(e), token_values=data)
    return account_page(request, who, 201, new_token=made)


@router.post("/users/tokens")
def create_token_for(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """An admin makes a token for any user; shown on the users page once."""
    from prodops.shells.web.admin import _users_page

    try:
        made = _create(request, who, data, str(data.get("email", ""))[:400])
    except InputError as e:
        return _users_page(request, 422, token_problems=messages(e), token_values=data)
    except Refused as e:  # no such user: said on the form, as a mistyped e-mail
        return _users_page(request, 404 if e.kind == "unknown" else 403, token_problems=[e.message], token_values=data)
    return _users_page(request, 201, new_token=made)


@router.get("/account/tokens")
@router.get("/users/tokens")
def tokens_again(request: Request):
    """A token form's address opened again (a reload after the token was shown): the list, without it."""
    back = "/users" if request.url.path.startswith("/users") else "/account"
    return RedirectResponse(f"{back}#tokens", status_code=303)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: Id, who: Caller = Depends(viewer), data: dict = Depends(form_data)):
    """Revoke a token: an admin any, a user their own (another's is "not found", as a wrong id)."""
    from prodops.operations import revoke_token

    revoke_token(_ws(request), token_id, by=who.user)
    back = "/users" if data.get("back") == "users" and who.user.admin else "/account"
    return RedirectResponse(f"{back}#tokens", status_code=303)


# --- the audit trail ----------------------------------------------------------------------------

Filter = Annotated[str | None, Query(max_length=320)]


@router.get("/audit")
def audit(request: Request, who: Caller = Depends(admin), action: Filter = None, actor: Filter = None,
          before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None):
    """The newest entries first, a page at a time ("older": those before the last one shown)."""
    from prodops.operations import audit_actions, audit_trail

    ws = _ws(request)
    action, actor = (action or "").strip() or None, (actor or "").strip() or None
    entries = audit_trail(ws, PER_PAGE, before, action=action, actor=actor)
    older = entries[-1].id if len(entries) == PER_PAGE else None
    return page(request, "audit.html", entries=entries, action=action, actor=actor, before=before, older=older,
                actions=audit_actions(ws))


@router.get("/audit.jsonl")
def audit_download(request: Request, who: Caller = Depends(admin)):
    """The whole trail as JSON lines, oldest first, streamed (it may be long)."""
    from prodops import clock
    from prodops.operations import audit_lines

    name = f"prodops-audit-{clock.today().isoformat()}.jsonl"
    return StreamingResponse(audit_lines(_ws(request)), media_type="application/jsonl; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
