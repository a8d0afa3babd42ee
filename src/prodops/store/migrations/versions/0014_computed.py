"""what is computed from the workspace, kept until it changes: the workspace's state version (the
write transactions that can change a report) and the results kept under it

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "state_versions",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(versions, [{"name": "workspace", "version": 1}])
    op.create_table(
        "computed",
        sa.Column("key", sa.String(64), primary_key=True),  # the SHA-256 of what it is
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("computed")
    op.drop_table("state_versions")
