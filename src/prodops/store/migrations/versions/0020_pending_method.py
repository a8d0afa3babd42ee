"""a sign-in awaiting its code keeps how its first step was made (password, or single sign-on), so
that the audit trail says how the session began

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_sign_ins") as table:
        table.add_column(sa.Column("method", sa.String(20), nullable=False, server_default="password"))


def downgrade() -> None:
    with op.batch_alter_table("pending_sign_ins") as table:
        table.drop_column("method")
