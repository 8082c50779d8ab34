"""The ports: one Protocol per boundary, each saying who calls it and what it raises.

Implementations live elsewhere (``bot.store``, ``bot.ingest``, ``summarizer``,
``adapters``); the composition root (``bot.run``: `make_app` and the platforms) is the
one place that wires them together.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.domain import Briefing, Bullet, Feed, Quote, Story


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch returned. ``not_modified`` is a 304: ``content`` is empty."""

    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class PollRecord:
    """One good poll of one feed, to store: its stories, each with its dedupe keys (any
    already stored means "seen"), and what the fetch said (validators, the feed's title)."""

    url: str
    items: Sequence[tuple[Story, Iterable[str]]]
    at: datetime
    etag: str | None
    last_modified: str | None
    title: str | None = None


@runtime_checkable
class FeedFetcher(Protocol):
    """Fetches feed documents and article pages.

    Called by ``bot.ingest`` for every due feed and every new story's page.
    Raises ``FetchError`` (and its subclasses ``BlockedURLError``,
    ``ResponseTooLargeError``) and nothing else.
    """

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...


class ArticleReader(Protocol):
    """Reads a link a person typed in chat, the way a poll reads feeds and story pages.

    Called by the conversations core for ``quotes <story link>`` (`read_story`, never
    stored) and ``subscribe <feed link>`` (`read_feed_title`, to check the link is a
    feed before anything is stored). Both check the address with the same guard as
    polls first. Raise ``BlockedURLError`` for an address that is not public,
    ``IngestError`` (``FetchError``, ``ParseError``) when the link cannot be read as
    a story or a feed, and nothing else.
    """

    async def read_story(self, url: str) -> Story: ...

    async def read_feed_title(self, url: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Summary:
    """A story's gist and who-said-what, as a summarizer produced it."""

    gist: str
    quotes: tuple[Quote, ...]
    bullets: tuple[Bullet, ...]


@dataclass(frozen=True, slots=True)
class ThreadMemory:
    """What a chat thread was last told: the people answered about, newest answer's
    first, and the quotes already shown there (story id, quote text).

    Kept in the store, so "what else did she say?" works whichever ``newsbrief run``
    process the follow-up reaches, and after a restart.
    """

    people: tuple[str, ...] = ()
    shown: frozenset[tuple[int, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class QuoteHit:
    """A stored quote found by a search, with what a citation needs of its story.

    ``published_at`` is the story's sort time: publication, else fetch time.
    """

    quote: Quote
    story_id: int
    ordinal: int
    story_title: str
    story_url: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChannelState:
    """A channel's schedule as the store keeps it."""

    id: str
    schedule: str | None
    timezone: str
    breaking: bool
    next_briefing_at: datetime | None
    last_briefing_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """The right to post one idempotency key, held until ``lease_until``.

    ``resumed`` means an earlier attempt claimed this key and never completed:
    it may have posted, so the platform must be asked before posting again.
    ``story_ids`` are the stories that attempt meant to post. ``posted`` are
    the messages earlier attempts recorded as they landed (part number →
    message id) out of ``parts``; ``since`` is when the key was first claimed
    (no message of it is older).
    """

    key: str
    channel: str
    resumed: bool
    story_ids: tuple[int, ...] = ()
    posted: Mapping[int, str] = field(default_factory=dict)
    parts: int | None = None
    since: datetime | None = None

    @property
    def recorded_message_id(self) -> str | None:
        """The first message's id when every part is recorded as posted, else None."""
        if self.parts is None or any(n not in self.posted for n in range(1, self.parts + 1)):
            return None
        return self.posted[1]


class EventClaim(StrEnum):
    """What `Store.claim_event` found for an event key.

    ``CLAIMED``: the caller holds the lease and handles the event, then calls
    `Store.finish_event`. ``BUSY``: another claim's lease is live and that
    handler has not finished; it may still die, so the platform should be asked
    to send the event again later. ``DONE``: the event was handled; skip it.
    """

    CLAIMED = "claimed"
    BUSY = "busy"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class ChannelStory:
    """A story not yet briefed to a channel, with that subscription's keyword filters."""

    story: Story
    include: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PausedFeed:
    """A feed that failures paused, and the channels that should hear about it once."""

    feed: Feed
    paused_at: datetime
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What `Store.prune` emptied and deleted (or, for a dry run, would have).

    ``stories`` became husks: text emptied, ``quotes`` deleted, title, url,
    dedupe keys and briefed-to records kept. ``deliveries`` are finished posts,
    ``briefing_items`` the story lists of old briefings, ``llm_cache`` cached
    model outputs; all older than the cutoff.
    """

    stories: int = 0
    quotes: int = 0
    deliveries: int = 0
    briefing_items: int = 0
    llm_cache: int = 0
    dry_run: bool = False
    complete: bool = True  # False: ``max_batches`` ran out with rows left to prune

    @property
    def total(self) -> int:
        return self.stories + self.quotes + self.deliveries + self.briefing_items + self.llm_cache

    def __add__(self, other: PruneReport) -> PruneReport:
        return PruneReport(
            stories=self.stories + other.stories,
            quotes=self.quotes + other.quotes,
            deliveries=self.deliveries + other.deliveries,
            briefing_items=self.briefing_items + other.briefing_items,
            llm_cache=self.llm_cache + other.llm_cache,
            dry_run=self.dry_run and other.dry_run,
            complete=other.complete,  # the later call says whether work is left
        )


@runtime_checkable
class Summarizer(Protocol):
    """Turns a story into a gist and who-said-what.

    Called by the pipeline after ingest stored a story, and by ``quotes`` for
    a URL fetched on the spot. The offline extractor never raises; other
    implementations raise ``SummarizerError`` and the caller falls back to it.
    One with a true ``runs_in_workers`` attribute is picklable and keeps no state
    between calls, so `App` runs its ``summarize`` in the ingest worker processes.
    """

    def summarize(self, story: Story) -> Summary: ...


@runtime_checkable
class QuotedSummarizer(Summarizer, Protocol):
    """A `Summarizer` that can summarise a story from the quotes ingest saved for it.

    Called by the briefing service (``bot.app.App.summary_of``) for a stored story
    with saved quotes, so a briefing never extracts them again; never raises.
    """

    def summary_from_quotes(self, story: Story, quotes: Sequence[Quote]) -> Summary: ...


@runtime_checkable
class PostLog(Protocol):
    """The delivery log of one briefing's messages, written as each one lands.

    Given by delivery to `ChatAdapter.post_briefing`. ``posted`` holds the
    parts earlier attempts recorded (part number → message id), which the
    adapter does not post again; ``since`` is when the delivery was first
    claimed (no message of it is older: where a history search can stop);
    ``resumed`` says an earlier attempt may have posted parts it never
    recorded. The adapter calls ``record`` as soon as the platform accepted a
    part, before the next; it raises ``StoreError``.
    """

    posted: Mapping[int, str]
    since: datetime | None
    resumed: bool

    async def record(self, part: int, parts: int, message_id: str) -> None: ...


@runtime_checkable
class ChatAdapter(Protocol):
    """Renders a `Briefing` (or a reply) for one platform and posts it.

    Called by delivery. ``post_briefing`` returns the platform's message id;
    it raises ``DeliveryError`` when the platform refuses, and records each
    message in ``log`` as it lands (adapters that post one message may leave
    that to delivery). ``idempotency_key`` travels with the post (Slack
    metadata, Discord nonce) so recovery after a crash can find a post that was
    made but not recorded: ``find_posted`` looks no further back than ``since``
    when given.
    """

    name: str

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str: ...

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None: ...


@runtime_checkable
class Store(Protocol):
    """Feeds, stories, quotes, subscriptions, the delivery log, chat event claims, retention.

    Called by ingest, the pipeline, briefings, delivery, commands and the Slack
    bot (event claims). Raises ``StoreError`` (``NotFoundError`` for a missing
    feed or story); every write is its own transaction, so a crash never
    leaves half a story.
    """

    # feeds
    def add_feed(self, url: str, *, title: str | None = None) -> Feed: ...
    def get_feed(self, url: str) -> Feed: ...
    def list_feeds(self) -> list[Feed]: ...
    def record_fetch_success(
        self,
        url: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> Feed: ...
    def record_fetch_failure(self, url: str, *, at: datetime, error: str) -> Feed: ...
    def store_poll(
        self,
        url: str,
        items: Sequence[tuple[Story, Iterable[str]]],
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> list[Story]: ...
    def store_polls(self, polls: Sequence[PollRecord]) -> list[list[Story]]: ...

    # stories and quotes
    def known_keys(self, keys: Iterable[str]) -> set[str]: ...
    def add_story(
        self, story: Story, *, keys: Iterable[str], fetched_at: datetime | None = None
    ) -> Story: ...
    def add_stories(
        self, items: Sequence[tuple[Story, Iterable[str]]], *, fetched_at: datetime | None = None
    ) -> list[Story]: ...
    def get_story(self, story_id: int) -> Story: ...
    def recent_stories(
        self,
        *,
        since: datetime | None = None,
        limit: int = 100,
        feed_urls: Collection[str] | None = None,
    ) -> list[Story]: ...
    def save_quotes(self, story_id: int, quotes: Sequence[Quote]) -> None: ...
    def save_quotes_many(self, items: Sequence[tuple[int, Sequence[Quote]]]) -> None: ...
    def stories_awaiting_quotes(
        self, *, fetched_before: datetime, limit: int = 100
    ) -> list[Story]: ...
    def quotes_for_story(self, story_id: int) -> list[Quote]: ...
    def quotes_for_stories(self, story_ids: Iterable[int]) -> dict[int, list[Quote]]:
        """The saved quotes of each of ``story_ids`` (every id maps, maybe to []), in one
        read. Called by `bot.app.App` to summarise a briefing's stories. Raises
        ``StoreError``."""
        ...

    # search (chat commands and follow-up questions; words are cleaned by the store)
    def reading(self, doing: str) -> AbstractContextManager[None]:
        """Every read of the block, in the calling thread, on one database connection.

        Called by the conversations core around an answer (its four to six
        searches, each still its own transaction or its own statements; writes
        keep their own transactions). Reads inside it may reuse what an earlier
        read of the block found about the store as a whole (the newest story, the
        speaker words); a block lasts one answer. Nested blocks are one. Raises
        ``StoreError`` when no connection can be had.
        """
        ...

    def find_quotes(
        self,
        *,
        speaker: Sequence[str] = (),
        words: Sequence[str] = (),
        story_ids: Collection[int] | None = None,
        limit: int = 20,
        phrase: bool = False,
    ) -> list[QuoteHit]: ...
    def speakers_matching(self, words: Sequence[str], *, limit: int = 10) -> list[str]: ...
    def has_speaker(self, words: Sequence[str]) -> bool: ...
    def speaker_phrases(self, phrases: Sequence[Sequence[str]]) -> list[bool]: ...
    def search_stories(self, words: Sequence[str], *, limit: int = 10) -> list[Story]: ...
    def story_for_url(self, url: str, *, keys: Sequence[str] = ()) -> Story | None: ...
    def record_briefing(self, briefing: Briefing, *, at: datetime) -> None: ...
    def briefing_stories(
        self, channel: str, *, idempotency_key: str | None = None
    ) -> list[tuple[int, ...]]: ...

    # channels
    def subscribe(
        self,
        channel: str,
        feed_url: str,
        *,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None: ...
    def unsubscribe(self, channel: str, feed_url: str) -> bool: ...
    def subscriptions(self, channel: str) -> list[Feed]: ...

    # delivery log
    def record_delivery(self, channel: str, idempotency_key: str, message_id: str) -> None: ...
    def delivered(self, idempotency_key: str) -> bool: ...

    # chat events
    def claim_event(
        self, key: str, *, at: datetime, lease: timedelta, ttl: timedelta
    ) -> EventClaim:
        """Take ``key`` for ``lease`` unless another process holds or finished it.

        Called by the Slack bot (``adapters.slack.bot.EventDeduper``) for each
        event it receives, with ``slack:event:<event_id>``, so that a retried
        event reaching another process is handled once. One atomic step among
        all processes sharing the store: a new key, a claim whose lease ended
        before ``at`` without `finish_event`, and any claim older than ``ttl``
        (before ``at - ttl``) are taken and come back ``CLAIMED``; a claim
        whose lease is live and unfinished is ``BUSY``; a finished one within
        ``ttl`` is ``DONE``. Claims older than ``ttl`` are deleted a bounded
        number at a time. Raises ``StoreError``; the caller handles the event
        anyway (fails open).
        """
        ...

    def renew_event(self, key: str, *, until: datetime) -> None:
        """Push an unfinished claim's lease on to ``until`` (never back); a finished or
        missing claim is left alone.

        Called by the Slack bot every third of the lease while its handler of the
        event runs, so a slow answer (a language model that retries) is not taken
        over by a retry from another process. Raises ``StoreError``; the caller logs
        it and goes on.
        """
        ...

    def finish_event(self, key: str, *, at: datetime) -> None:
        """Mark ``key`` handled: later claims of it are ``DONE`` until its ``ttl`` runs out.

        Called by the Slack bot when its handler of the event returned (not
        when it raised or was cancelled: then the lease runs out and a retry
        takes the event over). Records ``key`` as claimed at ``at`` if no claim
        of it is stored (the claim itself failed and the event was handled
        anyway). Raises ``StoreError``; the caller logs it and goes on.
        """
        ...

    # conversations
    def thread_memory(self, channel: str, thread: str) -> ThreadMemory:
        """What ``thread`` of ``channel`` was last told (empty for a thread never answered).

        Called by the conversations core before answering a question. Raises ``StoreError``.
        """
        ...

    def remember_thread(
        self, channel: str, thread: str, memory: ThreadMemory, *, at: datetime
    ) -> None:
        """Replace what ``thread`` of ``channel`` was told; memories untouched for
        `bot.store.threads.FORGET_AFTER` are deleted a few at a time on later calls.

        Called by the conversations core after an answer that cites people. Raises
        ``StoreError``.
        """
        ...

    # retention
    def prune(
        self,
        before: datetime,
        *,
        batch: int = 500,
        dry_run: bool = False,
        max_batches: int | None = None,
    ) -> PruneReport:
        """Empty stories fetched before ``before`` and delete old rows; return the counts.

        Called by ``newsbrief prune`` and, once a day when ``store.retention_days``
        is set, by ``bot.scheduler.Runner``. A story is never deleted: it becomes a
        husk (text emptied, quotes deleted, so search no longer finds it) and keeps
        its dedupe keys and briefed-to records, so it is never ingested or briefed
        again. Also deleted: finished deliveries posted before ``before`` (never a
        claim, whose lease is live work, nor a pause notice, which is re-posted
        while its feed stays paused if its record goes), briefing items and LLM
        cache entries created before ``before``. At most ``batch`` rows per
        transaction; processes pruning at once split the rows and never count one
        twice. ``dry_run`` counts and changes nothing. With ``max_batches`` a call
        stops after that many transactions, its report not ``complete``: the runner
        prunes a little per tick so that a first prune of a large database never
        holds up a shutdown. Raises ``StoreError``; batches committed before a
        failure stay done, so a retry goes on from there.
        """
        ...


@runtime_checkable
class ScheduleStore(Store, Protocol):
    """The store as the scheduler and delivery use it: leases, schedules, claims.

    Called by ``bot.scheduler.Runner`` (feeds, channels, backfill) and
    ``bot.delivery.Deliverer`` (claims). Raises ``StoreError``; every call is
    one transaction and takes ``now`` from the caller's clock.
    """

    def writing(self, doing: str) -> AbstractContextManager[None]:
        """Every store call of the block, in the calling thread, in one write transaction.

        Called by `bot.config_sync.sync_config` around the whole config (a feed, a
        subscription and a backfill limit per channel and feed: thousands of
        transactions, each a commit, at a few hundred channels). Committed when the
        block ends, rolled back when it raises; on PostgreSQL, another process
        syncing the same rows waits for the commit instead of interleaving row by
        row. Nested blocks are one. Raises ``StoreError``.
        """
        ...

    def subscribe(
        self,
        channel: str,
        feed_url: str,
        *,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None: ...

    # feed polls
    def claim_due_feeds(
        self, *, owner: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[Feed]: ...
    def finish_poll(
        self, url: str, *, owner: str, next_poll_at: datetime, pause_at: datetime | None = None
    ) -> None: ...
    def resume_feed(self, url: str) -> None: ...
    def next_polls(self) -> dict[str, datetime | None]: ...
    def paused_feeds(self) -> list[PausedFeed]: ...

    # channels and what they have received
    def configure_channel(
        self,
        channel: str,
        *,
        schedule: str | None,
        timezone: str,
        breaking: bool,
        backfill_hours: float,
        first_slot: datetime | None,
        now: datetime,
    ) -> None: ...
    def channel_states(self) -> list[ChannelState]: ...
    def subscribe_since(
        self,
        channel: str,
        feed_url: str,
        *,
        not_before: datetime,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None: ...
    def subscribe_all_since(
        self,
        channel: str,
        feed_urls: Sequence[str],
        *,
        not_before: datetime,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None:
        """`subscribe_since` for every one of ``feed_urls`` (stored feeds), in one
        transaction of a few statements whatever their number; subscriptions that are
        as asked are read, not written. Called by `bot.config_sync.sync_config` for each
        channel. Raises ``NotFoundError`` for a feed not stored, ``StoreError``."""
        ...

    def limit_new_backfill(self, not_before: datetime) -> int: ...
    def unbriefed_stories(
        self, channel: str, *, since: datetime | None, limit: int = 500
    ) -> list[ChannelStory]: ...

    # delivery claims
    def begin_delivery(
        self,
        channel: str,
        idempotency_key: str,
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
        kind: str = "briefing",
    ) -> DeliveryClaim | None: ...
    def note_delivery_stories(
        self,
        idempotency_key: str,
        story_ids: Iterable[int],
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
    ) -> bool: ...
    def complete_delivery(
        self,
        channel: str,
        idempotency_key: str,
        *,
        message_id: str | None,
        story_ids: Iterable[int],
        now: datetime,
        slot: datetime | None = None,
        next_slot: datetime | None = None,
    ) -> None: ...
    def note_delivery_part(
        self, idempotency_key: str, *, part: int, parts: int, message_id: str
    ) -> None: ...
    def release_delivery(self, idempotency_key: str, *, owner: str) -> None: ...
    def done_keys(self, keys: Iterable[str]) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class LLMUsage:
    """One day's use of one model. ``failures`` are calls that fell back to the offline
    extractor; ``quotes_rejected`` are model quotes verification did not let through."""

    day: date
    model: str
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    failures: int = 0
    quotes_verified: int = 0
    quotes_rejected: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


LLM_COUNTERS = tuple(f.name for f in fields(LLMUsage) if f.name not in ("day", "model"))


@runtime_checkable
class LLMCache(Protocol):
    """Cached model output by (story content hash, model), and usage per day and model.

    Called by ``summarizer.llm.LLMSummarizer`` (before and after each model call,
    and for the daily token budget) and by ``newsbrief stats``. Implemented by the
    store (``bot.store.llm_cache.LLMCacheStore``) and in memory
    (``summarizer.llm_cache.MemoryLLMCache``). Raises ``StoreError`` and nothing else.
    """

    def get_llm_output(self, story_hash: str, model: str) -> str | None: ...
    def put_llm_output(
        self,
        story_hash: str,
        model: str,
        output: str,
        *,
        prompt_tokens: int,
        completion_tokens: int,
        at: datetime,
    ) -> None: ...
    def add_llm_usage(self, usage: LLMUsage) -> None: ...
    def llm_tokens_used(self, day: date) -> int: ...
    def llm_usage(self, *, since: date | None = None) -> list[LLMUsage]: ...
    def reserve_llm_tokens(self, day: date, tokens: int, *, budget: int) -> bool:
        """Reserve ``tokens`` of ``day``'s ``budget`` (every model, every process sharing
        the store) in one atomic step: False, and nothing reserved, when they do not fit.
        Called before each model call."""
        ...

    def settle_llm_tokens(self, day: date, *, reserved: int, used: int) -> None:
        """Replace a reservation of ``reserved`` tokens by the ``used`` ones (0 releases
        it). Called after each model call, whatever its outcome."""
        ...


class MetricsRecorder(Protocol):
    """Where the working code reports what it counts and times (``bot.telemetry``).

    Called by ingest (through ``App.poll``), delivery, the scheduler, the
    conversation core, the LLM summarizer and the store, with a name declared in
    ``bot.telemetry.METRICS`` and exactly its labels. The Prometheus adapter
    (``adapters.prometheus``) implements it; it raises nothing for declared
    names and labels (an undeclared one is a programming error: ``KeyError``).
    """

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None: ...
    def observe(self, name: str, value: float, **labels: str) -> None: ...
    def set(self, name: str, value: float, **labels: str) -> None: ...
