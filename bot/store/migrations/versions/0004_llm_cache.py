"""LLM cache and token usage.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

- ``llm_cache``: the model's validated output per (story content hash, model),
  so a story shared by ten channels (or polled again) is summarised once. The
  raw output is kept, not the verified result: verification runs again on
  every read, against the story text at hand.
- ``llm_usage``: per UTC day and model, requests, tokens, cache hits,
  fallbacks to the offline extractor and verification counts; the daily token
  budget and ``newsbrief stats`` read it.

Self-contained like 0001: plain SQLAlchemy types, no import of the schema module.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_COUNTERS = (
    "requests",
    "prompt_tokens",
    "completion_tokens",
    "cache_hits",
    "failures",
    "quotes_verified",
    "quotes_rejected",
)


def upgrade() -> None:
    op.create_table(
        "llm_cache",
        sa.Column("story_hash", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("story_hash", "model", name="pk_llm_cache"),
    )
    op.create_table(
        "llm_usage",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in _COUNTERS),
        sa.PrimaryKeyConstraint("day", "model", name="pk_llm_usage"),
    )


def downgrade() -> None:
    op.drop_table("llm_usage")
    op.drop_table("llm_cache")
