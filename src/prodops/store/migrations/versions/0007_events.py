"""named events on the timeline

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.UniqueConstraint("day", "label", name="uq_event"),
    )


def downgrade() -> None:
    op.drop_table("events")
