"""The recorded assessments: each with its dimension levels, its respondents and their answers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops import clock
from prodops.core.errors import Fix, InputError
from prodops.store.dialects import aware, dialect_insert
from prodops.store.organizations import register
from prodops.store.records import RecordedAssessment
from prodops.store.tables import (answers, assessments, campaign_events, campaigns, dimension_levels, erasures,
                                  respondents, workspace_keys)

if TYPE_CHECKING:  # imported where used: a command that only reads the history never loads pydantic
    from prodops.core.responses import Responses
    from prodops.core.assessment import AssessmentResult
    from prodops.core.model import MaturityModel
    from prodops.store.workspace import Workspace

_CHILD_TABLES = (answers, respondents, dimension_levels)


class Assessments:
    """The recorded assessments. One per organisation, unit, date and model: recording it again
    replaces it under the same id. Writers take no lock of their own beyond the workspace's (on
    SQLite the write lock; on PostgreSQL the upsert on the unique key settles two at once)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def record(self, responses: Responses, result: AssessmentResult, model: MaturityModel) -> tuple[int, int | None]:
        """Store an assessment in one transaction. Returns (id, respondents it had before or None)."""
        with self._ws.transaction() as conn:
            return record(conn, responses, result, model)

    def of(self, organization: str | None = None) -> list[RecordedAssessment]:
        """Recorded assessments, oldest first; `organization` matches regardless of case."""
        query = sa.select(assessments).order_by(assessments.c.date, assessments.c.id)
        if organization:
            query = query.where(sa.func.lower(assessments.c.organization) == organization.strip().lower())
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(query).all()
            dims: dict[int, dict[str, int]] = {}
            for aid, dim, level in conn.execute(sa.select(
                    dimension_levels.c.assessment_id, dimension_levels.c.dimension, dimension_levels.c.level)):
                dims.setdefault(aid, {})[dim] = level
            erased: dict[int, list[dt.date]] = {}
            for aid, on in conn.execute(sa.select(erasures.c.assessment_id, erasures.c.on).order_by(erasures.c.on)):
                erased.setdefault(aid, []).append(on)
            revised: dict[int, list[tuple[dt.date, str]]] = {}
            for aid, at, why in conn.execute(
                    sa.select(campaigns.c.assessment_id, campaign_events.c.at, campaign_events.c.detail)
                    .join(campaigns, campaigns.c.id == campaign_events.c.campaign_id)
                    .where((campaign_events.c.kind == "reopened") & campaigns.c.assessment_id.is_not(None)
                           & (campaigns.c.state == "closed"))
                    .order_by(campaign_events.c.at)):
                revised.setdefault(aid, []).append((aware(at).date(), why or ""))
        return [RecordedAssessment(r.id, r.organization, r.date, r.model_id, r.model_version, r.level,
                                   r.result.get("level_name", ""), r.progress_to_next, r.respondent_count,
                                   dims.get(r.id, {}), r.unit or None, tuple(erased.get(r.id, ())), r.threshold,
                                   r.result.get("scored_by"), tuple(revised.get(r.id, ())))
                for r in rows]

    def organizations(self) -> list[str]:
        """The organisations assessed, as recorded, in name order."""
        with self._ws.transaction(write=False) as conn:
            return list(conn.execute(sa.select(assessments.c.organization).distinct()
                                     .order_by(assessments.c.organization)).scalars())

    def latest(self, organization: str | None = None) -> RecordedAssessment:
        """The newest assessment of `organization`, or of the only organisation recorded."""
        orgs = self.organizations()
        if not orgs:
            raise InputError(f"no assessment recorded in the workspace {self._ws.address} yet; record one first",
                             fix=Fix("assess"))
        if organization is None and len(orgs) > 1:
            raise InputError(f"the workspace holds several organisations ({', '.join(orgs)}); choose one",
                             fix=Fix("organization"))
        recorded = self.of(organization)
        if not recorded:
            raise InputError(f"no assessment of {organization!r} in the workspace; recorded: {', '.join(orgs)}",
                             fix=Fix("organization"))
        return recorded[-1]

    def responses(self, assessment_id: int) -> Responses:
        """The answers of a recorded assessment, to score again (with the same or a newer model)."""
        from prodops.core.confidentiality import Privacy
        from prodops.core.responses import Respondent, Responses

        with self._ws.transaction(write=False) as conn:
            head = conn.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).one_or_none()
            if head is None:
                raise InputError(f"no assessment #{assessment_id} in the workspace", fix=Fix("history"))
            people = conn.execute(sa.select(respondents).where(respondents.c.assessment_id == assessment_id)
                                  .order_by(respondents.c.respondent)).all()
            given = conn.execute(sa.select(answers).where(answers.c.assessment_id == assessment_id)
                                 .order_by(answers.c.respondent, answers.c.criterion)).all()
        by_person: dict[str, list[Any]] = {}
        for row in given:
            by_person.setdefault(row.respondent, []).append(row)
        return Responses(
            organization=head.organization,
            date=head.date,
            respondents=tuple(
                Respondent(
                    id=p.respondent, role=p.role, name=p.name, team=p.team,
                    answers={a.criterion: a.value for a in by_person.get(p.respondent, [])
                             if a.value is not None or a.na},
                    notes={a.criterion: a.note for a in by_person.get(p.respondent, [])
                           if a.note is not None and not a.note_hidden},
                    hidden_notes=sum(1 for a in by_person.get(p.respondent, []) if a.note is not None and a.note_hidden),
                )
                for p in people
            ),
            sources=tuple(head.sources),
            unit=head.unit or None,
            privacy=Privacy(head.threshold),
        )


