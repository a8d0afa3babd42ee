"""API tokens with an expiry, a scope and when each was last used (issue 24): a token acts for its
user either read-only ("read") or with the user's role ("role"), and ends on its expiry day.

Tokens made before it keep the user's role and no expiry (NULL): they are listed as "no expiry —
replace it" so an admin can revoke them for new ones.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_when = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(10), nullable=False, server_default="role"))
        batch.add_column(sa.Column("expires_at", _when, nullable=True))
        batch.add_column(sa.Column("last_used_at", _when, nullable=True))
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_api_tokens_user_id", "api_tokens")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
        batch.drop_column("scope")
