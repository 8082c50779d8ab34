"""Search: full-text indexes over quotes and stories, and the items of posted briefings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Chat commands and follow-up questions look quotes up by speaker ("quotes
lavrov") and by words ("what did the Kremlin say about security guarantees?"),
and stories by words; with 100,000 quotes a LIKE scan is too slow, so:

- SQLite: three FTS5 tables kept in step by triggers. ``quote_speakers_fts``
  (speaker and role, no stemming, so name prefixes match: "zelensky" finds
  "Zelenskyy"), ``quote_texts_fts`` (quote text, Porter-stemmed) and
  ``stories_fts`` (title and text, external content over ``stories``). The
  quotes table has no integer key, so a quote's FTS rowid is
  ``story_id * 65536 + ordinal`` (`bot.store.schema.QUOTE_ROWID_FACTOR`).
- PostgreSQL: stored generated ``tsvector`` columns with GIN indexes
  (``quotes.speaker_tsv`` 'simple', ``quotes.text_tsv`` and
  ``stories.search_tsv`` 'english'; a story's text is cut at 100,000
  characters so a huge page can never exceed the tsvector size limit). The
  GIN indexes are built without ``fastupdate``: its pending list is scanned
  linearly by every search until a vacuum merges it, which put tens of
  milliseconds on chat answers, while ingest writes few rows a minute.

Neither appears in ``bot.store.schema.metadata``: they are maintained by the
database itself, and `bot.store.schema.include_object` hides them from
autogenerate comparisons. A later SQLite migration that rebuilds ``quotes`` or
``stories`` in batch mode drops their triggers and must re-create them.

``briefing_items`` records which stories each posted briefing listed, in
order, so "quotes 2" can mean the second story of the channel's last briefing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _rowid(row: str) -> str:
    return f"{row}.story_id * 65536 + {row}.ordinal"


def _speaker(row: str) -> str:
    return f"coalesce({row}.speaker, '') || ' ' || coalesce({row}.speaker_role, '')"


_SQLITE_UP = [
    "CREATE VIRTUAL TABLE quote_speakers_fts USING fts5("
    "speaker, tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE quote_texts_fts USING fts5("
    "text, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE stories_fts USING fts5("
    "title, text, content='stories', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quote_speakers_fts(rowid, speaker)
            VALUES ({_rowid("new")}, {_speaker("new")});
        INSERT INTO quote_texts_fts(rowid, text)
            VALUES ({_rowid("new")}, new.text);
    END""",
    f"""CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        DELETE FROM quote_speakers_fts WHERE rowid = {_rowid("old")};
        DELETE FROM quote_texts_fts WHERE rowid = {_rowid("old")};
    END""",
    f"""CREATE TRIGGER quotes_fts_update AFTER UPDATE ON quotes BEGIN
        DELETE FROM quote_speakers_fts WHERE rowid = {_rowid("old")};
        DELETE FROM quote_texts_fts WHERE rowid = {_rowid("old")};
        INSERT INTO quote_speakers_fts(rowid, speaker)
            VALUES ({_rowid("new")}, {_speaker("new")});
        INSERT INTO quote_texts_fts(rowid, text)
            VALUES ({_rowid("new")}, new.text);
    END""",
    """CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, text ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    # Rows stored before this revision.
    f"INSERT INTO quote_speakers_fts(rowid, speaker) "
    f"SELECT {_rowid('quotes')}, {_speaker('quotes')} FROM quotes",
    f"INSERT INTO quote_texts_fts(rowid, text) SELECT {_rowid('quotes')}, text FROM quotes",
    "INSERT INTO stories_fts(stories_fts) VALUES ('rebuild')",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS quotes_fts_insert",
    "DROP TRIGGER IF EXISTS quotes_fts_delete",
    "DROP TRIGGER IF EXISTS quotes_fts_update",
    "DROP TRIGGER IF EXISTS stories_fts_insert",
    "DROP TRIGGER IF EXISTS stories_fts_delete",
    "DROP TRIGGER IF EXISTS stories_fts_update",
    "DROP TABLE IF EXISTS quote_speakers_fts",
    "DROP TABLE IF EXISTS quote_texts_fts",
    "DROP TABLE IF EXISTS stories_fts",
]

_POSTGRES_UP = [
    "ALTER TABLE quotes ADD COLUMN speaker_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, coalesce(speaker, '') || ' ' || "
    "coalesce(speaker_role, ''))) STORED",
    "ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english'::regconfig, text)) STORED",
    "ALTER TABLE stories ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english'::regconfig, title || ' ' || left(text, 100000))) STORED",
    "CREATE INDEX ix_quotes_speaker_tsv ON quotes USING gin (speaker_tsv) WITH (fastupdate = off)",
    "CREATE INDEX ix_quotes_text_tsv ON quotes USING gin (text_tsv) WITH (fastupdate = off)",
    "CREATE INDEX ix_stories_search_tsv ON stories USING gin (search_tsv) WITH (fastupdate = off)",
]

_POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_stories_search_tsv",
    "DROP INDEX IF EXISTS ix_quotes_text_tsv",
    "DROP INDEX IF EXISTS ix_quotes_speaker_tsv",
    "ALTER TABLE stories DROP COLUMN IF EXISTS search_tsv",
    "ALTER TABLE quotes DROP COLUMN IF EXISTS text_tsv",
    "ALTER TABLE quotes DROP COLUMN IF EXISTS speaker_tsv",
]


def upgrade() -> None:
    op.create_table(
        "briefing_items",
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint(
            "idempotency_key", "position", "story_id", name="pk_briefing_items"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_briefing_items_story_id_stories",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_briefing_items_channel_id_created_at", "briefing_items", ["channel_id", "created_at"]
    )
    statements = _POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else _SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = _POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else _SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_index("ix_briefing_items_channel_id_created_at", table_name="briefing_items")
    op.drop_table("briefing_items")
