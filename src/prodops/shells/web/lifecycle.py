"""The pages of a campaign's life, for admins: schedule, open now, a later deadline, close (after a
confirmation that says what is missing), reopen with a reason, clone; reminders (their days, and
one now after a preview), the e-mails' wording with a preview, the owner's webhook, and a test of
the mail server. Each parses, makes one call to `operations` and presents."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from prodops.core.errors import Conflict, InputError, Refused
from prodops.shells.web.admin import _dashboard, _date, _model, _ws
from prodops.shells.web.app import messages, outbox, page
from prodops.shells.web.security import Caller, Id, admin, form_data

router = APIRouter(include_in_schema=False)


def _back(campaign_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/campaigns/{campaign_id}{anchor}", status_code=303)


def _refusal(request: Request, campaign_id: int, who: Caller, e: InputError | Refused) -> object:
    """The dashboard again, saying what was refused (422 for what was given, 409 for the state)."""
    status = 422 if isinstance(e, InputError) and not isinstance(e, Conflict) else 409
    if isinstance(e, Refused) and e.kind not in ("closed", "confidential"):
        raise e
    return _dashboard(request, campaign_id, who, status, problems=messages(e) if isinstance(e, InputError) else [e.message])


def _required_date(data: dict, key: str, what: str):
    day = _date(data.get(key), what)
    if day is None:
        raise InputError(f"give {what} (YYYY-MM-DD)")
    return day


def _moved(request: Request, campaign_id: int, who: Caller, move) -> object:
    """Make a move of the campaign's life (`move()`), then send what it made due (invitations, the
    new closing day, its webhook); the dashboard again, or the refusal on it."""
    from prodops.operations import deliver

    try:
        move()
    except (InputError, Refused) as e:
        return _refusal(request, campaign_id, who, e)
    deliver(_ws(request), _model(request), outbox(request), campaign_id)
    return _back(campaign_id)


@router.post("/campaigns/{campaign_id}/schedule")
def schedule(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import schedule as scheduled

    return _moved(request, campaign_id, who, lambda: scheduled(_ws(request), campaign_id, who.user.email))


@router.post("/campaigns/{campaign_id}/open")
def open_now(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import open_now as opened

    return _moved(request, campaign_id, who, lambda: opened(_ws(request), campaign_id, who.user.email))


@router.post("/campaigns/{campaign_id}/extend")
def extend(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import extend as extended

    return _moved(request, campaign_id, who, lambda: extended(
        _ws(request), campaign_id, _required_date(data, "closes", "the new closing day"), who.user.email))


@router.post("/campaigns/{campaign_id}/close")
def close(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """Without `confirm`: the confirmation, saying what is missing; with it: close and record."""
    from prodops.operations import close as finish, progress

    if data.get("confirm") != "yes":
        found = progress(_ws(request), campaign_id)
        return page(request, "campaign_close.html", campaign=found.campaign, progress=found,
                    warnings=found.close_warnings(_model(request)))
    return _moved(request, campaign_id, who,
                  lambda: finish(_ws(request), _model(request), campaign_id, by=who.user.email))


@router.post("/campaigns/{campaign_id}/reopen")
def reopen(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import reopen as reopened

    try:
        reopened(_ws(request), _model(request), campaign_id, _required_date(data, "closes", "the new closing day"),
                 str(data.get("reason", "")), who.user.email)
    except (InputError, Refused) as e:
        return _refusal(request, campaign_id, who, e)
    return _back(campaign_id)


@router.post("/campaigns/{campaign_id}/clone")
def clone(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import clone as cloned, deliver

    try:
        made = cloned(_ws(request), _model(request), campaign_id, str(data.get("name", "")),
                      _date(data.get("opens"), "the opening day"), _date(data.get("closes"), "the closing day"),
                      who.user.email, draft=data.get("draft") == "1")
    except (InputError, Refused) as e:
        return _refusal(request, campaign_id, who, e)
    deliver(_ws(request), _model(request), outbox(request), made.id)  # opening today: its invitations go now
    return _back(made.id)


@router.get("/campaigns/{campaign_id}/remind")
def remind_preview(request: Request, campaign_id: Id, who: Caller = Depends(admin)):
    """Who a reminder now goes to, how many, and what it says, before it goes."""
    from prodops.operations import campaign, reminding

    try:
        plan = reminding(_ws(request), _model(request), campaign_id)
    except Refused as e:
        return _refusal(request, campaign_id, who, e)
    return page(request, "campaign_remind.html", campaign=campaign(_ws(request), campaign_id), plan=plan,
                smtp=bool(request.app.state.settings.smtp))


@router.post("/campaigns/{campaign_id}/remind")
def remind(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import remind as reminded

    try:
        done = reminded(_ws(request), _model(request), outbox(request), campaign_id, who.user.email)
    except (InputError, Refused) as e:
        return _refusal(request, campaign_id, who, e)
    return _dashboard(request, campaign_id, who, notice=f"Reminders: {done.words()}.")


@router.post("/campaigns/{campaign_id}/reminders")
def reminders(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import set_reminders

    text = str(data.get("reminders", ""))[:500]
    try:
        set_reminders(_ws(request), campaign_id, None if data.get("default") == "1" else text)
    except (InputError, Refused) as e:
        return _refusal(request, campaign_id, who, e)
    return _back(campaign_id, "#schedule")


@router.get("/campaigns/{campaign_id}/emails")
def emails(request: Request, campaign_id: Id, kind: str = "invitation", who: Caller = Depends(admin)):
    return _emails_page(request, campaign_id, kind if kind in _KINDS else "invitation")


_KINDS = ("invitation", "reminder", "extended", "link")


def _emails_page(request: Request, campaign_id: int, kind: str, problems=(), values=None, status_code: int = 200):
    from prodops.core.lifecycle import DEFAULT_TEMPLATES, PLACEHOLDERS
    from prodops.operations import campaign, preview

    found = campaign(_ws(request), campaign_id)
    own = found.templates.get(kind)
    subject, body = (own["subject"], own["body"]) if own else DEFAULT_TEMPLATES[kind]
    return page(request, "campaign_emails.html", status_code=status_code, campaign=found, kind=kind, kinds=_KINDS,
                subject=(values or {}).get("subject", subject), body=(values or {}).get("body", body), own=bool(own),
                placeholders=PLACEHOLDERS, problems=problems, letter=preview(_ws(request), _model(request), campaign_id, kind,
                                                                request.app.state.settings.base_url or str(request.base_url)))


@router.post("/campaigns/{campaign_id}/emails")
def save_email(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import set_template

    kind = str(data.get("kind", ""))
    if kind not in _KINDS:
        raise InputError(f"unknown kind of e-mail {kind[:30]!r}")
    reset = data.get("reset") == "1"
    try:
        set_template(_ws(request), campaign_id, kind, None if reset else str(data.get("subject", "")),
                     None if reset else str(data.get("body", "")))
    except InputError as e:
        return _emails_page(request, campaign_id, kind, messages(e), data, 422)
    return RedirectResponse(f"/campaigns/{campaign_id}/emails?kind={kind}", status_code=303)


@router.post("/campaigns/{campaign_id}/webhook")
def webhook(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import set_webhook

    try:
        set_webhook(_ws(request), campaign_id, None if data.get("remove") == "1" else str(data.get("webhook", ""))[:1000])
    except InputError as e:
        return _refusal(request, campaign_id, who, e)
    return _back(campaign_id, "#schedule")


@router.post("/mail/test")
def test_mail(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """Try the mail server (and send a test e-mail to the admin, if asked); the campaigns page says how it went."""
    from prodops.operations import check_mail_server
    from prodops.shells.web.admin import _campaigns_page

    try:
        said = check_mail_server(outbox(request), who.user.email if data.get("send") == "1" else None)
    except InputError as e:
        return _campaigns_page(request, messages(e), status_code=422)
    return _campaigns_page(request, notice=said)
