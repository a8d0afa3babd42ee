"""the lead's commentary on a report

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commentary",
        sa.Column("organization", sa.String(200), primary_key=True),
        sa.Column("as_of", sa.Date, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(320), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("commentary")
