"""Assessment campaigns: one round of answers collected through personal invite links, scored as it
stands, and recorded in the workspace when it closes, exactly as answers files are.

A campaign fixes its model (id and version) when it opens. Each invitee gets a link whose token is
the whole credential, good until the campaign closes (or its closing date passes) or the link is
revoked. Answers are saved one at a time as they are given; a respondent submits, and may change
answers and submit again until the campaign closes. What closing records (and what the result as it
stands shows) is the answers of those who submitted: a half-filled form is listed, not scored.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from prodops import clock
from prodops.answers import NAME_LENGTH, NOTE_LENGTH, Respondent, Responses, answer_value, scale_help
from prodops.errors import Fix, InputError, Problem, Refused
from prodops.model import MaturityModel
from prodops.operations.access import digest, new_secret
from prodops.safe_text import first_control, is_email

MAX_INVITEES = 5_000  # in one campaign


@dataclass(frozen=True)
class Campaign:
    id: int
    organization: str
    name: str
    team: str | None
    model_id: str
    model_version: str
    opens: dt.date
    closes: dt.date | None
    targets: dict[str, int]  # role -> answers wanted
    created_at: dt.datetime
    closed_at: dt.datetime | None
    assessment_id: int | None

    def taking_answers(self, today: dt.date) -> bool:
        return self.closed_at is None and self.opens <= today and (self.closes is None or today <= self.closes)

    @property
    def status(self) -> str:
        return "open" if self.closed_at is None else "closed"

    def assessment_date(self, today: dt.date) -> dt.date:
        """The day the recorded assessment describes: the closing day, or the closing date set
        beforehand if that came first (answers stopped then)."""
        return min(today, self.closes) if self.closes else today

    def document(self) -> dict:
        return {"id": self.id, "organization": self.organization, "name": self.name, "team": self.team,
                "model": f"{self.model_id}@{self.model_version}", "opens": self.opens.isoformat(),
                "closes": self.closes and self.closes.isoformat(), "targets": self.targets, "status": self.status,
                "closed_at": self.closed_at and self.closed_at.isoformat(), "assessment_id": self.assessment_id}


@dataclass(frozen=True)
class Invite:
    id: int
    campaign_id: int
    respondent: str
    name: str | None
    email: str | None
    role: str
    team: str | None
    revoked: bool
    saved_at: dt.datetime | None
    submitted_at: dt.datetime | None
    answered: int = 0  # criteria answered (N/A included)

    def document(self) -> dict:
        return {"id": self.id, "respondent": self.respondent, "name": self.name, "email": self.email, "role": self.role,
                "team": self.team, "revoked": self.revoked, "answered": self.answered,
                "saved_at": self.saved_at and self.saved_at.isoformat(),
                "submitted_at": self.submitted_at and self.submitted_at.isoformat()}


@dataclass(frozen=True)
class Issued:
    """A personal link's token, shown once: only its hash is kept."""

    invite: Invite
    token: str


@dataclass(frozen=True)
class Given:
    value: float | None  # None: N/A (when `na`) or no answer yet, only a note
    na: bool
    note: str | None

    @property
    def answered(self) -> bool:
        return self.value is not None or self.na


@dataclass(frozen=True)
class Form:
    """What one respondent sees: their campaign, their invite, what they have given so far."""

    campaign: Campaign
    invite: Invite
    csrf: str  # the form's posts carry it
    given: dict[str, Given] = field(default_factory=dict)

    def unanswered(self, model: MaturityModel) -> list[str]:
        return [cid for cid in model.criterion if not (cid in self.given and self.given[cid].answered)]


