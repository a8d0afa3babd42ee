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

if TYPE_CHECKING:
    from prodops.store import Workspace
    from prodops.store.audit import Entry

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


def by_token(email: str, token_id: int) -> str:
    """Who acts when an API token does: its owner and which token (to know what to revoke). An
    e-mail holds no space, so this reads back unambiguously; `audit_trail(actor=email)` finds it."""
    return f"{email} (token #{token_id})"


def current() -> Acting:
    """Who is acting here (the command line, unless a shell said otherwise)."""
    return _ACTING.get() or Acting()


def record(ws: Workspace, action: str, subject: str = "", **detail: Any) -> None:
    """Add what was just done to the trail, by whoever is acting."""
    from prodops.store.audit import Entry  # here: a command that only reads never loads SQLAlchemy

    who = current()
    ws.audit.add(Entry(clock.now(), who.actor, action, subject, who.client, detail))


def audit_trail(ws: Workspace, limit: int = 100, before: int | None = None, action: str | None = None,
                actor: str | None = None) -> list[Entry]:
    """The newest entries first (older than entry #`before`, for the next page; only `action`'s,
    only `actor`'s when given: an e-mail is matched in lower case, as it is kept, with its API
    tokens' acts (`by_token`))."""
    if actor is not None and "@" in actor:
        actor = actor.strip().lower()
    return ws.audit.latest(max(1, min(limit, 1000)), before, action and action[:50], actor and actor[:320])


def audit_actions(ws: Workspace) -> list[str]:
    """The actions the trail holds (to filter it by)."""
    return ws.audit.actions()


def entry_document(entry: Entry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor, "client": entry.client,
            "action": entry.action, "subject": entry.subject, "detail": entry.detail}


def audit_lines(ws: Workspace) -> Iterator[str]:
    """The whole trail as JSON lines, oldest first: one entry per line. That it was exported is
    recorded first (it names who signed in from where), so it is its own last line. No line can
    hold a line break: json.dumps escapes every control character in a string."""
    record(ws, "audit trail exported")
    for entry in ws.audit.every():
        yield _one_line(json.dumps(entry_document(entry), ensure_ascii=False, sort_keys=True)) + "\n"


# Characters json.dumps leaves as they are that some readers take for a line break (Python's
# str.splitlines, JavaScript before ES2019): escaped, as JSON allows, so an entry is one line for all.
_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(text: str) -> str:
    return text.translate(_BREAKS)
