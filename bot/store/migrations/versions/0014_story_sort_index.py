"""Story sort index: a ranked quote search reads its stories' sort_at from an index.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

A question like "who warned about housing?" ranks every quote matching its words
in the newest stories and breaks ties by the story's publication time. Reading
``sort_at`` from the story rows meant reading those rows, which carry the article
text: on PostgreSQL the planner hashed the whole stories table (1,900 pages at
10,000 stories, most of a 50 ms answer under load). The search now ranks first and
joins the rest of the story for the hits it returns; ``ix_stories_id_sort_at``
answers the ranking's ``sort_at`` by an index-only scan, without touching a story
row (3.5 instead of 50 ms for "housing | vote" at 100,000 quotes).

PostgreSQL only, like the full-text indexes of 0003 (and, like them, not in the
schema module): SQLite's FTS5 search looks stories up by rowid and gained nothing
from such an index (4.5 ms either way), so it would only cost its writes.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_stories_id_sort_at", "stories", ["id", "sort_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_stories_id_sort_at", table_name="stories")