@dataclass(frozen=True)
class Count:
    invited: int = 0
    started: int = 0  # saved at least one answer
    submitted: int = 0
    target: int | None = None

    @property
    def rate(self) -> float | None:
        """Submitted per invited (or per target, when a target is set)."""
        base = self.target or self.invited
        return self.submitted / base if base else None

    def document(self) -> dict:
        return {"invited": self.invited, "started": self.started, "submitted": self.submitted,
                "target": self.target, "rate": self.rate}


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    total: Count
    by_role: dict[str, Count]
    by_team: dict[str, Count]
    waiting: list[Invite]  # invited, not submitted (for a reminder)
    invites: list[Invite]  # everyone invited, revoked links included

    def document(self) -> dict:
        return {**self.campaign.document(), "responses": self.total.document(),
                "by_role": {k: v.document() for k, v in self.by_role.items()},
                "by_team": {k: v.document() for k, v in self.by_team.items()},
                "waiting": [i.document() for i in self.waiting]}


# --- reading rows -------------------------------------------------------------------------------

def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when if when is None or when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _campaign(row) -> Campaign:
    return Campaign(row.id, row.organization, row.name, row.team, row.model_id, row.model_version, row.opens, row.closes,
                    dict(row.targets or {}), _aware(row.created_at), _aware(row.closed_at), row.assessment_id)


def _invite(row, answered: int = 0) -> Invite:
    return Invite(row.id, row.campaign_id, row.respondent, row.name, row.email, row.role, row.team,
                  row.revoked_at is not None, _aware(row.saved_at), _aware(row.submitted_at), answered)


def _text(value: Any, what: str, length: int, problems: list[Problem], required: bool = False, **where) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(f"{what} is required", **where))
        return None
    if not isinstance(value, str):
        problems.append(Problem(f"{what} is one text, not {type(value).__name__}", **where))
        return None
    text = value.strip()
    if len(text) > length:
        problems.append(Problem(f"{what} is {len(text):,} characters long; at most {length:,}", **where))
    elif (control := first_control(text)) is not None:
        problems.append(Problem(f"{what} holds a control character ({control}); remove it", **where))
    return text


def _raise(what: str, problems: list[Problem]) -> None:
    if problems:
        raise InputError(f"{what} ({len(problems)} problem{'s' if len(problems) > 1 else ''}); nothing was saved:",
                         problems[:20], more=max(0, len(problems) - 20))


# --- campaigns ----------------------------------------------------------------------------------

def create_campaign(ws, model: MaturityModel, organization: str, name: str, team: str | None = None,
                    opens: dt.date | None = None, closes: dt.date | None = None,
                    targets: dict[str, int] | None = None) -> Campaign:
    """A new open campaign on `model` (its id and version are fixed from now on)."""
    from prodops.store.tables import campaigns

    problems: list[Problem] = []
    organization = _text(organization, "the organisation", NAME_LENGTH, problems, required=True)
    name = _text(name, "the campaign's name", NAME_LENGTH, problems, required=True)
    team = _text(team, "the team or business unit", NAME_LENGTH, problems)
    if team and organization:  # the unit it is scoped to: declared, and named as declared
        from prodops.operations.units import unit_named, unit_tree

        try:
            team = unit_named(unit_tree(ws, organization), team, organization)
        except InputError as e:
            problems.append(Problem(e.message, fix=e.fix))
    opens = opens or clock.today()
    if closes is not None and closes < opens:
        problems.append(Problem(f"it closes on {closes} before it opens on {opens}"))
    targets = dict(targets or {})
    for role, count in targets.items():
        if role not in model.role:
            problems.append(Problem(f"unknown role {role!r}; the model's roles are {', '.join(model.role)}"))
        elif not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_INVITEES:
            problems.append(Problem(f"the target for {role} must be a whole number from 0 to {MAX_INVITEES:,}"))
    _raise("the campaign is not valid", problems)
    from prodops.store import register

    with ws.transaction() as conn:
        cid = conn.execute(campaigns.insert().values(
            organization=register(conn, organization),  # as the workspace spells it
            name=name, team=team, model_id=model.id, model_version=model.version,
            opens=opens, closes=closes, targets={r: n for r, n in targets.items() if n}, created_at=clock.now(),
        ).returning(campaigns.c.id)).scalar_one()
    return campaign(ws, cid)


