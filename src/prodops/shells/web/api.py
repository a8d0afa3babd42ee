"""The JSON API under /api/v1, for automation: authenticated by a session (with its CSRF token on
every change) or by `Authorization: Bearer TOKEN`; the respondent's part by the invite token alone.
Errors are the same documents as the command line's `--json` errors, with a 4xx status."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from prodops.core.confidentiality import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
from prodops.core.errors import Refused
from prodops.core.safe_text import EMAIL_LENGTH, NAME_LENGTH
from prodops.shells.web.app import outbox, personal_link
from prodops.shells.web.security import Caller, Id, api_admin, api_viewer, client

router = APIRouter(prefix="/api")
v1 = "/v1"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewCampaign(_Body):
    organization: str = Field(max_length=NAME_LENGTH)
    name: str = Field(max_length=NAME_LENGTH)
    team: str | None = Field(default=None, max_length=NAME_LENGTH,
                             description="the team or business unit it assesses, declared in the workspace (prodops units)")
    opens: dt.date | None = None
    closes: dt.date | None = None
    model: str | None = Field(default=None, max_length=160, description="id@version; must be the model the app serves")
    targets: dict[str, int] = Field(default={}, description="role id -> answers wanted")
    confidential: bool = Field(default=True, description="false: a named campaign, names beside answers and notes")
    threshold: int = Field(default=DEFAULT_THRESHOLD, description=f"a confidential campaign's reporting threshold: no "
                           f"figure rests on fewer answers ({MIN_THRESHOLD} to {MAX_THRESHOLD})")
    draft: bool = Field(default=False, description="true: nothing opens or is sent until it is scheduled")
    reminders: list[str] | None = Field(default=None, max_length=10, description="reminder days: open+N, close-N, "
                                        "close; [] for none; absent: open+3, close-2, close")
    webhook: str | None = Field(default=None, max_length=1000, description="a Slack-compatible incoming webhook "
                                "(https://) notified when it opens, daily, the day before it closes and when it closes; "
                                "a secret, never shown again")


class NewDeadline(_Body):
    closes: dt.date = Field(description="the new closing day: later than the current one")


class Reopening(_Body):
    closes: dt.date = Field(description="the new closing day: today or later")
    reason: str = Field(min_length=1, max_length=500, description="why it is reopened; kept in its history")


class Cloning(_Body):
    name: str = Field(max_length=NAME_LENGTH)
    opens: dt.date | None = None
    closes: dt.date | None = None
    draft: bool = False


class Invitee(_Body):
    name: str | None = Field(default=None, max_length=NAME_LENGTH)
    email: str | None = Field(default=None, max_length=EMAIL_LENGTH)
    role: str = Field(max_length=100, description="a role of the model: its id (pm) or its name (Product Manager)")
    team: str | None = Field(default=None, max_length=NAME_LENGTH,
                             description="their team: the unit they count in when it names one within the campaign's")


class Invitees(_Body):
    invitees: list[Invitee] = Field(min_length=1, max_length=5000)


class Answers(_Body):
    answers: dict[str, Any] = Field(default={}, description="criterion id -> a label or number of the answer scale, "
                                                            "or N/A; empty clears it")
    notes: dict[str, str | None] = Field(default={}, description="criterion id -> a note or evidence link; empty clears it")
    submit: bool = False


class NewToken(_Body):
    email: str | None = Field(default=None, max_length=EMAIL_LENGTH,
                              description="the user it acts for; absent: yourself (a viewer: only yourself)")
    name: str | None = Field(default=None, max_length=NAME_LENGTH, description="what it is for")
    scope: Literal["read", "role"] = Field(default="read", description="read: read-only, whatever the user's role; "
                                           "role: with the user's role (a viewer's tokens are read-only)")
    expires_in_days: int = Field(default=90, ge=1, le=366, description="days until it stops working")


def _ws(request: Request):
    return request.app.state.ws


def _model(request: Request):
    return request.app.state.model


@router.get("/docs", include_in_schema=False)
def docs(request: Request):
    """The API's reference, drawn from its OpenAPI schema here (no script from a CDN)."""
    return request.app.state.templates.TemplateResponse(request, "api_docs.html",
                                                        {"schema": request.app.openapi(), "user": None})


