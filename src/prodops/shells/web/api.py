"""The JSON API under /api/v1, for automation: authenticated by a session (with its CSRF token on
every change) or by `Authorization: Bearer TOKEN`; the respondent's part by the invite token alone.
Errors are the same documents as the command line's `--json` errors, with a 4xx status."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from annotated_types import Interval
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from prodops.core.confidentiality import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
from prodops.core.errors import Refused
from prodops.core.safe_text import EMAIL_LENGTH, NAME_LENGTH, NOTE_LENGTH
from prodops.operations.campaigns import MAX_INVITEES
from prodops.shells.web.app import outbox, personal_link
from prodops.shells.web.security import SESSION_COOKIE, Caller, Id, api_admin, api_viewer, client

router = APIRouter(prefix="/api")
v1 = "/v1"

# --- what a request may say: the checks the operations make, in the schema ---------------------
# A body the schema allows is not refused for its shape (Schemathesis holds us to it, .ci/run).
# What needs the served model (its roles, criteria, answer scale) is filled in by `served_schema`
# where a field says `x-model`; what needs the workspace or the calendar (a declared unit, a day
# not passed) is said in words and answered 409 or 422.

# Python's str.strip() takes these away: a required text needs one character that is none of them,
# nor a control character (core.safe_text.CONTROL).
_BLANK = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_FREE = r"[^\x00-\x08\x0b-\x1f\x7f-\x9f]"  # tab and newline are fine
TEXT = rf"^{_FREE}*$"
REQUIRED_TEXT = rf"^{_FREE}*[^{_BLANK}]{_FREE}*$"
_ADDRESS = rf"[^@{_BLANK},;:<>\"()\[\]\\]+"
EMAIL = rf"^[ \t\n\r]*({_ADDRESS}@{_ADDRESS}\.{_ADDRESS})?[ \t\n\r]*$"  # core.safe_text.is_email, or blank
_DAYS = r"([1-9][0-9]?|[12][0-9][0-9]|3[0-5][0-9]|36[0-5])"  # 1 to 365
REMINDER = rf"^(open\+{_DAYS}|close(-{_DAYS})?)$"  # core.lifecycle.checked_reminders
_PORT = r"(:[0-9]{1,4}|:[1-5][0-9]{4}|:6[0-4][0-9]{3}|:65[0-4][0-9]{2}|:655[0-2][0-9]|:6553[0-5])?"
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# outbox.webhook.refused_address: https:// anywhere, http:// on this machine; or blank for none
WEBHOOK = (rf"^(|https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*{_PORT}(/[!-~]*)?"
           rf"|http://(localhost|127\.{_OCTET}\.{_OCTET}\.{_OCTET}|\[::1\]){_PORT}(/[!-~]*)?)$")

Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=REQUIRED_TEXT)]


def _day(value: object) -> object:
    """A day as the schema says it (format date: YYYY-MM-DD), not a number of seconds nor a time."""
    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        raise ValueError("give a day as YYYY-MM-DD")
    return dt.date.fromisoformat(value)


Day = Annotated[dt.date, BeforeValidator(_day)]


def _whole(value: object) -> object:
    """A whole number as JSON Schema counts one: 17 or 17.0, not "17" nor true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole)]  # the model is strict: what is left must be an int


class _Body(BaseModel):
    # strict: what the schema says is what is taken ("3" is no integer, "true" no boolean)
    model_config = ConfigDict(extra="forbid", strict=True)


class NewCampaign(_Body):
    organization: Name
    name: Name
    team: str | None = Field(default=None, max_length=NAME_LENGTH, pattern=TEXT,
                             description="the team or business unit it assesses, declared in the workspace (prodops "
                                         "units); one not declared is refused (422)")
    opens: Day | None = Field(default=None, description="absent: today")
    closes: Day | None = Field(default=None, description="on or after the day it opens")
    model: str | None = Field(default=None, max_length=160, json_schema_extra={"x-model": "ref"},
                              description="id or id@version: the model the app serves; blank: that one")
    # the bounds before the validator: after it, pydantic 2.14 writes them as ge/le, not minimum/maximum
    targets: dict[str, Annotated[int, Interval(ge=0, le=MAX_INVITEES), BeforeValidator(_whole)]] = Field(
        default={}, description="role id -> answers wanted", json_schema_extra={"x-model": "role-ids"})
    confidential: bool = Field(default=True, description="false: a named campaign, names beside answers and notes")
    threshold: Whole = Field(default=DEFAULT_THRESHOLD, ge=MIN_THRESHOLD, le=MAX_THRESHOLD,
                             description=f"a confidential campaign's reporting threshold: no figure rests on fewer "
                                         f"answers ({MIN_THRESHOLD} to {MAX_THRESHOLD})")
    draft: bool = Field(default=False, description="true: nothing opens or is sent until it is scheduled")
    reminders: list[Annotated[str, Field(pattern=REMINDER)]] | None = Field(
        default=None, max_length=10, description="reminder days: open+N, close-N, close; [] for none; absent: "
                                                 "open+3, close-2, close")
    webhook: str | None = Field(default=None, max_length=1000, pattern=WEBHOOK, description="a Slack-compatible "
                                "incoming webhook (https://; http:// on this machine) notified when it opens, daily, "
                                "the day before it closes and when it closes; a secret, never shown again")


