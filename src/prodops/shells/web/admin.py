"""The pages of signed-in users: sign in and out, campaigns (create, invite, watch, close), the
organisations' history, roadmap, value and reports, imports, users. Viewers read; admins change."""

from __future__ import annotations

import json
import datetime as dt
import os
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from prodops import clock
from prodops.core.confidentiality import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
from prodops.core.errors import InputError, Refused
from prodops.core.lifecycle import DEFAULT_REMINDERS
from prodops.core.safe_text import NAME_LENGTH
from prodops.core.spreadsheet import csv_document
from prodops.shells.web.app import messages, outbox, page, personal_link
from prodops.shells.web.security import (SESSION_COOKIE, Caller, Id, account_holder, admin,
                                         check_signed_out_csrf, client, current_session, first_step_taken, form_data,
                                         signed_out_form, viewer)

router = APIRouter(include_in_schema=False)  # pages, not the API
MAX_UPLOAD = 50 * 1024 * 1024  # as the command line reads at most


def _ws(request: Request):
    return request.app.state.ws


def _model(request: Request):
    return request.app.state.model


# --- signing in and out -------------------------------------------------------------------------

@router.get("/")
def home(request: Request):
    return RedirectResponse("/campaigns" if current_session(request) else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request):
    return login_page(request)


def login_page(request: Request, problem: str | None = None, status_code: int = 200):
    """The sign-in page, its form with the token of the pages before sign-in (and the single sign-on
    button, when set up)."""
    return signed_out_form(request, lambda token: page(request, "login.html", login_csrf=token, problem=problem,
                                                       status_code=status_code))


@router.post("/login")
def login(request: Request, data: dict = Depends(form_data)):
    from prodops.operations import login as sign_in

    if not request.app.state.settings.password_sign_in:
        raise Refused("forbidden", "signing in with a password is switched off here; use single sign-on")
    check_signed_out_csrf(request, data.get("csrf"))
    try:
        made = sign_in(_ws(request), data.get("email", ""), data.get("password", ""), client(request))
    except Refused as e:
        if e.kind not in ("login", "too_many"):
            raise
        refused = login_page(request, e.message, 401 if e.kind == "login" else 429)
        if e.retry_after:
            refused.headers["Retry-After"] = str(e.retry_after)
        return refused
    return first_step_taken(request, made)


