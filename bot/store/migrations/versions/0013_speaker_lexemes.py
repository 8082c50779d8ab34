"""Speaker lexemes (PostgreSQL): every word of the quotes' ``speaker_tsv``, kept by the database.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

A speaker word matches as a prefix ("zelensky" finds "Zelenskyy"). On PostgreSQL
a prefix (``chief:*``) makes the GIN index collect every matching entry into a
bitmap that must then be rechecked row by row, several times the cost of the
same lexemes asked exactly: 10-30 ms for a role quoted six thousand times at
100,000 quotes. ``speaker_lexemes`` lists the distinct lexemes of
``quotes.speaker_tsv``, so a search turns each prefix into the exact lexemes that
start with it (`bot.store.search`) with one B-tree range read.

- ``speaker_lexemes(lexeme text COLLATE "C")`` with a B-tree index: bytewise
  order, so a prefix is one key range.
- Statement-level ``AFTER INSERT`` and ``AFTER UPDATE`` triggers on ``quotes`` add
  the new rows' lexemes not listed yet. There is deliberately no unique key: with
  one, a writer adding a lexeme waits for any other transaction adding the same
  one to end, and two writers saving quotes in several statements each deadlocked
  (seen with the demo's parallel ingest). Two writers adding one new lexeme at
  once both list it; readers take distinct lexemes. Deleted quotes leave their
  lexemes behind: a lexeme nobody has any more costs one empty index probe and
  matches nothing.

SQLite is unchanged (FTS5 prefix queries walk one term range already). Like the
search objects of 0003, none of this is in ``bot.store.schema.metadata``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POSTGRES_UP = [
    'CREATE TABLE speaker_lexemes (lexeme text COLLATE "C" NOT NULL)',
    "CREATE INDEX ix_speaker_lexemes_lexeme ON speaker_lexemes (lexeme)",
    """CREATE FUNCTION speaker_lexemes_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO speaker_lexemes (lexeme)
            SELECT DISTINCT word
            FROM new_rows, unnest(tsvector_to_array(new_rows.speaker_tsv)) AS word
            WHERE NOT EXISTS (SELECT 1 FROM speaker_lexemes l WHERE l.lexeme = word);
        RETURN NULL;
    END
    $$""",
    "CREATE TRIGGER quotes_speaker_lexemes_insert AFTER INSERT ON quotes "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION speaker_lexemes_add()",
    "CREATE TRIGGER quotes_speaker_lexemes_update AFTER UPDATE ON quotes "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION speaker_lexemes_add()",
    # Rows stored before this revision.
    "INSERT INTO speaker_lexemes (lexeme) SELECT DISTINCT word FROM quotes, "
    "unnest(tsvector_to_array(quotes.speaker_tsv)) AS word ORDER BY word",
]

_POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS quotes_speaker_lexemes_update ON quotes",
    "DROP TRIGGER IF EXISTS quotes_speaker_lexemes_insert ON quotes",
    "DROP FUNCTION IF EXISTS speaker_lexemes_add()",
    "DROP TABLE IF EXISTS speaker_lexemes",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_DOWN:
            op.execute(statement)