def list_campaigns(ws) -> list[Campaign]:
    from prodops.store.tables import campaigns

    with ws.transaction(write=False) as conn:
        return [_campaign(r) for r in conn.execute(sa.select(campaigns).order_by(campaigns.c.id.desc()))]


def campaign(ws, campaign_id: int) -> Campaign:
    from prodops.store.tables import campaigns

    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(campaigns).where(campaigns.c.id == campaign_id)).one_or_none()
    if row is None:
        raise Refused("unknown", f"no campaign #{campaign_id}")
    return _campaign(row)


def _same_model(found: Campaign, model: MaturityModel) -> None:
    if (found.model_id, found.model_version) != (model.id, model.version):
        raise InputError(f"campaign #{found.id} is on model {found.model_id}@{found.model_version}, not {model.ref}; "
                         "use that model", fix=Fix("model"))


# --- invites ------------------------------------------------------------------------------------

def read_invitees(path: Path | str, data: bytes | None = None) -> list[dict]:
    """A CSV of invitees (name, email, role, team), checked like every imported table."""
    from prodops.sources.tables import read_table

    return read_table("invitees", path, data).drop("row", strict=False).to_dicts()


def invite(ws, model: MaturityModel, campaign_id: int, invitees: list[dict]) -> list[Issued]:
    """A personal link for each invitee ({name?, email?, role, team?}), all or none. An invitee's
    id in the assessment is their name, or their e-mail, or their role, with a number where the
    organisation's campaigns have it already; an e-mail invited before keeps its id."""
    from prodops.store.tables import invites

    found = campaign(ws, campaign_id)
    _same_model(found, model)
    if found.closed_at is not None:
        raise Refused("closed", f"campaign #{found.id} is closed; open a new one to invite more people")
    problems: list[Problem] = []
    if not isinstance(invitees, list) or not invitees:
        raise InputError("give at least one invitee (name or e-mail, role, team)")
    if len(invitees) > MAX_INVITEES:
        raise InputError(f"{len(invitees):,} invitees; a campaign takes at most {MAX_INVITEES:,}")
    people = []
    for i, raw in enumerate(invitees, 1):
        where = f"invitee {i}"
        if not isinstance(raw, dict):
            problems.append(Problem(f"{where}: give name, email, role and team"))
            continue
        for key in sorted(set(raw) - {"name", "email", "role", "team"}, key=str):
            problems.append(Problem(f"{where}: unknown field {str(key)[:40]!r}; allowed: email, name, role, team"))
        name = _text(raw.get("name"), f"{where}: the name", NAME_LENGTH, problems, respondent=None)
        email = _text(raw.get("email"), f"{where}: the e-mail", 320, problems)
        if email and not is_email(email):
            problems.append(Problem(f"{where}: {email[:80]!r} is not one e-mail address"))
        role = raw.get("role")
        if not isinstance(role, str) or role.strip() not in model.role:
            problems.append(Problem(f"{where}: unknown role {str(role)[:40]!r}; the model's roles are {', '.join(model.role)}"))
            continue
        team = _text(raw.get("team"), f"{where}: the team", NAME_LENGTH, problems) or found.team
        people.append((name, email, role.strip(), team))
    _raise("the invitees are not valid", problems)
    issued, now = [], clock.now()
    with ws.transaction() as conn:
        earlier = conn.execute(sa.select(invites.c.respondent, invites.c.name, invites.c.email)
                               .where(invites.c.campaign_id == campaign_id)).all()
        here = {r.respondent.casefold() for r in earlier}
        # A respondent id names one person across the organisation's campaigns (the roll-up of units
        # counts each person once): the same e-mail keeps its id, anyone else gets an id of their own.
        from prodops.store.tables import campaigns

        siblings = [c for c, org in conn.execute(sa.select(campaigns.c.id, campaigns.c.organization))
                    if org.casefold() == found.organization.casefold() and c != campaign_id]
        others = conn.execute(sa.select(invites.c.respondent, invites.c.email)
                              .where(invites.c.campaign_id.in_(siblings))).all() if siblings else []
        known = {r.email.casefold(): r.respondent for r in others if r.email}
        taken = here | {r.respondent.casefold() for r in others}
        # One person, one link: the same e-mail (or, without e-mails, the same name) again is a
        # mistake or a form posted twice (a reload), not a second person.
        seen = {("email", r.email.casefold()) if r.email else ("name", (r.name or "").casefold()) for r in earlier}
        for i, (name, email, role, team) in enumerate(people, 1):
            who = ("email", email.casefold()) if email else ("name", (name or "").casefold())
            if who[1] and who in seen:
                problems.append(Problem(f"invitee {i}: {email or name} is already invited to this campaign; "
                                        "give them a new link from the list of invites instead"))
            seen.add(who)
        _raise("the invitees are not valid", problems)
        for name, email, role, team in people:
            same = email and known.get(email.casefold())
            if same and same.casefold() not in here:
                respondent = same
            else:
                respondent = _free_id(name or (email and email.split("@")[0]) or role, taken)
            here.add(respondent.casefold())
            token = new_secret()
            iid = conn.execute(invites.insert().values(
                campaign_id=campaign_id, token_hash=digest(token), csrf=new_secret(), respondent=respondent, name=name,
                email=email, role=role, team=team, created_at=now).returning(invites.c.id)).scalar_one()
            issued.append(Issued(Invite(iid, campaign_id, respondent, name, email, role, team, False, None, None), token))
    return issued


