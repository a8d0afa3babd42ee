"""The workspace: one database (a SQLite file, `./prodops.db` by default, or PostgreSQL by URL),
its schema kept up to date, its transactions, and the repositories over it."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.core.errors import Fix, InputError
from prodops.store.address import DEFAULT_DB, ENV_URL, HEAD_REVISION, database_url  # noqa: F401 (shared names)
from prodops.store.organizations import held_names
from prodops.store.tables import metadata, state_versions

if TYPE_CHECKING:  # imported where used: a command that only imports data never loads pydantic
    import polars as pl

    from prodops.core.responses import Responses
    from prodops.core.assessment import AssessmentResult
    from prodops.core.model import MaturityModel
    from prodops.store.access import Access
    from prodops.store.assessments import Assessments, RecordedAssessment
    from prodops.store.campaigns import Campaigns
    from prodops.store.challenge import ChallengeGames
    from prodops.store.people import People
    from prodops.store.commentary import Commentary
    from prodops.store.audit import AuditTrail
    from prodops.store.computed import Computed
    from prodops.store.data import ImportedData
    from prodops.store.investments import Investments
    from prodops.store.mfa import SecondFactors
    from prodops.store.profiles import Profiles
    from prodops.store.sso import SignIns
    from prodops.store.units import DeclaredUnits

_MIGRATIONS = Path(__file__).parent / "migrations"


_URL_HELP = "use a SQLite file path, sqlite:///PATH, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"


class Workspace:
    """One workspace and its repositories, each the one home of its statements, its transactions
    and its lock rule:

    - `recorded`: the recorded assessments, their respondents and answers;
    - `data`: the imported value-metric data;
    - `profiles`: each organisation's settings, named days and brand files;
    - `commentary`: the lead's words on a report;
    - `units`: the teams and business units declared;
    - `investments`: every change to an investment of the plan;
    - `campaigns`: campaigns, their invites and the answers given through them;
    - `access`: users, sessions, API tokens and rate limits;
    - `mfa`: two-step sign-in: TOTP secrets, recovery codes, sign-ins awaiting a code, and the
      workspace-wide settings;
    - `challenge`: the Knowledge Challenge's games and guest players;
    - `computed`: what is computed from the workspace, kept under its state version;
    - `audit`: the audit trail, added to and read, never changed;
    - `sso`: the single sign-ons under way, each used once.

    The locks: on SQLite every writer holds the write lock from the start of its transaction (BEGIN
    IMMEDIATE, see `transaction`), so writers queue instead of failing half-way; on PostgreSQL
    writers run side by side and a repository takes the lock its rule needs (an import holds its
    table; saving answers holds their campaign's row in share mode, closing it holds the row alone).
    The schema is brought up to date by one process at a time (PostgreSQL: an advisory lock; SQLite:
    its write lock). Readers never wait (SQLite's write-ahead log).

    The recorded assessments', imported data's and settings' most used calls are on the workspace
    too (`record`, `assessments`, `read`...), as shorthands of their repositories'.

    Every database error inside becomes an InputError that says which workspace and what to do.
    A context manager: `with Workspace.open(db) as ws:` closes it on every path."""

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        path = _sqlite_path(url)
        if path is not None and not create and not path.exists():
            raise InputError(f"no workspace at {path} yet; recording an assessment or importing data creates it",
                             fix=Fix("db"))
        with self._errors():
            self._engine = _engine(url)
        self._queue: AbstractContextManager[Any] = (
            threading.Lock() if self._engine.dialect.name == "sqlite" else contextlib.nullcontext())
        self._here = threading.local()  # what this thread holds: `writing`, a write transaction
        self._ready = False
        self._create = create
        self._owner: str | None = None  # the organisation the upgrade to 0011 gives the workspace's data

    # --- the repositories, each made (and its module imported) when first used: a command pays only for its own

    @cached_property
    def recorded(self) -> Assessments:
        from prodops.store.assessments import Assessments

        return Assessments(self)

    @cached_property
    def data(self) -> ImportedData:
        from prodops.store.data import ImportedData

        return ImportedData(self)

    @cached_property
    def profiles(self) -> Profiles:
        from prodops.store.profiles import Profiles

        return Profiles(self)

    @cached_property
    def commentary(self) -> Commentary:
        from prodops.store.commentary import Commentary

        return Commentary(self)

    @cached_property
    def units(self) -> DeclaredUnits:
        from prodops.store.units import DeclaredUnits

        return DeclaredUnits(self)

    @cached_property
    def investments(self) -> Investments:
        from prodops.store.investments import Investments

        return Investments(self)

    @cached_property
    def campaigns(self) -> Campaigns:
        from prodops.store.campaigns import Campaigns

        return Campaigns(self)

    @cached_property
    def access(self) -> Access:
        from prodops.store.access import Access

        return Access(self)

    @cached_property
    def mfa(self) -> SecondFactors:
        from prodops.store.mfa import SecondFactors

        return SecondFactors(self)

    @cached_property
    def people(self) -> People:
        from prodops.store.people import People

        return People(self)

    @cached_property
    def computed(self) -> Computed:
        from prodops.store.computed import Computed

        return Computed(self)

    @cached_property
    def audit(self) -> AuditTrail:
        from prodops.store.audit import AuditTrail

        return AuditTrail(self)

    @cached_property
    def sso(self) -> SignIns:
        from prodops.store.sso import SignIns

        return SignIns(self)

    @cached_property
    def challenge(self) -> ChallengeGames:
        from prodops.store.challenge import ChallengeGames

        return ChallengeGames(self)

    @classmethod
    def open(cls, db: str | None = None, create: bool = True) -> Workspace:
        """The workspace at `db` (a path or a URL; see `database_url`). Opening touches nothing."""
        return cls(database_url(db), create)

    def close(self) -> None:
        """Close the database's connections."""
        self._engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The workspace as people name it: its file, or its URL without the password."""
        return str(_sqlite_path(self.url) or _safe(self.url))

    @property
    def address(self) -> str:
        """The workspace's URL without its password, as messages about its contents name it."""
        return _safe(self.url)

    @property
    def engine(self) -> sa.Engine:
        """The database, its schema brought up to date on first use: opening a workspace touches
        nothing, so a command that fails before writing leaves no new file behind."""
        self._schema()
        return self._engine

    def upgrade(self, organization: str | None = None) -> tuple[str | None, str]:
        """Bring the schema up to date now (every use does, first), giving the data, settings,
        events and brand kept for the whole workspace to `organization` where the workspace cannot
        tell whose they are. Returns (the revision before, the revision now)."""
        with self._errors(), self._engine.connect() as conn:
            before = _revision(conn)
        self._owner = organization
        self._schema()
        return before, HEAD_REVISION

    @contextmanager
    def transaction(self, write: bool = True, changes: bool = True) -> Iterator[sa.Connection]:
        """One transaction, committed at the end (rolled back on an error), with the workspace's
        errors. A writer holds SQLite's write lock from its start: writers of one process queue on
        a lock of their own first, then on SQLite's. A reader takes no lock.
        A writer moves the workspace's state version on, in the same transaction, so that what was
        computed from the workspace before it is computed again (`computed`); only writers that
        cannot change what is computed say `changes=False` (an answer saved to an open campaign,
        a session, a rate limit, a delivery, a lease, a game of the Challenge)."""
        self._schema()
        with self._errors(), (self._writing() if write else self._reading()) as conn:
            yield conn
            if write and changes:
                conn.execute(state_versions.update().where(state_versions.c.name == "workspace")
                             .values(version=state_versions.c.version + 1))

    def writing(self) -> bool:
        """Whether this thread is inside a write transaction of the workspace (another would wait on it)."""
        return getattr(self._here, "writing", False)

    def held(self) -> list[str]:
        """Every organisation the workspace holds (assessed, campaigned for, or with data or
        settings of its own), as first spelled, in name order. Asking makes no workspace."""
        path = _sqlite_path(self.url)
        if path is not None and not path.exists():
            return []
        with self.transaction(write=False) as conn:
            return held_names(conn)

    # --- shorthands for what every command uses: each is its repository's ----------------------

    def record(self, responses: Responses, result: AssessmentResult, model: MaturityModel) -> tuple[int, int | None]:
        """`recorded.record`: store an assessment (replacing the same one); (id, respondents before or None)."""
        return self.recorded.record(responses, result, model)

    def assessments(self, organization: str | None = None) -> list[RecordedAssessment]:
        """`recorded.of`: the recorded assessments (of `organization`, any case), oldest first."""
        return self.recorded.of(organization)

    def organizations(self) -> list[str]:
        """`recorded.organizations`: the organisations assessed, in name order."""
        return self.recorded.organizations()

    def latest(self, organization: str | None = None) -> RecordedAssessment:
        """`recorded.latest`: the newest assessment of `organization`, or of the only one recorded."""
        return self.recorded.latest(organization)

    def responses(self, assessment_id: int) -> Responses:
        """`recorded.responses`: the answers of a recorded assessment."""
        return self.recorded.responses(assessment_id)

    def write(self, table_name: str, rows: pl.DataFrame, organization: str) -> tuple[int, int]:
        """`data.write`: insert or update imported rows of `organization`; (new, updated)."""
        return self.data.write(table_name, rows, organization)

    def read(self, table_name: str, organization: str) -> pl.DataFrame:
        """`data.read`: an imported table's rows of `organization` as a typed frame."""
        return self.data.read(table_name, organization)

    def distinct(self, table_name: str, organization: str, *columns: str) -> list[tuple[Any, ...]]:
        """`data.distinct`: the distinct values of `columns` in an imported table's rows of `organization`."""
        return self.data.distinct(table_name, organization, *columns)

    def settings(self, organization: str) -> dict[str, dict[str, str]]:
        """`profiles.settings`: the settings of `organization`, unit ("": its own) -> key -> value."""
        return self.profiles.settings(organization)

    def set_setting(self, organization: str, key: str, value: str | None, unit: str = "") -> None:
        """`profiles.set_setting`: set (None: remove) a setting of `organization`, or of its `unit`."""
        self.profiles.set_setting(organization, key, value, unit)

    # --- the database underneath ----------------------------------------------------------------

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
    def _writing(self) -> Iterator[sa.Connection]:
        """A write transaction: on SQLite it takes the write lock at its start (BEGIN IMMEDIATE), so
        concurrent writers wait their turn (up to a minute) instead of failing half-way. Threads of
        one process queue on a lock of their own first: SQLite's busy wait sleeps in steps of up
        to 100 ms, which many threads of a web server would spend waiting on each other."""
        with self._queue, self._engine.connect().execution_options(prodops_write=True) as conn, conn.begin():
            self._here.writing = True
            try:
                yield conn
            finally:
                self._here.writing = False

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
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
        # ten connections a worker, kept: a connection opened past the pool's size is closed when
        # given back, and PostgreSQL starts a process for each new one (2,000 respondents on four
        # workers spent most of the machine starting and ending them); a thread past ten waits
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=0)
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # prodops says when a transaction begins
        if dbapi.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            dbapi.execute("PRAGMA synchronous=NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("prodops_write") else "BEGIN")

    return engine


def _write_ahead(engine: sa.Engine) -> None:
    """Put a SQLite workspace in write-ahead-log mode (it stays so): readers never wait for a
    writer. Set once its schema is made, outside any transaction, as SQLite requires."""
    if engine.dialect.name != "sqlite" or _memory(str(engine.url)):
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode=WAL")  # type: ignore[union-attr]
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
        conn.execute(state_versions.insert().values(name="workspace", version=1))  # as migration 0014 seeds it
        _ALEMBIC_VERSION.create(conn)
        conn.execute(_ALEMBIC_VERSION.insert().values(version_num=HEAD_REVISION))
        return
    from alembic import command

    command.upgrade(migrations(conn, owner), "head")


def migrations(conn: sa.Connection | None = None, owner: str | None = None) -> Any:
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
