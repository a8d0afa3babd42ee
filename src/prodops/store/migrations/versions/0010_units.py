"""teams and business units: the units declared, an assessment's scope, the team of launches and surveys

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("organization", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("parent", sa.String(200), nullable=True),
        sa.Column("teams", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("unit", sa.String(200), nullable=False, server_default=""))
        batch.drop_constraint("uq_assessment", type_="unique")
        batch.create_unique_constraint("uq_assessment", ["organization", "unit", "date", "model_id"])
    for table in ("launches", "time_survey"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("team", sa.String(200), nullable=True))
    _commentary("commentary_by_unit", unit=True)
    op.execute("INSERT INTO commentary_by_unit (organization, unit, as_of, text, changed_at, changed_by) "
               "SELECT organization, '', as_of, text, changed_at, changed_by FROM commentary")
    op.drop_table("commentary")
    op.rename_table("commentary_by_unit", "commentary")


def _commentary(name: str, unit: bool) -> None:
    op.create_table(
        name,
        sa.Column("organization", sa.String(200), primary_key=True),
        *([sa.Column("unit", sa.String(200), primary_key=True, server_default="")] if unit else []),
        sa.Column("as_of", sa.Date, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(320), nullable=True),
    )


def downgrade() -> None:
    _commentary("commentary_whole", unit=False)
    op.execute("INSERT INTO commentary_whole (organization, as_of, text, changed_at, changed_by) "
               "SELECT organization, as_of, text, changed_at, changed_by FROM commentary WHERE unit = ''")
    op.drop_table("commentary")
    op.rename_table("commentary_whole", "commentary")
    for table in ("launches", "time_survey"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("team")
    scoped = "SELECT id FROM assessments WHERE unit != ''"  # the units' assessments have no place before 0010
    for child in ("answers", "respondents", "dimension_levels"):
        op.execute(f"DELETE FROM {child} WHERE assessment_id IN ({scoped})")
    op.execute("DELETE FROM assessments WHERE unit != ''")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_constraint("uq_assessment", type_="unique")
        batch.create_unique_constraint("uq_assessment", ["organization", "date", "model_id"])
        batch.drop_column("unit")
    op.drop_table("units")