def _free_id(base: str, taken: set[str]) -> str:
    """`base`, or `base 2`, `base 3`... : unique in the campaign (ignoring case), as answers files require."""
    base = base[:NAME_LENGTH - 6]
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base} {n}"
    taken.add(candidate.casefold())
    return candidate


def list_invites(ws, campaign_id: int) -> list[Invite]:
    from prodops.store.tables import invite_answers, invites

    answered = (sa.select(invite_answers.c.invite_id, sa.func.count().label("n"))
                .where(invite_answers.c.value.is_not(None) | invite_answers.c.na).group_by(invite_answers.c.invite_id)
                .subquery())
    with ws.transaction(write=False) as conn:
        rows = conn.execute(sa.select(invites, answered.c.n).outerjoin(answered, answered.c.invite_id == invites.c.id)
                            .where(invites.c.campaign_id == campaign_id).order_by(invites.c.id)).all()
    return [_invite(r, r.n or 0) for r in rows]


def _invite_of(conn, campaign_id: int, invite_id: int):
    from prodops.store.tables import invites

    row = conn.execute(sa.select(invites).where((invites.c.id == invite_id) & (invites.c.campaign_id == campaign_id))
                       ).one_or_none()
    if row is None:
        raise Refused("unknown", f"no invite #{invite_id} in campaign #{campaign_id}")
    return row


def revoke(ws, campaign_id: int, invite_id: int) -> Invite:
    """The link stops working at once; answers already submitted stay in the campaign."""
    from prodops.store.tables import invites

    with ws.transaction() as conn:
        _invite_of(conn, campaign_id, invite_id)
        conn.execute(invites.update().where(invites.c.id == invite_id).values(revoked_at=clock.now()))
        return _invite(_invite_of(conn, campaign_id, invite_id))


def reissue(ws, campaign_id: int, invite_id: int) -> Issued:
    """A new link for the same respondent (their answers kept); the old link stops working."""
    from prodops.store.tables import invites

    token = new_secret()
    with ws.transaction() as conn:
        _invite_of(conn, campaign_id, invite_id)
        conn.execute(invites.update().where(invites.c.id == invite_id).values(
            token_hash=digest(token), csrf=new_secret(), revoked_at=None))
        return Issued(_invite(_invite_of(conn, campaign_id, invite_id)), token)