def record(conn: sa.Connection, responses: Responses, result: AssessmentResult,
           model: MaturityModel) -> tuple[int, int | None]:
    """Store an assessment in `conn`'s transaction (a campaign's close records in its own).
    Returns (id, respondents it had before or None). A confidential one keeps its respondents under
    pseudonyms and without their names (core.confidentiality)."""
    from prodops.core.assessment import result_document, shown
    from prodops.core.confidentiality import pseudonym

    organization = register(conn, result.organization)  # as the workspace spells it
    unit = responses.unit or ""
    key = (assessments.c.organization == organization) & (assessments.c.unit == unit) & (
        assessments.c.date == result.date) & (assessments.c.model_id == result.model_id)
    values = {
        "organization": organization, "unit": unit, "date": result.date, "model_id": result.model_id,
        "model_version": result.model_version, "level": result.level,
        "progress_to_next": shown(result).progress_to_next, "respondent_count": result.respondents,
        "sources": list(responses.sources), "result": result_document(result, model),
        "recorded_at": clock.now(), "threshold": responses.privacy.threshold,
    }
    old = conn.execute(sa.select(assessments.c.id, assessments.c.respondent_count).where(key)).one_or_none()
    insert = dialect_insert(conn)(assessments).values(**values)
    # a real upsert: two writers of the same assessment at once both succeed, the later wins
    aid: int = conn.execute(insert.on_conflict_do_update(
        index_elements=["organization", "unit", "date", "model_id"],
        set_={k: insert.excluded[k] for k in values if k not in ("organization", "unit", "date", "model_id")},
    ).returning(assessments.c.id)).scalar_one()
    for table in _CHILD_TABLES:
        conn.execute(table.delete().where(table.c.assessment_id == aid))
    conn.execute(dimension_levels.insert(), [
        {"assessment_id": aid, "dimension": d, "level": n} for d, n in result.dimensions.items()])
    if responses.privacy.confidential:
        secret = pseudonym_key(conn)
        ids = {r.id: pseudonym(secret, organization, r.id) for r in responses.respondents}
    else:
        ids = {r.id: r.id for r in responses.respondents}
    named = not responses.privacy.confidential
    conn.execute(respondents.insert(), [
        {"assessment_id": aid, "respondent": ids[r.id], "role": r.role, "name": r.name if named else None,
         "team": r.team} for r in responses.respondents])
    rows = [{"assessment_id": aid, "respondent": ids[r.id], "criterion": c, "value": r.answers.get(c),
             "na": c in r.answers and r.answers[c] is None, "note": r.notes.get(c)}
            for r in responses.respondents for c in {**r.answers, **r.notes}]
    if rows:
        conn.execute(answers.insert(), rows)
    return aid, None if old is None else old.respondent_count


def pseudonym_key(conn: sa.Connection) -> bytes:
    """The workspace's key for respondents' pseudonyms, made on first use (two writers at once: the first's stands)."""
    import secrets

    found = conn.execute(sa.select(workspace_keys.c.value).where(workspace_keys.c.name == "pseudonyms")).scalar()
    if found is None:
        conn.execute(dialect_insert(conn)(workspace_keys).values(name="pseudonyms", value=secrets.token_hex(32))
                     .on_conflict_do_nothing(index_elements=["name"]))
        found = conn.execute(sa.select(workspace_keys.c.value).where(workspace_keys.c.name == "pseudonyms")).scalar_one()
    return bytes.fromhex(found)
