"""Retention: mark emptied stories, and index what pruning looks for by age.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

``store.retention_days`` (``SqlStore.prune``) empties stories older than the
window instead of deleting them: their dedupe keys (``story_keys``) and the
record of which channels received them (``briefed_stories``) must stay, or a
story still listed in its feed would come back as new and be briefed twice.

- ``stories.pruned_at``: when the story became a husk (text emptied, quotes
  deleted); husks are never new to a channel, listed or found by search.
- ``ix_stories_pruned_at_fetched_at``: the next batch of stories to empty is
  one index range (``pruned_at IS NULL AND fetched_at < cutoff``), however
  many husks there are.
- ``ix_deliveries_posted_at``, ``ix_briefing_items_created_at``,
  ``ix_llm_cache_created_at``: the old rows of those tables, deleted in batches.

Adding a nullable column is a plain ALTER TABLE on SQLite too (no batch-mode
rebuild), so the full-text triggers of 0003 on ``stories`` are untouched.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("pruned_at", sa.DateTime(timezone=True)))
    op.create_index("ix_stories_pruned_at_fetched_at", "stories", ["pruned_at", "fetched_at"])
    op.create_index("ix_deliveries_posted_at", "deliveries", ["posted_at"])
    op.create_index("ix_briefing_items_created_at", "briefing_items", ["created_at"])
    op.create_index("ix_llm_cache_created_at", "llm_cache", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_llm_cache_created_at", table_name="llm_cache")
    op.drop_index("ix_briefing_items_created_at", table_name="briefing_items")
    op.drop_index("ix_deliveries_posted_at", table_name="deliveries")
    op.drop_index("ix_stories_pruned_at_fetched_at", table_name="stories")
    op.drop_column("stories", "pruned_at")
