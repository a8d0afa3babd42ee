"""Live Jira: a board's closed sprints and their sprint reports over the REST API.

- Sprints: GET /rest/agile/1.0/board/{board}/sprint?state=closed, page by page (startAt,
  maxResults, isLast).
- For each: GET /rest/greenhopper/latest/rapid/charts/sprintreport?rapidViewId={board}&sprintId={id},
  turned into issue rows by the same code as an imported report file (sources/jira.py): the
  sprint ends on the day it was completed (the report's isoCompleteDate, else the sprint list's
  completeDate), not its planned end.
- Authentication: an API token; with an e-mail as well, Jira Cloud's basic auth (e-mail + API
  token), otherwise a bearer token (Server and Data Center personal access tokens). The CLI reads
  both from the environment, never from the command line.
- 429 and 5xx answers, timeouts and dropped connections are retried up to `retries` times with
  exponential backoff (1, 2, 4... s, or the server's Retry-After, at most MAX_WAIT seconds); a
  refused connection and other errors stop the sync at once with the URL and status; nothing is
  written unless every sprint was read.
- Bounded: at most MAX_PAGES pages of sprints (a server that never says isLast is stopped), and
  the whole sync within `deadline` seconds (default DEADLINE), each request within `timeout`.
- Secrets stay secret: credentials written into the URL (https://user:password@host) are dropped,
  never shown nor stored, and the token is blanked out of any answer that is echoed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import polars as pl

from prodops.core.errors import Fix, InputError
from prodops.inputs.sources.jira import SprintPage, checked, sprint_report_rows

RETRY_STATUSES = {429, 500, 502, 503, 504}


MAX_WAIT = 60.0  # seconds: the longest Retry-After obeyed
MAX_PAGES = 1_000  # pages of 50 sprints: 50,000 closed sprints, more than any board has
DEADLINE = 600.0  # seconds for the whole sync


class Client:
    def __init__(self, url: str, token: str, email: str | None = None,
                 retries: int = 5, backoff: float = 1.0, timeout: float = 30.0, deadline: float = DEADLINE):
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url!r} is not a web address; give the Jira site's, e.g. https://acme.atlassian.net",
                             fix=Fix("url"))
        if not token:
            raise InputError("no Jira API token", fix=Fix("token", "JIRA_TOKEN"))
        parsed = httpx.URL(url)
        self.dropped_credentials = bool(parsed.userinfo)
        self.base = str(parsed.copy_with(userinfo=None)).rstrip("/")  # never shown nor stored with a password
        auth = httpx.BasicAuth(email, token) if email else None
        headers = {"Accept": "application/json", **({} if email else {"Authorization": f"Bearer {token}"})}
        self.http = httpx.Client(auth=auth, headers=headers, timeout=timeout)
        self.retries, self.backoff = retries, backoff
        self.secrets = [x for x in (token, email) if x]
        self.ends = time.monotonic() + deadline
        self.deadline = deadline

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = f"{self.base}{path}"
        for attempt in range(self.retries + 1):
            self._in_time(url)
            try:
                response = self.http.get(url, params=params, timeout=min(self.http.timeout.read or 30.0, self._left()))
            except httpx.ConnectError as e:
                raise InputError(f"cannot reach {url}: {self.redacted(e)}; check the Jira site's address",
                                 fix=Fix("url")) from None
            except httpx.TransportError as e:  # a timeout or a dropped connection may pass: retried
                if attempt == self.retries:
                    raise InputError(f"cannot reach {url}: {self.redacted(e)}; check the Jira site's address and "
                                     "the network", fix=Fix("url")) from None
                self._wait(self.backoff * 2 ** attempt, url)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = response.headers.get("Retry-After", "")
                self._wait(min(float(wait), MAX_WAIT) if wait.replace(".", "", 1).isdigit()
                           else self.backoff * 2 ** attempt, url)
                continue
            if response.status_code in (401, 403):
                raise InputError(f"{url}: {response.status_code}: Jira refused the token; check it and your access "
                                 "to the board", fix=Fix("token", "JIRA_TOKEN"))
            if response.status_code >= 400:
                raise InputError(f"{url}: Jira answered {response.status_code}: {self.redacted(response.text)[:300]}")
            try:
                return response.json()
            except ValueError:
                raise InputError(f"{url}: the answer is not JSON; is this the Jira site's address?", fix=Fix("url")) from None
        raise AssertionError("unreachable")

    def redacted(self, text: object) -> str:
        """`text` with the token, the e-mail and any Authorization value blanked out."""
        text = re.sub(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+", r"\1 [hidden]", str(text))
        for secret in self.secrets:
            text = text.replace(secret, "[hidden]")
        return text

    def _left(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def _in_time(self, url: str) -> None:
        if self._left() <= 0:
            raise InputError(f"the sync took longer than {self.deadline:.0f} seconds and was stopped at {url}; "
                             "nothing was written; try again when Jira answers faster")

    def _wait(self, seconds: float, url: str) -> None:
        if seconds >= self._left():
            raise InputError(f"Jira asked to wait {seconds:.0f} seconds at {url}, past the sync's "
                             f"{self.deadline:.0f}-second bound; nothing was written; try again later")
        time.sleep(seconds)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def closed_sprints(client: Client, board: int, page_size: int = 50) -> list[dict]:
    sprints: list[dict] = []
    for _ in range(MAX_PAGES):
        url = f"/rest/agile/1.0/board/{board}/sprint"
        page = client.get(url, {"state": "closed", "startAt": len(sprints), "maxResults": page_size})
        checked(SprintPage, page, f"{client.base}{url}", "Jira board sprint list")
        values = page.get("values", [])
        sprints += values
        if page.get("isLast", True) or not values:
            return sprints
    raise InputError(f"{client.base}: board {board} listed more than {MAX_PAGES:,} pages of sprints without saying it "
                     "was the last; stopped; nothing was written")


def sync_board(client: Client, board: int, team: str,
               progress: Callable[[int, int, str], None] = lambda done, total, name: None) -> tuple[pl.DataFrame, int]:
    """(issue rows of every closed sprint's report, number of sprints)."""
    sprints = closed_sprints(client, board)
    frames = []
    for i, sprint in enumerate(sprints, 1):
        report = client.get("/rest/greenhopper/latest/rapid/charts/sprintreport",
                            {"rapidViewId": board, "sprintId": sprint["id"]})  # `id` checked in the sprint list
        frames.append(sprint_report_rows(report, f"{client.base} sprint {sprint['id']}", team, sprint.get("completeDate")))
        progress(i, len(sprints), str(sprint.get("name", sprint["id"])))
    if not frames:
        raise InputError(f"board {board} has no closed sprints at {client.base}")
    return pl.concat(frames), len(sprints)
