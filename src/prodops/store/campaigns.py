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
from prodops.store.assessments import _CHILD_TABLES, record
from prodops.store.dialects import aware, dialect_insert
from prodops.store.organizations import register
from prodops.store.tables import (answers, assessments, campaign_events, campaigns, deliveries, erasures,
                                  invite_answers, invite_links, invites, leases)

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
    state: str = "open"  # draft, scheduled, open, closed (core.lifecycle)
    owner: str | None = None  # the admin who made it: replies and notifications go to them
    reminders: tuple[str, ...] | None = None  # None: the default schedule
    templates: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> {subject, body}: its own wording
    webhook: str | None = field(default=None, repr=False)  # a secret: never shown, never in a document
    link_base: str | None = None  # the address its links use


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
class Event:
    """Something that happened to a campaign: made, scheduled, opened, extended, closed, reopened..."""

    at: dt.datetime
    kind: str
    by: str | None  # an e-mail, or "scheduler"
    detail: str | None


@dataclass(frozen=True)
class Delivery:
    """One e-mail or notification: claimed (sending), sent or failed, and why."""

    id: int
    invite_id: int | None
    channel: str  # email, webhook
    kind: str
    at: dt.datetime
    status: str  # sending, sent, failed
    error: str | None


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
               threshold: int | None, state: str = "open", owner: str | None = None,
               reminders: tuple[str, ...] | None = None, templates: dict[str, dict[str, str]] | None = None,
               webhook: str | None = None, link_base: str | None = None) -> int:
        """A new campaign of `organization` (as the workspace spells it, registered if new), its
        making kept as its first event; its id."""
        with self._ws.transaction() as conn:
            new_id: int = conn.execute(campaigns.insert().values(
                organization=register(conn, organization), name=name, team=team, model_id=model_id,
                model_version=model_version, opens=opens, closes=closes, targets=targets, created_at=now,
                threshold=threshold, state=state, owner=owner, reminders=None if reminders is None else list(reminders),
                templates=templates or None, webhook=webhook, link_base=link_base,
            ).returning(campaigns.c.id)).scalar_one()
            _event(conn, new_id, now, "created", owner, state)
        return new_id

    def move(self, campaign_id: int, states: tuple[str, ...], values: dict[str, Any], now: dt.datetime, kind: str,
             by: str | None, detail: str | None = None) -> bool:
        """Change the campaign (`values`: its columns) only if it is in one of `states` still, and keep
        the event: one conditional UPDATE, so of two instances making the same move one does it.
        False: it was not in those states (any more)."""
        with self._ws.transaction() as conn:
            done = conn.execute(campaigns.update().where((campaigns.c.id == campaign_id) & campaigns.c.state.in_(states))
                                .values(**values)).rowcount
            if done:
                _event(conn, campaign_id, now, kind, by, detail)
        return bool(done)

    def change(self, campaign_id: int, values: dict[str, Any]) -> None:
        """Change settings of the campaign that no state depends on (its reminders, wording, webhook)."""
        with self._ws.transaction() as conn:
            conn.execute(campaigns.update().where(campaigns.c.id == campaign_id).values(**values))

    def events(self, campaign_id: int) -> list[Event]:
        """What happened to the campaign, oldest first."""
        with self._ws.transaction(write=False) as conn:
            return [Event(aware(r.at), r.kind, r.by, r.detail) for r in conn.execute(
                sa.select(campaign_events).where(campaign_events.c.campaign_id == campaign_id)
                .order_by(campaign_events.c.at, campaign_events.c.id))]

    def add_event(self, campaign_id: int, now: dt.datetime, kind: str, by: str | None, detail: str | None = None) -> None:
        with self._ws.transaction(changes=False) as conn:
            _event(conn, campaign_id, now, kind, by, detail)

    # --- what is sent -------------------------------------------------------------------------------

    def claim(self, key: str, campaign_id: int, invite_id: int | None, channel: str, kind: str,
              now: dt.datetime, retry_after: dt.timedelta, attempts: int) -> int | None:
        """Claim the sending of one e-mail or notification by its unique key; its delivery's id, or
        None when it was claimed before (by this instance or another): it goes once. One that failed
        (or was left sending by a process that died) is claimed again after `retry_after`, up to
        `attempts` times in all; a conditional UPDATE, so that of two instances one retries it."""
        with self._ws.transaction(changes=False) as conn:
            claimed = conn.execute(dialect_insert(conn)(deliveries).values(
                key=key, campaign_id=campaign_id, invite_id=invite_id, channel=channel, kind=kind, at=now,
                status="sending").on_conflict_do_nothing(index_elements=["key"]).returning(deliveries.c.id)).scalar()
            if claimed is not None:
                return int(claimed)
            again = conn.execute(deliveries.update().where(
                (deliveries.c.key == key) & (deliveries.c.status != "sent") & (deliveries.c.at < now - retry_after)
                & (deliveries.c.attempts < attempts))
                .values(status="sending", at=now, attempts=deliveries.c.attempts + 1).returning(deliveries.c.id)).scalar()
            return None if again is None else int(again)

    def delivered(self, delivery_id: int, now: dt.datetime, error: str | None = None) -> None:
        """The claimed delivery was sent at `now`, or failed with `error`."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
                at=now, status="failed" if error else "sent", error=error))

    def deliveries(self, campaign_id: int) -> list[Delivery]:
        """Everything sent (or tried) for the campaign, oldest first."""
        with self._ws.transaction(write=False) as conn:
            return [Delivery(r.id, r.invite_id, r.channel, r.kind, aware(r.at), r.status, r.error) for r in conn.execute(
                sa.select(deliveries).where(deliveries.c.campaign_id == campaign_id).order_by(deliveries.c.id))]

    def add_link(self, invite_id: int, token_hash: str, now: dt.datetime) -> None:
        """One more live link of the invite (an e-mail carries it)."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(invite_links.insert().values(token_hash=token_hash, invite_id=invite_id, created_at=now))

    def lease(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Hold the lease `name` until `until`, if no one else holds it now; whether it is held."""
        with self._ws.transaction(changes=False) as conn:
            if conn.execute(dialect_insert(conn)(leases).values(name=name, holder=holder, until=until)
                            .on_conflict_do_nothing(index_elements=["name"])).rowcount:
                return True
            # a conditional UPDATE: of two instances at once, the second sees the first's lease
            return bool(conn.execute(leases.update().where(
                (leases.c.name == name) & ((leases.c.until < now) | (leases.c.holder == holder)))
                .values(holder=holder, until=until)).rowcount)

    def release(self, name: str, holder: str) -> None:
        with self._ws.transaction(changes=False) as conn:
            conn.execute(leases.delete().where((leases.c.name == name) & (leases.c.holder == holder)))

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
            conn.execute(invite_links.delete().where(invite_links.c.invite_id == invite_id))  # every old link stops
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
        with self._ws.transaction(changes=False) as conn:
            # one statement, built once: an autosave runs it on every answer given (issue 23)
            row = conn.execute(_LIVE_WITH_CAMPAIGN, {"token_hash": token_hash}).one_or_none()
            if row is None or row.revoked_at is not None:
                yield None
                return
            yield Answering(conn, _campaign(_CampaignColumns(row)), _invite(row), row.csrf)

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
        for cid in values.keys() | notes.keys():
            value, na = values.get(cid, (None, False))
            # the last write wins: two saves of one answer at once both succeed, no duplicate row
            conn.execute(_upsert(conn, cid in values, cid in notes),
                         {"invite_id": invite_id, "criterion": cid, "value": value, "na": na, "note": notes.get(cid),
                          "saved_at": now})
        if any(v == (None, False) for v in values.values()) or any(not t for t in notes.values()):
            # an answer cleared and without a note is no row at all
            conn.execute(_DROP_EMPTY, {"invite_id": invite_id})
        row = conn.execute(_SAVED_SUBMITTED if submit else _SAVED, {"invite": invite_id, "now": now}).one()
        return _link(conn, row, self.campaign)


# The statements of saving an answer, built once (building one cost more than running it)
_LIVE_WITH_CAMPAIGN = (
    sa.select(invites, *[c.label(f"of_campaign_{c.name}") for c in campaigns.c])
    .join(campaigns, campaigns.c.id == invites.c.campaign_id)
    .where((invites.c.token_hash == sa.bindparam("token_hash"))
           | (invites.c.id == sa.select(invite_links.c.invite_id)
              .where(invite_links.c.token_hash == sa.bindparam("token_hash")).scalar_subquery()))
    .with_for_update(read=True, of=campaigns))  # the lock rule (module docstring); SQLite leaves it out
_DROP_EMPTY = invite_answers.delete().where(
    (invite_answers.c.invite_id == sa.bindparam("invite_id")) & invite_answers.c.value.is_(None)
    & ~invite_answers.c.na & invite_answers.c.note.is_(None))
_SAVED = (invites.update().where(invites.c.id == sa.bindparam("invite")).values(saved_at=sa.bindparam("now"))
          .returning(*invites.c))
_SAVED_SUBMITTED = (invites.update().where(invites.c.id == sa.bindparam("invite"))
                    .values(saved_at=sa.bindparam("now"), submitted_at=sa.bindparam("now")).returning(*invites.c))
_GIVEN = sa.select(invite_answers.c.criterion, invite_answers.c.value, invite_answers.c.na, invite_answers.c.note).where(
    invite_answers.c.invite_id == sa.bindparam("invite_id"))
_UPSERTS: dict[tuple[str, bool, bool], Any] = {}


def _upsert(conn: sa.Connection, value: bool, note: bool) -> Any:
    """The upsert of one answer that sets its value (and N/A) when `value`, its note when `note`."""
    key = (conn.dialect.name, value, note)
    if key not in _UPSERTS:
        insert = dialect_insert(conn)(invite_answers)
        changed = {"saved_at": insert.excluded.saved_at}
        if value:
            changed |= {"value": insert.excluded.value, "na": insert.excluded.na}
        if note:
            changed["note"] = insert.excluded.note
        _UPSERTS[key] = insert.on_conflict_do_update(index_elements=["invite_id", "criterion"], set_=changed)
    return _UPSERTS[key]


class _CampaignColumns:
    """The campaign's columns of a row of `_LIVE_WITH_CAMPAIGN`, by their own names."""

    def __init__(self, row: Any) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, f"of_campaign_{name}")


