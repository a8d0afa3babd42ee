"""People's data (GDPR articles 15 and 17): everything the workspace holds about one person, found
by their e-mail, as JSON; their erasure; and the retention of individual answers.

What erasure means:
- Their account (with its sessions and API tokens) and every invite of theirs (with the answers and
  notes they gave through it, in open campaigns and closed ones) are deleted; the changes they made
  to a plan or a commentary keep no name ("(erased)").
- A recorded assessment they answered keeps the figures it published: deleting their answers would
  move every figure by exactly their answers, and anyone comparing the report before and after
  could read them. So their notes and name are deleted and their answers are cut loose from them:
  kept under an id tied to no one (not their pseudonym, no key leads back), so no table, page or
  report connects them to the person. The assessment says "one response erased on DATE"; history,
  plan and report show what it recorded, as before.
- Retention (`answers_retention_days`, an organisation's setting): N days after a campaign closed,
  its invites go (names, e-mails, the answers and notes as given) and its recorded assessment keeps
  its answers under ids tied to no one, without notes: what was recorded stands, nobody's answers
  remain theirs.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.core.errors import InputError
from prodops.core.safe_text import is_email
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.store import Workspace


def _email(email: str) -> str:
    if not isinstance(email, str) or not is_email(email.strip()):
        raise InputError(f"{str(email)[:80]!r} is not one e-mail address; give the person's e-mail")
    return email.strip().lower()


def _anonymous() -> str:
    """An id tied to no one: random, so nothing (no key, no name) leads back to a person."""
    return "erased-" + secrets.token_hex(8)


def export_person(ws: Workspace, email: str, confidential: bool = False) -> dict[str, Any]:
    """Everything held about the person with `email`, as a JSON-ready document; the answers and notes
    they gave in confidential campaigns and assessments only with `confidential` (for the person
    alone: whoever runs the export would read them)."""
    mail = _email(email)
    held = ws.people.held(mail, ws.people.ids_of(mail), confidential)
    record(ws, "person exported", mail, confidential=confidential)
    return {"email": mail, "exported_at": clock.now().isoformat(timespec="seconds"), **held}


@dataclass(frozen=True)
class Erased:
    email: str
    invites: int  # deleted, with their answers and notes as given
    recorded: int  # recorded assessments whose answers were cut loose from the person
    account: bool

    def document(self) -> dict[str, Any]:
        return {"email": self.email, "invites": self.invites, "recorded": self.recorded, "account": self.account}


def erase_person(ws: Workspace, email: str) -> Erased:
    """Erase the person with `email` (the module's rules), in one transaction."""
    mail = _email(email)
    done = ws.people.erase(mail, ws.people.ids_of(mail), _anonymous(), clock.today(), clock.now())
    # the e-mail stays in the trail (an erasure is proven by its record), with none of their data
    record(ws, "person erased", mail, invites=done["invites"], recorded=done["recorded"], account=bool(done["account"]))
    return Erased(mail, done["invites"], done["recorded"], bool(done["account"]))


def apply_retention(ws: Workspace, today: dt.date | None = None) -> list[tuple[int, int]]:
    """Forget the people of every campaign closed longer ago than its organisation's
    `answers_retention_days`; returns (campaign id, people forgotten) of each."""
    today = today or clock.today()
    out = []
    for campaign_id, organization, assessment_id, closed_on in ws.people.closed_holding_people():
        days = ws.profiles.settings(organization).get("", {}).get("answers_retention_days")
        if days is not None and closed_on + dt.timedelta(days=int(days)) < today:
            out.append((campaign_id, ws.people.forget_campaign(campaign_id, assessment_id, _anonymous)))
            record(ws, "people forgotten (retention)", f"campaign #{campaign_id}", people=out[-1][1], days=int(days))
    return out
