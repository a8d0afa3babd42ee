"""The personal links of a campaign: invite people (from a form, a CSV or the API), list them,
revoke a link or give a new one. A link's token is shown once; only its hash is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.core.errors import Conflict, InputError, Problem, Refused
from prodops.core.model import MaturityModel
from prodops.operations.access import digest, new_secret
from prodops.operations.campaigns import MAX_INVITEES, Campaign, _raise, _same_model, _text, campaign
from prodops.core.safe_text import EMAIL_LENGTH, NAME_LENGTH, is_email
from prodops.store.campaigns import InviteRow, Invitee

if TYPE_CHECKING:
    from prodops.store import Workspace


@dataclass(frozen=True)
class Invite(InviteRow):
    def document(self) -> dict[str, Any]:
        return {"id": self.id, "respondent": self.respondent, "name": self.name, "email": self.email, "role": self.role,
                "team": self.team, "revoked": self.revoked, "answered": self.answered,
                "saved_at": self.saved_at and self.saved_at.isoformat(),
                "submitted_at": self.submitted_at and self.submitted_at.isoformat()}


@dataclass(frozen=True)
class Issued:
    """A personal link's token, shown once: only its hash is kept."""

    invite: Invite
    token: str


ALREADY = "already invited to this campaign"
TWICE = "listed twice in this list"


@dataclass(frozen=True)
class Skipped:
    """An invitee given a link before, or listed twice: one person, one link."""

    number: int  # their place in the list, from 1
    who: str  # their e-mail, else their name
    reason: str  # ALREADY or TWICE

    @property
    def twice(self) -> bool:
        return self.reason == TWICE

    def document(self) -> dict[str, Any]:
        return {"invitee": self.number, "who": self.who, "reason": self.reason}


@dataclass(frozen=True)
class Invited:
    """What inviting a list did: the links issued (shown once) and who was skipped, so that a list
    given again with a few new people invites just those."""

    issued: list[Issued]
    skipped: list[Skipped]

    def document(self, url: Callable[[str], str]) -> dict[str, Any]:
        """For the API: each new link's `url(token)`, and who was skipped."""
        return {"issued": [{"id": i.invite.id, "respondent": i.invite.respondent, "role": i.invite.role,
                            "url": url(i.token)} for i in self.issued],
                "skipped": [s.document() for s in self.skipped]}


def _invite(row: InviteRow) -> Invite:
    return Invite(**vars(row))


def read_invitees(path: Path | str, data: bytes | None = None) -> list[dict[str, Any]]:
    """A CSV of invitees (name, email, role, team), checked like every imported table."""
    from prodops.inputs.sources.tables import read_table

    return read_table("invitees", path, data).drop("row", strict=False).to_dicts()


@dataclass(frozen=True)
class _Person:
    name: str | None
    email: str | None
    role: str
    team: str | None


def _roles(model: MaturityModel) -> dict[str, str]:
    """Each role's id by its id and by its name, in any letter case: a list people keep says
    "Product Manager" (what the form shows) as often as "pm"."""
    return {**{r.name.casefold(): r.id for r in model.roles}, **{r.id.casefold(): r.id for r in model.roles}}


def _checked_invitees(model: MaturityModel, found: Campaign, invitees: list[dict[str, Any]]) -> list[_Person]:
    """The invitees as given ({name?, email?, role, team?}), checked: every problem at once, or InputError."""
    if not isinstance(invitees, list) or not invitees:
        raise InputError("give at least one invitee (name or e-mail, role, team)")
    if len(invitees) > MAX_INVITEES:
        raise InputError(f"{len(invitees):,} invitees; a campaign takes at most {MAX_INVITEES:,}")
    problems: list[Problem] = []
    people, roles = [], _roles(model)
    for i, raw in enumerate(invitees, 1):
        where = f"invitee {i}"
        if not isinstance(raw, dict):
            problems.append(Problem(f"{where}: give name, email, role and team"))
            continue
        for key in sorted(set(raw) - {"name", "email", "role", "team"}, key=str):
            problems.append(Problem(f"{where}: unknown field {str(key)[:40]!r}; allowed: email, name, role, team"))
        name = _text(raw.get("name"), f"{where}: the name", NAME_LENGTH, problems, respondent=None)
        email = _text(raw.get("email"), f"{where}: the e-mail", EMAIL_LENGTH, problems)
        if email and not is_email(email):
            problems.append(Problem(f"{where}: {email[:80]!r} is not one e-mail address"))
        role = raw.get("role")
        role_id = roles.get(role.strip().casefold()) if isinstance(role, str) else None
        if role_id is None:
            known = ", ".join(f"{r.id} ({r.name})" for r in model.roles)
            problems.append(Problem(f"{where}: unknown role {str(role)[:40]!r}; the model's roles are {known}"))
            continue
        team = _text(raw.get("team"), f"{where}: the team", NAME_LENGTH, problems) or found.team
        people.append(_Person(name, email, role_id, team))
    _raise("the invitees are not valid", problems)
    return people


