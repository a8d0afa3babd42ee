"""The audit trail (ASVS V7): what changes who can see what, or what leadership reads — sign-ins
and their failures, users and roles, tokens, campaigns made, closed and reopened, exports and
erasures, settings. Operations record; admins read it and export it as JSON lines.

Who acts is settled by the shell, once: the web app per request (the signed-in user or the token's,
and the client's address), the command line and the scheduler for themselves (`acting`). An
operation records only what it did (`record`), so no shell can forget to say who it is."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.store.audit import Entry

if TYPE_CHECKING:
    from prodops.store import Workspace

COMMAND_LINE = "command line"
SCHEDULER = "scheduler"
ANONYMOUS = "anonymous"  # a request before anyone signed in (a failed sign-in)


@dataclass
class Acting:
    """Who is acting, and from where; the web app fills `actor` in once it knows who is asking."""

    actor: str = COMMAND_LINE
    client: str | None = None


_ACTING: contextvars.ContextVar[Acting | None] = contextvars.ContextVar("acting", default=None)


@contextmanager
def acting(actor: str, client: str | None = None) -> Iterator[Acting]:
    """Within the block, what is recorded is done by `actor` (from `client`)."""
    now = Acting(actor, client)
    reset = _ACTING.set(now)
    try:
        yield now
    finally:
        _ACTING.reset(reset)


def current() -> Acting:
    """Who is acting here (the command line, unless a shell said otherwise)."""
    return _ACTING.get() or Acting()


def record(ws: Workspace, action: str, subject: str = "", **detail: Any) -> None:
    """Add what was just done to the trail, by whoever is acting."""
    who = current()
    ws.audit.add(Entry(clock.now(), who.actor, action, subject, who.client, detail))


def audit_trail(ws: Workspace, limit: int = 100, before: int | None = None) -> list[Entry]:
    """The newest entries first (older than entry #`before`, for the next page)."""
    return ws.audit.latest(max(1, min(limit, 1000)), before)


def entry_document(entry: Entry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor, "client": entry.client,
            "action": entry.action, "subject": entry.subject, "detail": entry.detail}


def audit_lines(ws: Workspace) -> Iterator[str]:
    """The whole trail as JSON lines, oldest first: one entry per line."""
    for entry in ws.audit.every():
        yield json.dumps(entry_document(entry), ensure_ascii=False, sort_keys=True) + "\n"