class NewDeadline(_Body):
    closes: Day = Field(description="the new closing day: today or later, after the current one and the opening day")


class Reopening(_Body):
    closes: Day = Field(description="the new closing day: today or later")
    reason: str = Field(min_length=1, max_length=500, pattern=REQUIRED_TEXT,
                        description="why it is reopened; kept in its history")


class Cloning(_Body):
    name: Name
    opens: Day | None = Field(default=None, description="absent: today")
    closes: Day | None = Field(default=None, description="on or after the day it opens")
    draft: bool = False


class Invitee(_Body):
    name: str | None = Field(default=None, max_length=NAME_LENGTH, pattern=TEXT)
    email: str | None = Field(default=None, max_length=EMAIL_LENGTH, pattern=EMAIL, description="one address, or blank")
    role: str = Field(max_length=100, description="a role of the model: its id (pm) or its name (Product Manager), "
                                                  "in any letter case", json_schema_extra={"x-model": "role"})
    team: str | None = Field(default=None, max_length=NAME_LENGTH, pattern=TEXT,
                             description="their team: the unit they count in when it names one within the campaign's")


class Invitees(_Body):
    invitees: list[Invitee] = Field(min_length=1, max_length=MAX_INVITEES)


class Answers(_Body):
    answers: dict[str, Any] = Field(default={}, description="criterion id -> a label or number of the answer scale, "
                                    "or N/A; empty or null clears it", json_schema_extra={"x-model": "answers"})
    notes: dict[str, Annotated[str, Field(max_length=NOTE_LENGTH, pattern=TEXT)] | None] = Field(
        default={}, description="criterion id -> a note or evidence link; empty clears it, null leaves it",
        json_schema_extra={"x-model": "criterion-ids"})
    submit: bool = False


class NewToken(_Body):
    email: str | None = Field(default=None, max_length=EMAIL_LENGTH, pattern=EMAIL,
                              description="the user it acts for; absent or blank: yourself (a viewer: only yourself)")
    name: str | None = Field(default=None, max_length=NAME_LENGTH, description="what it is for")
    scope: Literal["read", "role"] = Field(default="read", description="read: read-only, whatever the user's role; "
                                           "role: with the user's role (a viewer's tokens are read-only)")
    expires_in_days: int = Field(default=90, ge=1, le=366, description="days until it stops working")


# --- what the API answers when it refuses ----------------------------------------------------------

class Fixing(BaseModel):
    what: str = Field(description="what fixes it, as a key (core.errors.FIXES)")
    arg: str | None = None
    meaning: str


class Finding(BaseModel):
    message: str
    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = Field(default=None, description="in a request: the field, e.g. invitees.0.role")
    respondent: str | None = None
    criterion: str | None = None
    fix: Fixing | None = None


class Refusal(BaseModel):
    """Every refusal: the same document as the command line's `--json` errors."""
    error: str = Field(description="what was refused and why, in words")
    refused: Literal["unknown", "login", "forbidden", "closed", "confidential", "too_many"] | None = Field(
        default=None, description="of a refusal for access or state: which kind")
    problems: list[Finding] = Field(description="each problem found, with where it is")
    more: int = Field(default=0, description="problems found beyond those listed")
    fix: Fixing | None = None


