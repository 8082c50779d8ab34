"""Event leases: a claimed chat event that is never answered can be taken over.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Before this, a process that claimed a Slack event and died before answering it
left the claim in place for its whole ttl, so Slack's retries reaching other
processes were skipped and the event was lost.

- ``event_claims.lease_until``: while the claimer handles the event, the end of
  its lease (a retry after it takes the event over); NULL once handled. Rows
  claimed before this revision get NULL, so they keep counting as handled, as
  they did.

Adding a nullable column is a plain ALTER TABLE on SQLite too (no batch-mode rebuild).

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event_claims", sa.Column("lease_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("event_claims", "lease_until")
