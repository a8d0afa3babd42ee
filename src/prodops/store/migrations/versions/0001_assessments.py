"""assessments, their dimension levels, respondents and answers

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("model_id", sa.String(100), nullable=False),
        sa.Column("model_version", sa.String(50), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("progress_to_next", sa.Float, nullable=True),
        sa.Column("respondent_count", sa.Integer, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("organization", "date", "model_id", name="uq_assessment"),
    )
    # each table of an assessment's parts: its own columns after the assessment's id
    parts: dict[str, list[sa.Column]] = {
        "dimension_levels": [
            sa.Column("dimension", sa.String(100), primary_key=True),
            sa.Column("level", sa.Integer, nullable=False),
        ],
        "respondents": [
            sa.Column("respondent", sa.String(200), primary_key=True),
            sa.Column("role", sa.String(100), nullable=False),
            sa.Column("name", sa.String(200), nullable=True),
            sa.Column("team", sa.String(200), nullable=True),
        ],
        "answers": [
            sa.Column("respondent", sa.String(200), primary_key=True),
            sa.Column("criterion", sa.String(100), primary_key=True),
            sa.Column("value", sa.Float, nullable=True),
            sa.Column("na", sa.Boolean, nullable=False),
            sa.Column("note", sa.Text, nullable=True),
        ],
    }
    for name, columns in parts.items():
        op.create_table(
            name,
            sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
            *columns,
        )


def downgrade() -> None:
    for name in ("answers", "respondents", "dimension_levels", "assessments"):
        op.drop_table(name)
