"""The app factory: one workspace and one model per app, security headers on every response,
errors worded for pages and for the API, and the routes of each area."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from typing import Any
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from prodops.core.errors import Conflict, InputError, Problem, Refused
from prodops.shells.web import WEB_FIXES, Settings

# No inline script or style anywhere: scripts and styles come from /static only. Forms post only
# here; no page may be framed (clickjacking); no URL leaks through a Referer (invite tokens).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STATUS = {"unknown": 404, "login": 401, "forbidden": 403, "closed": 409, "confidential": 409, "too_many": 429}


class LoginNeeded(Exception):
    """A page that needs a signed-in user, asked for without one: the browser goes to the login page."""


class EnrolmentNeeded(Exception):
    """A page asked for by an admin who must set up two-step sign-in first: the browser goes to their account page."""


def build(settings: Settings) -> FastAPI:
    from prodops.inputs.models import load_model
    from prodops.core.dates import day_words, instant_words
    from prodops.core.numbers import evidence, pct
    from prodops.core.report.layout import NUMERIC, criteria_section, text
    from prodops.core.report.model import criteria_document
    from prodops.core.safe_text import EMAIL_LENGTH, NAME_LENGTH
    from prodops.store import Workspace
    from prodops.shells.web import account, accounts, admin, api, challenge, lifecycle, passwords, respond, sso

    app = FastAPI(title="prodops-maturity", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  lifespan=_lifespan,
                  description="Assessment campaigns, invites and answers; the same results as the command line.")
    app.state.settings = settings
    app.state.drawer = Drawer(settings.draw_apart)
    app.state.model = load_model(settings.model)
    app.state.ws = Workspace.open(settings.db)
    app.state.ws.engine  # noqa: B018 -- the schema is made or brought up to date now, once, under a lock
    app.state.sso = None  # single sign-on's provider, its discovery document and keys fetched when first needed
    if settings.sso is not None:
        from prodops.operations.sso import Provider

        app.state.sso = Provider(settings.sso)
    templates = Jinja2Templates(directory=str(files("prodops.shells.web") / "templates"))
    templates.env.auto_reload = False  # the package's templates never change while it runs: no stat() of each file on every page
    templates.env.globals.update(fix_words=lambda fix: fix and WEB_FIXES[fix.what], model=app.state.model,
                                 name_length=NAME_LENGTH, email_length=EMAIL_LENGTH)  # the forms' maxlength
    templates.env.globals.update(sso_button=settings.sso and settings.sso.button,  # the sign-in page's
                                 password_sign_in=settings.password_sign_in)
    templates.env.filters["percent"] = pct  # halves up, as every format writes a share
    templates.env.filters.update(day_words=day_words, instant_words=instant_words)  # "7 December 2026 at 14:05 UTC"
    templates.env.globals.update(
        # a data verdict with its n and days, as every format shows them
        evidence=lambda verdict: evidence(verdict.document()),
        # a result's criteria as the report lays its heat map out (the same rows and words), and how it writes a value
        criteria_heat=lambda result: criteria_section(criteria_document(result, app.state.model), app.state.model.met_threshold),
        text=text, numeric=NUMERIC)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(files("prodops.shells.web") / "static")), name="static")

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(InputError)
    async def input_error(request: Request, e: InputError):
        status = 409 if isinstance(e, Conflict) else 422  # 409: the request may succeed once the workspace changes
        return _problem(request, status, e.message, e.document(), [p.message for p in e.problems], fix=e.fix)

    @app.exception_handler(Refused)
    async def refused(request: Request, e: Refused):
        status = STATUS[e.kind]
        if e.kind == "closed" and request.url.path.startswith(("/r/", "/api/v1/respond/")):
            status = 404  # a link of a closed campaign opens nothing
        response = _problem(request, status, e.message, e.document())
        if e.retry_after:
            response.headers["Retry-After"] = str(e.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, e: RequestValidationError):
        """A body the API cannot read, worded like every other input problem (where, what)."""
        problems = [Problem(f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'the body'}: {err['msg']}",
                            column=".".join(str(p) for p in err["loc"] if p != "body") or None)
                    for err in e.errors()[:20]]
        error = InputError(f"the request is not valid ({len(e.errors())} problem{'s' if len(e.errors()) > 1 else ''})",
                           problems, more=max(0, len(e.errors()) - 20))
        return _problem(request, 422, error.message, error.document(), [p.message for p in problems])

    @app.exception_handler(LoginNeeded)
    async def login_needed(request: Request, _e: LoginNeeded):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(EnrolmentNeeded)
    async def enrolment_needed(request: Request, _e: EnrolmentNeeded):
        return RedirectResponse("/account", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException):
        """What Starlette and FastAPI refuse before a route runs, worded like our own refusals, with
        the headers they carry; a 405 says which methods the address takes (RFC 9110: Allow)."""
        message = {404: "there is nothing here", 405: "this address does not take that kind of request",
                   400: "the request's body cannot be read (send JSON in UTF-8)"}.get(e.status_code, str(e.detail))
        response = _problem(request, e.status_code, message)
        response.headers.update(e.headers or {})
        if e.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return response

    @app.exception_handler(Exception)
    async def fault(request: Request, e: Exception):
        """A fault of ours: the page says so with an id, the log carries the same id and the traceback."""
        import logging
        import secrets

        error_id = secrets.token_hex(6)
        logging.getLogger("prodops.shells.web").error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=e)
        response = _problem(request, 500, f"something went wrong on our side (error {error_id}); nothing you sent was "
                                          "half-saved. Try again, and if it happens again give the error id to whoever "
                                          "runs this server",
                            {"error": "internal error", "id": error_id, "problems": []})
        response.headers.update({**HEADERS, "Cache-Control": "no-store"})  # answered outside the middleware
        return response

    app.router.routes.extend(respond.ROUTES)
    app.include_router(respond.router)
    app.include_router(challenge.router)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(sso.router)
    app.include_router(account.router)
    app.include_router(accounts.router)
    app.include_router(lifecycle.router)
    app.include_router(passwords.router)
    api.served_schema(app, app.state.model)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    """While the app serves, its scheduler ticks (unless the settings say 0); after, the process
    that draws its reports ends."""
    scheduler = Scheduler(app, app.state.settings.tick_seconds) if app.state.settings.tick_seconds > 0 else None
    if scheduler:
        scheduler.start()
    try:
        yield
    finally:
        if scheduler:
            scheduler.stop()
        app.state.drawer.close()


class Drawer:
    """Where a worker draws its reports: with `apart`, in one process of its own, made at the first
    report and kept, so that drawing a PDF (seconds of Python) never holds the worker's own
    interpreter while respondents save answers; one report at a time, the others queued. Without
    it, in the request's thread (tests, `create_app` without the setting)."""

    def __init__(self, apart: bool) -> None:
        self.apart = apart
        self._pool: Any = None
        self._lock = threading.Lock()

    def __call__(self, document: dict, fmt: str, appendix: bool) -> dict[str, bytes]:
        from prodops.renderers import render

        if not self.apart:
            return render(document, [fmt], appendix=appendix)
        with self._lock:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_yielding)
        return self._pool.submit(render, document, [fmt], "a4", None, appendix).result()

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None


