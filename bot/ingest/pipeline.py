"""`poll_feeds`: fetch → parse → dedupe → full text → store, for many feeds at once.

Every feed ends in exactly one `IngestReport` and one store update (success
or failure); a failing feed never stops the others and never touches stories
already stored. Validators (ETag, Last-Modified) are recorded only after the
new stories are stored, so a crash in between costs a refetch, not a story.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.bounded import BoundedDict
from bot.domain import Feed, Story
from bot.errors import (
    BlockedURLError,
    FetchError,
    IngestError,
    NewsbriefError,
    NotFoundError,
    ResponseTooLargeError,
    StoreError,
)
from bot.ingest.formats import parse_document
from bot.ingest.fulltext import article_text
from bot.ingest.parse import Entry, ParsedFeed, dedupe_keys
from bot.ingest.workers import Workers
from bot.ports import FeedFetcher, FetchResult, PollRecord, Store

log = logging.getLogger(__name__)
_HTTP_STATUS = re.compile(r": HTTP ([1-5]\d\d)\b")
_TIMEOUT = re.compile(r"timed out|no complete answer within")

_IN_THREAD = Workers(processes=0)

Status = Literal["new", "unchanged", "not_modified", "error"]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one poll of one feed did."""

    feed_url: str
    status: Status
    new_stories: tuple[Story, ...] = ()
    skip_reasons: tuple[str, ...] = ()  # items left out (no usable link, unreadable), why
    error: str | None = None
    fetch: FetchResult | None = field(default=None, repr=False)
    # Why it failed, one word (`failure_reason`): the metrics' label, the log's field.
    reason: str | None = None
    # The feed's failures in a row after this poll (0 after a good one), as recorded.
    consecutive_failures: int = 0

    @property
    def skipped(self) -> int:
        return len(self.skip_reasons)


ProgressCallback = Callable[[IngestReport], None]
# Called with a feed's new stories as soon as they are stored (the app quotes them then).
# All of one feed's article pages are read within this, however many and however slow.
ARTICLES_DEADLINE_SECONDS = 120.0
StoredCallback = Callable[[Sequence[Story]], Awaitable[None]]


class SeenBodies:
    """Digests of the last feed bodies fully ingested, so an unchanged body skips parsing.

    Many feeds ignore conditional GET and resend the same bytes every poll;
    comparing a digest costs microseconds where parsing costs milliseconds.
    In memory only: after a restart the first poll parses (and dedupes) once.
    """

    def __init__(self, max_feeds: int = 100_000) -> None:
        self._digests: BoundedDict[str, bytes] = BoundedDict(max_feeds)

    @staticmethod
    def digest(body: bytes) -> bytes:
        return hashlib.blake2b(body, digest_size=16).digest()

    def unchanged(self, feed_url: str, digest: bytes) -> bool:
        return self._digests.get(feed_url) == digest

    def remember(self, feed_url: str, digest: bytes) -> None:
        self._digests[feed_url] = digest


class PollWriter:
    """Stores polls as they finish: every poll that finishes while a write is in flight
    goes into the next one, one thread hop and one transaction for all (`Store.store_polls`).

    A poll's write is a few statements and a commit whatever its size: one at a time, they
    were half the event loop's CPU in a cold poll of many feeds. One poll's feed gone
    (`NotFoundError`) fails that poll only: the others of its write are then stored one
    by one.
    """

    MAX_POLLS = 100  # per write: a transaction stays short on a large backlog

    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: list[tuple[PollRecord, asyncio.Future[list[Story]]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def store(self, poll: PollRecord) -> list[Story]:
        """The stories of ``poll`` stored by this call; raises what `store_polls` raises."""
        future: asyncio.Future[list[Story]] = asyncio.get_running_loop().create_future()
        self._waiting.append((poll, future))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write())
        return await future

    async def _write(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.MAX_POLLS]
            del self._waiting[: self.MAX_POLLS]
            try:
                results = await asyncio.to_thread(self._store.store_polls, [p for p, _ in batch])
            except NotFoundError as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc=exc)
                    continue
                for poll, future in batch:  # whose feed is gone: each on its own
                    try:
                        [stored] = await asyncio.to_thread(self._store.store_polls, [poll])
                    except Exception as exc:  # that poll's failure, as its own write's
                        _settle(future, exc=exc)
                    else:
                        _settle(future, stored)
            except Exception as exc:  # the store is down: every poll of the write failed
                for _, future in batch:
                    _settle(future, exc=exc)
            else:
                for (_, future), stored in zip(batch, results, strict=True):
                    _settle(future, stored)


