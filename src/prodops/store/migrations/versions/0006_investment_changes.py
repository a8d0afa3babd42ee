"""the roadmap as a plan people run: every change to an investment's owner, cost, target, status

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "investment_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("investment", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("cost", sa.Float, nullable=True),
        sa.Column("weeks", sa.Float, nullable=True),
        sa.Column("target", sa.Date, nullable=True),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(320), nullable=True),
    )
    op.create_index("ix_investment_changes", "investment_changes", ["organization", "investment"])


def downgrade() -> None:
    op.drop_table("investment_changes")
