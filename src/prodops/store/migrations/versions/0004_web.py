"""the web app: users, sessions, API tokens, campaigns, invites and their answers, rate limits

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),  # lower case
        sa.Column("role", sa.String(20), nullable=False),  # admin or viewer
        sa.Column("password_hash", sa.String(200), nullable=True),  # argon2id; NULL: API tokens only
        sa.Column("created_at", WHEN, nullable=False),
    )

    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("seen_at", WHEN, nullable=False),
    )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )

    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("model_id", sa.String(100), nullable=False),
        sa.Column("model_version", sa.String(50), nullable=False),
        sa.Column("opens", sa.Date, nullable=False),
        sa.Column("closes", sa.Date, nullable=True),
        sa.Column("targets", sa.JSON, nullable=False),  # role -> how many answers it wants
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN, nullable=True),  # NULL: open
        sa.Column("assessment_id", sa.Integer, nullable=True),  # what closing it recorded
    )

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf", sa.String(64), nullable=False),  # the respondent's form posts carry it
        sa.Column("respondent", sa.String(200), nullable=False),  # their id in the recorded assessment
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.Column("saved_at", WHEN, nullable=True),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.UniqueConstraint("campaign_id", "respondent", name="uq_invite_respondent"),
    )

    op.create_table(
        "invite_answers",
        sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("criterion", sa.String(100), primary_key=True),
        sa.Column("value", sa.Float, nullable=True),  # NULL: N/A, or only a note
        sa.Column("na", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("saved_at", WHEN, nullable=False),
    )

    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(400), primary_key=True),  # what is limited, e.g. a login's e-mail
        sa.Column("window", sa.BigInteger, primary_key=True),  # when the counting window began, epoch seconds
        sa.Column("hits", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for name in ('rate_limits', 'invite_answers', 'invites', 'campaigns', 'api_tokens', 'sessions', 'users'):
        op.drop_table(name)
