"""Event claims: which process handles a chat platform's (possibly retried) event.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

- ``event_claims``: one row per event key (``slack:event:Ev…``), inserted by the
  first process to see the event; a retry that reaches another process finds it
  and is skipped. ``claimed_at`` is indexed so expired claims are found and
  deleted a few at a time.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_claims",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_event_claims"),
    )
    op.create_index("ix_event_claims_claimed_at", "event_claims", ["claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_event_claims_claimed_at", table_name="event_claims")
    op.drop_table("event_claims")