def _invited_twice(people: list[_Person], earlier: list[Invitee]) -> tuple[list[_Person], list[Skipped]]:
    """One person, one link: the same e-mail (or, without e-mails, the same name) again is a list
    given again with a few new people, or a form posted twice (a reload), not a second person. They
    are skipped, and said so, rather than the whole list refused. Returns (to invite, skipped)."""
    def who(name: str | None, email: str | None) -> tuple[str, str]:
        return ("email", email.casefold()) if email else ("name", (name or "").casefold())

    before = {who(r.name, r.email) for r in earlier}
    seen: set[tuple[str, str]] = set()
    new, skipped = [], []
    for i, p in enumerate(people, 1):
        key = who(p.name, p.email)
        if key[1] and (key in before or key in seen):
            skipped.append(Skipped(i, p.email or p.name or "", ALREADY if key in before else TWICE))
        else:
            new.append(p)
        seen.add(key)
    return new, skipped


def _respondent_ids(people: list[_Person], earlier: list[Invitee], others: list[Invitee]) -> list[str]:
    """Each new invitee's id in the assessment: their name, or their e-mail, or their role, with a
    number where taken. A respondent id names one person across the organisation's campaigns (the
    roll-up of units counts each person once): the same e-mail keeps its id, anyone else gets an
    id of their own."""
    here = {r.respondent.casefold() for r in earlier}
    known = {r.email.casefold(): r.respondent for r in others if r.email}
    taken = here | {r.respondent.casefold() for r in others}
    tried: dict[str, int] = {}
    ids = []
    for p in people:
        same = p.email and known.get(p.email.casefold())
        if same and same.casefold() not in here:
            respondent = same
        else:
            respondent = _free_id(p.name or (p.email and p.email.split("@")[0]) or p.role, taken, tried)
        here.add(respondent.casefold())
        ids.append(respondent)
    return ids


def _free_id(base: str, taken: set[str], tried: dict[str, int]) -> str:
    """`base`, or `base 2`, `base 3`... : unique in the campaign (ignoring case), as answers files require.
    `tried`: the number each base reached so far in this list; `taken` only grows, so the search
    goes on from there (5,000 people known by their role alone took 10 s, counting from 1 each)."""
    base = base[:NAME_LENGTH - 6]
    n = tried.get(base.casefold(), 1)
    candidate = base if n == 1 else f"{base} {n}"
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base} {n}"
    tried[base.casefold()] = n
    taken.add(candidate.casefold())
    return candidate


def invite(ws: Workspace, model: MaturityModel, campaign_id: int, invitees: list[dict[str, Any]]) -> Invited:
    """A personal link for each invitee ({name?, email?, role, team?}; the role by id or name), all
    or none: any problem refuses the list, except someone already invited or listed twice, who is
    skipped. An invitee's id in the assessment is their name, or their e-mail, or their role, with
    a number where the organisation's campaigns have it already; an e-mail invited before keeps its id."""
    found = campaign(ws, campaign_id)
    _same_model(found, model)
    if found.closed_at is not None:
        raise Refused("closed", f"campaign #{found.id} is closed; open a new one to invite more people")
    people = _checked_invitees(model, found, invitees)
    issued, now = [], clock.now()
    with ws.campaigns.inviting(campaign_id, found.organization) as adding:
        new, skipped = _invited_twice(people, adding.earlier)
        if len(adding.earlier) + len(new) > MAX_INVITEES:  # lists given one by one too (a clone invites them at once)
            raise Conflict(f"campaign #{found.id} has {len(adding.earlier):,} invitees; {len(new):,} more would pass the "
                           f"{MAX_INVITEES:,} a campaign takes")
        for p, respondent in zip(new, _respondent_ids(new, adding.earlier, adding.others)):
            token = new_secret()
            iid = adding.add(respondent, p.name, p.email, p.role, p.team, digest(token), new_secret(), now)
            issued.append(Issued(Invite(iid, campaign_id, respondent, p.name, p.email, p.role, p.team, False, None, None),
                                 token))
    return Invited(issued, skipped)


def list_invites(ws: Workspace, campaign_id: int) -> list[Invite]:
    return [_invite(i) for i in ws.campaigns.invites(campaign_id)]


def revoke(ws: Workspace, campaign_id: int, invite_id: int) -> Invite:
    """The link stops working at once; answers already submitted stay in the campaign."""
    done = ws.campaigns.revoke(campaign_id, invite_id, clock.now())
    if done is None:
        raise Refused("unknown", f"no invite #{invite_id} in campaign #{campaign_id}")
    return _invite(done)


def reissue(ws: Workspace, campaign_id: int, invite_id: int) -> Issued:
    """A new link for the same respondent (their answers kept); the old link stops working. In a
    confidential campaign only for someone who has not answered yet: a new link to saved answers
    would show them to whoever holds it, the admin who made it first of all."""
    found = campaign(ws, campaign_id)
    if found.privacy.confidential:
        mine = next((i for i in list_invites(ws, campaign_id) if i.id == invite_id), None)
        if mine is not None and (mine.answered or mine.submitted_at):
            raise Refused("confidential", f"{mine.name or mine.respondent} has answered already: in a confidential "
                                          "campaign a new link would show their answers to whoever holds it. They go "
                                          "on with their own link; or revoke it and invite them again to start afresh")
    token = new_secret()
    done = ws.campaigns.reissue(campaign_id, invite_id, digest(token), new_secret())
    if done is None:
        raise Refused("unknown", f"no invite #{invite_id} in campaign #{campaign_id}")
    return Issued(_invite(done), token)

