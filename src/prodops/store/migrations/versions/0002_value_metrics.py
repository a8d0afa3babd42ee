"""imported value-metric data: sprints, time survey, launches, launch checklist, feedback,
roadmap items, account outcomes; settings

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

def _create(name, *columns):
    op.create_table(name, *columns,
                    sa.Column("source", sa.String(500), nullable=False),
                    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False))


def upgrade() -> None:
    _create("sprints",
            sa.Column("team", sa.String(200), primary_key=True),
            sa.Column("sprint", sa.String(200), primary_key=True),
            sa.Column("start", sa.Date, nullable=True),
            sa.Column("end", sa.Date, nullable=True),
            sa.Column("unit", sa.String(10), nullable=False),
            *[sa.Column(c, sa.Float, nullable=False) for c in
              ("committed", "completed", "completed_committed", "added", "removed")],
            sa.Column("approximate", sa.Boolean, nullable=False))
    _create("time_survey",
            sa.Column("respondent", sa.String(200), primary_key=True),
            sa.Column("period", sa.String(20), primary_key=True),
            sa.Column("date", sa.Date, nullable=False),
            *[sa.Column(c, sa.Float, nullable=False) for c in
              ("meeting_coordination", "reporting", "tool_research", "process_design")],
            sa.Column("work_hours", sa.Float, nullable=True))
    _create("launches",
            sa.Column("launch", sa.String(200), primary_key=True),
            sa.Column("name", sa.String(500), nullable=False),
            sa.Column("tier", sa.String(50), nullable=True),
            sa.Column("original_date", sa.Date, nullable=False),
            sa.Column("actual_date", sa.Date, nullable=True),
            sa.Column("adoption_metric", sa.String(500), nullable=True),
            sa.Column("adoption_target", sa.Float, nullable=True),
            sa.Column("adoption_q1", sa.Float, nullable=True))
    _create("launch_checklist",
            sa.Column("launch", sa.String(200), primary_key=True),
            sa.Column("function", sa.String(200), primary_key=True),
            sa.Column("item", sa.String(500), primary_key=True),
            sa.Column("owner", sa.String(200), nullable=True),
            sa.Column("done", sa.Boolean, nullable=False),
            sa.Column("done_at", sa.Date, nullable=True))
    _create("feedback",
            sa.Column("feedback", sa.String(200), primary_key=True),
            sa.Column("account", sa.String(200), nullable=False),
            sa.Column("received", sa.Date, nullable=False),
            sa.Column("summary", sa.Text, nullable=True),
            sa.Column("roadmap_item", sa.String(200), nullable=True))
    _create("roadmap_items",
            sa.Column("roadmap_item", sa.String(200), primary_key=True),
            sa.Column("name", sa.String(500), nullable=False),
            sa.Column("shipped", sa.Date, nullable=True))
    _create("account_outcomes",
            sa.Column("account", sa.String(200), primary_key=True),
            sa.Column("date", sa.Date, primary_key=True),
            sa.Column("outcome", sa.String(20), primary_key=True),
            sa.Column("arr_before", sa.Float, nullable=False),
            sa.Column("arr_after", sa.Float, nullable=False))
    op.create_table("settings",
                    sa.Column("key", sa.String(100), primary_key=True),
                    sa.Column("value", sa.String(500), nullable=False))


def downgrade() -> None:
    for name in ("settings", "account_outcomes", "roadmap_items", "feedback", "launch_checklist", "launches",
                 "time_survey", "sprints"):
        op.drop_table(name)
