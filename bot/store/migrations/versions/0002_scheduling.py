"""Scheduling: poll leases, pause time, channel schedules, backfill, briefed stories.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

- ``feeds.poll_claimed_by`` / ``poll_lease_until``: which process polls a feed now,
  and until when (a dead process's lease expires and another one takes over).
- ``feeds.paused_at``: when consecutive failures paused the feed (the pause notice
  to subscribed channels is keyed on it, so it goes out once per pause).
- ``channels.breaking`` and ``channels.next_briefing_at``: breaking mode and the
  next scheduled briefing slot, kept in the store so a restart neither skips nor
  repeats a slot.
- ``subscriptions.not_before``: stories older than this never reach the channel
  (backfill control for a new subscription).
- ``deliveries.story_ids``: the stories a claimed delivery carries, written
  before posting, so recovery after a crash marks the right stories as briefed.
- ``briefed_stories``: which stories each channel has received.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("feeds", sa.Column("poll_claimed_by", sa.Text))
    op.add_column("feeds", sa.Column("poll_lease_until", _TS))
    op.add_column("feeds", sa.Column("paused_at", _TS))
    op.create_index("ix_feeds_next_poll_at", "feeds", ["next_poll_at"])
    op.add_column(
        "channels",
        sa.Column("breaking", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("channels", sa.Column("next_briefing_at", _TS))
    op.add_column("subscriptions", sa.Column("not_before", _TS))
    op.add_column("deliveries", sa.Column("story_ids", _JSON))
    op.create_table(
        "briefed_stories",
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("briefed_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "story_id", name="pk_briefed_stories"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_briefed_stories_channel_id_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_briefed_stories_story_id_stories",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_briefed_stories_story_id", "briefed_stories", ["story_id"])


def downgrade() -> None:
    op.drop_table("briefed_stories")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("story_ids")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("not_before")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("next_briefing_at")
        batch.drop_column("breaking")
    op.drop_index("ix_feeds_next_poll_at", table_name="feeds")
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("paused_at")
        batch.drop_column("poll_lease_until")
        batch.drop_column("poll_claimed_by")