@router.get(v1 + "/campaigns")
def list_campaigns(request: Request, who: Caller = Depends(api_viewer)) -> list[dict]:
    from prodops.operations import list_campaigns as found

    return [c.document() for c in found(_ws(request))]


@router.post(v1 + "/campaigns", status_code=201)
def create_campaign(request: Request, body: NewCampaign, who: Caller = Depends(api_admin)) -> dict:
    from prodops.operations import create_campaign as create

    return create(_ws(request), _model(request), body.organization, body.name, body.team, body.opens, body.closes,
                  body.targets, model_ref=body.model, threshold=body.threshold if body.confidential else None,
                  draft=body.draft, owner=who.user.email, reminders=body.reminders, webhook=body.webhook,
                  link_base=request.app.state.settings.base_url or str(request.base_url)).document()


@router.get(v1 + "/campaigns/{campaign_id}")
def campaign_status(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> dict:
    """Its progress; of a confidential campaign, a viewer gets the counts alone (no one's name or e-mail)."""
    from prodops.operations import progress

    return progress(_ws(request), campaign_id, sees_people=who.user.admin).document()


@router.post(v1 + "/campaigns/{campaign_id}/invites", status_code=201)
def invite(request: Request, campaign_id: Id, body: Invitees, who: Caller = Depends(api_admin)) -> dict:
    """Each new invitee's personal link under `issued` (`url`, whose last segment is the invite
    token), shown only here; under `skipped`, who was already invited or listed twice."""
    from prodops.operations import invite as issue

    invited = issue(_ws(request), _model(request), campaign_id, [i.model_dump() for i in body.invitees])
    return invited.document(lambda token: personal_link(request, token))


@router.get(v1 + "/campaigns/{campaign_id}/invites")
def invites(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> list[dict]:
    """Everyone invited; of a confidential campaign, only an admin may list them."""
    from prodops.operations import progress

    found = progress(_ws(request), campaign_id, sees_people=who.user.admin)
    if found.campaign.privacy.confidential and not who.user.admin:
        raise Refused("forbidden", f"campaign #{campaign_id} is confidential: only an admin sees who was invited")
    return [i.document() for i in found.invites]


@router.get(v1 + "/campaigns/{campaign_id}/result")
def result(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> dict:
    """The same document as `prodops assess --json` (not recorded until the campaign closes); of a
    confidential campaign, only once it closes (409 before), with no group smaller than its threshold."""
    from prodops.core.assessment import result_document
    from prodops.operations import result as scored

    done = scored(_ws(request), _model(request), campaign_id)
    return {**result_document(done.result, _model(request)), "recorded": done.recorded and done.recorded.document()}


@router.post(v1 + "/campaigns/{campaign_id}/close")
def close(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    from prodops.core.assessment import result_document
    from prodops.operations import close as finish

    done = finish(_ws(request), _model(request), campaign_id, by=who.user.email)
    _deliver(request, campaign_id)  # its owner's webhook hears of it
    assert done.recorded is not None  # closing records the assessment
    return {"id": done.recorded.id, "assessment": {**result_document(done.result, _model(request)),
                                                   "recorded": done.recorded.document()}}


def _deliver(request: Request, campaign_id: int) -> dict:
    """Send what a move made due (invitations, the new deadline, notifications); what was sent."""
    from prodops.operations import deliver

    done = deliver(_ws(request), _model(request), outbox(request), campaign_id)
    return {"sent": done.sent, "failed": done.failed, "errors": done.errors[:20]}


def _moved(request: Request, found) -> dict:
    return {**found.document(), "mail": _deliver(request, found.id)}


@router.post(v1 + "/campaigns/{campaign_id}/schedule")
def schedule(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """A draft opens on its opening day by itself (today: now), and its invitations go then."""
    from prodops.operations import schedule as scheduled

    return _moved(request, scheduled(_ws(request), campaign_id, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/open")
def open_now(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """A draft or scheduled campaign opens now."""
    from prodops.operations import open_now as opened

    return _moved(request, opened(_ws(request), campaign_id, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/extend")
def extend(request: Request, campaign_id: Id, body: NewDeadline, who: Caller = Depends(api_admin)) -> dict:
    """A later closing day; those who have not submitted are told by e-mail."""
    from prodops.operations import extend as extended

    return _moved(request, extended(_ws(request), campaign_id, body.closes, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/reopen")
def reopen(request: Request, campaign_id: Id, body: Reopening, who: Caller = Depends(api_admin)) -> dict:
    """A closed campaign takes answers again until `closes`; closing it again replaces (revises) its assessment."""
    from prodops.operations import reopen as reopened

    return reopened(_ws(request), _model(request), campaign_id, body.closes, body.reason, who.user.email).document()


@router.post(v1 + "/campaigns/{campaign_id}/clone", status_code=201)
def clone(request: Request, campaign_id: Id, body: Cloning, who: Caller = Depends(api_admin)) -> dict:
    """A new campaign with the same organisation, unit, privacy, targets, reminders and invitees (new links)."""
    from prodops.operations import clone as cloned

    return _moved(request, cloned(_ws(request), _model(request), campaign_id, body.name, body.opens, body.closes,
                                  who.user.email, body.draft))


@router.post(v1 + "/campaigns/{campaign_id}/remind")
def remind(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """Remind now those who have not submitted and were not written to in the last 20 hours."""
    from prodops.operations import remind as reminded

    done = reminded(_ws(request), _model(request), outbox(request), campaign_id, who.user.email)
    return {"sent": done.sent, "failed": done.failed, "errors": done.errors[:20]}


@router.get(v1 + "/tokens")
def list_tokens(request: Request, who: Caller = Depends(api_viewer),
                email: str | None = Query(default=None, max_length=EMAIL_LENGTH,
                                          description="only this user's (an admin's choice; a viewer sees their own)")
                ) -> list[dict]:
    """API tokens: an admin's every user's, a viewer's their own; never the token itself."""
    from prodops.operations import list_tokens as found

    return [t.document() for t in found(_ws(request), email, by=who.user)]


@router.post(v1 + "/tokens", status_code=201)
def create_token(request: Request, body: NewToken, who: Caller = Depends(api_viewer)) -> dict:
    """A new API token, under `token`: shown only here (only its hash is kept)."""
    from prodops.operations import create_token as create

    made, token = create(_ws(request), body.email or who.user.email, body.name, scope=body.scope,
                         days=body.expires_in_days, by=who.user)
    return {**made.document(), "token": token}


@router.delete(v1 + "/tokens/{token_id}", status_code=204)
def revoke_token(request: Request, token_id: Id, who: Caller = Depends(api_viewer)) -> Response:
    """Revoke a token: it stops working at once. An admin any; a viewer their own (another's: 404)."""
    from prodops.operations import revoke_token as revoke

    revoke(_ws(request), token_id, by=who.user)
    return Response(status_code=204)


@router.get(v1 + "/audit")
def audit(request: Request, who: Caller = Depends(api_admin),
          limit: int = Query(default=100, ge=1, le=1000), before: int | None = Query(default=None, ge=1, le=2**63 - 1),
          action: str | None = Query(default=None, max_length=50), actor: str | None = Query(default=None, max_length=320)
          ) -> list[dict]:
    """The audit trail, newest first; `before` an entry's id for the page of older ones."""
    from prodops.operations import audit_trail, entry_document

    return [entry_document(e) for e in audit_trail(_ws(request), limit, before, action=action, actor=actor)]


def _answers(found) -> dict:
    return {"campaign": found.campaign.name, "organization": found.campaign.organization, "role": found.invite.role,
            "answers": {c: ("N/A" if g.na else g.value) for c, g in found.given.items() if g.answered},
            "notes": {c: g.note for c, g in found.given.items() if g.note},
            "answered": found.invite.answered,
            "submitted_at": found.invite.submitted_at and found.invite.submitted_at.isoformat(),
            "closes": found.campaign.closes and found.campaign.closes.isoformat()}  # answers change until its end (UTC)


@router.get(v1 + "/respond/{token}")
def respondent_answers(request: Request, token: str) -> dict:
    from prodops.operations import form

    return _answers(form(_ws(request), token, client(request)))


@router.put(v1 + "/respond/{token}")
def respond(request: Request, token: str, body: Answers) -> dict:
    """The respondent's form as JSON: the invite token is the credential."""
    from prodops.operations import save

    return _answers(save(_ws(request), _model(request), token, body.answers, body.notes, body.submit, client(request)))
