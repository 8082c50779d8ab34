"""The store's tables, as SQLAlchemy Core metadata.

This is what queries are written against. The DDL itself comes from the
Alembic migrations in ``bot.store.migrations``; a test compares the two, so a
column added here without a migration (or the other way round) fails CI.

Every table has an integer surrogate key so that a later migration can hang a
full-text index off ``stories.id`` (SQLite FTS5 ``content_rowid``, or a
PostgreSQL ``tsvector`` column with a GIN index) without touching these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL's ``timestamptz`` round-trips awareness; SQLite stores text and
    returns naive values, which we know to be UTC because we only write UTC.
    A naive value handed to us is taken as UTC (feed parsers produce those).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # defensive: a value written by hand into SQLite
            value = datetime.fromisoformat(value)
        return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; naive input is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# JSONB on PostgreSQL so filters can be indexed/queried later; plain JSON text elsewhere.
JsonType = sa.JSON().with_variant(JSONB(), "postgresql")

metadata = sa.MetaData(
    # Named constraints make later migrations (and SQLite batch mode) deterministic.
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_success_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_at", UTCDateTime),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("next_poll_at", UTCDateTime),
    sa.Column("poll_interval_s", sa.Integer),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # 0002: who polls the feed now and until when; when failures paused it.
    sa.Column("poll_claimed_by", sa.Text),
    sa.Column("poll_lease_until", UTCDateTime),
    sa.Column("paused_at", UTCDateTime),
    sa.Index("ix_feeds_next_poll_at", "next_poll_at"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("published_at", UTCDateTime),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
    # coalesce(published_at, fetched_at), stored so "recent stories" is one index range scan.
    sa.Column("sort_at", UTCDateTime, nullable=False, index=True),
    sa.Column("hash", sa.Text, nullable=False, index=True),
    sa.Column("guid", sa.Text),
    # 0006: when retention emptied the story (its text and quotes gone; title, url,
    # keys and hash kept so it still dedupes). Such a "husk" is never new, listed
    # or found again. Prune finds candidates through (pruned_at, fetched_at).
    sa.Column("pruned_at", UTCDateTime),
    sa.Index("ix_stories_pruned_at_fetched_at", "pruned_at", "fetched_at"),
    # 0008: when the story's quotes were saved (it may have none); NULL while a
    # summary is owed, e.g. after a crash between storing a feed's stories and quoting them.
    sa.Column("quotes_saved_at", UTCDateTime),
    sa.Index("ix_stories_quotes_saved_at", "quotes_saved_at", "id"),
)

story_keys = sa.Table(
    "story_keys",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column(
        "story_id",
        sa.Integer,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column(
        "story_id",
        sa.Integer,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("ordinal", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("speaker", sa.Text),
    sa.Column("speaker_role", sa.Text),
    sa.Column("speaker_start", sa.Integer),
    sa.Column("speaker_end", sa.Integer),
    sa.Column("cue", sa.Text),
    sa.Column("anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("confidence", sa.Float, nullable=False, server_default="1.0"),
)

channels = sa.Table(
    "channels",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),  # "slack:T1:C2", "discord:G:C", "console:demo"
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("timezone", sa.Text, nullable=False, server_default="UTC"),
    sa.Column("schedule", sa.Text),  # cron string
    sa.Column("last_briefing_at", UTCDateTime),
    sa.Column("backfill_hours", sa.Integer),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # 0002: breaking mode, and the next scheduled slot (kept here so restarts neither
    # skip nor repeat one).
    sa.Column("breaking", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("next_briefing_at", UTCDateTime),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column(
        "channel_id",
        sa.Text,
        sa.ForeignKey("channels.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id"), primary_key=True, index=True),
    sa.Column("include", JsonType, nullable=False),
    sa.Column("exclude", JsonType, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("not_before", UTCDateTime),  # 0002: backfill limit of a new subscription
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
    sa.Column("channel_id", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False, server_default="briefing"),
    sa.Column("message_id", sa.Text),
    sa.Column("status", sa.String(16), nullable=False),  # "claimed" | "posted"
    sa.Column("claimed_by", sa.Text),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("posted_at", UTCDateTime),
    sa.Column("story_ids", JsonType),  # 0002: written before posting, for recovery
    sa.Column("posted_parts", JsonType),  # 0012: {"parts": N, "ids": {"1": id}} as each lands
    sa.Index("ix_deliveries_posted_at", "posted_at"),  # 0006: retention
)

# 0002: which stories each channel has received (what "new to the channel" means).
briefed_stories = sa.Table(
    "briefed_stories",
    metadata,
    sa.Column(
        "channel_id",
        sa.Text,
        sa.ForeignKey("channels.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "story_id",
        sa.Integer,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    sa.Column("briefed_at", UTCDateTime, nullable=False),
)

# 0003: the stories each posted briefing listed, in order ("quotes 2" = its second story).
briefing_items = sa.Table(
    "briefing_items",
    metadata,
    sa.Column("idempotency_key", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column(
        "story_id",
        sa.Integer,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("channel_id", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_briefing_items_channel_id_created_at", "channel_id", "created_at"),
    sa.Index("ix_briefing_items_created_at", "created_at"),  # 0006: retention
)

# 0004: the LLM summarizer's raw output per (story content hash, model), and its usage
# per UTC day and model (token budget, `newsbrief stats`).
llm_cache = sa.Table(
    "llm_cache",
    metadata,
    sa.Column("story_hash", sa.Text, primary_key=True),
    sa.Column("model", sa.Text, primary_key=True),
    sa.Column("output", sa.Text, nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_llm_cache_created_at", "created_at"),  # 0006: retention
)

llm_usage = sa.Table(
    "llm_usage",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("model", sa.Text, primary_key=True),
    *(
        sa.Column(name, sa.Integer, nullable=False, server_default="0")
        for name in (
            "requests",
            "prompt_tokens",
            "completion_tokens",
            "cache_hits",
            "failures",
            "quotes_verified",
            "quotes_rejected",
        )
    ),
)

# Tokens reserved or spent per UTC day, every model together (0010): the daily budget.
llm_budget = sa.Table(
    "llm_budget",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("tokens", sa.BigInteger, nullable=False, server_default="0"),
)

# 0005: chat platform events a process has taken on (Slack's retries reach any process
# sharing the store); rows older than the caller's ttl are deleted a few at a time.
# 0007: ``lease_until``, the end of the claimer's lease while it handles the event; NULL
# once handled (and for claims made before 0007, which were never leases).
event_claims = sa.Table(
    "event_claims",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("claimed_at", UTCDateTime, nullable=False, index=True),
    sa.Column("lease_until", UTCDateTime),
)

# 0011: what each chat thread was last told (people answered about, quotes shown), so a
# follow-up reaching another process, or arriving after a restart, still has it.
thread_memory = sa.Table(
    "thread_memory",
    metadata,
    sa.Column("channel", sa.Text, primary_key=True),
    sa.Column("thread", sa.Text, primary_key=True),
    sa.Column("people", sa.Text, nullable=False),  # JSON list of names
    sa.Column("shown", sa.Text, nullable=False),  # JSON list of [story id, quote text]
    sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
)

# 0003: full-text search. The database maintains these itself (SQLite FTS5 tables
# fed by triggers; PostgreSQL generated tsvector columns with GIN indexes), so
# they are not part of `metadata`; `include_object` keeps autogenerate off them.
QUOTE_ROWID_FACTOR = 65536  # SQLite FTS rowid of a quote: story_id * factor + ordinal
SQLITE_SEARCH_TABLES = ("quote_speakers_fts", "quote_texts_fts", "stories_fts")
POSTGRES_SEARCH_COLUMNS = ("speaker_tsv", "text_tsv", "search_tsv")
POSTGRES_SEARCH_INDEXES = (
    "ix_quotes_speaker_tsv",
    "ix_quotes_text_tsv",
    "ix_stories_search_tsv",
    "ix_stories_id_sort_at",  # 0014: a ranked quote search's story order, index-only
)
# 0013: the speakers' lexemes, kept by triggers on PostgreSQL (see that revision).
POSTGRES_SEARCH_TABLES = ("speaker_lexemes",)


def is_search_object(name: str | None, type_: str) -> bool:
    """True for the full-text tables, shadow tables, columns and indexes of revisions 0003,
    0013 and 0014."""
    if name is None:
        return False
    if type_ == "table":
        # FTS5 adds _data, _idx, ... tables
        return name.startswith(SQLITE_SEARCH_TABLES) or name in POSTGRES_SEARCH_TABLES
    if type_ == "column":
        return name in POSTGRES_SEARCH_COLUMNS
    if type_ == "index":
        return name in POSTGRES_SEARCH_INDEXES
    return False


# Slack OAuth's tables (revision 0009) are slack_sdk's, defined by its stores, not here.
SLACK_OAUTH_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object`` hook: compare everything but the search objects
    and the Slack OAuth tables (held to slack_sdk's definitions by their own test)."""
    if type_ == "table" and name in SLACK_OAUTH_TABLES:
        return False
    return not is_search_object(name, type_)
