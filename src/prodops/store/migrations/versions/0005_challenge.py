"""the Knowledge Challenge: guest players and games

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "challenge_guests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "challenge_games",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("player", sa.String(40), nullable=False),
        sa.Column("model_id", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=True),
        sa.Column("answer", sa.String(5), nullable=False),
        sa.Column("guesses", sa.String(40), nullable=False),
        sa.Column("hard", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.UniqueConstraint("player", "model_id", "day", name="uq_challenge_daily"),
    )
    op.create_index("ix_challenge_games_player", "challenge_games", ["player", "model_id"])


def downgrade() -> None:
    op.drop_table("challenge_games")
    op.drop_table("challenge_guests")
