"""Posted parts: each message of a briefing is written down as the platform accepts it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

A process killed after posting and before recording left recovery only the
platform's history to search, and Slack now allows apps outside its Marketplace
15 messages and one ``conversations.history`` request a minute (issue 18): a
briefing 160 messages back was not found and would have been posted again. Each
part's message id is now recorded the moment it is posted, so a resumed delivery
reads them here and asks the platform only about a part posted in the last
instant before a kill.

- ``deliveries.posted_parts``: ``{"parts": N, "ids": {"1": "<message id>", ...}}``
  while a delivery is open; NULL when nothing was recorded (every row before this
  revision).

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("posted_parts", _JSON))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("posted_parts")