def _settle(
    future: asyncio.Future[list[Story]],
    stored: list[Story] | None = None,
    *,
    exc: BaseException | None = None,
) -> None:
    if future.done():  # its poll was cancelled; the write stands
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(stored or [])


async def poll_feeds(
    feeds: Sequence[Feed],
    *,
    fetcher: FeedFetcher,
    store: Store,
    now: datetime,
    fetch_articles: bool = True,
    seen: SeenBodies | None = None,
    on_progress: ProgressCallback | None = None,
    workers: Workers | None = None,
    on_stored: StoredCallback | None = None,
    articles_deadline: float = ARTICLES_DEADLINE_SECONDS,
) -> list[IngestReport]:
    """Poll ``feeds`` concurrently (the fetcher bounds it); one report per feed, in order.

    ``workers`` parse feeds and pages (in worker processes, when it has them); by
    default that CPU work runs in a thread. ``on_stored`` gets each feed's new
    stories as soon as that feed is done, while the other feeds go on.
    """
    seen = seen if seen is not None else SeenBodies()
    writer = PollWriter(store)

    async def one(feed: Feed) -> IngestReport:
        report = await poll_feed(
            feed,
            fetcher=fetcher,
            store=store,
            now=now,
            fetch_articles=fetch_articles,
            seen=seen,
            workers=workers,
            articles_deadline=articles_deadline,
            writer=writer,
        )
        if on_stored is not None and report.new_stories:
            await on_stored(report.new_stories)
        if on_progress is not None:
            on_progress(report)
        return report

    return list(await asyncio.gather(*(one(f) for f in feeds)))


async def poll_feed(
    feed: Feed,
    *,
    fetcher: FeedFetcher,
    store: Store,
    now: datetime,
    fetch_articles: bool = True,
    seen: SeenBodies | None = None,
    workers: Workers | None = None,
    articles_deadline: float = ARTICLES_DEADLINE_SECONDS,
    writer: PollWriter | None = None,
) -> IngestReport:
    """Poll one feed; errors become a report and a recorded failure, never an exception.

    ``writer`` stores the poll together with other feeds' (`poll_feeds` shares one).
    """
    try:
        return await _poll(
            feed,
            fetcher,
            store,
            now,
            fetch_articles,
            seen or SeenBodies(),
            workers or _IN_THREAD,
            articles_deadline,
            writer or PollWriter(store),
        )
    except IngestError as exc:
        message, reason = str(exc), failure_reason(exc)
    except StoreError:
        raise  # the store is down: nothing can be recorded, the caller must know
    except Exception as exc:  # a bug must cost one feed, not the whole poll
        log.exception("unexpected error polling %s", feed.url)
        message, reason = f"internal error: {type(exc).__name__}: {exc}", "internal"
    after = await asyncio.to_thread(store.record_fetch_failure, feed.url, at=now, error=message)
    return IngestReport(
        feed.url,
        "error",
        error=message,
        reason=reason,
        consecutive_failures=after.consecutive_failures,
    )


def failure_reason(exc: IngestError) -> str:
    """One word for why a poll failed: http_4xx, http_5xx, timeout, network, blocked,
    too_large or parse (the ``newsbrief_poll_failures_total`` label)."""
    if isinstance(exc, BlockedURLError):
        return "blocked"
    if isinstance(exc, ResponseTooLargeError):
        return "too_large"
    if not isinstance(exc, FetchError):
        return "parse"
    status = _HTTP_STATUS.search(str(exc))
    if status is not None:
        return f"http_{status.group(1)[0]}xx"
    return "timeout" if _TIMEOUT.search(str(exc)) else "network"


