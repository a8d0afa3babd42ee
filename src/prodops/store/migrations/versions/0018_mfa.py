"""two-step sign-in: TOTP secrets, recovery codes, sign-ins awaiting their code, and workspace-wide
settings (whether admins must use it)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_when = sa.DateTime(timezone=True)


def _user() -> sa.Column:
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "mfa_secrets",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("enabled_at", _when, nullable=True),
        sa.Column("last_step", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user(),
        sa.Column("selector", sa.String(8), nullable=False),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("used_at", _when, nullable=True),
    )
    op.create_table(
        "pending_sign_ins",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        _user(),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _when, nullable=False),
    )
    op.create_table(
        "workspace_settings",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    for table in ("workspace_settings", "pending_sign_ins", "recovery_codes", "mfa_secrets"):
        op.drop_table(table)