class Closing:
    """A campaign being closed, in `Campaigns.closing`'s transaction (its row held alone)."""

    def __init__(self, conn: sa.Connection, campaign: CampaignRow) -> None:
        self._conn = conn
        self.campaign = campaign

    def close_unrecorded(self, by: str | None, why: str) -> None:
        """Close it without recording anything new (no one submitted; or what it recorded before
        stands): it takes no more answers."""
        now = clock.now()
        self._conn.execute(campaigns.update().where(campaigns.c.id == self.campaign.id).values(
            closed_at=now, state="closed"))
        _event(self._conn, self.campaign.id, now, "closed", by, why)

    def reopen(self, closes: dt.date, by: str | None, reason: str) -> None:
        """Take answers again until `closes`. A confidential campaign's answers were cut loose from
        their people when it closed; each invite gets its own back from the recorded assessment (the
        pseudonym of its respondent finds them), so that people go on where they were."""
        from prodops.core.confidentiality import pseudonym
        from prodops.store.assessments import pseudonym_key

        c, now = self.campaign, clock.now()
        self._conn.execute(campaigns.update().where(campaigns.c.id == c.id).values(
            closed_at=None, state="open", closes=closes))
        _event(self._conn, c.id, now, "reopened", by, reason)
        if c.threshold is None or c.assessment_id is None:
            return
        key = pseudonym_key(self._conn)
        people = {pseudonym(key, c.organization, r.respondent): r.id for r in self._conn.execute(
            sa.select(invites.c.id, invites.c.respondent).where(invites.c.campaign_id == c.id))}
        kept = self._conn.execute(sa.select(answers).where(answers.c.assessment_id == c.assessment_id)).all()
        rows = [{"invite_id": people[a.respondent], "criterion": a.criterion, "value": a.value, "na": a.na,
                 "note": a.note, "note_hidden": a.note_hidden, "saved_at": now} for a in kept if a.respondent in people]
        if rows:
            self._conn.execute(invite_answers.insert(), rows)


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

    def close(self, responses: Responses, result: AssessmentResult, model: MaturityModel,
              by: str | None = None) -> tuple[int, int | None]:
        """Record the assessment (as `Assessments.record` does) and mark the campaign closed now,
        with it; a campaign reopened replaces what it recorded before (revised). Returns (the
        assessment's id, respondents it had before or None)."""
        now = clock.now()
        recorded = record(self._conn, responses, result, model)
        before = self.campaign.assessment_id
        if before is not None and before != recorded[0]:  # closed again on another day: that one is replaced
            # everything of it, children first: no database is trusted to cascade (SQLite does not by default)
            for table in (*_CHILD_TABLES, erasures):
                self._conn.execute(table.delete().where(table.c.assessment_id == before))
            self._conn.execute(assessments.delete().where(assessments.c.id == before))
        self._conn.execute(campaigns.update().where(campaigns.c.id == self.campaign.id).values(
            closed_at=now, assessment_id=recorded[0], state="closed"))
        _event(self._conn, self.campaign.id, now, "revised" if before is not None else "closed", by,
               f"assessment #{recorded[0]}")
        if self.campaign.threshold is not None:  # confidential: the answers live on under pseudonyms only,
            theirs = sa.select(invites.c.id).where(invites.c.campaign_id == self.campaign.id)  # not beside a name
            self._conn.execute(invite_answers.delete().where(invite_answers.c.invite_id.in_(theirs)))
        return recorded


