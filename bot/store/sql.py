"""`SqlStore`: the `Store` port over SQLAlchemy Core, for SQLite and PostgreSQL.

Every public method is one transaction (`_read` or `_write`). Database errors
leave as `StoreError`; a missing feed or story as `NotFoundError`. Inside
`reading`, a thread's reads share one pooled connection (each still its own
transaction, or its own statements), so a chat answer's four to six searches
check out one connection instead of one each; inside `writing`, its reads and
writes are one transaction (the config sync at start: one commit, not thousands).
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain import Feed, Quote, Story
from bot.errors import NotFoundError, StoreError
from bot.store.engine import WRITE_OPTION, is_memory_sqlite, translate_errors
from bot.store.events import EventClaimStore
from bot.store.llm_cache import LLMCacheStore
from bot.store.polls import IN_CHUNK, PollStore
from bot.store.polls import LostRace as _LostRace
from bot.store.retention import RetentionStore
from bot.store.rows import (
    chunks,
    feed_from_row,
    quote_from_row,
    quote_to_row,
    storage_key,
    storage_keys,
    story_from_row,
    story_select,
)
from bot.store.scheduling import SchedulingStore
from bot.store.schema import (
    as_utc,
    channels,
    deliveries,
    feeds,
    quotes,
    stories,
    story_keys,
    subscriptions,
)
from bot.store.search import SearchStore
from bot.store.threads import ThreadMemoryStore

MAX_ERROR_CHARS = 2000

_Insert = postgresql.Insert | sqlite.Insert


_INSERT_STORIES = sa.insert(stories).returning(stories.c.url, stories.c.id)


def _now() -> datetime:
    return datetime.now(UTC)


class SqlStore(
    PollStore,
    SchedulingStore,
    SearchStore,
    LLMCacheStore,
    EventClaimStore,
    RetentionStore,
    ThreadMemoryStore,
):
    """The `Store` port on a SQLAlchemy engine; build it with `bot.store.make_store`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._dialect = engine.dialect.name
        if self._dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"unsupported database {self._dialect!r}: use SQLite or PostgreSQL")
        # In-memory SQLite is one shared connection: threads must take turns on it.
        self._lock: AbstractContextManager[Any] = (
            threading.RLock() if is_memory_sqlite(engine.url) else nullcontext()
        )
        # The connection `reading` holds for this thread's reads, if any.
        self._pinned = threading.local()
        self._insert_keys = (
            self._insert(story_keys).on_conflict_do_nothing().returning(story_keys.c.key)
        )
        self._event_calls = itertools.count()  # paces the deletion of expired event claims
        self._thread_writes = itertools.count()  # paces the deletion of forgotten threads

    @property
    def engine_lock(self) -> AbstractContextManager[Any]:
        """Held around every use of ``engine`` from a thread, by the store and by others
        sharing its engine (the Slack OAuth stores): in-memory SQLite is one connection,
        which one thread at a time may use. A no-op on other databases."""
        return self._lock

    # lifecycle

    def close(self) -> None:
        """Close every pooled connection (an in-memory database is gone afterwards)."""
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlStore({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def reading(self, doing: str) -> Iterator[None]:
        """Every read of the block, in this thread, on one connection (see the port).

        On PostgreSQL the reads that want a snapshot share one transaction, begun by
        the first of them and committed when the block ends (two round trips per
        block, not per read); the others run in autocommit until then. In-memory
        SQLite is one shared connection already: nothing to hold there.
        """
        if getattr(self._pinned, "conn", None) is not None or is_memory_sqlite(self.engine.url):
            yield
            return
        with translate_errors(doing), self.engine.connect() as conn:
            if self._dialect == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            self._pinned.conn, self._pinned.memo, self._pinned.transaction = conn, {}, None
            try:
                yield
                if self._pinned.transaction is not None:
                    self._pinned.transaction.commit()
            finally:
                self._pinned.conn = self._pinned.memo = self._pinned.transaction = None

    def _reading_memo(self) -> dict[Any, Any] | None:
        """A dict that lives as long as this thread's `reading` block (None outside one):
        for what cannot change within an answer's few milliseconds that matters to it."""
        memo: dict[Any, Any] | None = getattr(self._pinned, "memo", None)
        return memo

    @contextmanager
    def _read(self, doing: str, *, snapshot: bool = True) -> Iterator[sa.Connection]:
        """A connection to read with, in one transaction; without ``snapshot``, each
        statement on its own (PostgreSQL autocommit: no BEGIN and COMMIT round trips, for
        reads whose statements need not see one moment, like a chat answer's searches)."""
        joined: sa.Connection | None = getattr(self._pinned, "write", None)
        if joined is not None:  # inside `writing`: see its writes
            with translate_errors(doing):
                yield joined
            return
        pinned: sa.Connection | None = getattr(self._pinned, "conn", None)
        if pinned is not None:
            with translate_errors(doing):
                yield from self._read_pinned(pinned, snapshot=snapshot)
            return
        with translate_errors(doing), self._lock, self.engine.connect() as conn:
            if not snapshot and self._dialect == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            with conn.begin():
                yield conn

    def _read_pinned(self, conn: sa.Connection, *, snapshot: bool) -> Iterator[sa.Connection]:
        """A read (or `_write`'s ``in_reading`` write) on `reading`'s connection: SQLite, a
        transaction of its own; PostgreSQL,
        inside the block's transaction once one is open (a snapshot read opens it), else
        in autocommit. A failed read ends the block's transaction (PostgreSQL refuses
        every later statement of an aborted one)."""
        if self._dialect != "postgresql" or (not snapshot and self._pinned.transaction is None):
            with conn.begin():
                yield conn
            return
        if self._pinned.transaction is None:
            conn.execution_options(isolation_level=conn.default_isolation_level)
            self._pinned.transaction = conn.begin()
        try:
            yield conn
        except BaseException:
            transaction, self._pinned.transaction = self._pinned.transaction, None
            transaction.rollback()
            raise

    @contextmanager
    def writing(self, doing: str) -> Iterator[None]:
        """Every read and write of the block, in this thread, in one write transaction
        (see the port): committed when the block ends, rolled back if it raises."""
        if getattr(self._pinned, "write", None) is not None:
            yield
            return
        with translate_errors(doing), self._lock, self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                self._pinned.write = conn
                try:
                    yield
                finally:
                    self._pinned.write = None

    @contextmanager
    def _write(self, doing: str, *, in_reading: bool = False) -> Iterator[sa.Connection]:
        """A write transaction. With ``in_reading`` (a single-statement write an answer
        makes, its thread's memory), PostgreSQL writes on `reading`'s connection: in
        the block's transaction when one is open (committed as the block ends), else in
        autocommit; no checkout, BEGIN or COMMIT of its own."""
        joined: sa.Connection | None = getattr(self._pinned, "write", None)
        reading: sa.Connection | None = getattr(self._pinned, "conn", None)
        if joined is None and reading is not None and in_reading and self._dialect == "postgresql":
            with translate_errors(doing):
                yield from self._read_pinned(reading, snapshot=False)
            return
        if joined is not None:
            with translate_errors(doing):
                yield joined
            return
        with translate_errors(doing), self._lock, self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def _insert(self, table: sa.Table) -> _Insert:
        """An INSERT that can say ON CONFLICT, in this database's dialect."""
        if self._dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    # feeds

    def add_feed(self, url: str, *, title: str | None = None) -> Feed:
        """Add a feed, or return the existing one; a given title replaces the stored one."""
        with self._write(f"adding feed {url}") as conn:
            # Read first: a feed that is there as asked is left unlocked. An INSERT … ON
            # CONFLICT waits for every poll updating the row (`sync_config` at each start).
            row = conn.execute(sa.select(feeds).where(feeds.c.url == url)).first()
            if row is not None and (title is None or row.title == title):
                return feed_from_row(row)
            stmt = self._insert(feeds).values(url=url, title=title, created_at=_now())
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[feeds.c.url]))
            if title is not None:
                conn.execute(
                    sa.update(feeds)
                    .where(feeds.c.url == url, feeds.c.title.is_distinct_from(title))
                    .values(title=title)
                )
            return _feed(conn, url)

    def get_feed(self, url: str) -> Feed:
        with self._read(f"reading feed {url}") as conn:
            return _feed(conn, url)

    def list_feeds(self) -> list[Feed]:
        with self._read("listing feeds") as conn:
            rows = conn.execute(sa.select(feeds).order_by(feeds.c.id))
            return [feed_from_row(r) for r in rows]

    def record_fetch_success(
        self,
        url: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> Feed:
        """Note a good fetch: failures reset, validators kept unless new ones came.

        A 304 carries no validators, so ``None`` keeps the stored ones. The
        feed's own title only fills a missing one: an operator's title wins.
        """
        values = _fetch_success(at, etag, last_modified, title)
        return self._update_feed(url, values, f"recording a fetch of {url}")

    def record_fetch_failure(self, url: str, *, at: datetime, error: str) -> Feed:
        """Note a failed fetch; stories and validators stay as they were."""
        values = {
            "consecutive_failures": feeds.c.consecutive_failures + 1,
            "last_error": error[:MAX_ERROR_CHARS],
            "last_error_at": at,
        }
        return self._update_feed(url, values, f"recording a failed fetch of {url}")

    def set_feed_paused(self, url: str, paused: bool) -> Feed:
        """Pause or resume polling a feed (added to the port's methods)."""
        return self._update_feed(url, {"paused": paused}, f"pausing feed {url}")

    def _update_feed(self, url: str, values: dict[str, Any], doing: str) -> Feed:
        with self._write(doing) as conn:
            result = conn.execute(sa.update(feeds).where(feeds.c.url == url).values(values))
            if result.rowcount == 0:
                raise NotFoundError(f"no feed {url}")
            return _feed(conn, url)

    # stories

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` some stored story already has."""
        wanted = storage_keys(keys)
        found: set[str] = set()
        with self._read("looking up story keys") as conn:
            for chunk in chunks(list(wanted), IN_CHUNK):
                query = sa.select(story_keys.c.key).where(story_keys.c.key.in_(chunk))
                found.update(wanted[k] for k in conn.scalars(query))
        return found

    def add_story(
        self, story: Story, *, keys: Iterable[str], fetched_at: datetime | None = None
    ) -> Story:
        """Store ``story`` under ``keys``, or return the stored story any key already names.

        Safe against a concurrent insert of the same story: the key rows are
        inserted with ON CONFLICT DO NOTHING, and the loser rolls its story back.
        ``keys`` empty means ``url:<story.url>``.
        """
        wanted = list(storage_keys(keys or [f"url:{story.url}"]))
        try:
            with self._write(f"adding story {story.url}") as conn:
                existing = _story_id_for_keys(conn, wanted)
                if existing is not None:
                    return _story(conn, existing)
                story_id = self._insert_story(conn, story, wanted, fetched_at or _now())
                return dataclasses.replace(story, id=story_id, published_at=_aware(story))
        except _LostRace:
            with self._read(f"reading story {story.url}") as conn:
                existing = _story_id_for_keys(conn, wanted)
                if existing is None:  # the winner rolled back too; vanishingly rare
                    raise StoreError(f"story {story.url} lost a race and vanished") from None
                return _story(conn, existing)

    def add_stories(
        self,
        items: Sequence[tuple[Story, Iterable[str]]],
        *,
        fetched_at: datetime | None = None,
    ) -> list[Story]:
        """`add_story` for each of ``items`` (story, keys), in one transaction.

        One feed's new stories cost one commit instead of one each. If another
        process stores one of them meanwhile, the batch rolls back and the
        stories are added one by one, each settling its own race.
        """
        at = fetched_at or _now()
        batch = [(story, list(storage_keys(keys or [f"url:{story.url}"]))) for story, keys in items]
        try:
            with self._write(f"adding {len(batch)} stories") as conn:
                return self._insert_batch(conn, batch, at)
        except _LostRace:
            return [self.add_story(story, keys=keys, fetched_at=at) for story, keys in items]

    def _insert_batch(
        self, conn: sa.Connection, batch: list[tuple[Story, list[str]]], at: datetime
    ) -> list[Story]:
        """A few statements for the whole batch, however many stories it holds."""
        all_keys = [k for _, keys in batch for k in keys]
        owner: dict[str, int] = {}
        for chunk in chunks(all_keys, IN_CHUNK):
            query = sa.select(story_keys.c.key, story_keys.c.story_id)
            rows = conn.execute(query.where(story_keys.c.key.in_(chunk)))
            owner.update((row.key, row.story_id) for row in rows)
        fresh: list[int] = []  # positions in batch of stories to insert
        claimed: dict[str, int] = {}  # key -> position of the batch story that takes it
        same_as: dict[int, int] = {}  # position -> earlier position sharing a key
        for pos, (_, keys) in enumerate(batch):
            twin = next((claimed[k] for k in keys if k in claimed), None)
            if twin is not None:
                same_as[pos] = twin
            elif all(k not in owner for k in keys):
                fresh.append(pos)
                claimed.update(dict.fromkeys(keys, pos))
        new_ids = self._insert_stories(conn, [batch[p] for p in fresh], at)
        ids = dict(zip(fresh, new_ids, strict=True))
        out: list[Story] = []
        old_ids = {
            pos: min(owner[k] for k in keys if k in owner)
            for pos, (_, keys) in enumerate(batch)
            if pos not in ids and pos not in same_as
        }
        old = _stories_by_id(conn, set(old_ids.values()))
        for pos, (story, _) in enumerate(batch):
            if pos in ids:
                out.append(dataclasses.replace(story, id=ids[pos], published_at=_aware(story)))
            elif pos in same_as:
                out.append(out[same_as[pos]])
            else:
                out.append(old[old_ids[pos]])
        return out

    def _insert_stories(
        self,
        conn: sa.Connection,
        batch: list[tuple[Story, list[str]]],
        at: datetime,
        known_feed_ids: dict[str, int] | None = None,
    ) -> list[int]:
        if not batch:
            return []
        feed_ids = dict(known_feed_ids or {})
        for url in {story.feed_url for story, _ in batch} - feed_ids.keys():
            feed_ids[url] = _feed_id(conn, url)
        rows = [_story_row(story, feed_ids[story.feed_url], at) for story, _ in batch]
        ids = _inserted_story_ids(conn, rows)
        key_rows = sorted(  # by key: one lock order for concurrent writers
            (
                {"key": k, "story_id": story_id}
                for story_id, (_, keys) in zip(ids, batch, strict=True)
                for k in keys
            ),
            key=lambda row: str(row["key"]),
        )
        # executemany, not one VALUES list: the statement is compiled once and cached.
        if len(conn.execute(self._insert_keys, key_rows).all()) != len(key_rows):
            raise _LostRace
        return ids

    def _insert_story(
        self, conn: sa.Connection, story: Story, keys: list[str], fetched_at: datetime
    ) -> int:
        [story_id] = self._insert_stories(conn, [(story, keys)], fetched_at)
        return story_id

    def get_story(self, story_id: int) -> Story:
        with self._read(f"reading story {story_id}") as conn:
            return _story(conn, story_id)

    def recent_stories(
        self,
        *,
        since: datetime | None = None,
        limit: int = 100,
        feed_urls: Collection[str] | None = None,
    ) -> list[Story]:
        """Newest first by publication time (fetch time when the feed gave none).

        Stories retention emptied (husks) are left out; ``feed_urls`` keeps those feeds'.
        """
        query = (
            story_select()
            .where(stories.c.pruned_at.is_(None))
            .order_by(stories.c.sort_at.desc(), stories.c.id.desc())
        )
        if since is not None:
            query = query.where(stories.c.sort_at >= as_utc(since))
        if feed_urls is not None:
            query = query.where(feeds.c.url.in_(sorted(set(feed_urls))))
        with self._read("listing recent stories") as conn:
            return [story_from_row(r) for r in conn.execute(query.limit(limit))]

    # quotes

    def save_quotes(self, story_id: int, quotes_: Sequence[Quote]) -> None:
        """Replace the story's quotes with ``quotes_``, in order, atomically."""
        with self._write(f"saving quotes of story {story_id}") as conn:
            _require_story(conn, story_id)
            conn.execute(sa.delete(quotes).where(quotes.c.story_id == story_id))
            if quotes_:
                rows = [quote_to_row(story_id, i, q) for i, q in enumerate(quotes_)]
                conn.execute(sa.insert(quotes), rows)
            saved = sa.update(stories).where(stories.c.id == story_id)
            conn.execute(saved.values(quotes_saved_at=_now()))

    def save_quotes_many(self, items: Sequence[tuple[int, Sequence[Quote]]]) -> None:
        """`save_quotes` for several stories in one transaction (four statements in all).

        A story no longer stored (retention took it meanwhile) is left out, not an error.
        """
        wanted = {story_id for story_id, _ in items if -MAX_ID <= story_id <= MAX_ID}
        if not wanted:
            return
        with self._write(f"saving quotes of {len(wanted)} stories") as conn:
            present = set(conn.scalars(sa.select(stories.c.id).where(stories.c.id.in_(wanted))))
            if not present:
                return
            conn.execute(sa.delete(quotes).where(quotes.c.story_id.in_(present)))
            rows = [
                quote_to_row(story_id, i, q)
                for story_id, quotes_ in items
                if story_id in present
                for i, q in enumerate(quotes_)
            ]
            if rows:
                conn.execute(sa.insert(quotes), rows)
            saved = sa.update(stories).where(stories.c.id.in_(present))
            conn.execute(saved.values(quotes_saved_at=_now()))

    def stories_awaiting_quotes(self, *, fetched_before: datetime, limit: int = 100) -> list[Story]:
        """Stories stored before ``fetched_before`` whose quotes were never saved, oldest first.

        A process that died between storing a feed's stories and quoting them
        leaves such stories; emptied ones (retention) are not listed.
        """
        query = (
            story_select()
            .where(
                stories.c.quotes_saved_at.is_(None),
                stories.c.pruned_at.is_(None),
                stories.c.fetched_at < as_utc(fetched_before),
            )
            .order_by(stories.c.id)
            .limit(limit)
        )
        with self._read("listing stories awaiting quotes") as conn:
            return [story_from_row(r) for r in conn.execute(query)]

    def quotes_for_story(self, story_id: int) -> list[Quote]:
        with self._read(f"reading quotes of story {story_id}") as conn:
            _require_story(conn, story_id)
            query = sa.select(quotes).where(quotes.c.story_id == story_id)
            return [quote_from_row(r) for r in conn.execute(query.order_by(quotes.c.ordinal))]

    def quotes_for_stories(self, story_ids: Iterable[int]) -> dict[int, list[Quote]]:
        """Quotes of many stories in one go (added): every asked id maps, maybe to []."""
        ids = sorted(set(story_ids))
        found: dict[int, list[Quote]] = {i: [] for i in ids}
        with self._read("reading quotes") as conn:
            for chunk in chunks(ids, IN_CHUNK):
                query = sa.select(quotes).where(quotes.c.story_id.in_(chunk))
                for row in conn.execute(query.order_by(quotes.c.story_id, quotes.c.ordinal)):
                    found[row.story_id].append(quote_from_row(row))
        return found

    # channels

    def subscribe(
        self,
        channel: str,
        feed_url: str,
        *,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None:
        """Subscribe ``channel`` (created on first use) to a stored feed.

        Idempotent; ``include``/``exclude`` keyword filters replace the stored
        ones when given, and are left alone when ``None``.
        """
        with self._write(f"subscribing {channel} to {feed_url}") as conn:
            feed_id = _feed_id(conn, feed_url)
            stored = conn.execute(
                sa.select(subscriptions.c.include, subscriptions.c.exclude)
                .where(subscriptions.c.channel_id == channel)
                .where(subscriptions.c.feed_id == feed_id)
            ).first()
            wanted = {"include": include, "exclude": exclude}
            if stored is not None and all(
                v is None or list(v) == list(getattr(stored, k) or ()) for k, v in wanted.items()
            ):
                return  # as asked already: no write, no row lock (a restart's config sync)
            self._ensure_channel(conn, channel)
            stmt = self._insert(subscriptions).values(
                channel_id=channel,
                feed_id=feed_id,
                include=list(include or ()),
                exclude=list(exclude or ()),
                created_at=_now(),
            )
            conn.execute(stmt.on_conflict_do_nothing())
            filters = {"include": include, "exclude": exclude}
            changed = {k: list(v) for k, v in filters.items() if v is not None}
            if changed:
                conn.execute(
                    sa.update(subscriptions)
                    .where(subscriptions.c.channel_id == channel)
                    .where(subscriptions.c.feed_id == feed_id)
                    .values(changed)
                )

    def unsubscribe(self, channel: str, feed_url: str) -> bool:
        """Drop a subscription (added); False when there was none."""
        with self._write(f"unsubscribing {channel} from {feed_url}") as conn:
            feed_id = _feed_id(conn, feed_url)
            result = conn.execute(
                sa.delete(subscriptions)
                .where(subscriptions.c.channel_id == channel)
                .where(subscriptions.c.feed_id == feed_id)
            )
            return result.rowcount > 0

    def subscriptions(self, channel: str) -> list[Feed]:
        """The channel's feeds, oldest subscription first; [] for an unknown channel."""
        query = (
            sa.select(feeds)
            .join(subscriptions, subscriptions.c.feed_id == feeds.c.id)
            .where(subscriptions.c.channel_id == channel)
            .order_by(subscriptions.c.created_at, feeds.c.id)
        )
        with self._read(f"listing subscriptions of {channel}") as conn:
            return [feed_from_row(r) for r in conn.execute(query)]

    def _ensure_channel(self, conn: sa.Connection, channel: str) -> None:
        if conn.scalar(sa.select(channels.c.id).where(channels.c.id == channel)) is not None:
            return  # an INSERT … ON CONFLICT would wait for a delivery updating the row
        platform = channel.partition(":")[0] or "unknown"
        stmt = self._insert(channels).values(id=channel, platform=platform, created_at=_now())
        conn.execute(stmt.on_conflict_do_nothing())

    # delivery log

    def record_delivery(self, channel: str, idempotency_key: str, message_id: str) -> None:
        """Log a post. The first recorded post of a key wins; a claim becomes a post."""
        now = _now()
        stmt = self._insert(deliveries).values(
            idempotency_key=idempotency_key,
            channel_id=channel,
            message_id=message_id,
            status="posted",
            created_at=now,
            posted_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[deliveries.c.idempotency_key],
            set_={
                "message_id": message_id,
                "status": "posted",
                "posted_at": now,
                "lease_until": None,
            },
            where=deliveries.c.status != "posted",
        )
        with self._write(f"recording delivery {idempotency_key}") as conn:
            conn.execute(stmt)

    def delivered(self, idempotency_key: str) -> bool:
        query = sa.select(deliveries.c.id).where(
            deliveries.c.idempotency_key == idempotency_key, deliveries.c.status == "posted"
        )
        with self._read(f"checking delivery {idempotency_key}") as conn:
            return conn.execute(query).first() is not None

    def delivery_message_id(self, idempotency_key: str) -> str | None:
        """The platform message id of a posted delivery (added), or None."""
        query = sa.select(deliveries.c.message_id).where(
            deliveries.c.idempotency_key == idempotency_key, deliveries.c.status == "posted"
        )
        with self._read(f"checking delivery {idempotency_key}") as conn:
            return conn.execute(query).scalar_one_or_none()

    def release_delivery(self, idempotency_key: str, *, owner: str) -> None:
        """End ``owner``'s lease on an unfinished claim, so a retry need not wait for it.

        The claim itself stays: a post that failed may still have reached the
        platform (a timeout after sending), so the next attempt comes back
        ``resumed`` and asks the platform for the key before posting again.
        """
        with self._write(f"releasing delivery {idempotency_key}") as conn:
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.idempotency_key == idempotency_key)
                .where(deliveries.c.status == "claimed")
                .where(deliveries.c.claimed_by == owner)
                .values(lease_until=None)
            )


def _fetch_success(
    at: datetime, etag: str | None, last_modified: str | None, title: str | None
) -> dict[str, Any]:
    return {
        "last_success_at": at,
        "consecutive_failures": 0,
        "last_error": None,
        "last_error_at": None,
        "etag": sa.func.coalesce(etag, feeds.c.etag),
        "last_modified": sa.func.coalesce(last_modified, feeds.c.last_modified),
        "title": sa.func.coalesce(feeds.c.title, title),
    }


def _aware(story: Story) -> datetime | None:
    return as_utc(story.published_at) if story.published_at is not None else None


def _feed(conn: sa.Connection, url: str) -> Feed:
    row = conn.execute(sa.select(feeds).where(feeds.c.url == url)).first()
    if row is None:
        raise NotFoundError(f"no feed {url}")
    return feed_from_row(row)


def _feed_id(conn: sa.Connection, url: str) -> int:
    feed_id = conn.scalar(sa.select(feeds.c.id).where(feeds.c.url == url))
    if feed_id is None:
        raise NotFoundError(f"no feed {url}; add it first")
    return int(feed_id)


# Story ids are 64-bit integers in every database; a bigger one (a forged button id)
# names no story, and must not reach the driver, which raises OverflowError on it.
MAX_ID = 2**63 - 1


def _valid_id(story_id: int) -> None:
    if not -MAX_ID <= story_id <= MAX_ID:
        raise NotFoundError(f"no story {story_id}")


def _story(conn: sa.Connection, story_id: int) -> Story:
    _valid_id(story_id)
    row = conn.execute(story_select().where(stories.c.id == story_id)).first()
    if row is None:
        raise NotFoundError(f"no story {story_id}")
    return story_from_row(row)


def _story_row(story: Story, feed_id: int, fetched_at: datetime) -> dict[str, Any]:
    published = _aware(story)
    return {
        "feed_id": feed_id,
        "url": story.url,
        "title": story.title,
        "text": story.text,
        "published_at": published,
        "fetched_at": fetched_at,
        "sort_at": published or fetched_at,
        "hash": story.hash,
        "guid": story.guid,
    }


def _inserted_story_ids(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the story ``rows``; their new ids, in the order of ``rows``.

    One INSERT … RETURNING for all, its rows matched back by URL: asking for the rows'
    order instead (``sort_by_parameter_order``) makes SQLAlchemy send SQLite one
    statement per story. Rows sharing a URL (keys that leave the URL out) take that way.
    """
    urls = [row["url"] for row in rows]
    if len(set(urls)) < len(urls):
        ordered = sa.insert(stories).returning(stories.c.id, sort_by_parameter_order=True)
        return [int(i) for i in conn.execute(ordered, rows).scalars()]
    result = conn.execute(_INSERT_STORIES, rows)
    ids = {url: int(story_id) for url, story_id in result}
    return [ids[url] for url in urls]


def _stories_by_id(conn: sa.Connection, story_ids: set[int]) -> dict[int, Story]:
    found: dict[int, Story] = {}
    for chunk in chunks(sorted(story_ids), IN_CHUNK):
        for row in conn.execute(story_select().where(stories.c.id.in_(chunk))):
            found[row.id] = story_from_row(row)
    return found


def _require_story(conn: sa.Connection, story_id: int) -> None:
    _valid_id(story_id)
    if conn.scalar(sa.select(stories.c.id).where(stories.c.id == story_id)) is None:
        raise NotFoundError(f"no story {story_id}")


def _story_id_for_keys(conn: sa.Connection, keys: Sequence[str]) -> int | None:
    found: int | None = None
    for chunk in chunks(keys, IN_CHUNK):
        query = sa.select(sa.func.min(story_keys.c.story_id)).where(story_keys.c.key.in_(chunk))
        story_id = conn.scalar(query)
        if story_id is not None and (found is None or story_id < found):
            found = int(story_id)
    return found


__all__ = ["SqlStore", "storage_key"]