@router.post("/logout")
def logout(request: Request, who: Caller = Depends(account_holder)):
    from prodops.operations import logout as sign_out

    if who.session is None:
        raise Refused("forbidden", "signing out ends a browser session; an API token ends when its user is removed")
    sign_out(_ws(request), who.session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- campaigns ----------------------------------------------------------------------------------

@router.get("/campaigns")
def campaigns(request: Request, who: Caller = Depends(viewer)):
    return _campaigns_page(request)


def _campaigns_page(request: Request, problems=(), values=None, status_code: int = 200, notice: str | None = None):
    """The campaigns, and the form for a new one (offering the units declared so far)."""
    from prodops.operations import list_campaigns, unit_tree

    ws = _ws(request)
    units = sorted({u.name for org in ws.recorded.organizations() for u in unit_tree(ws, org)})
    return page(request, "campaigns.html", campaigns=list_campaigns(ws), problems=problems, values=values or {},
                today=clock.today(), units=units, status_code=status_code, default_threshold=DEFAULT_THRESHOLD,
                min_threshold=MIN_THRESHOLD, max_threshold=MAX_THRESHOLD, notice=notice,
                smtp=bool(request.app.state.settings.smtp), default_reminders=", ".join(DEFAULT_REMINDERS))


def _date(text: str | None, what: str) -> dt.date | None:
    from prodops.core.dates import NotADate, parse_day

    if not text:
        return None
    try:
        return parse_day(text)
    except NotADate:
        raise InputError(f"{what} {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _targets(data: dict, model) -> dict[str, int]:
    targets = {}
    for role in model.role:
        text = (data.get(f"target-{role}") or "").strip()
        if text:
            if not text.isdigit():
                raise InputError(f"the target for {model.role[role].name} is {text[:20]!r}; give a whole number")
            targets[role] = int(text)
    return targets


@router.post("/campaigns")
def create(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import create_campaign

    try:
        made = create_campaign(_ws(request), _model(request), data.get("organization", ""), data.get("name", ""),
                               data.get("team") or None, _date(data.get("opens"), "the opening date"),
                               _date(data.get("closes"), "the closing date"), _targets(data, _model(request)),
                               threshold=None if data.get("privacy") == "named" else data.get("threshold") or DEFAULT_THRESHOLD,
                               draft=data.get("draft") == "1", owner=who.user.email,
                               reminders=str(data.get("reminders") or "")[:500] if "reminders" in data else None,
                               webhook=str(data.get("webhook") or "")[:1000] or None,
                               link_base=request.app.state.settings.base_url or str(request.base_url))
    except InputError as e:
        return _campaigns_page(request, messages(e), data, 422)
    return RedirectResponse(f"/campaigns/{made.id}", status_code=303)


def _dashboard(request: Request, campaign_id: int, who: Caller, status_code: int = 200, **extra):
    from prodops.operations import dashboard

    shown = dashboard(_ws(request), _model(request), campaign_id, sees_people=who.user.admin)
    extra.setdefault("issued", [])
    extra.setdefault("skipped", [])
    extra.setdefault("problems", ())
    return page(request, "campaign.html", status_code=status_code, progress=shown.progress, campaign=shown.campaign,
                invites=shown.progress.invites, result=shown.result, empty=shown.empty, notes=shown.notes,
                smtp=bool(request.app.state.settings.smtp), today=clock.today(),
                **_life(request, campaign_id, who.user.admin), **extra)


def _life(request: Request, campaign_id: int, sees_people: bool) -> dict[str, Any]:
    """What the dashboard shows of the campaign's life: its events, and what was sent to whom (admins)."""
    from prodops.operations import deliveries

    ws = _ws(request)
    return {"events": ws.campaigns.events(campaign_id) if sees_people else [],
            "mailed": deliveries(ws, campaign_id) if sees_people else {}}


@router.get("/campaigns/{campaign_id}")
def dashboard(request: Request, campaign_id: Id, who: Caller = Depends(viewer)):
    return _dashboard(request, campaign_id, who)


@router.post("/campaigns/{campaign_id}/notes")
def hide_note(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """Withhold a note from the result (redaction), or show it again."""
    from prodops.operations import hide_note as hide

    hide(_ws(request), campaign_id, str(data.get("criterion", ""))[:100], str(data.get("text", "")),
         hidden=data.get("show") != "1")
    return RedirectResponse(f"/campaigns/{campaign_id}#notes", status_code=303)


@router.get("/campaigns/{campaign_id}/progress")
def live_progress(request: Request, campaign_id: Id, who: Caller = Depends(viewer)):
    """The response rates alone, polled by the dashboard every few seconds."""
    from prodops.operations import progress

    return page(request, "_rates.html", progress=progress(_ws(request), campaign_id))


@router.get("/campaigns/{campaign_id}/invites")
def invites_page(campaign_id: Id):
    """The address the invite form posts to, opened again (a bookmark, a reload after a refusal)."""
    return RedirectResponse(f"/campaigns/{campaign_id}#invites", status_code=303)


@router.post("/campaigns/{campaign_id}/invites")
def add_invites(request: Request, campaign_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """Invite one person from the form, or everyone in an uploaded CSV; the new links are shown once,
    and who was skipped (invited before, or listed twice) is named."""
    from prodops.operations import invite, read_invitees

    ws, model = _ws(request), _model(request)
    try:
        upload = data.get("file")
        if isinstance(upload, UploadFile) and upload.filename:  # form_data keeps a file only as `file`
            raw = upload.file.read(MAX_UPLOAD + 1)
            if len(raw) > MAX_UPLOAD:
                raise InputError(f"{upload.filename}: larger than {MAX_UPLOAD // 2**20} MB; split it")
            people = read_invitees(upload.filename or "invitees.csv", raw)
        else:
            people = [{k: data.get(k) or None for k in ("name", "email", "role", "team")}]
        invited = invite(ws, model, campaign_id, people)
    except InputError as e:
        return _dashboard(request, campaign_id, who, 422, problems=messages(e))
    links = [(i.invite, personal_link(request, i.token)) for i in invited.issued]
    sent = _send(request, campaign_id, invited.issued) if links and data.get("send") and request.app.state.settings.smtp else None
    return _dashboard(request, campaign_id, who, issued=links, skipped=invited.skipped, sent=sent,
                      links_csv=_links_csv(links))


def _links_csv(links) -> str:
    """The new links as a CSV for a mail merge, in a data: URL (they exist only on this page)."""
    rows = ((inv.name, inv.email, inv.role, inv.team, inv.respondent, url) for inv, url in links)
    return "data:text/csv;charset=utf-8," + quote(csv_document(["name", "email", "role", "team", "respondent", "link"], rows))


def _send(request: Request, campaign_id: int, issued) -> str:
    """E-mail the links just issued; what happened, in words."""
    from prodops.operations import campaign, send_invitations

    if not campaign(_ws(request), campaign_id).is_open:
        return "the invitations will be e-mailed when the campaign opens"
    done = send_invitations(_ws(request), _model(request), outbox(request), campaign_id,
                            [(i.invite, i.token) for i in issued])
    return done.words() if done.sent or done.failed else "no invitee has an e-mail address: nothing was sent"


@router.post("/campaigns/{campaign_id}/invites/{invite_id}/revoke")
def revoke(request: Request, campaign_id: Id, invite_id: Id, who: Caller = Depends(admin),
           data: dict = Depends(form_data)):
    from prodops.operations import revoke as stop

    stop(_ws(request), campaign_id, invite_id)
    return RedirectResponse(f"/campaigns/{campaign_id}#invites", status_code=303)


@router.post("/campaigns/{campaign_id}/invites/{invite_id}/reissue")
def reissue(request: Request, campaign_id: Id, invite_id: Id, who: Caller = Depends(admin),
            data: dict = Depends(form_data)):
    from prodops.operations import reissue as renew

    try:
        issued = renew(_ws(request), campaign_id, invite_id)
    except Refused as e:
        if e.kind != "confidential":
            raise
        return _dashboard(request, campaign_id, who, 409, problems=[e.message])
    links = [(issued.invite, personal_link(request, issued.token))]
    sent = None
    if request.app.state.settings.smtp and issued.invite.email:  # the person gets their new link at once
        from prodops.operations import send_link

        sent = send_link(_ws(request), _model(request), outbox(request), campaign_id,
                         issued.invite, issued.token).words()
    return _dashboard(request, campaign_id, who, issued=links, links_csv=_links_csv(links), sent=sent)


# --- organisations: history, roadmap, value, reports ---------------------------------------------

@router.get("/organizations")
def organizations(request: Request, who: Caller = Depends(viewer)):
    """The recorded assessments; and each organisation with value data but no assessment yet, whose
    report is its value figures alone."""
    from prodops.operations import history, value_only

    ws, model = _ws(request), _model(request)
    return page(request, "organizations.html", history=history(ws, model=model), value_only=value_only(ws, model))


# The order the organisation page offers the report's formats in (report.RENDERERS): what people read
# first; a format not named here follows the others.
OFFERED_FIRST = ("pdf", "html", "xlsx", "pptx", "md", "json")


def _offered() -> list:
    """The report's formats (report.Renderer) as the page offers them."""
    from prodops.renderers import RENDERERS

    return sorted(RENDERERS.values(), key=lambda r: OFFERED_FIRST.index(r.name) if r.name in OFFERED_FIRST
                  else len(OFFERED_FIRST))


@router.get("/organization")
def organization(request: Request, name: str, unit: str | None = None, who: Caller = Depends(viewer)):
    """The report's content as a page (of the organisation or of one unit): summary, units, trajectory,
    roadmap and the investments as run, value; and its files."""
    return _organization_page(request, name, unit=unit)


def _organization_page(request: Request, name: str, problems=(), status_code: int = 200, said_problems=(),
                       said: str | None = None, look_problems=(), unit: str | None = None, unit_problems=()):
    from prodops.core.brand import DEFAULT_ACCENT
    from prodops.operations import organization_view
    from prodops.core.report.layout import TITLES
    from prodops.core.tracking import STATUSES, describe, worked

    # without an assessment: the value alone
    shown = organization_view(_ws(request), _model(request), name[:NAME_LENGTH], unit=unit and unit[:NAME_LENGTH])
    name, unit = shown.organization, shown.unit  # as recorded and declared
    if said is None:  # the page's own report's
        said = shown.commentary
    here = f"name={quote(name)}" + (f"&unit={quote(unit)}" if unit else "")
    return page(request, "organization.html", organization=name, unit=unit, here=here, units=shown.units,
                figures=shown.report.figures,
                report=shown.report.document, notes=shown.report.notes,
                formats=_offered(), statuses=STATUSES, describe=describe, worked=worked, problems=problems,
                status_code=status_code, said=said, said_problems=said_problems, titles=TITLES, brand=shown.brand,
                events=shown.events, look_problems=look_problems, unit_problems=unit_problems, default_accent=DEFAULT_ACCENT)


@router.post("/organization/units")
def change_units(request: Request, name: str, data: dict = Depends(form_data), who: Caller = Depends(admin)):
    """Declare a unit (name, the unit it sits in, its data teams), or remove one nothing depends on."""
    from prodops.operations import declare_unit, remove_unit

    try:
        if data.get("unit_remove"):
            remove_unit(_ws(request), name[:NAME_LENGTH], data["unit_remove"][:NAME_LENGTH])
        else:
            teams = tuple(t.strip() for t in data.get("teams", "")[:2000].split(",") if t.strip())
            declare_unit(_ws(request), name[:NAME_LENGTH], data.get("unit", "")[:NAME_LENGTH], data.get("parent") or None, teams)
    except InputError as e:
        return _organization_page(request, name, status_code=422, unit_problems=messages(e))
    return RedirectResponse(f"/organization?name={quote(name[:NAME_LENGTH])}#units-h", status_code=303)


@router.post("/organization/commentary")
def save_commentary(request: Request, name: str, unit: str | None = None, data: dict = Depends(form_data),
                    who: Caller = Depends(admin)):
    """The lead's commentary for the report (of the organisation or a unit) as of its date: checked,
    then kept (an empty text removes it)."""
    from prodops.operations import set_commentary

    text = data.get("commentary", "").replace("\r\n", "\n")
    try:  # for the page's report: as of the latest assessment
        set_commentary(_ws(request), _model(request), text, name[:NAME_LENGTH], by=who.user.email,
                       unit=unit and unit[:NAME_LENGTH])
    except InputError as e:
        return _organization_page(request, name, status_code=422, said=text, unit=unit,
                                  said_problems=messages(e))
    unit_query = f"&unit={quote(unit[:NAME_LENGTH])}" if unit else ""
    return RedirectResponse(f"/organization?name={quote(name[:NAME_LENGTH])}{unit_query}#said-h", status_code=303)


@router.post("/organization/investments")
def record_investment(request: Request, name: str, data: dict = Depends(form_data), who: Caller = Depends(admin)):
    """A change to one investment of the plan: the fields filled in change, the others stay."""
    from prodops.operations import track
    from prodops.operations.tracking import FIELDS

    given = {k: data[k] for k in FIELDS if data.get(k, "").strip()}
    try:
        if not given:
            raise InputError("nothing to change: fill in the status, owner, cost, person-weeks, target or done date")
        track(_ws(request), _model(request), data.get("investment", "")[:100], name[:NAME_LENGTH], by=who.user.email, **given)
    except InputError as e:
        return _organization_page(request, name, messages(e), 422)
    return RedirectResponse(f"/organization?name={quote(name[:NAME_LENGTH])}#run-h", status_code=303)


@router.post("/organization/look")
def save_look(request: Request, name: str, data: dict = Depends(form_data), who: Caller = Depends(admin)):
    """The look of the organisation's reports: display name, accent, logo; and its named days on
    the timeline (one added or one day's removed)."""
    from prodops.core.brand import MAX_LOGO
    from prodops.operations import add_event, remove_event, set_brand

    ws, upload = _ws(request), data.get("file")
    try:
        if data.get("event_remove"):
            remove_event(ws, data["event_remove"], name[:NAME_LENGTH])
        elif data.get("event_day") or data.get("event_label"):
            add_event(ws, data.get("event_day", ""), data.get("event_label", ""), name[:NAME_LENGTH])
        else:
            changes: dict[str, Any] = {"name": data.get("brand_name", "").strip() or None,
                                       "accent": data.get("accent", "").strip() or None}
            if isinstance(upload, UploadFile) and upload.filename:
                changes.update(logo=upload.file.read(MAX_LOGO + 1), logo_name="the logo")
            elif data.get("no_logo"):
                changes["logo"] = None
            set_brand(ws, name[:NAME_LENGTH], **changes)
    except InputError as e:
        return _organization_page(request, name, status_code=422, look_problems=messages(e))
    return RedirectResponse(f"/organization?name={quote(name[:NAME_LENGTH])}#look-h", status_code=303)


PageNumber = Annotated[int, Query(ge=1, le=10**6)]


def _order(order: str) -> bool:
    """Whether a records page sorts descending."""
    if order not in ("asc", "desc"):
        raise InputError(f"order {order[:10]!r}? asc or desc")
    return order == "desc"


def _records(request: Request, name: str, metric: str, unit: str | None, show: str, sort: str | None, order: str,
             page: int | None):
    from prodops.operations import figure_records

    return figure_records(_ws(request), _model(request), name[:NAME_LENGTH], metric[:40], unit=unit and unit[:NAME_LENGTH],
                          show=show[:20], sort=sort and sort[:40], descending=_order(order), page=page)


def _verdict_records(request: Request, campaign_id: int, show: str, sort: str | None, order: str, page: int | None):
    from prodops.operations import verdict_records

    return verdict_records(_ws(request), _model(request), campaign_id, show=show[:20], sort=sort and sort[:40],
                           descending=_order(order), page=page)


def _records_page(request: Request, found, base: str):
    """The records of one figure as a page: `base` the page's own address and query without the filter."""
    from prodops.core.report.layout import NUMERIC, RECORD_COLUMNS, record_cell, text

    columns = RECORD_COLUMNS[found.key]
    wide = ("reason", "comparison_reason", "failed_because", "name", "roadmap_items", "feedback")
    rows = [(r, [(text(record_cell(r, f, kind), "text" if kind in ("yes/no", "measured") else kind),
                  "num" if kind in NUMERIC or kind == "measured" else "wide" if f in wide else "")
                 for f, _, kind in columns]) for r in found.records]
    from prodops.operations.reports import PER_PAGE

    return page(request, "records.html", found=found, columns=columns, rows=rows, base=base, per_page=PER_PAGE)


def _records_csv(found) -> Response:
    """The records of a page as CSV: every field quoted, none read as a formula."""
    from prodops.core.report.layout import records_csv

    filename = f"prodops-{found.metric}-records-{found.as_of}.csv"  # nothing of the user's in the header
    return Response(records_csv(found.key, found.records).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/organization/records")
def figure_records_page(request: Request, name: str, metric: str, unit: str | None = None, show: str = "all",
                        sort: str | None = None, order: str = "asc", page: PageNumber = 1, who: Caller = Depends(viewer)):
    """The records one figure of the report rests on, counted and left out with the reason: filtered
    and sorted by the query, a page of them at a time, with their CSV."""
    found = _records(request, name, metric, unit, show, sort, order, page)
    return _records_page(request, found, f"name={quote(found.organization)}"
                         + (f"&unit={quote(found.unit)}" if found.unit else "") + f"&metric={quote(metric)}")


@router.get("/organization/records.csv")
def figure_records_csv(request: Request, name: str, metric: str, unit: str | None = None, show: str = "all",
                       sort: str | None = None, order: str = "asc", who: Caller = Depends(viewer)):
    return _records_csv(_records(request, name, metric, unit, show, sort, order, None))


@router.get("/campaigns/{campaign_id}/records")
def verdict_records_page(request: Request, campaign_id: Id, show: str = "all", sort: str | None = None,
                         order: str = "asc", page: PageNumber = 1, who: Caller = Depends(viewer)):
    """The records the data verdicts of a campaign's result rest on, as its dashboard shows the result."""
    return _records_page(request, _verdict_records(request, campaign_id, show, sort, order, page), "")


@router.get("/campaigns/{campaign_id}/records.csv")
def verdict_records_csv(request: Request, campaign_id: Id, show: str = "all", sort: str | None = None,
                        order: str = "asc", who: Caller = Depends(viewer)):
    return _records_csv(_verdict_records(request, campaign_id, show, sort, order, None))


@router.get("/organization/report.{fmt}")
def download_report(request: Request, name: str, fmt: str, unit: str | None = None, appendix: bool = False,
                    who: Caller = Depends(viewer)):
    """The report (of the organisation or a unit) as `prodops report` writes it, as of the latest
    assessment: the same bytes; `appendix`: the deck ends with the detail (`report --appendix`)."""
    from prodops.operations import report_download

    got = report_download(_ws(request), _model(request), name[:NAME_LENGTH], fmt[:10], unit=unit and unit[:NAME_LENGTH],
                          appendix=appendix, draw=request.app.state.drawer)
    filename = f"prodops-report-{got.as_of}.{got.suffix}"  # a date: nothing of the user's in the header
    return Response(got.data, media_type=got.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/organization/report-drawn.{fmt}")
def report_drawn(request: Request, name: str, fmt: str, unit: str | None = None, appendix: bool = False,
                 since: float | None = None, who: Caller = Depends(viewer)):
    """The organisation page's download buttons (HTMX): the report is drawn in the background while
    the page says so and asks again every two seconds; when it is ready, the browser is sent to
    its download. Without JavaScript the buttons are plain links to the file."""
    import threading

    from prodops.operations import draw_report
    from prodops.renderers import RENDERERS

    name, fmt, unit = name[:NAME_LENGTH], fmt[:10], unit and unit[:NAME_LENGTH]
    drawing = draw_report(_ws(request), _model(request), name, fmt, unit=unit, appendix=appendix,
                          draw=request.app.state.drawer, waiting=since is not None,
                          apart=lambda job: threading.Thread(target=job, name="prodops-report", daemon=True).start())
    now = clock.now().timestamp()
    since = now if since is None or not 0 <= now - since < 3600 else since
    here = f"name={quote(name)}" + (f"&unit={quote(unit)}" if unit else "") + ("&appendix=true" if appendix else "")
    response = page(request, "_drawing.html", drawing=drawing, title=RENDERERS[fmt].title,
                    file=f"/organization/report.{fmt}?{here}", again=f"/organization/report-drawn.{fmt}?{here}",
                    poll=f"/organization/report-drawn.{fmt}?{here}&since={since:.0f}", seconds=round(now - since))
    if drawing.state == "ready":  # the page says so, then its script fetches the file (static/app.js)
        response.headers["HX-Trigger"] = json.dumps({"prodops:report-ready": {"file": f"/organization/report.{fmt}?{here}"}})
    return response


# --- imports ------------------------------------------------------------------------------------

def _imports_page(request: Request, status_code: int = 200, **shown):
    """The import form: what the file holds, whose data it is (chosen from the organisations the
    workspace holds, or named), and what the last upload did."""
    from prodops.inputs.sources import FORMATS

    shown = {"done": None, "problems": (), "message": None, "values": {}, **shown}
    return page(request, "imports.html", kinds=sorted(FORMATS), organizations=_ws(request).held(),
                status_code=status_code, **shown)


@router.get("/imports")
def imports_form(request: Request, who: Caller = Depends(admin)):
    return _imports_page(request)


@router.post("/imports")
def imports(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """An upload read by the same import code as `prodops import`: all rows, or none with every problem."""
    import tempfile
    from pathlib import Path

    from prodops.operations import import_files
    from prodops.inputs.sources import FORMATS

    kind, upload = data.get("kind", ""), data.get("file")
    with tempfile.TemporaryDirectory() as folder:  # the import reads a file, named as the user's
        try:
            if kind not in FORMATS:
                raise InputError(f"choose what the file holds: one of {', '.join(sorted(FORMATS))}")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InputError("choose a file to upload")
            raw = upload.file.read(MAX_UPLOAD + 1)
            name = re.sub(r"[^\w.-]", "_", Path(upload.filename).name)[-100:].lstrip(".") or "upload"  # a name of ours
            if len(raw) > MAX_UPLOAD:
                raise InputError(f"{name}: larger than {MAX_UPLOAD // 2**20} MB; split it")
            path = Path(folder) / name
            path.write_bytes(raw)
            done = import_files(_ws(request), kind, [path], team=data.get("team") or None,
                                organization=(data.get("organization") or "")[:1000] or None)
        except InputError as e:
            shown = lambda text: text.replace(f"{folder}{os.sep}", "")  # the file as the user named it  # noqa: E731
            return _imports_page(request, 422, message=shown(e.message), problems=[shown(p.message) for p in e.problems],
                                 fix=e.fix, values={k: data.get(k) for k in ("kind", "team", "organization")})
    return _imports_page(request, done=done)


# --- users --------------------------------------------------------------------------------------

@router.get("/users")
def users(request: Request, who: Caller = Depends(admin)):
    return _users_page(request)


def _users_page(request: Request, status_code: int = 200, **extra):
    from prodops.operations import list_tokens, list_users
    from prodops.shells.web.accounts import token_form

    extra.setdefault("problems", ())
    extra.setdefault("token_problems", ())
    return page(request, "users.html", users=list_users(_ws(request)), status_code=status_code,
                tokens=list_tokens(_ws(request)), **token_form(), **extra)


@router.post("/people/export")
def export_person(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """One person's data as a JSON download (GDPR article 15)."""
    from prodops.operations import export_person as export
    from prodops.renderers.files import dump_json

    try:
        held = export(_ws(request), str(data.get("email", "")))
    except InputError as e:
        return _users_page(request, 422, people_problems=messages(e))
    return Response(dump_json(held).encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="person.json"'})


@router.post("/people/erase")
def erase_person(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    """Erase one person (GDPR article 17), once the admin has ticked that nothing brings it back."""
    from prodops.operations import erase_person as erase

    if data.get("confirm") != "1":
        return _users_page(request, 422, people_problems=["tick that nothing can bring it back, then erase"])
    if str(data.get("email", "")).strip().lower() == who.user.email.lower():
        return _users_page(request, 422, people_problems=["you cannot erase yourself while signed in; another admin "
                                                          "or `prodops people erase` can"])
    try:
        done = erase(_ws(request), str(data.get("email", "")))
    except InputError as e:
        return _users_page(request, 422, people_problems=messages(e))
    return _users_page(request, erased=f"Erased {done.email}: {done.invites} invite(s) with their answers and notes"
                                       f"{', the account' if done.account else ''}; answers cut loose in "
                                       f"{done.recorded} recorded assessment(s).")


@router.post("/users")
def add_user(request: Request, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import add_user as add

    try:
        add(_ws(request), data.get("email", ""), data.get("role", ""), data.get("password") or None)
    except InputError as e:
        return _users_page(request, 422, problems=[e.message])
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/remove")
def remove_user(request: Request, user_id: Id, who: Caller = Depends(admin), data: dict = Depends(form_data)):
    from prodops.operations import remove_user_by_id

    remove_user_by_id(_ws(request), user_id, who.user)
    return RedirectResponse("/users", status_code=303)
