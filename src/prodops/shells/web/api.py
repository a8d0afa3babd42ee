"""The JSON API under /api/v1, for automation: authenticated by a session (with its CSRF token on
every change) or by `Authorization: Bearer TOKEN`; the respondent's part by the invite token alone.
Errors are the same documents as the command line's `--json` errors, with a 4xx status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from prodops.core.confidentiality import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
from prodops.core.errors import Refused
from prodops.core.safe_text import EMAIL_LENGTH, NAME_LENGTH
from prodops.shells.web.app import personal_link
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
                  body.targets, model_ref=body.model, threshold=body.threshold if body.confidential else None).document()


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

    done = finish(_ws(request), _model(request), campaign_id)
    assert done.recorded is not None  # closing records the assessment
    return {"id": done.recorded.id, "assessment": {**result_document(done.result, _model(request)),
                                                   "recorded": done.recorded.document()}}


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