# --- the respondent's form ----------------------------------------------------------------------

# Wrong links a client may try per LOOKUP_SECONDS; past it, its wrong links answer "too many". A
# right link always opens (a 256-bit token cannot be guessed; people behind one address must not
# lock each other out with old links).
INVITE_LOOKUPS = 30
LOOKUP_SECONDS = 600


def _lookup(conn, token: str, lock: bool = False):
    """The invite of `token` and its campaign, or Refused("unknown") alike for a wrong, revoked or
    reissued link: a link says nothing about other respondents."""
    from prodops.store.tables import campaigns, invites

    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Refused("unknown", "this link is not valid; ask for a new one")
    query = sa.select(invites).where(invites.c.token_hash == digest(token))
    row = conn.execute(query).one_or_none()
    if row is None or row.revoked_at is not None:
        raise Refused("unknown", "this link is not valid; ask for a new one")
    # Writers hold the campaign row (PostgreSQL; SQLite's writer holds the database): a close waits
    # for answers being saved, and answers saved after it see the campaign closed.
    query = sa.select(campaigns).where(campaigns.c.id == row.campaign_id)
    head = conn.execute(query.with_for_update(read=True) if lock else query).one()
    return row, _campaign(head)


def _wrong_link(ws, client: str | None) -> None:
    """Count a wrong link against the client; past the limit, Refused("too_many")."""
    from prodops.operations.access import check_rate

    if client is not None:
        check_rate(ws, f"invite:{client}", INVITE_LOOKUPS, LOOKUP_SECONDS)


def form(ws, token: str, client: str | None = None, today: dt.date | None = None) -> Form:
    """The respondent's form as they left it, while the campaign takes answers. Wrong links count
    towards the client's limit of them."""
    try:
        with ws.transaction(write=False) as conn:
            row, found = _lookup(conn, token)
            _taking(found, today or clock.today())
            return _form(conn, row, found)
    except Refused as refused:
        if refused.kind == "unknown":
            _wrong_link(ws, client)
        raise


def _form(conn, row, found: Campaign) -> Form:
    from prodops.store.tables import invite_answers, invites

    given = {r.criterion: Given(r.value, r.na, r.note) for r in conn.execute(
        sa.select(invite_answers).where(invite_answers.c.invite_id == row.id))}
    row = conn.execute(sa.select(invites).where(invites.c.id == row.id)).one()
    return Form(found, _invite(row, sum(g.answered for g in given.values())), row.csrf, given)