def _yielding() -> None:
    """The drawing process gives way to the workers: on a machine with fewer cores than busy
    processes, a respondent's save runs first and the report is a little later."""
    os.nice(10)


class Scheduler:
    """The scheduler's tick in a thread of each worker: every `seconds` it does what is due in the
    campaigns (operations.tick), one instance at a time whatever the number of workers and
    instances (its lease), each e-mail once (its claim)."""

    def __init__(self, app: FastAPI, seconds: float) -> None:
        self.app, self.seconds = app, seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import threading

        self._thread = threading.Thread(target=self._run, name="prodops-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self.tick()

    def tick(self) -> None:
        """One look at what is due, done as the scheduler (who acts in the audit trail)."""
        import logging

        from prodops.operations import tick
        from prodops.operations.audit import SCHEDULER, acting

        state = self.app.state
        try:
            with acting(SCHEDULER):
                tick(state.ws, state.model, state.settings.outbox())
        except Exception:  # a fault in one tick must not stop the next; it is logged
            logging.getLogger("prodops.scheduler").exception("the scheduler's tick failed")


class SecurityHeaders:
    """Pure ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a queue per request):
    refuses cross-site state changes and bodies past their size before any route reads them, and
    puts the security headers on every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from prodops.operations.audit import ANONYMOUS, acting
        from prodops.shells.web.security import address, body_limit, cross_site

        request = Request(scope)  # Starlette has put the app in the scope already
        refusal = None
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            length, limit = request.headers.get("content-length"), body_limit(scope["path"])
            if cross_site(request):
                refusal = 403, "a request from another site was refused (cross-site request)"
            elif length is None and request.headers.get("transfer-encoding"):
                refusal = 411, "send the request's length (Content-Length)"
            elif length is not None and (not length.isdigit() or int(length) > limit):
                refusal = 413, f"the request is larger than {limit // 2**20} MB"
        if refusal:
            response = _problem(request, *refusal)
            return await response(scope, receive, self._with_headers(scope, send))
        with acting(ANONYMOUS, address(request)):  # who: filled in once a session or token says (security.caller)
            await self.app(scope, receive, self._with_headers(scope, send))

    @staticmethod
    def _with_headers(scope, send):
        static = scope["path"].startswith("/static/")

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(HEADERS)
                if not static:
                    headers["Cache-Control"] = "no-store"  # pages hold answers and links: never cached
            await send(message)
        return sending


def _problem(request: Request, status: int, message: str, document: dict | None = None, problems=(), fix=None):
    """An error for a person (a page) or for a program (JSON under /api/)."""
    if request.url.path.startswith("/api/"):
        return JSONResponse(document or {"error": message, "problems": []}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                               "problems": problems, "fix": fix}, status_code=status)


def allowed_methods(app, path: str) -> list[str]:
    """The methods `path` takes: those of every route whose path matches it (an address may have a
    route per method); under a mount (the static files) GET and HEAD."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        template = route.path or ""
        if _path_regex(template if route.methods else template + "/{path:path}").match(path):
            methods |= set(route.methods or ("GET", "HEAD"))
    return sorted(methods)


@functools.lru_cache(maxsize=256)
def _path_regex(template: str) -> re.Pattern:
    return compile_path(template)[0]


def personal_link(request: Request, token: str) -> str:
    """A respondent's link: on the configured public address, else the one the request came to."""
    base = request.app.state.settings.base_url or str(request.base_url)
    return base.rstrip("/") + f"/r/{token}"


def outbox(request: Request):
    """How this app's e-mails go out, links on the public address or the one the request came to."""
    return request.app.state.settings.outbox(str(request.base_url))


def messages(error: InputError) -> list[str]:
    """What a page lists of an InputError: each of its problems, or its message when it has none."""
    return [p.message for p in error.problems] or [error.message]


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page, with the signed-in user (if any) and their CSRF token for its forms."""
    from prodops.shells.web.security import current_session

    session = current_session(request)
    context.setdefault("user", session and session.user)
    context.setdefault("csrf", session and session.csrf)
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)
