"""the audit trail: who changed who can see what, or what leadership reads (ASVS V7); append-only,
the database itself refusing to change or delete an entry

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_REFUSAL = "the audit trail is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("client", sa.String(100), nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_trail_no_{event.lower()} BEFORE {event} ON audit_trail "
                       f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END")
    else:
        op.execute("CREATE FUNCTION audit_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$")
        op.execute("CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_trail "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_append_only()")


def downgrade() -> None:
    op.drop_table("audit_trail")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION audit_trail_append_only()")