def save(ws, model: MaturityModel, token: str, answers: dict[str, Any] | None = None,
         notes: dict[str, Any] | None = None, submit: bool = False, client: str | None = None,
         today: dt.date | None = None, form_token: str | None = None) -> Form:
    """Save some answers and notes of one respondent (all or none), and submit when asked. An empty
    answer clears it; a note of None leaves it as it is, an empty note clears it. Refused when
    the link is wrong, the campaign no longer takes answers, or (for a browser's post) the
    `form_token` is not the one of the respondent's form."""
    from prodops.store import dialect_insert
    from prodops.store.tables import invite_answers, invites

    answers, notes = answers or {}, notes or {}
    problems: list[Problem] = []
    if not isinstance(answers, dict) or not isinstance(notes, dict):
        raise InputError("answers and notes are each a mapping of criterion id to a value")
    values: dict[str, tuple[float | None, bool]] = {}
    for cid, raw in answers.items():
        if cid not in model.criterion:
            problems.append(Problem(f"unknown criterion id {str(cid)[:60]!r}", criterion=str(cid)[:100]))
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            values[cid] = (None, False)
        else:
            try:
                value = answer_value(model, raw)
                values[cid] = (value, value is None)
            except ValueError as e:
                problems.append(Problem(f"criterion {cid}: {e}; {scale_help(model)}", criterion=cid))
    texts: dict[str, str | None] = {}
    for cid, raw in notes.items():
        if cid not in model.criterion:
            problems.append(Problem(f"unknown criterion id {str(cid)[:60]!r}", criterion=str(cid)[:100]))
        elif raw is not None:
            texts[cid] = _text(raw, f"the note on {cid}", NOTE_LENGTH, problems, criterion=cid)
    _raise("the answers are not valid", problems)

    today, now = today or clock.today(), clock.now()
    try:
        with ws.transaction() as conn:
            row, found = _lookup(conn, token, lock=True)
            if form_token is not None and not hmac.compare_digest(form_token.encode(), row.csrf.encode()):
                raise Refused("forbidden", "the form has expired or did not come from this site; reload the page")
            _taking(found, today)
            _same_model(found, model)
            table = invite_answers
            for cid in values.keys() | texts.keys():
                value, na = values.get(cid, (None, False))
                insert = dialect_insert(conn)(table).values(invite_id=row.id, criterion=cid, value=value, na=na,
                                                            note=texts.get(cid), saved_at=now)
                changed = {"saved_at": insert.excluded.saved_at}
                if cid in values:
                    changed |= {"value": insert.excluded.value, "na": insert.excluded.na}
                if cid in texts:
                    changed["note"] = insert.excluded.note
                # the last write wins: two saves of one answer at once both succeed, no duplicate row
                conn.execute(insert.on_conflict_do_update(index_elements=["invite_id", "criterion"], set_=changed))
            if any(v == (None, False) for v in values.values()) or any(not t for t in texts.values()):
                # an answer cleared and without a note is no row at all
                conn.execute(table.delete().where((table.c.invite_id == row.id) & table.c.value.is_(None)
                                                  & ~table.c.na & table.c.note.is_(None)))
            conn.execute(invites.update().where(invites.c.id == row.id).values(
                saved_at=now, **({"submitted_at": now} if submit else {})))
            return _form(conn, row, found)  # what was saved, as the transaction sees it
    except Refused as refused:
        if refused.kind == "unknown":
            _wrong_link(ws, client)
        raise


def _taking(found: Campaign, today: dt.date) -> None:
    if found.closed_at is not None:
        raise Refused("closed", f"this assessment closed on {found.closed_at.date()}; answers are no longer taken")
    if found.closes is not None and today > found.closes:
        raise Refused("closed", f"this assessment closed on {found.closes}; answers are no longer taken")
    if today < found.opens:
        raise Refused("closed", f"this assessment opens on {found.opens}; come back then")


# --- progress, result, close --------------------------------------------------------------------

def progress(ws, campaign_id: int) -> Progress:
    """Who was invited, who started, who submitted: in all, by role (with the targets), by team."""
    found = campaign(ws, campaign_id)
    everyone = list_invites(ws, campaign_id)
    live = [i for i in everyone if not i.revoked or i.submitted_at]

    def count(group: list[Invite], target: int | None = None) -> Count:
        return Count(len(group), sum(1 for i in group if i.answered or i.submitted_at),
                     sum(1 for i in group if i.submitted_at), target)

    roles = sorted({i.role for i in live} | set(found.targets), key=lambda r: (r not in found.targets, r))
    teams = sorted({i.team for i in live if i.team})
    return Progress(
        found, count(live, sum(found.targets.values()) or None),
        {r: count([i for i in live if i.role == r], found.targets.get(r)) for r in roles},
        {t: count([i for i in live if i.team == t]) for t in teams},
        [i for i in live if not i.submitted_at and not i.revoked],
        everyone,
    )


