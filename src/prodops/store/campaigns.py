"""Assessment campaigns, their invites (one personal link each, kept as its token's hash) and the
answers given through each invite.

The lock rule: whoever saves answers holds their campaign's row in share mode for the length of
the transaction, and a close holds it alone (SELECT ... FOR SHARE / FOR UPDATE on PostgreSQL; on
SQLite every writer holds the whole database). So a close waits for the answers being saved, and
answers saved after it see the campaign closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops import clock
from prodops.store.assessments import record
from prodops.store.dialects import aware, dialect_insert
from prodops.store.organizations import register
from prodops.store.tables import answers, assessments, campaigns, invite_answers, invites

if TYPE_CHECKING:
    from prodops.core.responses import Responses
    from prodops.core.assessment import AssessmentResult
    from prodops.core.model import MaturityModel
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class CampaignRow:
    id: int
    organization: str
    name: str
    team: str | None  # the unit it is scoped to; None: the organisation
    model_id: str
    model_version: str
    opens: dt.date
    closes: dt.date | None
    targets: dict[str, int]  # role -> answers wanted
    created_at: dt.datetime
    closed_at: dt.datetime | None  # None: open
    assessment_id: int | None  # what closing it recorded
    threshold: int | None = None  # confidential with this reporting threshold; None: named


@dataclass(frozen=True)
class InviteRow:
    id: int
    campaign_id: int
    respondent: str  # their id in the recorded assessment
    name: str | None
    email: str | None
    role: str
    team: str | None
    revoked: bool
    saved_at: dt.datetime | None
    submitted_at: dt.datetime | None
    answered: int = 0  # criteria answered (N/A included), where counted


@dataclass(frozen=True)
class Given:
    """One criterion's answer and note, as a respondent left them."""

    value: float | None  # None: N/A (when `na`) or no answer yet, only a note
    na: bool
    note: str | None

    @property
    def answered(self) -> bool:
        """Answered, N/A included (a note alone is no answer)."""
        return self.value is not None or self.na


@dataclass(frozen=True)
class Link:
    """What one live personal link holds: its invite, its campaign, the form's token and the
    answers given so far (by criterion id)."""

    campaign: CampaignRow
    invite: InviteRow
    csrf: str
    given: dict[str, Given] = field(default_factory=dict)


@dataclass(frozen=True)
class Submitted:
    """A respondent who submitted, and their answers in criterion order."""

    invite: InviteRow
    given: dict[str, Given]


@dataclass(frozen=True)
class Note:
    invite: int
    respondent: str
    role: str
    criterion: str
    text: str
    submitted: bool
    hidden: bool = False  # an admin withheld it from the result


@dataclass(frozen=True)
class Invitee:
    """Someone invited before, as the ids of new invitees are chosen from them."""

    respondent: str
    name: str | None
    email: str | None


