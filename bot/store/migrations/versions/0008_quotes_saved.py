"""Quotes saved: which stored stories still wait for their quotes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

A process killed between storing a feed's stories and saving their quotes left
stories that nothing summarised again (issue 18: after ten kills, 79 of 420
stories had no quotes). Quotes are now saved right after each feed's stories,
and ``stories.quotes_saved_at`` says which stories had theirs saved (a story
may have none), so `newsbrief poll` and `run` summarise the rest.

- ``stories.quotes_saved_at``: set by ``save_quotes``. Rows stored before this
  revision get it when they have quotes; the others get NULL and are
  summarised once more (the ones a crash cost their quotes among them).
- ``ix_stories_quotes_saved_at``: the waiting stories are one index range.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("quotes_saved_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE stories SET quotes_saved_at = fetched_at WHERE pruned_at IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM quotes WHERE quotes.story_id = stories.id)"
    )
    op.create_index("ix_stories_quotes_saved_at", "stories", ["quotes_saved_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_stories_quotes_saved_at", table_name="stories")
    op.drop_column("stories", "quotes_saved_at")