def _responses(conn, found: Campaign, date: dt.date) -> Responses:
    """The submitted answers of a campaign, as an answers file would give them."""
    from prodops.store.tables import invite_answers, invites

    people = conn.execute(sa.select(invites).where((invites.c.campaign_id == found.id) & invites.c.submitted_at.is_not(None))
                          .order_by(invites.c.id)).all()
    given: dict[int, list] = {}
    for r in conn.execute(sa.select(invite_answers).join(invites, invites.c.id == invite_answers.c.invite_id)
                          .where((invites.c.campaign_id == found.id) & invites.c.submitted_at.is_not(None))
                          .order_by(invite_answers.c.criterion)):
        given.setdefault(r.invite_id, []).append(r)
    if not people:
        raise InputError(f"no one has submitted answers to campaign #{found.id} yet; there is nothing to score")
    respondents = tuple(Respondent(
        id=p.respondent, role=p.role, name=p.name, team=p.team,
        answers={a.criterion: a.value for a in given.get(p.id, []) if a.value is not None or a.na},
        notes={a.criterion: a.note for a in given.get(p.id, []) if a.note},
    ) for p in people)
    return Responses(found.organization, date, respondents, (f"campaign #{found.id}: {found.name}",), found.team)


def result(ws, model: MaturityModel, campaign_id: int, today: dt.date | None = None):
    """The campaign's result as it stands (scored with the workspace's evidence, not recorded):
    an `operations.Assessed`, the same as assessing an answers file."""
    from prodops.operations.assessments import Assessed, Recorded, assess

    found = campaign(ws, campaign_id)
    _same_model(found, model)
    if found.assessment_id is not None:  # closed: the assessment it recorded
        done = assess(model, ws.responses(found.assessment_id), ws, record=False)
        return Assessed(done.result, Recorded(found.assessment_id, None))
    with ws.transaction(write=False) as conn:
        responses = _responses(conn, found, found.assessment_date(today or clock.today()))
    return assess(model, responses, ws, record=False)


def close(ws, model: MaturityModel, campaign_id: int, today: dt.date | None = None):
    """Stop taking answers and record the assessment of what was submitted, in one transaction:
    an answer saved before the close is in it, one arriving after is refused. Returns the
    `operations.Assessed` with its `recorded` id."""
    from prodops.operations.assessments import Assessed, Recorded, evidence, scoped
    from prodops.assessment import assess as score
    from prodops.store.assessments import record
    from prodops.store.tables import campaigns

    today = today or clock.today()
    with ws.transaction() as conn:
        head = conn.execute(sa.select(campaigns).where(campaigns.c.id == campaign_id).with_for_update()).one_or_none()
        if head is None:
            raise Refused("unknown", f"no campaign #{campaign_id}")
        found = _campaign(head)
        _same_model(found, model)
        if found.closed_at is not None:
            raise Refused("closed", f"campaign #{found.id} was closed on {found.closed_at.date()}; "
                                    f"it recorded assessment #{found.assessment_id}")
        responses, teams = scoped(ws, _responses(conn, found, found.assessment_date(today)))  # a unit's: its own data
        scored = score(model, responses, evidence(ws, responses.organization, responses.date, teams))
        recorded = Recorded(*record(conn, responses, scored, model))
        conn.execute(campaigns.update().where(campaigns.c.id == campaign_id).values(
            closed_at=clock.now(), assessment_id=recorded.id))
    return Assessed(scored, recorded)


@dataclass(frozen=True)
class Note:
    respondent: str
    role: str
    criterion: str
    text: str
    submitted: bool


def notes(ws, campaign_id: int) -> list[Note]:
    """The notes and evidence links respondents gave, by criterion id, then respondent."""
    from prodops.store.tables import invite_answers, invites

    campaign(ws, campaign_id)
    with ws.transaction(write=False) as conn:
        rows = conn.execute(sa.select(invites.c.respondent, invites.c.role, invites.c.submitted_at, invite_answers.c.criterion,
                                      invite_answers.c.note)
                            .join(invites, invites.c.id == invite_answers.c.invite_id)
                            .where((invites.c.campaign_id == campaign_id) & invite_answers.c.note.is_not(None))
                            .order_by(invite_answers.c.criterion, invites.c.respondent)).all()
    return [Note(r.respondent, r.role, r.criterion, r.note, r.submitted_at is not None) for r in rows]
