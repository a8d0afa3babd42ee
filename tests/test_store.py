"""The workspace on SQLite and on a real PostgreSQL server: round trips, replacement, migrations."""

import datetime as dt

import pytest
import sqlalchemy as sa

from prodops.core.responses import Respondent, Responses

from prodops.inputs.answers import load_responses
from prodops.core.assessment import assess
from prodops.core.confidentiality import NAMED, Privacy, is_pseudonym
from prodops.shells.demo import demo_answers
from prodops.core.errors import InputError
from prodops.inputs.models import load_model
from prodops.store import HEAD_REVISION, Workspace, database_url
from tests.pgserver import new_database

MODEL = load_model()


def _responses(date=dt.date(2026, 10, 1), org="Acme", privacy=NAMED):
    return Responses(org, date, (
        Respondent("ana", "pm", {"om-2-role": 1.0, "om-2-coordination": None, "pp-2-cadence": 0.25},
                   {"om-2-role": "org chart <b>link</b>", "ma-3-north-star": "not sure yet"}, "Ana", "Payments"),
        Respondent("ivan", "leadership", {"om-2-role": 0.75}),
    ), ("a.yaml",), privacy=privacy)


def test_a_confidential_assessment_keeps_pseudonyms_and_no_names(db_url):
    ws = Workspace(db_url)
    given = _responses(privacy=Privacy(3))
    aid, _ = ws.record(given, assess(MODEL, given), MODEL)
    later = _responses(dt.date(2026, 12, 1), privacy=Privacy(3))
    later_id, _ = ws.record(later, assess(MODEL, later), MODEL)
    back, again = ws.responses(aid), ws.responses(later_id)
    assert back.privacy == Privacy(3)
    ids = [r.id for r in back.respondents]
    assert all(is_pseudonym(i) for i in ids) and "ana" not in ids
    assert ids == [r.id for r in again.respondents]  # the same person, the same pseudonym: a roll-up counts them once
    assert {r.name for r in back.respondents} == {None}
    with ws.engine.connect() as conn:  # nowhere in the tables either
        for table in ("respondents", "answers", "assessments"):
            rows = " ".join(str(r) for r in conn.execute(sa.text(f"SELECT * FROM {table}")))
            assert "'ana'" not in rows and "Ana" not in rows and "ivan" not in rows
    ws.close()


def test_round_trip(db_url):
    ws = Workspace(db_url)
    given = _responses()
    result = assess(MODEL, given)
    aid, before = ws.record(given, result, MODEL)
    assert before is None
    back = ws.responses(aid)
    assert back.organization == "Acme" and back.date == dt.date(2026, 10, 1)
    by_id = {r.id: r for r in back.respondents}
    assert by_id["ana"].answers == given.respondents[0].answers  # N/A stays N/A
    assert by_id["ana"].notes == given.respondents[0].notes      # a note without an answer stays unanswered
    assert (by_id["ana"].name, by_id["ana"].team) == ("Ana", "Payments")
    assert by_id["ivan"].answers == {"om-2-role": 0.75}
    assert assess(MODEL, back) == result
    [row] = ws.assessments()
    assert (row.level, row.respondents, row.model_version) == (result.level, 2, "1.0.0")
    assert row.dimensions == result.dimensions
    ws.close()


def test_recording_the_same_assessment_again_replaces_it(db_url):
    ws = Workspace(db_url)
    first = _responses()
    first_id, _ = ws.record(first, assess(MODEL, first), MODEL)
    later = _responses(dt.date(2026, 12, 1))
    ws.record(later, assess(MODEL, later), MODEL)
    second = Responses("Acme", first.date, first.respondents[:1], privacy=NAMED)
    aid, before = ws.record(second, assess(MODEL, second), MODEL)
    assert aid == first_id and before == 2  # replaced in place: the id stays
    row = ws.assessments()[0]
    assert row.id == aid and row.respondents == 1 and len(ws.assessments()) == 2
    assert [r.id for r in ws.responses(aid).respondents] == ["ana"]
    ws.close()