def _campaign(row: Any) -> CampaignRow:
    return CampaignRow(row.id, row.organization, row.name, row.team, row.model_id, row.model_version, row.opens, row.closes,
                       dict(row.targets or {}), aware(row.created_at), aware(row.closed_at), row.assessment_id,
                       row.threshold, row.state, row.owner, None if row.reminders is None else tuple(row.reminders),
                       dict(row.templates or {}), row.webhook, row.link_base)


def _event(conn: sa.Connection, campaign_id: int, now: dt.datetime, kind: str, by: str | None,
           detail: str | None) -> None:
    conn.execute(campaign_events.insert().values(campaign_id=campaign_id, at=now, kind=kind, by=by, detail=detail))


def _invite(row: Any, answered: int = 0) -> InviteRow:
    return InviteRow(row.id, row.campaign_id, row.respondent, row.name, row.email, row.role, row.team,
                     row.revoked_at is not None, aware(row.saved_at), aware(row.submitted_at), answered)


def _invite_of(conn: sa.Connection, campaign_id: int, invite_id: int) -> InviteRow | None:
    row = conn.execute(sa.select(invites).where((invites.c.id == invite_id) & (invites.c.campaign_id == campaign_id))
                       ).one_or_none()
    return None if row is None else _invite(row)


def _live(conn: sa.Connection, token_hash: str) -> tuple[Any, sa.Select[Any]] | None:
    """The live invite's row of `token_hash` (its first link, or one an e-mail carried), and the
    query of its campaign; None when there is none."""
    further = sa.select(invite_links.c.invite_id).where(invite_links.c.token_hash == token_hash).scalar_subquery()
    row = conn.execute(sa.select(invites).where((invites.c.token_hash == token_hash) | (invites.c.id == further))
                       ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row, sa.select(campaigns).where(campaigns.c.id == row.campaign_id)


def _link(conn: sa.Connection, row: Any, campaign: CampaignRow) -> Link:
    given = {cid: Given(value, na, note) for cid, value, na, note in conn.execute(_GIVEN, {"invite_id": row.id})}
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
