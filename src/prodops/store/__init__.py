"""The workspace: recorded assessments in SQLite (default `./prodops.db`) or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import contextlib
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops import clock
from prodops.errors import Fix, InputError

if TYPE_CHECKING:  # imported where used: a command that only imports data never loads pydantic
    import polars as pl

    from prodops.answers import Responses
    from prodops.assessment import AssessmentResult
    from prodops.model import MaturityModel

from prodops.store.tables import answers, assessments, dimension_levels, metadata, organizations, respondents, settings

DEFAULT_DB = "prodops.db"
ENV_URL = "PRODOPS_DATABASE_URL"
_MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0011"  # the newest migration; tests check it against Alembic's own head
_CHILD_TABLES = (answers, respondents, dimension_levels)


def database_url(db: str | None = None) -> str:
    """`db` (a path or a URL), else $PRODOPS_DATABASE_URL, else ./prodops.db."""
    value = (db if db is not None else os.environ.get(ENV_URL) or DEFAULT_DB).strip()
    if not value:
        raise InputError("the workspace is given as empty text; give a SQLite file path or a database URL", fix=Fix("db"))
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + value[len(plain):]
    return value


_URL_HELP = "use a SQLite file path, sqlite:///PATH, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"


@dataclass(frozen=True)
class RecordedAssessment:
    id: int
    organization: str
    date: dt.date
    model_id: str
    model_version: str
    level: int
    level_name: str
    progress_to_next: float | None
    respondents: int
    dimensions: dict[str, int]
    unit: str | None = None  # the team or business unit it is scoped to; None: the whole organisation


def history_document(recorded: list[RecordedAssessment]) -> dict:
    """The JSON form of the history (`prodops history --json`, the demo's history.json)."""
    return {"assessments": [
        {"id": a.id, "date": a.date.isoformat(), "organization": a.organization, "unit": a.unit, "model_id": a.model_id,
         "model_version": a.model_version, "respondents": a.respondents, "level": a.level,
         "level_name": a.level_name,
         "progress_to_next": None if a.progress_to_next is None else round(a.progress_to_next, 4),
         "dimensions": a.dimensions}
        for a in recorded]}


class Workspace:
    """Every database error inside becomes an InputError that says which workspace and what to do.
    A context manager: `with Workspace.open(db) as ws:` closes it on every path."""

    def __init__(self, url: str, create: bool = True):
        self.url = url
        path = _sqlite_path(url)
        if path is not None and not create and not path.exists():
            raise InputError(f"no workspace at {path} yet; recording an assessment or importing data creates it",
                             fix=Fix("db"))
        with self._errors():
            self._engine = _engine(url)
        self._queue = threading.Lock() if self._engine.dialect.name == "sqlite" else contextlib.nullcontext()
        self._ready = False
        self._create = create
        self._owner: str | None = None  # the organisation the upgrade to 0011 gives the workspace's data

    @property
    def engine(self) -> sa.Engine:
        """The database, its schema brought up to date on first use: opening a workspace touches
        nothing, so a command that fails before writing leaves no new file behind."""
        self._schema()
        return self._engine

    def _schema(self) -> None:
        if not self._ready:
            where = self.where
            with self._errors():
                with self._engine.connect() as conn:
                    current = _at_head(conn)
                if not current:  # one process at a time brings the schema up to date; the others wait
                    with self._writing() as conn:
                        _lock_schema(conn)
                        _migrate(conn, self._create, where, self._owner)
                    _write_ahead(self._engine)
            self._ready = True

    @contextmanager
    def _writing(self):
        """A write transaction: on SQLite it takes the write lock at its start (BEGIN IMMEDIATE), so
        concurrent writers wait their turn (up to a minute) instead of failing half-way. Threads of
        one process queue on a lock of their own first: SQLite's busy wait sleeps in steps of up
        to 100 ms, which many threads of a web server would spend waiting on each other."""
        with self._queue, self._engine.connect().execution_options(prodops_write=True) as conn, conn.begin():
            yield conn

    def upgrade(self, organization: str | None = None) -> tuple[str | None, str]:
        """Bring the schema up to date now (every use does, first), giving the data, settings,
        events and brand kept for the whole workspace to `organization` where the workspace cannot
        tell whose they are. Returns (the revision before, the revision now)."""
        with self._errors(), self._engine.connect() as conn:
            before = _revision(conn)
        self._owner = organization
        self._schema()
        return before, HEAD_REVISION

    @property
    def where(self) -> str:
        """The workspace as people name it: its file, or its URL without the password."""
        return str(_sqlite_path(self.url) or _safe(self.url))

    @contextmanager
    def transaction(self, write: bool = True):
        """A transaction for the application layer's own queries, with the workspace's errors; a
        writer holds SQLite's write lock from its start."""
        self._schema()
        with self._errors(), (self._writing() if write else self._reading()) as conn:
            yield conn

    @contextmanager
    def _reading(self):
        with self._engine.connect() as conn, conn.begin():
            yield conn

    @classmethod
    def open(cls, db: str | None = None, create: bool = True) -> Workspace:
        return cls(database_url(db), create)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _errors(self):
        where = _safe(self.url)
        try:
            yield
        except ImportError as e:
            raise InputError(f"workspace {where}: its database driver is not installed ({e.name}); {_URL_HELP}",
                             fix=Fix("db")) from None
        except sa.exc.ArgumentError as e:
            raise InputError(f"workspace {where}: not a database URL or path ({e}); {_URL_HELP}", fix=Fix("db")) from None
        except sa.exc.SQLAlchemyError as e:
            reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
            hint = {
                "file is not a database": "it is not a prodops workspace; choose another",
                "unable to open database file": "check that its folder exists and is writable",
                "attempt to write a readonly database": "the workspace is read-only; choose a writable one",
            }.get(reason, "check the URL, the server and your rights on it")
            raise InputError(f"cannot use the workspace database {where}: {reason}; {hint}", fix=Fix("db")) from None

    def record(self, responses: Responses, result: AssessmentResult, model: MaturityModel,
               conn: sa.Connection | None = None) -> tuple[int, int | None]:
        """Store an assessment in one transaction (`conn`'s, when given). One assessment per
        organisation, unit, date and model: recording it again replaces it under the same id. Returns
        (id, respondents it had before or None)."""
        from prodops.assessment import result_document

        if conn is None:
            with self.transaction() as conn:
                return self.record(responses, result, model, conn)
        organization = register(conn, result.organization)  # as the workspace spells it
        unit = responses.unit or ""
        key = (assessments.c.organization == organization) & (assessments.c.unit == unit) & (
            assessments.c.date == result.date) & (assessments.c.model_id == result.model_id)
        values = dict(
            organization=organization, unit=unit, date=result.date, model_id=result.model_id,
            model_version=result.model_version, level=result.level,
            progress_to_next=result.progress_to_next, respondent_count=result.respondents,
            sources=list(responses.sources), result=result_document(result, model),
            recorded_at=clock.now(),
        )
        old = conn.execute(sa.select(assessments.c.id, assessments.c.respondent_count).where(key)).one_or_none()
        insert = dialect_insert(conn)(assessments).values(**values)
        # a real upsert: two writers of the same assessment at once both succeed, the later wins
        aid = conn.execute(insert.on_conflict_do_update(
            index_elements=["organization", "unit", "date", "model_id"],
            set_={k: insert.excluded[k] for k in values if k not in ("organization", "unit", "date", "model_id")},
        ).returning(assessments.c.id)).scalar_one()
        for table in _CHILD_TABLES:
            conn.execute(table.delete().where(table.c.assessment_id == aid))
        conn.execute(dimension_levels.insert(), [
            {"assessment_id": aid, "dimension": d, "level": n} for d, n in result.dimensions.items()])
        conn.execute(respondents.insert(), [
            {"assessment_id": aid, "respondent": r.id, "role": r.role, "name": r.name, "team": r.team}
            for r in responses.respondents])
        rows = [{"assessment_id": aid, "respondent": r.id, "criterion": c, "value": r.answers.get(c),
                 "na": c in r.answers and r.answers[c] is None, "note": r.notes.get(c)}
                for r in responses.respondents for c in {**r.answers, **r.notes}]
        if rows:
            conn.execute(answers.insert(), rows)
        return aid, None if old is None else old.respondent_count

    def assessments(self, organization: str | None = None) -> list[RecordedAssessment]:
        """Recorded assessments, oldest first; `organization` matches regardless of case."""
        query = sa.select(assessments).order_by(assessments.c.date, assessments.c.id)
        if organization:
            query = query.where(sa.func.lower(assessments.c.organization) == organization.strip().lower())
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
            dims: dict[int, dict[str, int]] = {}
            for aid, dim, level in conn.execute(sa.select(
                    dimension_levels.c.assessment_id, dimension_levels.c.dimension, dimension_levels.c.level)):
                dims.setdefault(aid, {})[dim] = level
        return [RecordedAssessment(r.id, r.organization, r.date, r.model_id, r.model_version, r.level,
                                   r.result.get("level_name", ""), r.progress_to_next, r.respondent_count,
                                   dims.get(r.id, {}), r.unit or None) for r in rows]

    def write(self, table_name: str, rows: "pl.DataFrame", organization: str) -> tuple[int, int]:
        """Insert or update imported rows of `organization` by the table's key, in one transaction:
        (new, updated). A real upsert (INSERT ... ON CONFLICT DO UPDATE) on SQLite and PostgreSQL alike."""
        import polars as pl

        table = metadata.tables[table_name]
        key = [c.name for c in table.primary_key.columns]
        count = sa.select(sa.func.count()).select_from(table)
        self._schema()  # first, in its own transaction
        with self._errors(), self._writing() as conn:
            # A writer holds the table to itself (SQLite: the database; PostgreSQL: a lock on the
            # table that lets readers read), so rows counted before and after are its own.
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')
            rows = rows.with_columns(organization=pl.lit(register(conn, organization)),
                                     imported_at=pl.lit(clock.now()))
            before = conn.execute(count).scalar_one()
            if rows.height:
                insert = dialect_insert(conn)(table)
                upsert = insert.on_conflict_do_update(
                    index_elements=key, set_={c.name: insert.excluded[c.name] for c in table.columns if c.name not in key})
                _execute_many(conn, upsert, table, rows)
            new = conn.execute(count).scalar_one() - before
        return new, rows.height - new

    def read(self, table_name: str, organization: str) -> "pl.DataFrame":
        """An imported table's rows of `organization` (as the workspace spells it) as a typed frame,
        without the organisation (empty, with its columns, when it has none)."""
        import polars as pl

        from prodops.columns import each_distinct

        table = metadata.tables[table_name]
        columns = [c for c in table.columns if c.name != "organization"]
        types = {sa.Date: pl.Date, sa.Float: pl.Float64, sa.Boolean: pl.Boolean, sa.DateTime: pl.Datetime("us", "UTC")}
        schema = {c.name: next((t for k, t in types.items() if isinstance(c.type, k)), pl.String) for c in columns}
        with self._errors(), self.engine.connect() as conn:
            query = sa.select(*columns).where(table.c.organization == spelled(conn, organization))
            # the driver's rows, each column's type conversion applied once per distinct value:
            # SQLAlchemy's own conversion row by row takes most of a second for 25,000 sprints
            compiled = query.compile(dialect=conn.dialect)
            result = conn.exec_driver_sql(compiled.string, _driver_params(compiled))
            driver_types = [d[1] for d in result.cursor.description]
            frame = pl.DataFrame(result.fetchall(), schema=list(schema), orient="row", infer_schema_length=None)
            for c, driver_type in zip(columns, driver_types):
                convert = c.type.dialect_impl(conn.dialect).result_processor(conn.dialect, driver_type)
                frame = frame.with_columns(pl.col(c.name).cast(schema[c.name], strict=False) if convert is None
                                           else each_distinct(frame[c.name], convert, schema[c.name]))
        return frame

    def distinct(self, table_name: str, organization: str, *columns: str) -> list[tuple]:
        """The distinct values of `columns` in an imported table's rows of `organization`, in no particular order."""
        table = metadata.tables[table_name]
        with self._errors(), self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.select(*[table.c[c] for c in columns])
                                                   .where(table.c.organization == spelled(conn, organization)).distinct())]

    def settings(self, organization: str) -> dict[str, dict[str, str]]:
        """The settings of `organization` (as the workspace spells it): unit ("" for the organisation
        itself) -> key -> value."""
        out: dict[str, dict[str, str]] = {}
        with self._errors(), self.engine.connect() as conn:
            for unit, key, value in conn.execute(sa.select(settings.c.unit, settings.c.key, settings.c.value)
                                                 .where(settings.c.organization == spelled(conn, organization))):
                out.setdefault(unit, {})[key] = value
        return out

    def set_setting(self, organization: str, key: str, value: str | None, unit: str = "") -> None:
        """Set (None: remove) a setting of `organization`, or of its `unit`."""
        self._schema()  # first, in its own transaction
        with self._errors(), self._writing() as conn:
            organization = register(conn, organization)
            if value is None:
                conn.execute(settings.delete().where(settings.c.organization == organization, settings.c.unit == unit,
                                                     settings.c.key == key))
            else:
                insert = dialect_insert(conn)(settings).values(organization=organization, unit=unit, key=key, value=value)
                conn.execute(insert.on_conflict_do_update(index_elements=["organization", "unit", "key"],
                                                          set_={"value": insert.excluded.value}))

    def held(self) -> list[str]:
        """Every organisation the workspace holds (assessed, campaigned for, or with data or
        settings of its own), as first spelled, in name order. Asking makes no workspace."""
        path = _sqlite_path(self.url)
        if path is not None and not path.exists():
            return []
        with self._errors(), self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(organizations.c.name)).scalars(), key=str.casefold)

    def organizations(self) -> list[str]:
        with self._errors(), self.engine.connect() as conn:
            return list(conn.execute(sa.select(assessments.c.organization).distinct()
                                     .order_by(assessments.c.organization)).scalars())

    def latest(self, organization: str | None = None) -> RecordedAssessment:
        """The newest assessment of `organization`, or of the only organisation recorded."""
        orgs = self.organizations()
        if not orgs:
            raise InputError(f"no assessment recorded in the workspace {_safe(self.url)} yet; record one first",
                             fix=Fix("assess"))
        if organization is None and len(orgs) > 1:
            raise InputError(f"the workspace holds several organisations ({', '.join(orgs)}); choose one",
                             fix=Fix("organization"))
        recorded = self.assessments(organization)
        if not recorded:
            raise InputError(f"no assessment of {organization!r} in the workspace; recorded: {', '.join(orgs)}",
                             fix=Fix("organization"))
        return recorded[-1]

    def responses(self, assessment_id: int) -> Responses:
        """The answers of a recorded assessment, to score again (with the same or a newer model)."""
        from prodops.answers import Respondent, Responses

        with self._errors(), self.engine.connect() as conn:
            head = conn.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).one_or_none()
            if head is None:
                raise InputError(f"no assessment #{assessment_id} in the workspace", fix=Fix("history"))
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
            unit=head.unit or None,
        )


