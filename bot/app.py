"""`make_app`: the one place that wires store, fetcher, summarizer and adapters together.

Everything else receives its collaborators; nothing else constructs them. The
flow is one way: feeds → ingest → store → summarizer → briefing → adapter →
delivery log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from bot.briefing import Candidate, compose_briefing
from bot.domain import Briefing, Feed, Story
from bot.ingest import HttpFetcher, IngestReport, SeenBodies, UrlGuard, poll_feeds
from bot.ports import ChatAdapter, FeedFetcher, Store, Summarizer, Summary
from bot.settings import ChannelSettings, Settings
from bot.store import make_store
from summarizer.offline import OfflineSummarizer

ProgressCallback = Callable[[IngestReport], None]


@dataclass
class App:
    """The wired application: what the CLI, the scheduler and the chat adapters drive."""

    settings: Settings
    store: Store
    fetcher: FeedFetcher
    summarizer: Summarizer
    adapters: Mapping[str, ChatAdapter] = field(default_factory=dict)
    seen_bodies: SeenBodies = field(default_factory=SeenBodies)

    def sync_config(self) -> None:
        """Make the store hold every feed and subscription the config file lists."""
        for feed in self.settings.feeds:
            self.store.add_feed(feed.url, title=feed.title)
        for channel in self.settings.channels:
            for url in channel.feeds:
                self.store.add_feed(url)
                self.store.subscribe(channel.id, url)

    async def poll(
        self, feeds: Sequence[Feed] | None = None, *, on_progress: ProgressCallback | None = None
    ) -> list[IngestReport]:
        """Fetch every (given) feed once and summarise the new stories."""
        targets = [f for f in (feeds or self.store.list_feeds()) if not f.paused]
        reports = await poll_feeds(
            targets,
            fetcher=self.fetcher,
            store=self.store,
            now=now_utc(),
            fetch_articles=self.settings.ingest.fetch_articles,
            seen=self.seen_bodies,
            on_progress=on_progress,
        )
        for report in reports:
            self.summarize_and_save(report.new_stories)
        return reports

    def summarize_and_save(self, stories: Sequence[Story]) -> None:
        for story in stories:
            if story.id is None:
                continue
            summary = self.summarizer.summarize(story)
            self.store.save_quotes(story.id, summary.quotes)

    def briefing_for(
        self, channel: ChannelSettings, *, now: datetime, since: datetime | None = None
    ) -> Briefing:
        """Compose the channel's briefing from the stories of its subscriptions."""
        feeds = {f.url: f for f in self.store.subscriptions(channel.id)}
        if since is None:
            since = now - timedelta(hours=self.settings.briefing.backfill_hours)
        stories = [
            s for s in self.store.recent_stories(since=since, limit=500) if s.feed_url in feeds
        ]
        candidates = [
            Candidate(story=s, summary=self.summary_of(s), source=_source_name(feeds[s.feed_url]))
            for s in stories
        ]
        return compose_briefing(
            channel.id,
            candidates,
            now=now,
            max_stories=self.settings.briefing.max_stories,
            max_bullets=self.settings.briefing.max_bullets_per_story,
            include=channel.include,
            exclude=channel.exclude,
        )

    def summary_of(self, story: Story) -> Summary:
        return self.summarizer.summarize(story)

    async def deliver(self, briefing: Briefing) -> str | None:
        """Post once: skip a briefing the delivery log already holds."""
        if self.store.delivered(briefing.idempotency_key):
            return None
        adapter = self.adapter_for(briefing.channel)
        message_id = await adapter.post_briefing(briefing)
        self.store.record_delivery(briefing.channel, briefing.idempotency_key, message_id)
        return message_id

    def adapter_for(self, channel_id: str) -> ChatAdapter:
        platform = channel_id.partition(":")[0]
        try:
            return self.adapters[platform]
        except KeyError:
            raise LookupError(
                f"no {platform} adapter is configured for channel {channel_id}"
            ) from None


def now_utc() -> datetime:
    return datetime.now(UTC)


def _source_name(feed: Feed) -> str:
    return feed.title or httpx.URL(feed.url).host or feed.url


def make_fetcher(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> HttpFetcher:
    ingest = settings.ingest
    return HttpFetcher(
        transport=transport,
        guard=UrlGuard(allow_hosts=ingest.allow_hosts),
        concurrency=ingest.concurrency,
        per_host=ingest.per_host,
        connect_timeout=ingest.connect_timeout_seconds,
        read_timeout=ingest.read_timeout_seconds,
        max_bytes=ingest.max_response_bytes,
        user_agent=ingest.user_agent,
        local_files=local_feed_paths(settings),
    )


def local_feed_paths(settings: Settings) -> set[str]:
    """Feeds in the operator's config that are files: the only paths ingest may read."""
    urls = {f.url for f in settings.feeds} | {u for c in settings.channels for u in c.feeds}
    return {u for u in urls if not u.lower().startswith(("http://", "https://"))}


def make_app(
    settings: Settings,
    *,
    store: Store | None = None,
    fetcher: FeedFetcher | None = None,
    summarizer: Summarizer | None = None,
    adapters: Mapping[str, ChatAdapter] | None = None,
) -> App:
    """Build the application from settings; tests pass their own parts."""
    return App(
        settings=settings,
        store=store if store is not None else make_store(settings.store.url),
        fetcher=fetcher if fetcher is not None else make_fetcher(settings),
        summarizer=summarizer if summarizer is not None else OfflineSummarizer(),
        adapters=dict(adapters or {}),
    )
