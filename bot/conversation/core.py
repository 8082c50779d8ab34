"""The conversations core: every command and follow-up question, answered once for all platforms.

Adapters call `Conversations.handle(context, text)` and render the `Reply`.
Reading is open to everyone; subscribe, unsubscribe and schedule need what
``bot.conversation.permissions.may_manage`` decides (a managing platform role the
adapter translated, or an operator-configured manager). Everything a person types is
untrusted: links are read through the `ArticleReader` port, behind the same URL
guard as feeds (local paths are never read), and search words are cleaned again by
the store.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.conversation.answers import Answers
from bot.conversation.commands import (
    HELP,
    BriefCommand,
    Command,
    CommandError,
    FeedsCommand,
    HelpCommand,
    Question,
    QuotesCommand,
    ScheduleCommand,
    SubscribeCommand,
    UnsubscribeCommand,
    parse_command,
)
from bot.conversation.permissions import may_manage
from bot.conversation.questions import (
    content_words,
    story_citation,
)
from bot.conversation.replies import Context, Reply
from bot.cron import check_cron, first_slot
from bot.domain import Briefing, Feed, Story
from bot.errors import BlockedURLError, IngestError, NewsbriefError, NotFoundError
from bot.links import has_credentials, story_url_key
from bot.ports import ArticleReader, ScheduleStore, Summarizer, Summary
from bot.settings import ChannelSettings, Settings
from bot.telemetry import metrics

log = logging.getLogger(__name__)

CREDENTIALS_REPLY = (
    "That link holds a user name or password, so I did not use or store it (everyone "
    "here would see it). Use a link without credentials; private feeds need the "
    "operator to add them to the config file."
)
CHANNELS_ONLY = (
    "Feeds, briefings and schedules belong to a channel: use this in a channel newsbrief "
    "is in, not in a direct message. Quotes and questions work here too."
)
_URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_STORY_NUMBER = re.compile(r"^#?(\d{1,3})$")
_DAY_WORDS = {"mon-fri": "weekdays", "sat,sun": "weekends", "*": "every day"}

Clock = Callable[[], datetime]


class ChatServices(Protocol):
    """What the conversations core uses of the wired application (``bot.app.App``).

    Given by the composition root; the core never imports it. ``store`` raises
    ``StoreError``, ``reader`` ``BlockedURLError`` and ``IngestError``, ``summarizer``
    nothing (offline) or ``SummarizerError``; `briefing_for` raises ``StoreError``.
    """

    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> ScheduleStore: ...

    @property
    def reader(self) -> ArticleReader: ...

    @property
    def summarizer(self) -> Summarizer: ...

    def briefing_for(
        self, channel: ChannelSettings, *, now: datetime, since: datetime | None = None
    ) -> Briefing: ...

    def summary_of(self, story: Story) -> Summary: ...


class Conversations:
    """Answers commands and questions from the store; never raises for bad input.

    ``clock`` is the time "now" (tests and the demo fix it); ``brief_since``,
    when given, is how far back ``brief`` looks instead of the configured
    backfill (the demo's stories carry fixed dates).
    """

    def __init__(
        self,
        app: ChatServices,
        *,
        clock: Clock | None = None,
        brief_since: datetime | None = None,
        managers: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.clock = clock or (lambda: datetime.now(UTC))
        self.brief_since = brief_since
        self.managers = frozenset(managers)
        self.answers = Answers(
            app.store,
            clock=self.clock,
            summary_of=app.summary_of,
            max_bullets=app.settings.briefing.max_bullets_per_story,
            retention_days=app.settings.store.retention_days,
        )

    async def handle(self, context: Context, text: str) -> Reply:
        """The reply to ``text`` typed by ``context.user`` in ``context.channel``."""
        try:
            command = parse_command(text)
        except CommandError as exc:
            return Reply(str(exc), ephemeral=True)
        started = time.perf_counter()
        try:
            return await self._dispatch(context, command)
        except NewsbriefError as exc:
            log.warning(
                "command %r failed: %s", text[:200], exc, extra={"channel": context.channel}
            )
            return Reply(f"Sorry, that failed: {exc}", ephemeral=True)
        finally:
            note_latency(command, time.perf_counter() - started)

    async def _dispatch(self, context: Context, command: Command) -> Reply:
        # The store is synchronous: its calls run in a worker thread so that a slow
        # database never stalls the adapter's event loop (other chats, heartbeats).
        match command:
            case HelpCommand():
                return Reply(HELP, ephemeral=True)
            case QuotesCommand(query) if _is_link(query):
                return await self._quotes_of_url(query.split()[0])
            case QuotesCommand(query):
                return await asyncio.to_thread(self.quotes, context, query)
            case Question(text):
                found = await asyncio.to_thread(self.answer, context, text)
                return await self._phrased_by_model(text, found)
        if context.direct_message:
            # No channel here: a subscription or schedule would post where the bot may not
            # (a DM between two people), and a briefing would go to one person.
            return Reply(CHANNELS_ONLY, ephemeral=True)
        match command:
            case FeedsCommand():
                return await asyncio.to_thread(self.feeds, context)
            case BriefCommand():
                return await asyncio.to_thread(self.brief, context)
        if not self.may_manage(context):
            return Reply(
                "Only workspace or server admins and channel managers can change "
                "this channel's feeds and schedule. Anyone can read: try `feeds`.",
                ephemeral=True,
            )
        match command:
            case SubscribeCommand():
                return await self.subscribe(context, command)
            case UnsubscribeCommand(url):
                return await asyncio.to_thread(self.unsubscribe, context, url)
            case ScheduleCommand():
                return await asyncio.to_thread(self.schedule, context, command)
        return Reply("I did not understand that; try `help`.", ephemeral=True)

    async def _phrased_by_model(self, question: str, found: Reply) -> Reply:
        """With an LLM configured, its answer over the retrieved quotes; else ``found``.

        The model sees only the quotes retrieval found and may cite only those,
        word for word (`summarizer.llm` verifies it); any failure keeps ``found``.
        """
        if not found.citations or not hasattr(self.app.summarizer, "answer"):
            return found  # offline: no openai import, no model call
        from summarizer.llm import answer_question

        answer = await answer_question(self.app.summarizer, question, found.citations)
        if answer is None:
            return found
        # A reply that states facts of its own (who someone is, a story's sources) keeps
        # them; one that only leads into its quotes ("What X said:") gives way to the model.
        text = answer.text if found.text.rstrip().endswith(":") else f"{found.text}\n{answer.text}"
        return Reply(text, citations=answer.citations, ephemeral=found.ephemeral)

    def may_manage(self, context: Context) -> bool:
        return may_manage(context, self.managers)

    # quotes

    def quotes(self, context: Context, query: str) -> Reply:
        """``quotes <story number | person | words>`` (links: `_quotes_of_url`)."""
        with self.app.store.reading("answering quotes"):
            return self._quotes(context, query)

    def _quotes(self, context: Context, query: str) -> Reply:
        query = query.strip()
        number = _STORY_NUMBER.match(query)
        if number:
            found = self.answers.topics.briefing_item(context, int(number[1]))
            if isinstance(found, Reply):
                return found
            return self._quotes_of_story(found[0])
        words = content_words(query)
        if not words:
            return Reply(
                "quotes needs a story link, a story number, a person or some words.",
                ephemeral=True,
            )
        return self.answers.quotes(context, words)

    async def _quotes_of_url(self, url: str) -> Reply:
        if has_credentials(url):
            return Reply(CREDENTIALS_REPLY, ephemeral=True)
        if not url.lower().startswith(("http://", "https://")):
            return Reply(
                "quotes takes an http:// or https:// story link; other schemes and local "
                "files are never read.",
                ephemeral=True,
            )
        stored = self.app.store.story_for_url(url, keys=[story_url_key(url)])
        if stored is not None:
            return self._quotes_of_story(stored)
        try:
            story = await self.app.reader.read_story(url)
        except BlockedURLError as exc:
            return Reply(f"I can't read that link: {exc}", ephemeral=True)
        except IngestError as exc:
            return Reply(f"I couldn't read a story at that link: {exc}", ephemeral=True)
        summary = await asyncio.to_thread(self.app.summarizer.summarize, story)
        cited = tuple(story_citation(story, q) for b in summary.bullets for q in b.quotes)
        if not cited:
            return Reply(f"“{story.title}” ({url}) quotes nobody I can attribute.")
        return Reply(f"Who said what in “{story.title}” (fetched just now):", citations=cited)

    def _quotes_of_story(self, story: Story) -> Reply:
        return self.answers.topics.quotes_of_story(story)

    # follow-up questions

    def answer(self, context: Context, text: str) -> Reply:
        """A follow-up question, answered from stored quotes with citations."""
        with self.app.store.reading("answering a question"):
            return self.answers.answer(context, text)

    # feeds and briefings

    def feeds(self, context: Context) -> Reply:
        subscribed = self.app.store.subscriptions(context.channel)
        if not subscribed:
            return Reply("This channel follows no feeds yet; `subscribe <feed url>` adds one.")
        rows = tuple(
            (
                f.title or "",
                f.url,
                _status(f),
                _when(f.last_success_at),
                (f.last_error or "")[:200],
            )
            for f in subscribed
        )
        return Reply(
            f"This channel follows {len(rows)} feed{'s' if len(rows) != 1 else ''}:",
            columns=("feed", "url", "status", "last success", "last error"),
            rows=rows,
        )

    def brief(self, context: Context) -> Reply:
        channel = self._channel_settings(context.channel)
        if channel is None:
            return Reply(f"{context.channel} is not a channel I can brief.", ephemeral=True)
        if not self.app.store.subscriptions(context.channel):
            return Reply("This channel follows no feeds yet; `subscribe <feed url>` adds one.")
        now = self.clock()
        briefing = self.app.briefing_for(channel, now=now, since=self.brief_since)
        if not briefing.items:
            return Reply("Nothing new in this channel's feeds for a briefing right now.")
        self.app.store.record_briefing(briefing, at=now)
        return Reply("Here is this channel's briefing:", briefing=briefing)

    def _channel_settings(self, channel_id: str) -> ChannelSettings | None:
        for channel in self.app.settings.channels:
            if channel.id == channel_id:
                return channel
        try:
            return ChannelSettings(id=channel_id)
        except ValidationError:
            return None

    # managing

    async def subscribe(self, context: Context, command: SubscribeCommand) -> Reply:
        url = command.feed_url
        if has_credentials(url):  # refused before anything stores, fetches or echoes it
            return Reply(CREDENTIALS_REPLY, ephemeral=True)
        if not url.lower().startswith(("http://", "https://")):
            return Reply(
                f"I can only follow http:// or https:// feeds, not {url!r}.", ephemeral=True
            )
        try:
            title = await self.app.reader.read_feed_title(url)
        except BlockedURLError as exc:
            return Reply(f"I can't follow that feed: {exc}", ephemeral=True)
        except IngestError as exc:
            return Reply(f"That doesn't work as a feed: {exc}", ephemeral=True)
        store = self.app.store
        try:
            feed = store.get_feed(url)
        except NotFoundError:
            feed = store.add_feed(url, title=title)
        store.subscribe(
            context.channel, url, include=list(command.include), exclude=list(command.exclude)
        )
        signed = [*(f"+{w}" for w in command.include), *(f"-{w}" for w in command.exclude)]
        filters = " ".join(signed)
        text = f"This channel now follows {feed.title or url} ({url})"
        text += f" with filters {filters}." if filters else "."
        scheduled = await asyncio.to_thread(self._schedule_if_unscheduled, context)
        return Reply(text + " Its stories will be in the next briefing." + scheduled)

    def _schedule_if_unscheduled(self, context: Context) -> str:
        """A channel that subscribes in chat gets the default schedule, or it never hears back."""
        store = self.app.store
        if not isinstance(store, ScheduleStore):
            return ""
        current = next((c for c in store.channel_states() if c.id == context.channel), None)
        if current is not None and current.schedule:
            return ""
        default = ChannelSettings.model_fields["schedule"].default
        reply = self.schedule(context, ScheduleCommand(default, None))
        return f" {reply.text} Change it with `schedule`."

    def unsubscribe(self, context: Context, url: str) -> Reply:
        try:
            removed = self.app.store.unsubscribe(context.channel, url)
        except NotFoundError:
            removed = False
        if not removed:
            return Reply(
                f"This channel doesn't follow {url}; `feeds` lists what it follows.",
                ephemeral=True,
            )
        return Reply(f"This channel no longer follows {url}.")

    def schedule(self, context: Context, command: ScheduleCommand) -> Reply:
        store = self.app.store
        if not isinstance(store, ScheduleStore):
            return Reply("This store cannot keep channel schedules.", ephemeral=True)
        current = next((c for c in store.channel_states() if c.id == context.channel), None)
        # No zone given: keep the one the channel has (set in chat or in the config file).
        timezone = command.timezone or (
            current.timezone if current else self._channel_timezone(context.channel)
        )
        try:
            check_cron(command.cron, timezone)
        except ValueError as exc:
            return Reply(f"That is not a schedule I can keep: {exc}", ephemeral=True)
        now = self.clock()
        first = first_slot(command.cron, timezone, now)
        store.configure_channel(
            context.channel,
            schedule=command.cron,
            timezone=timezone,
            breaking=current.breaking if current else False,
            backfill_hours=self.app.settings.briefing.backfill_hours,
            first_slot=first,
            now=now,
        )
        when = describe_cron(command.cron)
        local = first.astimezone(ZoneInfo(timezone)) if first else None
        next_text = f" The next one is {local:%a %d %b %H:%M %Z}." if local else ""
        return Reply(f"Briefings for this channel: {when} ({timezone}).{next_text}")

    def _channel_timezone(self, channel_id: str) -> str:
        channel = next((c for c in self.app.settings.channels if c.id == channel_id), None)
        return channel.timezone if channel else "UTC"


def note_latency(command: Command, seconds: float) -> None:
    """A question's or a command's time to its reply, for the latency histograms."""
    if isinstance(command, Question):
        metrics().observe("question_seconds", seconds)
        return
    name = type(command).__name__.removesuffix("Command").lower() or "unknown"
    metrics().observe("command_seconds", seconds, command=name)


def _is_link(query: str) -> bool:
    """A URL of any scheme, or a local path: `_quotes_of_url` decides what may be read."""
    query = query.strip()
    return bool(_URL_LIKE.match(query)) or query.startswith(("/", "~", "\\"))


def describe_cron(cron: str) -> str:
    """``"30 8 * * mon-fri"`` -> ``"weekdays at 08:30"``; other crons as they are."""
    fields = cron.split()
    simple = len(fields) == 5 and fields[2:4] == ["*", "*"]
    if simple and fields[0].isdigit() and fields[1].isdigit():
        days = _DAY_WORDS.get(fields[4], fields[4])
        return f"{days} at {int(fields[1]):02d}:{int(fields[0]):02d}"
    return f"cron “{cron}”"


def _status(feed: Feed) -> str:
    if feed.paused:
        return "paused"
    if feed.consecutive_failures:
        return f"failing ({feed.consecutive_failures} in a row)"
    if feed.last_success_at is None:
        return "not fetched yet"
    return "ok"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


__all__ = ["Conversations", "describe_cron"]
