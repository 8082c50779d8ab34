"""`App`: the services the entry points drive: poll and quote, brief, deliver.

It depends on ports only (store, fetcher, summarizer, chat adapters); the
composition root (``bot.run.make_app``) builds those and hands them in. The flow
is one way: feeds → ingest → store → summarizer → briefing → adapter → delivery log.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from bot.briefing import Candidate, compose_breaking, compose_briefing, passes_filters
from bot.domain import Briefing, Feed, Story
from bot.errors import DeliveryError, StoreError
from bot.ingest import IngestReport, SeenBodies, poll_feeds
from bot.ingest.workers import Workers
from bot.ports import (
    ArticleReader,
    ChatAdapter,
    FeedFetcher,
    QuotedSummarizer,
    ScheduleStore,
    Summarizer,
    Summary,
)
from bot.settings import ChannelSettings, Settings
from bot.telemetry import metrics

log = logging.getLogger(__name__)
ProgressCallback = Callable[[IngestReport], None]
# How far before a channel's last briefing a story may date and still be "new" to it
# (a feed that publishes late); it bounds the scan, the briefed-stories log does the rest.
UNBRIEFED_WINDOW = timedelta(hours=72)
SUMMARY_CACHE_SIZE = 4096


@dataclass
class App:
    """The wired application: what the CLI, the scheduler and the conversations core drive.

    Chat platforms never see it: the root gives them `bot.platform.PlatformServices`.
    """

    settings: Settings
    store: ScheduleStore
    fetcher: FeedFetcher
    summarizer: Summarizer
    # Links typed in chat (quotes <link>, subscribe): read as ingest reads them.
    reader: ArticleReader
    adapters: Mapping[str, ChatAdapter] = field(default_factory=dict)
    # Summaries by story hash: every channel's briefing of a story reuses one.
    _summaries: dict[str, Summary] = field(default_factory=dict, repr=False)
    seen_bodies: SeenBodies = field(default_factory=SeenBodies)
    # Parse feeds and pages; make_app gives it worker processes (ingest.workers).
    workers: Workers = field(default_factory=lambda: Workers(processes=0))
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:on-demand")

    async def poll(
        self,
        feeds: Sequence[Feed] | None = None,
        *,
        on_progress: ProgressCallback | None = None,
        now: datetime | None = None,
    ) -> list[IngestReport]:
        """Fetch every (given) feed once and summarise the new stories."""
        targets = [f for f in (feeds or self.store.list_feeds()) if not f.paused]
        reports = await poll_feeds(
            targets,
            fetcher=self.fetcher,
            store=self.store,
            now=now or now_utc(),
            fetch_articles=self.settings.ingest.fetch_articles,
            seen=self.seen_bodies,
            on_progress=on_progress,
            workers=self.workers,
            on_stored=self.quote_stories,
        )
        for report in reports:
            note_poll(report)
        return reports

    async def quote_stories(self, stories: Sequence[Story]) -> None:
        """Summarise stories and save their quotes (one transaction for the lot).

        Called with each feed's new stories as soon as they are stored; a
        crash before the stories' quotes are saved leaves them to `quote_pending`.
        """
        await self.refine_summaries(stories)
        if self.workers.processes and getattr(self.summarizer, "runs_in_workers", False):
            await self._quote_in_workers(stories)
            return
        # CPU and a database write per story: off the loop that chats and heartbeats share.
        await asyncio.to_thread(self.summarize_and_save, stories)

    async def _quote_in_workers(self, stories: Sequence[Story]) -> None:
        """Extract in the worker processes (every core, not the loop's GIL), then save.

        A story whose extraction failed (its worker died) stays pending for `quote_pending`.
        """
        todo = [story for story in stories if story.id is not None]
        results = await asyncio.gather(
            *(self.workers.run(self.summarizer.summarize, story) for story in todo),
            return_exceptions=True,
        )
        done: list[tuple[Story, Summary]] = []
        for story, result in zip(todo, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result  # cancelled: the poll is being stopped
                log.error("summarising story %s failed (%s); it stays pending", story.id, result)
            else:
                done.append((story, result))
        await asyncio.to_thread(self._save_summaries, done)

    def _save_summaries(self, done: Sequence[tuple[Story, Summary]]) -> None:
        items = [(story.id, summary.quotes) for story, summary in done if story.id is not None]
        self.store.save_quotes_many(items)  # one transaction for the feed's stories
        metrics().count("quotes_stored", sum(len(quotes) for _, quotes in items))

    async def quote_pending(self, *, now: datetime, limit: int = 500) -> int:
        """Quote stories stored earlier whose quotes were never saved (a process died).

        On PostgreSQL only stories older than a poll's lease: younger ones may belong
        to a poll still running in another process, which quotes them itself.
        SQLite serves one process, so there every such story is pending.
        """
        before = now
        if not self.settings.store.url.startswith("sqlite"):
            before -= timedelta(seconds=self.settings.run.lease_seconds)
        pending = await asyncio.to_thread(
            self.store.stories_awaiting_quotes, fetched_before=before, limit=limit
        )
        if pending:
            log.info("quoting %d stored stories whose quotes were never saved", len(pending))
            await self.quote_stories(pending)
        return len(pending)

    async def refine_summaries(self, stories: Sequence[Story]) -> None:
        """Let a summarizer with a model (``summarize_many``) summarise new stories first.

        It caches what it verified, so its `summarize` (and `summary_of`) return that
        afterwards; it never raises: on any failure the offline result stands.
        """
        many = getattr(self.summarizer, "summarize_many", None)
        if many is None or not stories:
            return
        await many(list(stories))
        for story in stories:
            self._summaries.pop(story.hash, None)

    def summarize_and_save(self, stories: Sequence[Story]) -> None:
        """Summarise, then save the quotes of all of ``stories`` in one transaction (a
        commit per story was a thousand WAL flushes for a backlog of a thousand, which
        processes sharing one PostgreSQL wait for in turn)."""
        done: list[tuple[Story, Summary]] = []
        for story in stories:
            if story.id is None:
                continue
            try:
                done.append((story, self.summarizer.summarize(story)))
            except Exception:  # a summarizer bug costs this story's quotes for now, not the rest
                log.exception("summarising story %s failed; it stays pending", story.id)
        if done:
            self._save_summaries(done)

    def briefing_for(
        self, channel: ChannelSettings, *, now: datetime, since: datetime | None = None
    ) -> Briefing:
        """Compose the channel's briefing from the stories of its subscriptions."""
        feeds = {f.url: f for f in self.store.subscriptions(channel.id)}
        if since is None:
            since = now - timedelta(hours=self.settings.briefing.backfill_hours)
        # The channel's own feeds in the query: a busy deployment's newest stories
        # globally may hold none of this channel's.
        stories = self.store.recent_stories(since=since, limit=500, feed_urls=list(feeds))
        candidates = [
            Candidate(story=s, summary=summary, source=_source_name(feeds[s.feed_url]))
            for s, summary in zip(stories, self.summaries_of(stories), strict=True)
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
        """The story's summary for a briefing or a reply: from the quotes ingest saved
        (the summarizer extracts them again only for a story with none saved)."""
        cached = self._summaries.get(story.hash)
        if cached is None:
            cached = self._summary_from_saved_quotes(story) or self.summarizer.summarize(story)
            self._remember_summary(story, cached)
        return cached

    def summaries_of(self, stories: Sequence[Story]) -> list[Summary]:
        """`summary_of` each story, the saved quotes of those not cached read in one go
        (a briefing of 50 stories was 50 reads; 200 channels' briefings, 10,000)."""
        missing = [s for s in stories if s.id is not None and s.hash not in self._summaries]
        if missing and isinstance(self.summarizer, QuotedSummarizer):
            saved = self.store.quotes_for_stories(s.id for s in missing if s.id is not None)
            for story in missing:
                quotes = saved.get(story.id or 0)
                if quotes:
                    self._remember_summary(
                        story, self.summarizer.summary_from_quotes(story, quotes)
                    )
        return [self.summary_of(s) for s in stories]

    def _remember_summary(self, story: Story, summary: Summary) -> None:
        if len(self._summaries) >= SUMMARY_CACHE_SIZE:
            self._summaries.pop(next(iter(self._summaries)))  # oldest first
        self._summaries[story.hash] = summary

    def _summary_from_saved_quotes(self, story: Story) -> Summary | None:
        if story.id is None or not isinstance(self.summarizer, QuotedSummarizer):
            return None  # a model's summary comes from its own cache of what it verified
        saved = self.store.quotes_for_story(story.id)
        return self.summarizer.summary_from_quotes(story, saved) if saved else None

    def channel_briefing(
        self, channel_id: str, *, now: datetime, last_briefing_at: datetime | None = None
    ) -> Briefing | None:
        """The channel's scheduled briefing: the stories it has not received yet.

        A channel that had briefings looks back from its last one, however long
        the bot was down; a new one as far as its subscriptions' backfill limit.
        None when there is nothing new and ``briefing.post_empty`` is off.
        """
        since = None if last_briefing_at is None else last_briefing_at - UNBRIEFED_WINDOW
        candidates = self._unbriefed_candidates(channel_id, since=since)
        if not candidates and not self.settings.briefing.post_empty:
            return None
        return compose_briefing(
            channel_id,
            candidates,
            now=now,
            max_stories=self.settings.briefing.max_stories,
            max_bullets=self.settings.briefing.max_bullets_per_story,
        )

    def breaking_briefings(self, channel_id: str, *, now: datetime) -> list[Briefing]:
        """One single-story briefing per new story (near-duplicates merged), for breaking mode."""
        since = now - max(UNBRIEFED_WINDOW, timedelta(hours=self.settings.briefing.backfill_hours))
        candidates = self._unbriefed_candidates(channel_id, since=since)
        return compose_breaking(
            channel_id,
            candidates,
            now=now,
            max_bullets=self.settings.briefing.max_bullets_per_story,
        )

    def pause_notice(self, channel_id: str, feed: Feed, *, at: datetime) -> Briefing:
        """The one message a channel gets when failures paused one of its feeds."""
        name = _source_name(feed)
        note = (
            f"{name} ({feed.url}) is paused after {feed.consecutive_failures} failed polls "
            f"in a row; last error: {feed.last_error or 'unknown'}. "
            "Stories from it will resume once an operator resumes the feed."
        )
        return Briefing(
            channel=channel_id,
            title=f"Feed paused: {name}",
            items=(),
            generated_at=at,
            notes=(note,),
        )

    def _unbriefed_candidates(self, channel_id: str, *, since: datetime | None) -> list[Candidate]:
        rows = self.store.unbriefed_stories(channel_id, since=since)
        feeds = {f.url: f for f in self.store.subscriptions(channel_id)}
        kept = [
            row
            for row in rows
            if row.story.feed_url in feeds and passes_filters(row.story, row.include, row.exclude)
        ]
        summaries = self.summaries_of([row.story for row in kept])
        return [
            Candidate(
                story=row.story, summary=summary, source=_source_name(feeds[row.story.feed_url])
            )
            for row, summary in zip(kept, summaries, strict=True)
        ]

    async def deliver(self, briefing: Briefing) -> str | None:
        """Post on demand (`brief`), once, by the scheduled posts' claim → post → record.

        Returns the new message's id, or None when the briefing was posted already
        (by an earlier request, or another process at the same moment). Raises
        `DeliveryError` when the platform refuses.
        """
        from bot.delivery import Deliverer, Job

        if not isinstance(self.store, ScheduleStore):
            raise StoreError("this store keeps no delivery claims")
        deliverer = Deliverer(self.store, self.adapter_for, owner=self.owner)
        job = Job(briefing.channel, briefing.idempotency_key, lambda: briefing, kind="on_demand")
        outcome = await deliverer.deliver(job)
        if outcome.status == "failed":
            raise DeliveryError(outcome.error or "the platform refused the post")
        return outcome.message_id if outcome.status == "posted" else None

    async def aclose(self) -> None:
        """Stop the ingest workers; close the fetcher's connections and the store's pool."""
        await asyncio.to_thread(self.workers.close)
        close = getattr(self.fetcher, "aclose", None)
        if close is not None:
            await close()
        store_close = getattr(self.store, "close", None)
        if store_close is not None:
            store_close()
        summarizer_close = getattr(self.summarizer, "aclose", None)
        if summarizer_close is not None:
            await summarizer_close()

    def adapter_for(self, channel_id: str) -> ChatAdapter:
        platform = channel_id.partition(":")[0]
        try:
            return self.adapters[platform]
        except KeyError:
            raise LookupError(
                f"no {platform} adapter is configured for channel {channel_id}"
            ) from None


def note_poll(report: IngestReport) -> None:
    """The poll metrics of one feed's poll."""
    metrics().count("polls", outcome=report.status)
    metrics().count("stories_stored", len(report.new_stories))
    if report.status == "error":
        metrics().count("poll_failures", reason=report.reason or "internal")


def now_utc() -> datetime:
    return datetime.now(UTC)


def _source_name(feed: Feed) -> str:
    return feed.title or httpx.URL(feed.url).host or feed.url
