"""`sync_config`: the config into the store in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.config_sync import sync_config
from bot.settings import ChannelSettings, FeedSettings, Settings
from bot.store import SqlStore

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _settings(channels: int = 5, feeds: int = 4) -> Settings:
    urls = [f"https://news.example/{n}.xml" for n in range(feeds + channels)]
    return Settings(
        feeds=[FeedSettings(url=urls[0], title="First")],
        channels=[
            ChannelSettings(
                id=f"console:c{c}",
                feeds=urls[c : c + feeds],
                schedule="0 8 * * *",
                include=["vote"],
            )
            for c in range(channels)
        ],
    )


def _state(store: SqlStore) -> tuple[Any, ...]:
    channels = [(c.id, c.schedule, c.next_briefing_at) for c in store.channel_states()]
    subscribed = {c: [f.url for f in store.subscriptions(c)] for c, _, _ in channels}
    return channels, subscribed, [(f.url, f.title) for f in store.list_feeds()]


def test_the_config_is_synced_in_one_transaction(store: SqlStore) -> None:
    commits: list[int] = []

    def count(*_: Any) -> None:
        commits.append(1)

    sa.event.listen(store.engine, "commit", count)
    try:
        sync_config(store, _settings(), now=NOW)
    finally:
        sa.event.remove(store.engine, "commit", count)
    assert len(commits) == 1
    channels, subscribed, feeds = _state(store)
    assert len(channels) == 5 and all(len(urls) == 4 for urls in subscribed.values())
    assert ("https://news.example/0.xml", "First") in feeds
    assert all(slot is not None for _, _, slot in channels)


def test_syncing_again_changes_nothing(store: SqlStore) -> None:
    sync_config(store, _settings(), now=NOW)
    before = _state(store)
    sync_config(store, _settings(), now=NOW.replace(hour=10))
    assert _state(store) == before


def test_two_processes_syncing_at_once_both_finish(store: SqlStore, request: Any) -> None:
    """As two `newsbrief run` starting together: one waits for the other's commit."""
    if "sqlite-memory" in request.node.name:
        return  # one connection: nothing runs at once
    errors: list[BaseException] = []

    def sync() -> None:
        try:
            sync_config(store, _settings(), now=NOW)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    channels, subscribed, _ = _state(store)
    assert len(channels) == 5 and all(len(urls) == 4 for urls in subscribed.values())


def test_postgres_a_restart_sync_waits_for_no_delivery_or_poll(store: SqlStore) -> None:
    """Two `newsbrief run` processes: one completing a delivery (its channel row locked)
    and polling a feed (its feed row locked) while the other starts and syncs the same
    config. Unchanged entries are read, not written, so the sync waits for neither;
    writing them (INSERT … ON CONFLICT, UPDATE) queued it, and then every delivery of
    the first process behind the sync's locks."""
    if store.engine.dialect.name != "postgresql":
        return  # SQLite serves one process
    sync_config(store, _settings(), now=NOW)
    other = sa.create_engine(store.engine.url)
    try:
        with other.connect() as busy:
            busy.exec_driver_sql(
                "UPDATE channels SET last_briefing_at = now() WHERE id = 'console:c0'"
            )
            busy.exec_driver_sql(
                "UPDATE feeds SET last_error = 'x' WHERE url = 'https://news.example/0.xml'"
            )
            done = threading.Event()

            def sync() -> None:
                sync_config(store, _settings(), now=NOW.replace(hour=10))
                done.set()

            thread = threading.Thread(target=sync, daemon=True)
            thread.start()
            finished = done.wait(timeout=20)
            busy.rollback()
            thread.join(timeout=20)
    finally:
        other.dispose()
    assert finished, "the sync waited for the locks of another process's transaction"


def test_an_unchanged_config_is_a_few_reads_per_channel(store: SqlStore) -> None:
    """A restart's sync of 5 channels × 4 feeds: read, not three writes per feed."""
    sync_config(store, _settings(), now=NOW)
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", note)
    try:
        sync_config(store, _settings(), now=NOW.replace(hour=11))
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", note)
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(statements) <= 1 + 5 * 3, statements


def test_subscribe_all_since_keeps_limits_and_applies_filters(store: SqlStore) -> None:
    urls = [f"https://news.example/{n}.xml" for n in range(3)]
    for url in urls:
        store.add_feed(url)
    store.subscribe("console:c", urls[0])  # made in chat: no backfill limit yet
    store.subscribe_all_since("console:c", urls[:2], not_before=NOW, include=["vote"])
    store.subscribe_all_since("console:c", urls, not_before=NOW.replace(hour=12), exclude=["ad"])
    with store.engine.connect() as conn:
        query = sa.text("SELECT feed_id, not_before, include, exclude FROM subscriptions")
        rows = {r.feed_id: (r.not_before, r.include, r.exclude) for r in conn.execute(query)}
    ids = {f.url: f.id for f in store.list_feeds()}
    first, second, third = (rows[ids[u]][0] for u in urls)
    # the first call's limit stands for the feeds it subscribed; the new one gets the second's
    assert first is not None and first == second != third is not None
    filters = [rows[ids[u]][1:] for u in urls[:2]]
    assert [tuple(json.loads(v) if isinstance(v, str) else v for v in f) for f in filters] == [
        (["vote"], ["ad"])
    ] * 2
    assert [f.url for f in store.subscriptions("console:c")] == urls
