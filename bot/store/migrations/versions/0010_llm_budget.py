"""LLM budget: tokens are reserved in the store before each model call.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Before this, each process read today's usage, compared it with the daily budget and
called the model: four calls at a time (and every process sharing the store) passed
the same check, so a 10,000-token budget ended at 17,200. Now a call first reserves
its worst case with one conditional UPDATE on ``llm_budget`` (tokens reserved or
spent per UTC day, every model together), and the actual usage replaces the
reservation afterwards; the budget is exceeded by at most one call's reservation.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "llm_budget",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("tokens", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("llm_budget")
