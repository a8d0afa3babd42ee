"""The respondent's form: opened from a personal link, no login. One dimension per page; every
answer saved as it is given (HTMX), or with the page's button when JavaScript is off; a review
page listing what is unanswered; submit, and change answers until the campaign closes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.routing import Route

from prodops.core.errors import InputError
from prodops.operations import form_pages, page_criteria
from prodops.shells.web.app import messages, page
from prodops.shells.web.security import CSRF_HEADER, client, form_data

router = APIRouter(prefix="/r", include_in_schema=False)  # pages, not the API


def _form(request: Request, token: str):
    from prodops.operations import form

    return form(request.app.state.ws, token, client(request))


def _save(request: Request, token: str, data: dict, criteria: list, submit: bool = False):
    """Save the answers and notes `data` gives for `criteria` (fields answer-ID and note-ID)."""
    from prodops.operations import save

    answers = {c.id: data[f"answer-{c.id}"] for c in criteria if f"answer-{c.id}" in data}
    notes = {c.id: data[f"note-{c.id}"] for c in criteria if f"note-{c.id}" in data}
    return save(request.app.state.ws, request.app.state.model, token, answers, notes, submit, client(request),
                form_token=request.headers.get(CSRF_HEADER) or data.get("csrf") or "")


@router.get("/{token}")
def start(request: Request, token: str):
    """Where the link opens: a welcome the first time, afterwards the first page not finished."""
    from prodops.operations import resume

    model = request.app.state.model
    found = resume(request.app.state.ws, model, token, client(request))
    if found.welcome:
        return page(request, "respond_start.html", form=found.form, token=token, pages=form_pages(model))
    return RedirectResponse(f"/r/{token}/{found.page}" if found.page else f"/r/{token}/review", status_code=303)


@router.get("/{token}/review")
def review(request: Request, token: str):
    model = request.app.state.model
    found = _form(request, token)
    missing = set(found.unanswered(model))
    gaps = [(n, d, [c for c in page_criteria(model, d) if c.id in missing]) for n, d in enumerate(form_pages(model), 1)]
    return page(request, "respond_review.html", form=found, token=token, gaps=[g for g in gaps if g[2]],
                missing=len(missing), pages=form_pages(model))


@router.post("/{token}/submit")
def submit(request: Request, token: str, data: dict = Depends(form_data)):
    found = _save(request, token, data, [], submit=True)
    return page(request, "respond_done.html", form=found, token=token)


@router.get("/{token}/{number}")
def dimension_page(request: Request, token: str, number: int):
    model = request.app.state.model
    pages = form_pages(model)
    if not 1 <= number <= len(pages):
        return RedirectResponse(f"/r/{token}", status_code=303)
    found = _form(request, token)
    return _page(request, token, found, number)


def _page(request: Request, token: str, found, number: int, problems=(), status_code: int = 200):
    model = request.app.state.model
    pages = form_pages(model)
    dim = pages[number - 1]
    return page(request, "respond_page.html", form=found, token=token, number=number, pages=pages, dimension=dim,
                criteria=page_criteria(model, dim), problems=problems, status_code=status_code,
                answered=found.invite.answered, total=len(model.criteria))


@router.post("/{token}/{number}")
def save_page(request: Request, token: str, number: int, data: dict = Depends(form_data)):
    """The page's form posted whole (JavaScript off, or the Next/Back buttons): save, then go on."""
    model = request.app.state.model
    pages = form_pages(model)
    if not 1 <= number <= len(pages):
        return RedirectResponse(f"/r/{token}", status_code=303)
    try:
        _save(request, token, data, page_criteria(model, pages[number - 1]))
    except InputError as e:  # the page again, with what to correct
        return _page(request, token, _form(request, token), number, messages(e), 422)
    go = data.get("go", "next")
    target = {"back": number - 1, "next": number + 1}.get(go)
    if go == "review" or target is None or target > len(pages):
        return RedirectResponse(f"/r/{token}/review", status_code=303)
    return RedirectResponse(f"/r/{token}/{max(target, 1)}", status_code=303)


async def autosave(request: Request):
    """POST /r/{token}/save/{criterion}: one criterion's answer or note, saved as it is given
    (HTMX): the "saved" line and the progress. The hot path of a campaign, so a plain Starlette
    route (`ROUTES`): FastAPI's dependency solving and route matching cost as much as the save."""
    from starlette.concurrency import run_in_threadpool

    data = await form_data(request)
    return await run_in_threadpool(_autosave, request, request.path_params["token"], request.path_params["criterion"],
                                   data)


def _autosave(request: Request, token: str, criterion: str, data: dict):
    model = request.app.state.model
    chosen = model.criterion.get(criterion)
    if chosen is None:
        raise InputError(f"unknown criterion id {criterion[:60]!r}")
    try:
        found = _save(request, token, data, [chosen])
    except InputError as e:
        return page(request, "respond_saved.html", criterion=chosen, problems=messages(e),
                    status_code=422, form=None, token=token, total=len(model.criteria))
    return page(request, "respond_saved.html", criterion=chosen, problems=(), form=found, token=token,
                total=len(model.criteria))


# added to the app before its routers (app.build)
ROUTES = [Route("/r/{token}/save/{criterion}", autosave, methods=["POST"])]