SAID = {
    400: "The body cannot be read: it is not text in UTF-8.",
    401: "No valid API token (Authorization: Bearer TOKEN) and no session.",
    403: "The caller's role may not do this; or a session's change without its X-CSRF-Token header; or a request sent "
         "from another site's page.",
    404: "No campaign with this id.",
    409: "The campaign's state refuses it now (its result, the move or the model it is on); the request may succeed "
         "once that changes.",
    411: "A body sent without its length (Content-Length).",
    413: "A body larger than 1 MB.",
    422: "The request is not valid: each problem says where (the body's field, the path) and what.",
    429: "Too many wrong links from this address; Retry-After says in how many seconds to try again.",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds until the next attempt is taken", "schema": {"type": "integer"}}}


def refusals(*statuses: int, **said: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route that may refuse with `statuses`, each with the document it
    answers; `said`: a route's own words for one (s404="...")."""
    return {status: {"model": Refusal, "description": said.get(f"s{status}", SAID[status]),
                     **({"headers": RETRY_AFTER} if status == 429 else {})} for status in sorted(statuses)}


VIEWER, ADMIN = (401,), (401, 403)  # who may call it: api_viewer, api_admin
CHANGE = (403, 411, 413)  # a POST or PUT: refused before any route when cross-site, unmeasured or too large
BODY = (400, 422)  # it reads a JSON body
CAMPAIGN = (404, 422)  # its path names a campaign: unknown, or no id


SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (prodops tokens create)"},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                "description": "a signed-in browser's session; a change needs its X-CSRF-Token header too"},
}


def served_schema(app, model) -> None:
    """The app's OpenAPI schema says what the model it serves takes where a field says `x-model`:
    its roles (ids and names), its reference, its criteria and its answer scale; who may call each
    operation (those that may answer 401); and no FastAPI 422 document, which is not ours (a route
    that may answer 422 says so with `refusals`)."""
    made = app.openapi
    roles = [*model.role, *(r.name for r in model.roles if r.name not in model.role)]
    scale = [p.label for p in model.answer_scale]
    answer = {"anyOf": [{"type": "string", "enum": [*scale, model.na_label]},
                        {"type": "number", "enum": [p.value for p in model.answer_scale]}, {"const": ""}, {"type": "null"}]}
    criteria = {"enum": list(model.criterion)}

    def fill(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                fill(item)
        elif isinstance(node, dict):
            kind = node.pop("x-model", None)
            if kind == "role":
                node["enum"] = roles
            elif kind == "ref":  # str | None: its text's choices (blank, as absent: the served one)
                next(a for a in node["anyOf"] if a.get("type") == "string")["enum"] = [model.id, model.ref, ""]
            elif kind == "role-ids":
                node["propertyNames"] = {"enum": list(model.role)}
            elif kind == "criterion-ids":
                node["propertyNames"] = criteria
            elif kind == "answers":
                node.update(propertyNames=criteria, additionalProperties=answer)
            for value in node.values():
                fill(value)

    def openapi() -> dict[str, Any]:
        schema = made()
        fill(schema)  # once: the markers go as they are filled in
        for operation in (o for path in schema["paths"].values() for o in path.values()):
            answers = operation["responses"]
            if "HTTPValidationError" in str(answers.get("422", "")):
                del answers["422"]
            if "401" in answers:
                operation["security"] = [{"bearer": []}, {"session": []}]
        for name in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(name, None)
        schema["components"]["securitySchemes"] = SECURITY
        return schema

    app.openapi = openapi


def _ws(request: Request):
    return request.app.state.ws


def _model(request: Request):
    return request.app.state.model


@router.get("/docs", include_in_schema=False)
def docs(request: Request):
    """The API's reference, drawn from its OpenAPI schema here (no script from a CDN)."""
    return request.app.state.templates.TemplateResponse(request, "api_docs.html",
                                                        {"schema": request.app.openapi(), "user": None})


@router.get(v1 + "/campaigns", responses=refusals(*VIEWER))
def list_campaigns(request: Request, who: Caller = Depends(api_viewer)) -> list[dict]:
    from prodops.operations import list_campaigns as found

    return [c.document() for c in found(_ws(request))]


@router.post(v1 + "/campaigns", status_code=201, responses=refusals(*ADMIN, *CHANGE, *BODY))
def create_campaign(request: Request, body: NewCampaign, who: Caller = Depends(api_admin)) -> dict:
    from prodops.operations import create_campaign as create

    return create(_ws(request), _model(request), body.organization, body.name, body.team, body.opens, body.closes,
                  body.targets, model_ref=body.model, threshold=body.threshold if body.confidential else None,
                  draft=body.draft, owner=who.user.email, reminders=body.reminders, webhook=body.webhook,
                  link_base=request.app.state.settings.base_url or str(request.base_url)).document()


@router.get(v1 + "/campaigns/{campaign_id}", responses=refusals(*VIEWER, *CAMPAIGN))
def campaign_status(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> dict:
    """Its progress; of a confidential campaign, a viewer gets the counts alone (no one's name or e-mail)."""
    from prodops.operations import progress

    return progress(_ws(request), campaign_id, sees_people=who.user.admin).document()


@router.post(v1 + "/campaigns/{campaign_id}/invites", status_code=201, responses=refusals(
    *ADMIN, *CHANGE, *BODY, *CAMPAIGN, 409, s409="The campaign is closed, on another model, or would hold more than "
                                                  f"{MAX_INVITEES:,} people."))
def invite(request: Request, campaign_id: Id, body: Invitees, who: Caller = Depends(api_admin)) -> dict:
    """Each new invitee's personal link under `issued` (`url`, whose last segment is the invite
    token), shown only here; under `skipped`, who was already invited or listed twice."""
    from prodops.operations import invite as issue

    invited = issue(_ws(request), _model(request), campaign_id, [i.model_dump() for i in body.invitees])
    return invited.document(lambda token: personal_link(request, token))


@router.get(v1 + "/campaigns/{campaign_id}/invites", responses=refusals(
    *VIEWER, *CAMPAIGN, 403, s403="A viewer asked for the people of a confidential campaign."))
def invites(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> list[dict]:
    """Everyone invited; of a confidential campaign, only an admin may list them."""
    from prodops.operations import progress

    found = progress(_ws(request), campaign_id, sees_people=who.user.admin)
    if found.campaign.privacy.confidential and not who.user.admin:
        raise Refused("forbidden", f"campaign #{campaign_id} is confidential: only an admin sees who was invited")
    return [i.document() for i in found.invites]


@router.get(v1 + "/campaigns/{campaign_id}/result", responses=refusals(
    *VIEWER, *CAMPAIGN, 409, s409="Nothing submitted to score yet; a confidential campaign still open; a result that "
                                  "would show too few people; or a campaign on another model."))
def result(request: Request, campaign_id: Id, who: Caller = Depends(api_viewer)) -> dict:
    """The same document as `prodops assess --json` (not recorded until the campaign closes); of a
    confidential campaign, only once it closes (409 before), with no group smaller than its threshold."""
    from prodops.core.assessment import result_document
    from prodops.operations import result as scored

    done = scored(_ws(request), _model(request), campaign_id)
    return {**result_document(done.result, _model(request)), "recorded": done.recorded and done.recorded.document()}


@router.post(v1 + "/campaigns/{campaign_id}/close", responses=refusals(*ADMIN, *CHANGE, *CAMPAIGN, 409))
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


@router.post(v1 + "/campaigns/{campaign_id}/schedule", responses=refusals(*ADMIN, *CHANGE, *CAMPAIGN, 409))
def schedule(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """A draft opens on its opening day by itself (today: now), and its invitations go then."""
    from prodops.operations import schedule as scheduled

    return _moved(request, scheduled(_ws(request), campaign_id, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/open", responses=refusals(*ADMIN, *CHANGE, *CAMPAIGN, 409))
def open_now(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """A draft or scheduled campaign opens now."""
    from prodops.operations import open_now as opened

    return _moved(request, opened(_ws(request), campaign_id, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/extend", responses=refusals(*ADMIN, *CHANGE, *BODY, *CAMPAIGN, 409))
def extend(request: Request, campaign_id: Id, body: NewDeadline, who: Caller = Depends(api_admin)) -> dict:
    """A later closing day; those who have not submitted are told by e-mail."""
    from prodops.operations import extend as extended

    return _moved(request, extended(_ws(request), campaign_id, body.closes, who.user.email))


@router.post(v1 + "/campaigns/{campaign_id}/reopen", responses=refusals(*ADMIN, *CHANGE, *BODY, *CAMPAIGN, 409))
def reopen(request: Request, campaign_id: Id, body: Reopening, who: Caller = Depends(api_admin)) -> dict:
    """A closed campaign takes answers again until `closes`; closing it again replaces (revises) its assessment."""
    from prodops.operations import reopen as reopened

    return reopened(_ws(request), _model(request), campaign_id, body.closes, body.reason, who.user.email).document()


@router.post(v1 + "/campaigns/{campaign_id}/clone", status_code=201, responses=refusals(*ADMIN, *CHANGE, *BODY, *CAMPAIGN))
def clone(request: Request, campaign_id: Id, body: Cloning, who: Caller = Depends(api_admin)) -> dict:
    """A new campaign with the same organisation, unit, privacy, targets, reminders and invitees (new links)."""
    from prodops.operations import clone as cloned

    return _moved(request, cloned(_ws(request), _model(request), campaign_id, body.name, body.opens, body.closes,
                                  who.user.email, body.draft))


@router.post(v1 + "/campaigns/{campaign_id}/remind", responses=refusals(
    *ADMIN, *CHANGE, *CAMPAIGN, 409, s409="The campaign is not open, or no mail server is set."))
def remind(request: Request, campaign_id: Id, who: Caller = Depends(api_admin)) -> dict:
    """Remind now those who have not submitted and were not written to in the last 20 hours."""
    from prodops.operations import remind as reminded

    done = reminded(_ws(request), _model(request), outbox(request), campaign_id, who.user.email)
    return {"sent": done.sent, "failed": done.failed, "errors": done.errors[:20]}


@router.get(v1 + "/tokens", responses=refusals(
    *VIEWER, 404, 422, s404="No such user, or a viewer asked for another user's tokens.",
    s422="The query is not an e-mail address, or too long."))
def list_tokens(request: Request, who: Caller = Depends(api_viewer),
                email: str | None = Query(default=None, max_length=EMAIL_LENGTH, pattern=EMAIL,
                                          description="only this user's (an admin's choice; a viewer sees their own); "
                                                      "blank: everyone's the caller may see")
                ) -> list[dict]:
    """API tokens: an admin's every user's, a viewer's their own; never the token itself."""
    from prodops.operations import list_tokens as found

    return [t.document() for t in found(_ws(request), (email or "").strip() or None, by=who.user)]


@router.post(v1 + "/tokens", status_code=201, responses=refusals(
    *VIEWER, *CHANGE, *BODY, 404, s404="No such user.",
    s403="Asked with an API token (tokens are made by a signed-in browser or the command line, so none outlives "
         "its maker); a viewer asked for another user's token; or a session's change came without its X-CSRF-Token "
         "header or from another site."))
def create_token(request: Request, body: NewToken, who: Caller = Depends(api_viewer)) -> dict:
    """A new API token, under `token`: shown only here (only its hash is kept). Only a signed-in
    session (with its X-CSRF-Token header) makes one: asked with an API token, 403."""
    from prodops.operations import create_token as create

    made, token = create(_ws(request), (body.email or "").strip() or who.user.email, body.name, scope=body.scope,
                         days=body.expires_in_days, by=who.user, by_token=who.token_id)
    return {**made.document(), "token": token}


@router.delete(v1 + "/tokens/{token_id}", status_code=204, responses=refusals(
    *VIEWER, *CHANGE, 404, 422, s404="No API token with this id that the caller may see.", s422="The id is not a number."))
def revoke_token(request: Request, token_id: Id, who: Caller = Depends(api_viewer)) -> Response:
    """Revoke a token: it stops working at once. An admin any; a viewer their own (another's: 404)."""
    from prodops.operations import revoke_token as revoke

    revoke(_ws(request), token_id, by=who.user)
    return Response(status_code=204)


@router.get(v1 + "/audit", responses=refusals(*ADMIN, 422, s422="A query out of its range or too long."))
def audit(request: Request, who: Caller = Depends(api_admin),
          limit: int = Query(default=100, ge=1, le=1000), before: int | None = Query(default=None, ge=1, le=2**63 - 1),
          action: str | None = Query(default=None, max_length=50), actor: str | None = Query(default=None, max_length=320)
          ) -> list[dict]:
    """The audit trail, newest first; `before` an entry's id for the page of older ones."""
    from prodops.operations import audit_trail, entry_document

    return [entry_document(e) for e in audit_trail(_ws(request), limit, before, action=action, actor=actor)]


LINK = "The link is not valid (wrong, revoked or replaced), or its campaign does not take answers now."


def _answers(found) -> dict:
    return {"campaign": found.campaign.name, "organization": found.campaign.organization, "role": found.invite.role,
            "answers": {c: ("N/A" if g.na else g.value) for c, g in found.given.items() if g.answered},
            "notes": {c: g.note for c, g in found.given.items() if g.note},
            "answered": found.invite.answered,
            "submitted_at": found.invite.submitted_at and found.invite.submitted_at.isoformat(),
            "closes": found.campaign.closes and found.campaign.closes.isoformat()}  # answers change until its end (UTC)


@router.get(v1 + "/respond/{token}", responses=refusals(404, 429, s404=LINK))
def respondent_answers(request: Request, token: str) -> dict:
    from prodops.operations import form

    return _answers(form(_ws(request), token, client(request)))


@router.put(v1 + "/respond/{token}", responses=refusals(
    *CHANGE, *BODY, 404, 409, 429, s404=LINK, s409="The campaign is on another model than the app serves."))
def respond(request: Request, token: str, body: Answers) -> dict:
    """The respondent's form as JSON: the invite token is the credential."""
    from prodops.operations import save

    return _answers(save(_ws(request), _model(request), token, body.answers, body.notes, body.submit, client(request)))
