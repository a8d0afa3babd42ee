"""What the workspace holds about one person, found by their e-mail and their respondent ids, for
its export and its erasure (operations.people holds the rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.store.dialects import aware
from prodops.store.tables import (answers, api_tokens, assessments, campaigns, commentary, deliveries, erasures,
                                  invite_answers, invite_links, invites, investment_changes, mfa_secrets, password_resets,
                                  pending_sign_ins, recovery_codes, respondents, sessions, time_survey, users,
                                  workspace_keys)

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace

ERASED = "(erased)"  # who made a change, once that person is erased
CONFIDENTIAL = ("kept confidential: in a confidential assessment no one who runs it reads a person's answers; "
                "`prodops people export --confidential` gives them, for the person alone")


def _theirs(ids: dict[str, set[str]]) -> sa.ColumnElement[bool]:
    """Rows of `respondents` (joined to `assessments`) under one of the person's ids in that organisation."""
    return sa.or_(sa.false(), *(sa.and_(assessments.c.organization == org, respondents.c.respondent.in_(found))
                                for org, found in ids.items()))


def _day(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _rows(conn: sa.Connection, query: sa.Select[Any]) -> list[dict[str, Any]]:
    return [{k: _day(aware(v) if isinstance(v, dt.datetime) else v) for k, v in row._mapping.items()}
            for row in conn.execute(query)]


class People:
    """One person's rows across the workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def ids_of(self, email: str) -> dict[str, set[str]]:
        """Organisation (as recorded) -> the ids the person's answers may be kept under there: their
        e-mail, their invites' respondent ids in that organisation's campaigns (an id is an
        organisation's own), as named assessments keep them and as the pseudonyms confidential ones keep."""
        from prodops.core.confidentiality import pseudonym

        mail = email.strip().lower()
        with self._ws.transaction(write=False) as conn:
            orgs = list(conn.execute(sa.select(assessments.c.organization).distinct()).scalars())
            invited = conn.execute(sa.select(campaigns.c.organization, invites.c.respondent)
                                   .join(campaigns, campaigns.c.id == invites.c.campaign_id)
                                   .where(sa.func.lower(invites.c.email) == mail)).all()
            key = conn.execute(sa.select(workspace_keys.c.value).where(workspace_keys.c.name == "pseudonyms")).scalar()
        out: dict[str, set[str]] = {}
        for org in orgs:
            ids = {mail} | {who for o, who in invited if o.casefold() == org.casefold()}
            out[org] = ids | ({pseudonym(bytes.fromhex(key), org, i) for i in ids} if key else set())
        return out

    def held(self, email: str, ids: dict[str, set[str]], confidential: bool = False) -> dict[str, Any]:
        """Everything held about the person with `email` whose answers go under `ids` (ids_of):
        account, sessions, tokens, invites, recorded answers, changes they made, time-survey rows.
        The answers and notes of confidential campaigns and assessments only with `confidential`
        (otherwise whoever runs the export would read them): the rest says they took part."""
        mail = email.strip().lower()
        with self._ws.transaction(write=False) as conn:
            account = _rows(conn, sa.select(users.c.id, users.c.email, users.c.role, users.c.created_at,
                                            (users.c.password_hash.is_not(None)).label("has_password"))
                            .where(sa.func.lower(users.c.email) == mail))
            uid = [a.pop("id") for a in account]
            invited = _rows(conn, sa.select(invites.c.id, invites.c.campaign_id, campaigns.c.organization,
                                            campaigns.c.name.label("campaign"), invites.c.respondent, invites.c.name,
                                            invites.c.email, invites.c.role, invites.c.team, invites.c.created_at,
                                            invites.c.saved_at, invites.c.submitted_at, invites.c.revoked_at)
                            .join(campaigns, campaigns.c.id == invites.c.campaign_id)
                            .where(sa.func.lower(invites.c.email) == mail).order_by(invites.c.id))
            kept = {r.id for r in conn.execute(sa.select(campaigns.c.id).where(campaigns.c.threshold.is_not(None)))}
            for invite in invited:
                invite_id = invite.pop("id")
                answered = _rows(conn, sa.select(invite_answers.c.criterion, invite_answers.c.value,
                                                 invite_answers.c.na, invite_answers.c.note, invite_answers.c.saved_at)
                                 .where(invite_answers.c.invite_id == invite_id)
                                 .order_by(invite_answers.c.criterion))
                invite["emails"] = _rows(conn, sa.select(deliveries.c.kind, deliveries.c.at, deliveries.c.status)
                                         .where(deliveries.c.invite_id == invite_id).order_by(deliveries.c.id))
                withheld = invite["campaign_id"] in kept and not confidential
                invite["answers"] = CONFIDENTIAL if withheld and answered else answered
            recorded = _rows(conn, sa.select(respondents.c.assessment_id, assessments.c.organization,
                                             assessments.c.date, assessments.c.threshold, respondents.c.respondent,
                                             respondents.c.role, respondents.c.name, respondents.c.team)
                             .join(assessments, assessments.c.id == respondents.c.assessment_id)
                             .where(_theirs(ids)).order_by(respondents.c.assessment_id))
            for row in recorded:
                if row.pop("threshold") is not None and not confidential:
                    row["answers"] = CONFIDENTIAL
                    continue
                row["answers"] = _rows(conn, sa.select(answers.c.criterion, answers.c.value, answers.c.na, answers.c.note)
                                       .where((answers.c.assessment_id == row["assessment_id"])
                                              & (answers.c.respondent == row["respondent"]))
                                       .order_by(answers.c.criterion))
            return {
                "account": account,
                "sessions": _rows(conn, sa.select(sessions.c.created_at, sessions.c.seen_at)
                                  .where(sessions.c.user_id.in_(uid)).order_by(sessions.c.created_at)),
                "api_tokens": _rows(conn, sa.select(api_tokens.c.name, api_tokens.c.created_at)
                                    .where(api_tokens.c.user_id.in_(uid)).order_by(api_tokens.c.created_at)),
                "invites": invited,
                "recorded_answers": recorded,
                "investment_changes": _rows(conn, sa.select(investment_changes.c.organization,
                                                            investment_changes.c.investment, investment_changes.c.status,
                                                            investment_changes.c.changed_at)
                                            .where(sa.func.lower(investment_changes.c.changed_by) == mail)
                                            .order_by(investment_changes.c.id)),
                "commentary": _rows(conn, sa.select(commentary.c.organization, commentary.c.unit, commentary.c.as_of,
                                                    commentary.c.changed_at)
                                    .where(sa.func.lower(commentary.c.changed_by) == mail)),
                "time_survey": _rows(conn, sa.select(time_survey).where(
                    sa.func.lower(time_survey.c.respondent) == mail)),
            }

    def erase(self, email: str, ids: dict[str, set[str]], anonymous: str, on: dt.date, now: dt.datetime) -> dict[str, int]:
        """Erase the person, in one transaction: their invites (and with them their answers and notes
        as given), their account with its sessions and tokens, their name on the changes they made;
        in each recorded assessment their notes and name, and their answers' link to them: the
        values stay under `anonymous`, an id tied to no one, and the assessment is marked."""
        mail = email.strip().lower()
        with self._ws.transaction() as conn:
            mine = sa.func.lower(invites.c.email) == mail
            # their answers and notes as given first: no database is trusted to cascade (SQLite does not by default)
            for table in (invite_answers, invite_links, deliveries):  # and the links and e-mails sent them
                conn.execute(table.delete().where(table.c.invite_id.in_(sa.select(invites.c.id).where(mine))))
            gone_invites = conn.execute(invites.delete().where(mine)).rowcount
            held = conn.execute(sa.select(respondents.c.assessment_id, respondents.c.respondent)
                                .join(assessments, assessments.c.id == respondents.c.assessment_id)
                                .where(_theirs(ids))).all()
            for aid, who in held:
                _cut_loose(conn, aid, who, anonymous)
                conn.execute(erasures.insert().values(assessment_id=aid, on=on, at=now))
            account_ids = sa.select(users.c.id).where(sa.func.lower(users.c.email) == mail)
            for table in (sessions, api_tokens, mfa_secrets, recovery_codes, pending_sign_ins, password_resets):
                conn.execute(table.delete().where(table.c.user_id.in_(account_ids)))
            account = conn.execute(users.delete().where(sa.func.lower(users.c.email) == mail)).rowcount
            # no rate limit or failed sign-in count to delete: their keys are SHA-256 digests (of an
            # e-mail with a client), naming no one, and they fade by themselves within the hour
            for table in (investment_changes, commentary):
                conn.execute(table.update().where(sa.func.lower(table.c.changed_by) == mail).values(changed_by=ERASED))
            return {"invites": gone_invites, "recorded": len(held), "account": account}

    def closed_holding_people(self) -> list[tuple[int, str, int | None, dt.date]]:
        """(campaign id, organisation, assessment id, day closed) of the closed campaigns that still hold invites."""
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(campaigns.c.id, campaigns.c.organization, campaigns.c.assessment_id,
                                          campaigns.c.closed_at).where(
                campaigns.c.closed_at.is_not(None) & sa.exists().where(invites.c.campaign_id == campaigns.c.id))).all()
        # the UTC day: PostgreSQL gives the time back in the server's zone
        return [(r.id, r.organization, r.assessment_id, aware(r.closed_at).astimezone(dt.UTC).date()) for r in rows]

    def forget_campaign(self, campaign_id: int, assessment_id: int | None, anonymous: Callable[[], str]) -> int:
        """Retention: a closed campaign's invites go (names, e-mails, answers and notes as given), and its
        recorded assessment keeps its answers under ids tied to no one (each a new `anonymous()`),
        without notes or names. Returns how many people it held."""
        with self._ws.transaction() as conn:
            theirs = sa.select(invites.c.id).where(invites.c.campaign_id == campaign_id)
            for table in (invite_answers, invite_links, deliveries):
                conn.execute(table.delete().where(table.c.invite_id.in_(theirs)))
            gone = conn.execute(invites.delete().where(invites.c.campaign_id == campaign_id)).rowcount
            if assessment_id is not None:
                held = conn.execute(sa.select(respondents.c.respondent)
                                    .where(respondents.c.assessment_id == assessment_id)).scalars().all()
                for who in held:
                    _cut_loose(conn, assessment_id, who, anonymous())
            return gone


def _cut_loose(conn: sa.Connection, assessment_id: int, who: str, anonymous: str) -> None:
    """A respondent's answers in a recorded assessment kept under `anonymous`, an id tied to no one:
    their values stand (the published figures are made of them), their notes and name go."""
    conn.execute(answers.update().where((answers.c.assessment_id == assessment_id) & (answers.c.respondent == who))
                 .values(respondent=anonymous, note=None, note_hidden=False))
    conn.execute(respondents.update().where((respondents.c.assessment_id == assessment_id)
                                            & (respondents.c.respondent == who)).values(respondent=anonymous, name=None))
