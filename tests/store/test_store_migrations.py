"""Migrations: from empty to head, re-opening, and agreement with the schema module."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.ports import EventClaim
from bot.store import alembic_config, current_revision, head_revision, make_store, migrate
from bot.store.engine import WRITE_OPTION, make_engine
from bot.store.schema import UTCDateTime, include_object, metadata

TABLES = {
    "alembic_version",
    "feeds",
    "stories",
    "story_keys",
    "quotes",
    "channels",
    "subscriptions",
    "deliveries",
    "briefed_stories",
    "event_claims",
}


def test_empty_database_has_no_revision(store_url: str) -> None:
    assert current_revision(store_url) is None


def test_make_store_migrates_to_head(store_url: str) -> None:
    make_store(store_url).close()
    assert current_revision(store_url) == head_revision() >= "0002"
    engine = make_engine(store_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_reopen_is_idempotent_and_keeps_data(store_url: str) -> None:
    with make_store(store_url) as first:
        first.add_feed("https://a.example/feed", title="A")
    assert migrate(store_url) == head_revision()
    with make_store(store_url) as second:
        assert [f.title for f in second.list_feeds()] == ["A"]


def test_migrations_match_schema_module(store_url: str) -> None:
    migrate(store_url)
    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_event_claims_made_before_leases_stay_done(store_url: str) -> None:
    """0007: a claim stored by the lease-less code was a handled event, and stays one."""
    claimed_at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    engine = make_engine(store_url)
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0006")
            before_0007 = sa.table(
                "event_claims", sa.column("key"), sa.column("claimed_at", UTCDateTime)
            )
            conn.execute(
                sa.insert(before_0007).values(key="slack:event:EvOld", claimed_at=claimed_at)
            )
            conn.commit()
    finally:
        engine.dispose()
    with make_store(store_url) as store:  # migrates to head
        later = claimed_at + timedelta(minutes=10)
        got = store.claim_event(
            "slack:event:EvOld", at=later, lease=timedelta(seconds=30), ttl=timedelta(hours=1)
        )
        assert got is EventClaim.DONE