class Campaigns:
    """Campaigns, invites and answers. Writers take the workspace's writer lock; saving answers and
    closing take the campaign's row lock besides (see the module)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    # --- campaigns --------------------------------------------------------------------------------

    def create(self, organization: str, name: str, team: str | None, model_id: str, model_version: str,
               opens: dt.date, closes: dt.date | None, targets: dict[str, int], now: dt.datetime,
               threshold: int | None) -> int:
        """A new open campaign of `organization` (as the workspace spells it, registered if new); its id."""
        with self._ws.transaction() as conn:
            new_id: int = conn.execute(campaigns.insert().values(
                organization=register(conn, organization), name=name, team=team, model_id=model_id,
                model_version=model_version, opens=opens, closes=closes, targets=targets, created_at=now,
                threshold=threshold,
            ).returning(campaigns.c.id)).scalar_one()
        return new_id

    def all(self) -> list[CampaignRow]:
        """Every campaign, the newest first."""
        with self._ws.transaction(write=False) as conn:
            return [_campaign(r) for r in conn.execute(sa.select(campaigns).order_by(campaigns.c.id.desc()))]

    def get(self, campaign_id: int) -> CampaignRow | None:
        """The campaign of `campaign_id`, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(campaigns).where(campaigns.c.id == campaign_id)).one_or_none()
        return None if row is None else _campaign(row)

    @contextmanager
    def closing(self, campaign_id: int) -> Iterator[Closing | None]:
        """A write transaction closing a campaign (None when there is none), holding its row alone
        until it ends: answers being saved are in what it reads, answers arriving after it wait and
        then see it closed."""
        with self._ws.transaction() as conn:
            head = conn.execute(sa.select(campaigns).where(campaigns.c.id == campaign_id).with_for_update()).one_or_none()
            yield None if head is None else Closing(conn, _campaign(head))

    # --- invites ----------------------------------------------------------------------------------

    def invites(self, campaign_id: int) -> list[InviteRow]:
        """Everyone invited to the campaign (revoked links included), each with the criteria they
        answered, in the order invited."""
        answered = (sa.select(invite_answers.c.invite_id, sa.func.count().label("n"))
                    .where(invite_answers.c.value.is_not(None) | invite_answers.c.na).group_by(invite_answers.c.invite_id)
                    .subquery())
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(invites, answered.c.n).outerjoin(answered, answered.c.invite_id == invites.c.id)
                                .where(invites.c.campaign_id == campaign_id).order_by(invites.c.id)).all()
        return [_invite(r, r.n or 0) for r in rows]

    @contextmanager
    def inviting(self, campaign_id: int, organization: str) -> Iterator[Inviting]:
        """A write transaction adding invites to a campaign of `organization`, with whom it and the
        organisation's other campaigns invited before (the new ids are chosen against them)."""
        with self._ws.transaction() as conn:
            earlier = [Invitee(r.respondent, r.name, r.email) for r in conn.execute(
                sa.select(invites.c.respondent, invites.c.name, invites.c.email).where(invites.c.campaign_id == campaign_id))]
            siblings = [c for c, org in conn.execute(sa.select(campaigns.c.id, campaigns.c.organization))
                        if org.casefold() == organization.casefold() and c != campaign_id]
            others = [Invitee(r.respondent, None, r.email) for r in conn.execute(
                sa.select(invites.c.respondent, invites.c.email).where(invites.c.campaign_id.in_(siblings)))
            ] if siblings else []
            yield Inviting(conn, campaign_id, earlier, others)

    def revoke(self, campaign_id: int, invite_id: int, now: dt.datetime) -> InviteRow | None:
        """Revoke an invite of the campaign at `now`; None when the campaign has no such invite."""
        with self._ws.transaction() as conn:
            if _invite_of(conn, campaign_id, invite_id) is None:
                return None
            conn.execute(invites.update().where(invites.c.id == invite_id).values(revoked_at=now))
            return _invite_of(conn, campaign_id, invite_id)

    def reissue(self, campaign_id: int, invite_id: int, token_hash: str, csrf: str) -> InviteRow | None:
        """Give an invite of the campaign a new token (its hash) and form token, live again; None
        when the campaign has no such invite."""
        with self._ws.transaction() as conn:
            if _invite_of(conn, campaign_id, invite_id) is None:
                return None
            conn.execute(invites.update().where(invites.c.id == invite_id).values(
                token_hash=token_hash, csrf=csrf, revoked_at=None))
            return _invite_of(conn, campaign_id, invite_id)

    # --- answers ----------------------------------------------------------------------------------

    def link(self, token_hash: str) -> Link | None:
        """What the live (not revoked) invite of `token_hash` holds, or None."""
        with self._ws.transaction(write=False) as conn:
            found = _live(conn, token_hash)
            if found is None:
                return None
            row, head = found
            return _link(conn, row, _campaign(conn.execute(head).one()))

    @contextmanager
    def answering(self, token_hash: str) -> Iterator[Answering | None]:
        """A write transaction saving answers through the live invite of `token_hash` (None when
        there is none), holding its campaign's row in share mode until it ends."""
        with self._ws.transaction() as conn:
            found = _live(conn, token_hash)
            if found is None:
                yield None
                return
            row, head = found
            yield Answering(conn, _campaign(conn.execute(head.with_for_update(read=True)).one()), _invite(row), row.csrf)

    def submitted(self, campaign_id: int) -> list[Submitted]:
        """Those who submitted answers to the campaign, in the order invited."""
        with self._ws.transaction(write=False) as conn:
            return _submitted(conn, campaign_id)

    def notes(self, campaign_id: int) -> list[Note]:
        """The notes respondents gave, by criterion id, then respondent."""
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(invites.c.id, invites.c.respondent, invites.c.role, invites.c.submitted_at,
                                          invite_answers.c.criterion, invite_answers.c.note, invite_answers.c.note_hidden)
                                .join(invites, invites.c.id == invite_answers.c.invite_id)
                                .where((invites.c.campaign_id == campaign_id) & invite_answers.c.note.is_not(None))
                                .order_by(invite_answers.c.criterion, invites.c.respondent)).all()
        return [Note(r.id, r.respondent, r.role, r.criterion, r.note, r.submitted_at is not None, r.note_hidden)
                for r in rows]

    def hide_note(self, campaign_id: int, invite_id: int, criterion: str, hidden: bool) -> bool:
        """Withhold a note from the result (or show it again), in the assessment the campaign recorded
        too; False when there is no such note."""
        from prodops.core.confidentiality import pseudonym
        from prodops.store.assessments import pseudonym_key

        with self._ws.transaction() as conn:
            found = conn.execute(sa.select(invites.c.respondent, invite_answers.c.note, campaigns.c.assessment_id,
                                           campaigns.c.threshold, campaigns.c.organization)
                                 .join(invites, invites.c.id == invite_answers.c.invite_id)
                                 .join(campaigns, campaigns.c.id == invites.c.campaign_id)
                                 .where((invite_answers.c.invite_id == invite_id) & (invite_answers.c.criterion == criterion)
                                        & (invites.c.campaign_id == campaign_id) & invite_answers.c.note.is_not(None))
                                 ).one_or_none()
            if found is None:
                return False
            conn.execute(invite_answers.update().where((invite_answers.c.invite_id == invite_id)
                                                       & (invite_answers.c.criterion == criterion)).values(note_hidden=hidden))
            if found.assessment_id is not None:  # closed: the recorded copy follows
                who = (found.respondent if found.threshold is None
                       else pseudonym(pseudonym_key(conn), found.organization, found.respondent))
                conn.execute(answers.update().where(
                    (answers.c.assessment_id == found.assessment_id) & (answers.c.respondent == who)
                    & (answers.c.criterion == criterion)).values(note=found.note, note_hidden=hidden))
            return True

    def hide_recorded_note(self, assessment_id: int, criterion: str, text: str, hidden: bool) -> int:
        """Withhold (or show again) the notes with this text on this criterion of a recorded assessment."""
        with self._ws.transaction() as conn:
            return conn.execute(answers.update().where(
                (answers.c.assessment_id == assessment_id) & (answers.c.criterion == criterion)
                & (answers.c.note == text)).values(note_hidden=hidden)).rowcount


