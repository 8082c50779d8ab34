"""Initial schema: feeds, stories, story keys, quotes, channels, subscriptions, deliveries.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Self-contained on purpose: it spells out plain SQLAlchemy types instead of
importing ``bot.store.schema``, so later edits to the schema module can never
change what this revision creates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    _feeds()
    _stories()
    _quotes()
    _channels()
    _deliveries()


def _feeds() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_success_at", _TS),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", _TS),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("next_poll_at", _TS),
        sa.Column("poll_interval_s", sa.Integer),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("url", name="uq_feeds_url"),
    )


def _stories() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published_at", _TS),
        sa.Column("fetched_at", _TS, nullable=False),
        sa.Column("sort_at", _TS, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("guid", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_stories_feed_id_feeds"),
    )
    op.create_index("ix_stories_feed_id", "stories", ["feed_id"])
    op.create_index("ix_stories_sort_at", "stories", ["sort_at"])
    op.create_index("ix_stories_hash", "stories", ["hash"])
    op.create_table(
        "story_keys",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_story_keys"),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_story_keys_story_id_stories",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_story_keys_story_id", "story_keys", ["story_id"])


def _quotes() -> None:
    op.create_table(
        "quotes",
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("speaker_role", sa.Text),
        sa.Column("speaker_start", sa.Integer),
        sa.Column("speaker_end", sa.Integer),
        sa.Column("cue", sa.Text),
        sa.Column("anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("confidence", sa.Float, nullable=False, server_default="1.0"),
        sa.PrimaryKeyConstraint("story_id", "ordinal", name="pk_quotes"),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name="fk_quotes_story_id_stories", ondelete="CASCADE"
        ),
    )


def _channels() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("timezone", sa.Text, nullable=False, server_default="UTC"),
        sa.Column("schedule", sa.Text),
        sa.Column("last_briefing_at", _TS),
        sa.Column("backfill_hours", sa.Integer),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channels"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("include", _JSON, nullable=False),
        sa.Column("exclude", _JSON, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", "feed_id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name="fk_subscriptions_channel_id_channels",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_subscriptions_feed_id_feeds"),
    )
    op.create_index("ix_subscriptions_feed_id", "subscriptions", ["feed_id"])


def _deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False, server_default="briefing"),
        sa.Column("message_id", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.Text),
        sa.Column("lease_until", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("posted_at", _TS),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("idempotency_key", name="uq_deliveries_idempotency_key"),
    )
    op.create_index("ix_deliveries_channel_id", "deliveries", ["channel_id"])


def downgrade() -> None:
    for table in (
        "deliveries",
        "subscriptions",
        "channels",
        "quotes",
        "story_keys",
        "stories",
        "feeds",
    ):
        op.drop_table(table)
