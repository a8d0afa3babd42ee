"""The workspace: recorded assessments in SQLite (default `./prodops.db`) or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from prodops.answers import Respondent, Responses
from prodops.assessment import AssessmentResult, result_document
from prodops.errors import InputError
from prodops.model import MaturityModel
from prodops.store.tables import answers, assessments, dimension_levels, metadata, respondents

DEFAULT_DB = "prodops.db"
ENV_URL = "PRODOPS_DATABASE_URL"
_MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0001"  # the newest migration; tests check it against Alembic's own head
_CHILD_TABLES = (answers, respondents, dimension_levels)


def database_url(db: str | None = None) -> str:
    """`--db` (a path or a URL), else $PRODOPS_DATABASE_URL, else ./prodops.db."""
    value = db or os.environ.get(ENV_URL) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + value[len(plain):]
    return value


@dataclass(frozen=True)
class RecordedAssessment:
    id: int
    organization: str
    date: dt.date
    model_id: str
    model_version: str
    level: int
    progress_to_next: float | None
    respondents: int
    dimensions: dict[str, int]


def history_document(recorded: list[RecordedAssessment]) -> dict:
    """The JSON form of the history (`prodops history --json`, the demo's history.json)."""
    return {"assessments": [
        {"id": a.id, "date": a.date.isoformat(), "organization": a.organization, "model_id": a.model_id,
         "model_version": a.model_version, "respondents": a.respondents, "level": a.level,
         "progress_to_next": None if a.progress_to_next is None else round(a.progress_to_next, 4),
         "dimensions": a.dimensions}
        for a in recorded]}


class Workspace:
    def __init__(self, url: str):
        self.url = url
        try:
            self.engine = sa.create_engine(url)
            with self.engine.begin() as conn:
                _migrate(conn)
        except sa.exc.ArgumentError as e:
            raise InputError(f"database {url!r}: not a database URL or path ({e})") from None
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as e:
            reason = str(e.orig).strip().splitlines()[0] if getattr(e, "orig", None) else str(e)
            raise InputError(f"cannot open the workspace database {_safe(url)}: {reason}") from None

    @classmethod
    def open(cls, db: str | None = None) -> Workspace:
        return cls(database_url(db))

    def close(self) -> None:
        self.engine.dispose()

    def record(self, responses: Responses, result: AssessmentResult, model: MaturityModel) -> tuple[int, bool]:
        """Store an assessment in one transaction; (id, True) when it replaced an earlier recording."""
        key = (assessments.c.organization == result.organization) & (assessments.c.date == result.date) & (
            assessments.c.model_id == result.model_id)
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(assessments.c.id).where(key)).scalar()
            if old is not None:
                for table in _CHILD_TABLES:
                    conn.execute(table.delete().where(table.c.assessment_id == old))
                conn.execute(assessments.delete().where(assessments.c.id == old))
            new = conn.execute(assessments.insert().values(
                organization=result.organization, date=result.date, model_id=result.model_id,
                model_version=result.model_version, level=result.level,
                progress_to_next=result.progress_to_next, respondent_count=result.respondents,
                sources=list(responses.sources), result=result_document(result, model),
                recorded_at=dt.datetime.now(dt.timezone.utc),
            )).inserted_primary_key[0]
            conn.execute(dimension_levels.insert(), [
                {"assessment_id": new, "dimension": d, "level": n} for d, n in result.dimensions.items()])
            conn.execute(respondents.insert(), [
                {"assessment_id": new, "respondent": r.id, "role": r.role, "name": r.name, "team": r.team}
                for r in responses.respondents])
            rows = [{"assessment_id": new, "respondent": r.id, "criterion": c, "value": r.answers.get(c),
                     "na": c in r.answers and r.answers[c] is None, "note": r.notes.get(c)}
                    for r in responses.respondents for c in {**r.answers, **r.notes}]
            if rows:
                conn.execute(answers.insert(), rows)
        return new, old is not None

    def assessments(self, organization: str | None = None) -> list[RecordedAssessment]:
        """Recorded assessments, oldest first."""
        query = sa.select(assessments).order_by(assessments.c.date, assessments.c.id)
        if organization:
            query = query.where(assessments.c.organization == organization)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            dims: dict[int, dict[str, int]] = {}
            for aid, dim, level in conn.execute(sa.select(
                    dimension_levels.c.assessment_id, dimension_levels.c.dimension, dimension_levels.c.level)):
                dims.setdefault(aid, {})[dim] = level
        return [RecordedAssessment(r.id, r.organization, r.date, r.model_id, r.model_version, r.level,
                                   r.progress_to_next, r.respondent_count, dims.get(r.id, {})) for r in rows]

    def latest(self, organization: str | None = None) -> RecordedAssessment:
        recorded = self.assessments(organization)
        if not recorded:
            raise InputError(f"no assessment recorded in the workspace {_safe(self.url)}; run `prodops assess FILE` first, or pass an answers file")
        return recorded[-1]

    def responses(self, assessment_id: int) -> Responses:
        """The answers of a recorded assessment, to score again (with the same or a newer model)."""
        with self.engine.connect() as conn:
            head = conn.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).one_or_none()
            if head is None:
                raise InputError(f"no assessment #{assessment_id} in the workspace; `prodops history` lists them")
            people = conn.execute(sa.select(respondents).where(respondents.c.assessment_id == assessment_id)
                                  .order_by(respondents.c.respondent)).all()
            given = conn.execute(sa.select(answers).where(answers.c.assessment_id == assessment_id)
                                 .order_by(answers.c.respondent, answers.c.criterion)).all()
        by_person: dict[str, list] = {}
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
                    notes={a.criterion: a.note for a in by_person.get(p.respondent, []) if a.note is not None},
                )
                for p in people
            ),
            sources=tuple(head.sources),
        )


def _migrate(conn: sa.Connection) -> None:
    """Bring the schema to the newest migration. At head already (the usual case), skip loading
    Alembic: it costs most of a second on every command."""
    if sa.inspect(conn).has_table("alembic_version"):
        if conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD_REVISION]:
            return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


__all__ = ["Workspace", "RecordedAssessment", "database_url", "history_document", "metadata", "DEFAULT_DB", "ENV_URL"]