class Inviting:
    """Invites being added to one campaign, in `Campaigns.inviting`'s transaction."""

    def __init__(self, conn: sa.Connection, campaign_id: int, earlier: list[Invitee], others: list[Invitee]) -> None:
        self._conn = conn
        self.campaign_id = campaign_id
        self.earlier = earlier  # invited to this campaign before
        self.others = others  # invited to the organisation's other campaigns (their e-mails and ids)

    def add(self, respondent: str, name: str | None, email: str | None, role: str, team: str | None,
            token_hash: str, csrf: str, now: dt.datetime) -> int:
        """A new invite; its id."""
        new_id: int = self._conn.execute(invites.insert().values(
            campaign_id=self.campaign_id, token_hash=token_hash, csrf=csrf, respondent=respondent, name=name,
            email=email, role=role, team=team, created_at=now).returning(invites.c.id)).scalar_one()
        return new_id


class Answering:
    """Answers being saved through one live invite, in `Campaigns.answering`'s transaction."""

    def __init__(self, conn: sa.Connection, campaign: CampaignRow, invite: InviteRow, csrf: str) -> None:
        self._conn = conn
        self.campaign = campaign
        self.invite = invite
        self.csrf = csrf  # the form's token, as kept

    def save(self, values: dict[str, tuple[float | None, bool]], notes: dict[str, str | None], submit: bool,
             now: dt.datetime) -> Link:
        """Save answers (criterion -> (value, N/A); (None, False) clears it) and notes (criterion ->
        text; None clears it) at `now`, submitted when `submit`; what the link holds after, as the
        transaction sees it."""
        conn, invite_id = self._conn, self.invite.id
        table = invite_answers
        for cid in values.keys() | notes.keys():
            value, na = values.get(cid, (None, False))
            insert = dialect_insert(conn)(table).values(invite_id=invite_id, criterion=cid, value=value, na=na,
                                                        note=notes.get(cid), saved_at=now)
            changed = {"saved_at": insert.excluded.saved_at}
            if cid in values:
                changed |= {"value": insert.excluded.value, "na": insert.excluded.na}
            if cid in notes:
                changed["note"] = insert.excluded.note
            # the last write wins: two saves of one answer at once both succeed, no duplicate row
            conn.execute(insert.on_conflict_do_update(index_elements=["invite_id", "criterion"], set_=changed))
        if any(v == (None, False) for v in values.values()) or any(not t for t in notes.values()):
            # an answer cleared and without a note is no row at all
            conn.execute(table.delete().where((table.c.invite_id == invite_id) & table.c.value.is_(None)
                                              & ~table.c.na & table.c.note.is_(None)))
        conn.execute(invites.update().where(invites.c.id == invite_id).values(
            saved_at=now, **({"submitted_at": now} if submit else {})))
        row = conn.execute(sa.select(invites).where(invites.c.id == invite_id)).one()
        return _link(conn, row, self.campaign)