def spelled(conn: sa.Connection, organization: str) -> str:
    """`organization` as the workspace spells it (names match whatever their case; in Python, as
    SQLite's lower() folds ASCII only), or as given when the workspace does not hold it."""
    name = organization.strip()
    return next((known for known in conn.execute(sa.select(organizations.c.name)).scalars()
                 if known.casefold() == name.casefold()), name)


def register(conn: sa.Connection, organization: str) -> str:
    """`organization` as the workspace spells it, added to those it holds when new: every writer
    of a row that names an organisation calls it, in its own transaction."""
    name = spelled(conn, organization)
    conn.execute(dialect_insert(conn)(organizations).values(name=name, added_at=clock.now())
                 .on_conflict_do_nothing(index_elements=["name"]))
    return name


def _driver_params(compiled: sa.sql.compiler.Compiled):
    """A compiled statement's parameters as its driver takes them (positional or named)."""
    params = compiled.construct_params()
    return tuple(params[k] for k in compiled.positiontup) if compiled.positional else params


def dialect_insert(conn: sa.Connection):
    """The INSERT of the connection's database that knows ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (not in-memory, not a `file:` URI)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database.startswith("file:") \
            or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _engine(url: str) -> sa.Engine:
    """The database's engine. SQLite gets what many writers need: a write-ahead log (readers never
    wait for a writer), a minute's patience for a busy database instead of "database is locked",
    and real transactions (pysqlite's own begin late and silently): BEGIN IMMEDIATE for a writer,
    which takes the write lock up front, so two writers queue instead of deadlocking. With the
    write-ahead log, a commit is written but not flushed to the disk (synchronous=NORMAL, as SQLite
    advises for WAL): the workspace stays whole whatever happens, and survives any crash of
    prodops; only a power cut may lose the last commits. It halves the cost of an autosave."""
    backend = sa.engine.make_url(url).get_backend_name()
    if backend != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi, _record):
        dbapi.isolation_level = None  # prodops says when a transaction begins
        if dbapi.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            dbapi.execute("PRAGMA synchronous=NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("prodops_write") else "BEGIN")

    return engine


def _write_ahead(engine: sa.Engine) -> None:
    """Put a SQLite workspace in write-ahead-log mode (it stays so): readers never wait for a
    writer. Set once its schema is made, outside any transaction, as SQLite requires."""
    if engine.dialect.name != "sqlite" or _memory(str(engine.url)):
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # a read-only workspace keeps the journal it has
        pass
    finally:
        raw.close()
    engine.dispose()  # connections made before it reopen knowing the journal (and flush as it allows)


def _memory(url: str) -> bool:
    database = sa.engine.make_url(url).database
    return not database or database == ":memory:" or database.startswith("file::memory:")


def _revision(conn: sa.Connection) -> str | None:
    """The schema's revision; None for a database without prodops' schema."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _at_head(conn: sa.Connection) -> bool:
    return _revision(conn) == HEAD_REVISION


def _execute_many(conn: sa.Connection, statement, table: sa.Table, rows: "pl.DataFrame") -> None:
    """Run `statement` once per row, with each column converted as SQLAlchemy would bind it (SQLite
    keeps dates as text) but once per distinct value, and the rows handed to the driver as they
    are: SQLAlchemy's per-row parameter handling took four times the database's own time."""
    import polars as pl

    from prodops.columns import each_distinct

    compiled = statement.compile(dialect=conn.dialect, column_keys=[c.name for c in table.columns])
    columns = []
    for c in table.columns:
        convert = c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        columns.append(pl.col(c.name) if convert is None else each_distinct(rows[c.name], convert))
    frame = rows.select(columns)
    params = frame.select(list(compiled.positiontup)).rows() if compiled.positional else frame.to_dicts()
    for i in range(0, len(params), 10_000):
        conn.exec_driver_sql(compiled.string, params[i:i + 10_000])


def _lock_schema(conn: sa.Connection) -> None:
    """On PostgreSQL, one process at a time may create or upgrade the schema (SQLite's writer
    lock does the same there): several workers started at once would otherwise collide."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(20261130)")


# Alembic's own record of the revision, as it creates it
_ALEMBIC_VERSION = sa.Table("alembic_version", sa.MetaData(), sa.Column("version_num", sa.String(32), nullable=False),
                            sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def _migrate(conn: sa.Connection, create: bool, where: str, owner: str | None = None) -> None:
    """Bring the schema to the newest migration. At head already (the usual case) or new, skip
    loading Alembic: it costs most of a second. A database without prodops' schema gets
    one only when `create` (a command that writes): a command that only reads never writes a
    schema into an empty file or someone else's database. `owner`: the organisation the rows kept
    for the whole workspace go to, where the workspace cannot tell (revision 0011)."""
    if sa.inspect(conn).has_table("alembic_version"):
        if conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD_REVISION]:
            return
    elif not create:
        raise InputError(f"{where} is not a prodops workspace (it has no prodops tables); nothing was written",
                         fix=Fix("db"))
    else:  # a new workspace: the tables as declared (a test holds them equal to the migrations' own)
        metadata.create_all(conn, checkfirst=False)
        _ALEMBIC_VERSION.create(conn)
        conn.execute(_ALEMBIC_VERSION.insert().values(version_num=HEAD_REVISION))
        return
    from alembic import command

    command.upgrade(migrations(conn, owner), "head")


def migrations(conn: sa.Connection | None = None, owner: str | None = None):
    """Alembic's configuration of prodops' migrations, run on `conn` when given; `owner`: the
    organisation that rows kept for the whole workspace go to where the workspace cannot tell."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    cfg.attributes["organization"] = owner
    return cfg


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


__all__ = ["Workspace", "dialect_insert", "register", "spelled", "RecordedAssessment", "database_url", "history_document", "metadata", "DEFAULT_DB", "ENV_URL"]