def test_history_is_ordered_and_filters_by_organization(db_url):
    ws = Workspace(db_url)
    for date, org in [(dt.date(2026, 9, 1), "Acme"), (dt.date(2026, 3, 1), "Acme"), (dt.date(2026, 6, 1), "Globex")]:
        r = _responses(date, org)
        ws.record(r, assess(MODEL, r), MODEL)
    assert [a.date.month for a in ws.assessments()] == [3, 6, 9]
    assert [a.organization for a in ws.assessments("Acme")] == ["Acme", "Acme"]
    assert ws.latest("Acme").date == dt.date(2026, 9, 1)
    ws.close()


def test_the_demo_history_survives_a_reopen(db_url):
    ws = Workspace(db_url)
    for path in demo_answers():
        r = load_responses(MODEL, [path])
        ws.record(r, assess(MODEL, r), MODEL)
    ws.close()
    again = Workspace(db_url)  # migrations run again: a no-op at head
    assert [a.level for a in again.assessments()] == [1, 2, 2]
    latest = again.latest()
    assert assess(MODEL, again.responses(latest.id)).level == 2
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == HEAD_REVISION
    again.close()


def test_reading_never_creates_a_workspace(tmp_path):
    with pytest.raises(InputError, match="no workspace at"):
        Workspace(f"sqlite:///{tmp_path / 'absent.db'}", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_empty_workspace(db_url):
    ws = Workspace(db_url)
    assert ws.assessments() == []
    with pytest.raises(InputError, match="no assessment recorded"):
        ws.latest()
    with pytest.raises(InputError, match="no assessment #7"):
        ws.responses(7)
    ws.close()


def test_database_url_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("PRODOPS_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'prodops.db'}"
    assert database_url("x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("PRODOPS_DATABASE_URL", "sqlite:///elsewhere.db")
    assert database_url() == "sqlite:///elsewhere.db"
    assert database_url("given.db").endswith("given.db")


def test_unreachable_database_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"cannot use the workspace database .* check that its folder exists"):
        Workspace(f"sqlite:///{tmp_path}/no/such/folder/x.db").organizations()  # opening alone touches nothing


def test_head_revision_constant_is_alembics_head():
    from alembic.script import ScriptDirectory

    from prodops.store import migrations

    assert ScriptDirectory.from_config(migrations()).get_heads() == [HEAD_REVISION]


def _differences(conn) -> list:
    """What Alembic finds between the database's schema and the declared tables (types,
    nullability, keys, indexes, unique constraints)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from prodops.store import metadata

    return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


def test_a_new_workspace_has_the_schema_the_migrations_build(db_url, tmp_path):
    """A new workspace gets the declared tables in one step, stamped at the head, without loading
    Alembic; the migrations, run from nothing, must build exactly the same schema."""
    from alembic import command
    from alembic.migration import MigrationContext

    from prodops.store import migrations

    ws = Workspace(db_url)
    with ws.engine.connect() as conn:
        assert _differences(conn) == []
        assert MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION
    ws.close()
    migrated = f"sqlite:///{tmp_path / 'migrated.db'}" if db_url.startswith("sqlite") else new_database(db_url.rsplit("/", 1)[0])
    engine = sa.create_engine(migrated)
    with engine.begin() as conn:
        command.upgrade(migrations(conn), "head")
        assert _differences(conn) == []
    engine.dispose()


def test_a_sqlite_workspace_keeps_a_write_ahead_log_flushed_at_checkpoints(tmp_path):
    """WAL, so readers never wait for a writer; synchronous=NORMAL, as SQLite advises with WAL, so a
    commit (an autosave) is not a flush to the disk each time. A database in another journal mode
    keeps the safe default."""
    ws = Workspace(f"sqlite:///{tmp_path / 'w.db'}")
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    ws.close()
    memory = Workspace("sqlite://")
    with memory.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    memory.close()


def test_imported_rows_read_back_as_written(db_url, clock):
    """Rows reach the driver, and come back, with each column converted once per distinct value
    (dates are text in SQLite): every type, and empty cells, read back as written."""
    import polars as pl

    ws = Workspace(db_url)
    rows = pl.DataFrame({"launch": ["L1", "L1", "L2"], "function": ["Docs", "Sales", "Docs"], "item": ["a", "b", "c"],
                         "owner": [None, "Ana", "Ivan"], "done": [True, False, True],
                         "done_at": [dt.date(2026, 1, 2), None, dt.date(2026, 1, 2)], "source": ["c.csv"] * 3})
    assert ws.write("launch_checklist", rows, "Acme") == (3, 0)
    assert ws.write("launch_checklist", rows.head(1).with_columns(done=pl.lit(False)), "Acme") == (0, 1)
    back = ws.read("launch_checklist", "Acme").sort("launch", "function")
    assert back.drop("imported_at").equals(rows.with_columns(done=pl.Series([False, False, True])))
    assert set(back["imported_at"]) == {clock.now()}  # when, by the clock
    sprints = pl.DataFrame({"team": ["A"], "sprint": ["1"], "start": [dt.date(2026, 1, 5)], "end": [None],
                            "unit": ["points"], "committed": [20.5], "completed": [0.0], "completed_committed": [None],
                            "added": [3.0], "removed": [0.0], "approximation": [None], "source": ["s.csv"]},
                           schema_overrides={"end": pl.Date, "completed_committed": pl.Float64, "approximation": pl.String})
    ws.write("sprints", sprints, "Acme")
    assert ws.read("sprints", "Acme").drop("imported_at").equals(sprints)
    ws.close()


def test_every_imported_text_fits_its_column_on_every_database():
    """Lengths are checked at import (sources.tables) because SQLite would store any length while
    PostgreSQL refuses with a database error: the two must agree with the columns."""
    import sqlalchemy as sa

    from prodops.inputs.sources import FORMATS
    from prodops.inputs.sources.tables import TABLES
    from prodops.store.tables import metadata

    for kind, spec in TABLES.items():
        table = metadata.tables[FORMATS[kind].table]
        for column in spec.columns:
            if column.kind == "text" and column.name in table.c:  # sprint-issues' issue is summed away
                db = table.c[column.name].type
                limit = 10_000 if isinstance(db, sa.Text) else db.length
                assert column.length == limit, (kind, column.name, column.length, limit)


def test_a_workspace_of_the_previous_revision_keeps_its_assessments_and_commentary(db_url):
    """0010 adds units: assessments of the whole organisation and the commentary kept before it stay."""
    from alembic import command

    from prodops.store import migrations

    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(migrations(conn), "0009")
        conn.execute(sa.text("INSERT INTO assessments (organization, date, model_id, model_version, level, respondent_count, "
                             "sources, result, recorded_at) VALUES ('Acme', '2026-09-30', 'm', '1', 2, 3, '[]', '{}', "
                             "'2026-10-01 00:00:00+00')"))
        conn.execute(sa.text("INSERT INTO commentary (organization, as_of, text, changed_at) VALUES "
                             "('Acme', '2026-09-30', 'Kept.', '2026-10-01 00:00:00+00')"))
    engine.dispose()
    ws = Workspace(db_url)  # upgrades to the head
    [a] = ws.assessments()
    assert (a.organization, a.unit, a.level) == ("Acme", None, 2)
    from prodops.operations import kept_commentary

    assert kept_commentary(ws, "Acme", dt.date(2026, 9, 30)) == "Kept."
    given = _responses(dt.date(2026, 9, 30))
    team = Responses("Acme", given.date, given.respondents, ("t.yaml",), "Payments")
    ws.record(team, assess(MODEL, team), MODEL)  # the same day, another scope: a second assessment
    assert [(x.unit, x.respondents) for x in ws.assessments()] == [(None, 3), ("Payments", 2)]
    ws.close()
