"""sprints: completed_committed, added and removed may be unknown; `approximation` names what a
source approximates instead of a yes/no `approximate`

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sprints") as batch:
        for column in ("completed_committed", "added", "removed"):
            batch.alter_column(column, existing_type=sa.Float, nullable=True)
        batch.add_column(sa.Column("approximation", sa.String(40), nullable=True))
    # Rows marked approximate before: the TSE 2017 conversion bounds completed_committed from
    # above; every other approximate source (Jira payloads without history) lacks the history.
    sprints = sa.table("sprints", sa.column("approximate", sa.Boolean), sa.column("approximation", sa.String),
                       sa.column("source", sa.String))
    tse2017 = sprints.c.source.like("%\\_iteration\\_%.csv", escape="\\")
    op.execute(sprints.update().where(sprints.c.approximate.is_(True) & tse2017)
               .values(approximation="completed_committed_upper_bound"))
    op.execute(sprints.update().where(sprints.c.approximate.is_(True) & sprints.c.approximation.is_(None))
               .values(approximation="no_history"))
    with op.batch_alter_table("sprints") as batch:
        batch.drop_column("approximate")


def downgrade() -> None:
    with op.batch_alter_table("sprints") as batch:
        batch.add_column(sa.Column("approximate", sa.Boolean, nullable=False, server_default=sa.false()))
    sprints = sa.table("sprints", sa.column("approximate", sa.Boolean), sa.column("approximation", sa.String))
    op.execute(sprints.update().where(sprints.c.approximation.is_not(None)).values(approximate=True))
    with op.batch_alter_table("sprints") as batch:
        batch.drop_column("approximation")
        for column in ("completed_committed", "added", "removed"):
            batch.alter_column(column, existing_type=sa.Float, nullable=False)
