"""Live Jira: a board's closed sprints and their sprint reports over the REST API.

- Sprints: GET /rest/agile/1.0/board/{board}/sprint?state=closed, page by page (startAt,
  maxResults, isLast).
- For each: GET /rest/greenhopper/latest/rapid/charts/sprintreport?rapidViewId={board}&sprintId={id},
  turned into issue rows by the same code as an imported report file (sources/jira.py).
- Authentication: an API token; with an e-mail as well, Jira Cloud's basic auth (e-mail + API
  token), otherwise a bearer token (Server and Data Center personal access tokens). The CLI reads
  both from the environment, never from the command line.
- 429 and 5xx answers, timeouts and dropped connections are retried up to `retries` times with
  exponential backoff (1, 2, 4... s, or the server's Retry-After); a refused connection and other
  errors stop the sync at once with the URL and status; nothing is written unless every sprint was read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import polars as pl

from prodops.errors import Fix, InputError
from prodops.sources.jira import sprint_report_rows

RETRY_STATUSES = {429, 500, 502, 503, 504}


class Client:
    def __init__(self, url: str, token: str, email: str | None = None,
                 retries: int = 5, backoff: float = 1.0, timeout: float = 30.0):
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url!r} is not a web address; give the Jira site's, e.g. https://acme.atlassian.net",
                             fix=Fix("url"))
        if not token:
            raise InputError("no Jira API token", fix=Fix("token", "JIRA_TOKEN"))
        auth = httpx.BasicAuth(email, token) if email else None
        headers = {"Accept": "application/json", **({} if email else {"Authorization": f"Bearer {token}"})}
        self.base = url.rstrip("/")
        self.http = httpx.Client(auth=auth, headers=headers, timeout=timeout)
        self.retries, self.backoff = retries, backoff

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = f"{self.base}{path}"
        for attempt in range(self.retries + 1):
            try:
                response = self.http.get(url, params=params)
            except httpx.ConnectError as e:
                raise InputError(f"cannot reach {url}: {e}; check the Jira site's address", fix=Fix("url")) from None
            except httpx.TransportError as e:  # a timeout or a dropped connection may pass: retried
                if attempt == self.retries:
                    raise InputError(f"cannot reach {url}: {e}; check the Jira site's address and the network",
                                     fix=Fix("url")) from None
                time.sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = response.headers.get("Retry-After")
                time.sleep(float(wait) if wait and wait.replace(".", "", 1).isdigit() else self.backoff * 2 ** attempt)
                continue
            if response.status_code in (401, 403):
                raise InputError(f"{url}: {response.status_code}: Jira refused the token; check $JIRA_TOKEN "
                                 "(and $JIRA_EMAIL for Jira Cloud) and your access to the board")
            if response.status_code >= 400:
                raise InputError(f"{url}: Jira answered {response.status_code}: {response.text[:200]}")
            try:
                return response.json()
            except ValueError:
                raise InputError(f"{url}: the answer is not JSON; is this the Jira site's address?", fix=Fix("url")) from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def closed_sprints(client: Client, board: int, page_size: int = 50) -> list[dict]:
    sprints, start = [], 0
    while True:
        page = client.get(f"/rest/agile/1.0/board/{board}/sprint",
                          {"state": "closed", "startAt": start, "maxResults": page_size})
        values = page.get("values", []) if isinstance(page, dict) else []
        sprints += values
        if page.get("isLast", True) or not values:
            return sprints
        start += len(values)


def sync_board(client: Client, board: int, team: str,
               progress: Callable[[int, int, str], None] = lambda done, total, name: None) -> tuple[pl.DataFrame, int]:
    """(issue rows of every closed sprint's report, number of sprints)."""
    sprints = closed_sprints(client, board)
    frames = []
    for i, sprint in enumerate(sprints, 1):
        report = client.get("/rest/greenhopper/latest/rapid/charts/sprintreport",
                            {"rapidViewId": board, "sprintId": sprint["id"]})
        frames.append(sprint_report_rows(report, f"{client.base} sprint {sprint['id']}", team))
        progress(i, len(sprints), str(sprint.get("name", sprint["id"])))
    if not frames:
        raise InputError(f"board {board} has no closed sprints at {client.base}")
    return pl.concat(frames), len(sprints)
