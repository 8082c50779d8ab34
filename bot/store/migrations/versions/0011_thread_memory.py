"""Thread memory: what each chat thread was last told, in the store.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

Before this, "what else did she say?" relied on memory inside the process that
answered the thread's previous question. With two ``newsbrief run`` replicas
behind one Slack app (compose.yaml runs two), a follow-up reaches either one, and
after a restart neither remembers. Each answered thread now keeps the people it
was answered about and the quotes it was shown, one row per (channel, thread).

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "thread_memory",
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("thread", sa.Text, nullable=False),
        sa.Column("people", sa.Text, nullable=False),
        sa.Column("shown", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "thread", name="pk_thread_memory"),
    )
    op.create_index("ix_thread_memory_updated_at", "thread_memory", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_thread_memory_updated_at", table_name="thread_memory")
    op.drop_table("thread_memory")
