"""each organisation its own data: the organisations a workspace holds, and an organisation on every
row of value data, settings, events and brand, which until now belonged to the whole workspace

The rows kept so far go to the workspace's only organisation. Where that is ambiguous (no
organisation, or several), the upgrade is refused with nothing changed, unless whoever upgrades
names the organisation they belong to (`config.attributes["organization"]`).

Revision ID: 0011
Revises: 0010
"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import context, op

from prodops import clock
from prodops.core.errors import Fix, InputError

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table -> its key before (the organisation comes first in the key after)
OWNED = {
    "sprints": ["team", "sprint"],
    "time_survey": ["respondent", "period"],
    "launches": ["launch"],
    "launch_checklist": ["launch", "function", "item"],
    "feedback": ["feedback"],
    "roadmap_items": ["roadmap_item"],
    "account_outcomes": ["account", "date", "outcome"],
    "settings": ["key"],
    "assets": ["name"],
}
NAMED = ("assessments", "campaigns", "units", "investment_changes", "commentary")  # tables that named one already


def upgrade() -> None:
    conn = op.get_bind()
    known: dict[str, str] = {}  # casefold -> the first spelling met
    for table in NAMED:
        order = "id" if table in ("assessments", "campaigns", "investment_changes") else "organization"
        for (name,) in conn.execute(sa.text(f"SELECT organization FROM {table} ORDER BY {order}")):
            known.setdefault(name.casefold(), name)
    given = (context.config.attributes.get("organization") or "").strip()
    held = [t for t in (*OWNED, "events") if conn.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
    if given:
        owner = known.setdefault(given.casefold(), given)
    elif len(known) == 1:
        owner = next(iter(known.values()))
    elif held:
        raise InputError(
            "this workspace keeps its value data, settings, events and brand for the whole workspace; they now belong "
            "to one organisation, and it holds " + (f"several ({', '.join(sorted(known.values()))})" if known else "none")
            + ": name the organisation they belong to when upgrading it; nothing was changed", fix=Fix("upgrade"))
    else:
        owner = ""  # nothing to give anyone
    registry = op.create_table(
        "organizations",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    now = clock.now()
    if known:
        op.bulk_insert(registry, [{"name": n, "added_at": now} for n in known.values()])
    for table, key in OWNED.items():
        _owned(table, key, owner)
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("organization", sa.String(200), nullable=True))
    op.execute(sa.text("UPDATE events SET organization = :owner").bindparams(owner=owner))
    with op.batch_alter_table("events") as batch:
        batch.alter_column("organization", existing_type=sa.String(200), nullable=False)
        batch.drop_constraint("uq_event", type_="unique")
        batch.create_unique_constraint("uq_event", ["organization", "day", "label"])


def _owned(table: str, key: list[str], owner: str) -> None:
    """`table` with an organisation first in its key, every row given to `owner`."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("organization", sa.String(200), nullable=True))
        if table == "settings":
            batch.add_column(sa.Column("unit", sa.String(200), nullable=False, server_default=""))
    op.execute(sa.text(f"UPDATE {table} SET organization = :owner").bindparams(owner=owner))
    with _new_key(), op.batch_alter_table(table) as batch:
        batch.alter_column("organization", existing_type=sa.String(200), nullable=False)
        _drop_key(batch, table)
        batch.create_primary_key(f"{table}_pkey", ["organization", *(["unit"] if table == "settings" else []), *key])


@contextmanager
def _new_key():
    """SQLite rebuilds a table to change its key, and SQLAlchemy warns that the copied columns
    still say which were the key: the new key is the one meant."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_.*' specifies columns", sa.exc.SAWarning)
        yield


def _drop_key(batch, table: str) -> None:
    """Drop the table's primary key (PostgreSQL names it; SQLite's is rebuilt with the table)."""
    if op.get_bind().dialect.name != "sqlite":
        batch.drop_constraint(f"{table}_pkey", type_="primary")


def downgrade() -> None:
    """Back to one set for the whole workspace: the rows of the organisation first in name order
    stay (two organisations may hold the same key), the others' go."""
    conn = op.get_bind()
    for table, key in (*OWNED.items(), ("events", None)):
        first = conn.execute(sa.text(f"SELECT min(organization) FROM {table}")).scalar()
        op.execute(sa.text(f"DELETE FROM {table} WHERE organization != :first").bindparams(first=first or ""))
        if table == "settings":
            op.execute("DELETE FROM settings WHERE unit != ''")
        with _new_key(), op.batch_alter_table(table) as batch:
            if key is None:
                batch.drop_constraint("uq_event", type_="unique")
                batch.create_unique_constraint("uq_event", ["day", "label"])
            else:
                _drop_key(batch, table)
                batch.create_primary_key(f"{table}_pkey", key)
            if table == "settings":
                batch.drop_column("unit")
            batch.drop_column("organization")
    op.drop_table("organizations")
