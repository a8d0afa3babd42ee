"""confidential by default: a reporting threshold on assessments and campaigns (NULL: named), notes
an admin hid, the workspace's key for respondents' pseudonyms, and the erasures of respondents

Assessments recorded before become confidential with the default threshold: their respondents'
ids are replaced by pseudonyms and their names dropped, as a confidential assessment keeps them.

Revision ID: 0012
Revises: 0011
"""

import secrets

import sqlalchemy as sa
from alembic import op

from prodops.core.confidentiality import DEFAULT_THRESHOLD, is_pseudonym, pseudonym

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "workspace_keys",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    for table in ("assessments", "campaigns"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("threshold", sa.Integer, nullable=True, server_default=str(DEFAULT_THRESHOLD)))
    for table in ("invite_answers", "answers"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("note_hidden", sa.Boolean, nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    held = conn.execute(sa.text("SELECT r.assessment_id, a.organization, r.respondent FROM respondents r "
                                "JOIN assessments a ON a.id = r.assessment_id")).all()
    if not held:
        return
    key = secrets.token_hex(32)
    conn.execute(sa.text("INSERT INTO workspace_keys (name, value) VALUES ('pseudonyms', :v)"), {"v": key})
    for aid, organization, old in held:
        if is_pseudonym(old):
            continue
        new = pseudonym(bytes.fromhex(key), organization, old)
        for table in ("respondents", "answers"):
            conn.execute(sa.text(f"UPDATE {table} SET respondent = :new WHERE respondent = :old AND assessment_id = :aid"),
                         {"new": new, "old": old, "aid": aid})
    conn.execute(sa.text("UPDATE respondents SET name = NULL"))


def downgrade() -> None:
    """Back to no threshold (every assessment and campaign shows everything again); the pseudonyms
    stay, as no one can turn them back into names."""
    for table in ("invite_answers", "answers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("note_hidden")
    for table in ("campaigns", "assessments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("threshold")
    op.drop_table("workspace_keys")
    op.drop_table("erasures")
