"""campaigns that finish themselves: a lifecycle state, an owner, reminders, templates, a webhook and
the address links use; the further links an invite's e-mails carry; what happened to each campaign
(its events), what was sent to whom (its deliveries, each claimed once by a unique key), and the
scheduler's lease

Campaigns before it are open, or closed where they were closed, and send no reminders until an
admin sets reminder days.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_when = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("state", sa.String(20), nullable=False, server_default="open"))
        batch.add_column(sa.Column("owner", sa.String(320), nullable=True))
        batch.add_column(sa.Column("reminders", sa.JSON, nullable=True))
        batch.add_column(sa.Column("templates", sa.JSON, nullable=True))
        batch.add_column(sa.Column("webhook", sa.Text, nullable=True))
        batch.add_column(sa.Column("link_base", sa.String(300), nullable=True))
    op.execute("UPDATE campaigns SET state = 'closed' WHERE closed_at IS NOT NULL")
    # their people were not told to expect reminders: none, until an admin sets reminder days
    op.execute("UPDATE campaigns SET reminders = '[]'")
    op.create_table(
        "campaign_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", _when, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("by", sa.String(320), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_campaign_events_campaign_id", "campaign_events", ["campaign_id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("at", _when, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_index("ix_deliveries_campaign_id", "deliveries", ["campaign_id"])
    op.create_table(
        "invite_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("created_at", _when, nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("until", _when, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("invite_links")
    op.drop_index("ix_deliveries_campaign_id", "deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_campaign_events_campaign_id", "campaign_events")
    op.drop_table("campaign_events")
    with op.batch_alter_table("campaigns") as batch:
        for column in ("link_base", "webhook", "templates", "reminders", "owner", "state"):
            batch.drop_column(column)