async def _poll(
    feed: Feed,
    fetcher: FeedFetcher,
    store: Store,
    now: datetime,
    articles: bool,
    seen: SeenBodies,
    workers: Workers,
    articles_deadline: float,
    writer: PollWriter,
) -> IngestReport:
    result = await fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    digest = SeenBodies.digest(result.content)
    if result.not_modified or seen.unchanged(feed.url, digest):
        await writer.store(
            PollRecord(feed.url, (), at=now, etag=result.etag, last_modified=result.last_modified)
        )
        status: Status = "not_modified" if result.not_modified else "unchanged"
        return IngestReport(feed.url, status, fetch=result)
    parsed = await workers.run(
        parse_document,
        result.content,
        url=feed.url,
        content_type=result.headers.get("content-type"),
    )
    # One write (shared with the polls finishing meanwhile) stores the new stories and
    # records the fetch; with article pages, a read first picks the stories to fetch.
    fresh: list[tuple[Entry, list[str]]] | None = None
    texts: list[str | None] | None = None
    if articles:
        fresh = await asyncio.to_thread(_dedupe, parsed, feed.url, store)
        texts = await _full_texts(fresh, fetcher, workers, articles_deadline)
    stored = await writer.store(_poll_record(feed.url, parsed, fresh, texts, now, result))
    seen.remember(feed.url, digest)
    status = "new" if stored else "unchanged"
    if parsed.skip_reasons:
        log.info(
            "%s: %d items left out: %s", feed.url, parsed.skipped, "; ".join(parsed.skip_reasons)
        )
    return IngestReport(feed.url, status, tuple(stored), parsed.skip_reasons, fetch=result)


def _dedupe(parsed: ParsedFeed, feed_url: str, store: Store) -> list[tuple[Entry, list[str]]]:
    keyed = [(e, dedupe_keys(e, feed_url=feed_url)) for e in parsed.entries]
    known = store.known_keys(k for _, keys in keyed for k in keys)
    fresh: list[tuple[Entry, list[str]]] = []
    for entry, keys in keyed:
        if known.isdisjoint(keys):
            fresh.append((entry, keys))
            known.update(keys)  # the same story twice in one document counts once
    return fresh


async def _full_texts(
    fresh: Sequence[tuple[Entry, list[str]]],
    fetcher: FeedFetcher,
    workers: Workers,
    deadline: float = ARTICLES_DEADLINE_SECONDS,
) -> list[str | None]:
    """Every new story's page text, within one overall deadline for the feed.

    Each fetch has its own deadline, but a feed of many slow links (or one host
    that serves them one at a time) would still take minutes; past ``deadline``
    the pages not yet read fall back to the feed's own text.
    """
    tasks = [asyncio.ensure_future(_full_text(entry, fetcher, workers)) for entry, _ in fresh]
    if not tasks:
        return []
    done, late = await asyncio.wait(tasks, timeout=deadline)
    for task in late:
        task.cancel()
    if late:
        await asyncio.gather(*late, return_exceptions=True)
        log.info(
            "%d article pages not read within %.0f s; using the feed's text", len(late), deadline
        )
    return [task.result() if task in done else None for task in tasks]


async def _full_text(entry: Entry, fetcher: FeedFetcher, workers: Workers) -> str | None:
    """The article's main text; None (use the feed's text) when the page fails."""
    try:
        page = await fetcher.fetch(entry.link)
    except NewsbriefError as exc:
        log.info("article %s not fetched (%s); using the feed's text", entry.link, exc)
        return None
    try:
        return await workers.run(article_text, page.content, url=page.url)
    except IngestError as exc:  # the worker died on this page: the feed's text will do
        log.warning("article %s not extracted (%s); using the feed's text", entry.link, exc)
        return None


def _poll_record(
    feed_url: str,
    parsed: ParsedFeed,
    fresh: Sequence[tuple[Entry, list[str]]] | None,
    texts: Sequence[str | None] | None,
    now: datetime,
    result: FetchResult,
) -> PollRecord:
    """The poll's new stories and its fetch, to store in one transaction.

    ``fresh`` None: every entry of ``parsed`` goes, and the store leaves out the known ones.
    """
    if fresh is None:
        fresh = [(e, dedupe_keys(e, feed_url=feed_url)) for e in parsed.entries]
    if texts is None:
        texts = [None] * len(fresh)
    stories = [
        (
            Story(
                url=entry.link,
                title=entry.title,
                text=text or entry.content or entry.title,
                feed_url=feed_url,
                published_at=entry.published_at,
                guid=entry.guid,
            ),
            keys,
        )
        for (entry, keys), text in zip(fresh, texts, strict=True)
    ]
    return PollRecord(
        feed_url,
        stories,
        at=now,
        etag=result.etag,
        last_modified=result.last_modified,
        title=parsed.title,
    )
