"""The workspace's tables. Portable between SQLite and PostgreSQL; changed only through migrations."""

import sqlalchemy as sa

metadata = sa.MetaData()

assessments = sa.Table(
    "assessments", metadata,
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
    # One assessment per organisation, date and model: recording it again replaces it.
    sa.UniqueConstraint("organization", "date", "model_id", name="uq_assessment"),
)

dimension_levels = sa.Table(
    "dimension_levels", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension", sa.String(100), primary_key=True),
    sa.Column("level", sa.Integer, nullable=False),
)

respondents = sa.Table(
    "respondents", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("respondent", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("team", sa.String(200), nullable=True),
)

answers = sa.Table(
    "answers", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("respondent", sa.String(200), primary_key=True),
    sa.Column("criterion", sa.String(100), primary_key=True),
    sa.Column("value", sa.Float, nullable=True),  # NULL: N/A, or only a note
    sa.Column("na", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)