class Closing:
    """A campaign being closed, in `Campaigns.closing`'s transaction (its row held alone)."""

    def __init__(self, conn: sa.Connection, campaign: CampaignRow) -> None:
        self._conn = conn
        self.campaign = campaign

    def submitted(self) -> list[Submitted]:
        """Those who submitted answers, in the order invited: what closing records."""
        return _submitted(self._conn, self.campaign.id)

    def recorded_on(self, day: dt.date) -> tuple[int, int | None] | None:
        """(assessment id, the campaign that recorded it or None) of the assessment the close would
        replace: the same organisation, unit, day and model. None: nothing is there yet."""
        from prodops.store.organizations import spelled

        c = self.campaign
        found = self._conn.execute(sa.select(assessments.c.id).where(
            (assessments.c.organization == spelled(self._conn, c.organization)) & (assessments.c.unit == (c.team or ""))
            & (assessments.c.date == day) & (assessments.c.model_id == c.model_id))).scalar()
        if found is None:
            return None
        return found, self._conn.execute(sa.select(campaigns.c.id).where(campaigns.c.assessment_id == found)).scalar()

    def close(self, responses: Responses, result: AssessmentResult, model: MaturityModel) -> tuple[int, int | None]:
        """Record the assessment (as `Assessments.record` does) and mark the campaign closed now,
        with it. Returns (the assessment's id, respondents it had before or None)."""
        recorded = record(self._conn, responses, result, model)
        self._conn.execute(campaigns.update().where(campaigns.c.id == self.campaign.id).values(
            closed_at=clock.now(), assessment_id=recorded[0]))
        if self.campaign.threshold is not None:  # confidential: the answers live on under pseudonyms only,
            theirs = sa.select(invites.c.id).where(invites.c.campaign_id == self.campaign.id)  # not beside a name
            self._conn.execute(invite_answers.delete().where(invite_answers.c.invite_id.in_(theirs)))
        return recorded


def _campaign(row: Any) -> CampaignRow:
    return CampaignRow(row.id, row.organization, row.name, row.team, row.model_id, row.model_version, row.opens, row.closes,
                       dict(row.targets or {}), aware(row.created_at), aware(row.closed_at), row.assessment_id,
                       row.threshold)


def _invite(row: Any, answered: int = 0) -> InviteRow:
    return InviteRow(row.id, row.campaign_id, row.respondent, row.name, row.email, row.role, row.team,
                     row.revoked_at is not None, aware(row.saved_at), aware(row.submitted_at), answered)


def _invite_of(conn: sa.Connection, campaign_id: int, invite_id: int) -> InviteRow | None:
    row = conn.execute(sa.select(invites).where((invites.c.id == invite_id) & (invites.c.campaign_id == campaign_id))
                       ).one_or_none()
    return None if row is None else _invite(row)


def _live(conn: sa.Connection, token_hash: str) -> tuple[Any, sa.Select[Any]] | None:
    """The live invite's row of `token_hash`, and the query of its campaign; None when there is none."""
    row = conn.execute(sa.select(invites).where(invites.c.token_hash == token_hash)).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row, sa.select(campaigns).where(campaigns.c.id == row.campaign_id)


def _link(conn: sa.Connection, row: Any, campaign: CampaignRow) -> Link:
    given = {r.criterion: Given(r.value, r.na, r.note) for r in conn.execute(
        sa.select(invite_answers).where(invite_answers.c.invite_id == row.id))}
    return Link(campaign, _invite(row, sum(g.answered for g in given.values())), row.csrf, given)


def _submitted(conn: sa.Connection, campaign_id: int) -> list[Submitted]:
    done = (invites.c.campaign_id == campaign_id) & invites.c.submitted_at.is_not(None)
    people = conn.execute(sa.select(invites).where(done).order_by(invites.c.id)).all()
    given: dict[int, dict[str, Given]] = {}
    for r in conn.execute(sa.select(invite_answers).join(invites, invites.c.id == invite_answers.c.invite_id)
                          .where(done).order_by(invite_answers.c.criterion)):
        # a note an admin withheld goes no further: not into the result, not into the recorded assessment
        given.setdefault(r.invite_id, {})[r.criterion] = Given(r.value, r.na, None if r.note_hidden else r.note)
    return [Submitted(_invite(p), given.get(p.id, {})) for p in people]
