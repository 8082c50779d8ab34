"""`SlackAdapter`: the `ChatAdapter` port on Slack's Web API.

Channel ids are ``slack:C0123`` (single-workspace token mode) or
``slack:T0456/C0123`` (an OAuth-installed workspace: the team picks the token).
Every post carries message metadata with the briefing's idempotency key, so
`SlackAdapter.find_posted` can find a post that was made but never recorded;
each message is also written down in the delivery log (`PostLog`) the moment
Slack accepts it, so that search is rarely needed. When it is, it keeps to the
limits Slack sets apps distributed outside its Marketplace for
``conversations.history``: 15 messages a request, one request a minute, and it
reads back no further than the delivery's claim.
Posts to one channel are paced (Slack allows about one per second); 429s are
retried after ``Retry-After`` by the client's `AsyncRateLimitErrorRetryHandler`
(a 429 means nothing was posted, so a retry cannot duplicate). slack_sdk and
aiohttp errors leave here as `DeliveryError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import METADATA_EVENT_TYPE, SlackMessage, briefing_messages
from bot.domain import Briefing
from bot.errors import DeliveryError
from bot.ports import PostLog

PLATFORM = "slack"
POST_INTERVAL_SECONDS = 1.0  # Slack: "1 message per second per channel", short bursts aside
# conversations.history for apps outside the Marketplace (Slack, May 2025): at most 15
# messages a request and one request a minute. Marketplace apps may raise these.
HISTORY_PAGE_LIMIT = 15
HISTORY_INTERVAL_SECONDS = 60.0
HISTORY_PAGES = 12  # find_posted reads at most 180 messages (12 minutes) back
CLOCK_SKEW = timedelta(minutes=5)  # "since" is our clock, a message's ts is Slack's
TokenLookup = Callable[[str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class SlackChannel:
    """A parsed channel id: the Slack channel and, for OAuth installs, its workspace."""

    channel_id: str
    team_id: str | None = None

    @classmethod
    def parse(cls, channel: str) -> SlackChannel:
        platform, _, rest = channel.partition(":")
        team, _, channel_id = rest.rpartition("/")
        if platform != PLATFORM or not channel_id:
            raise DeliveryError(f'{channel!r} is not a Slack channel ("slack:C0123")')
        return cls(channel_id=channel_id, team_id=team or None)

    def __str__(self) -> str:
        team = f"{self.team_id}/" if self.team_id else ""
        return f"{PLATFORM}:{team}{self.channel_id}"


def make_web_client(token: str | None = None, *, base_url: str | None = None) -> AsyncWebClient:
    """Our Web API client: retries 429s after ``Retry-After``, and nothing else.

    A 429 means Slack did nothing, so retrying cannot duplicate. A dropped
    connection may come after Slack posted; retrying that could post twice, so
    it becomes a `DeliveryError` and delivery's recovery asks `find_posted`.
    """
    handlers: list[AsyncRetryHandler] = [AsyncRateLimitErrorRetryHandler(max_retry_count=3)]
    if base_url is None:
        return AsyncWebClient(token=token, retry_handlers=handlers)
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=handlers)


def briefing_metadata(briefing: Briefing, part: int, parts: int) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {
            "idempotency_key": briefing.idempotency_key,
            "part": part,
            "parts": parts,
        },
    }


@dataclass(frozen=True, slots=True)
class BriefingPart:
    """What a message's metadata says it is: part ``part`` of ``parts`` of a briefing."""

    idempotency_key: str
    part: int
    parts: int


def briefing_part_of(message: dict[str, Any]) -> BriefingPart | None:
    """The briefing part a message's metadata names, else None.

    A payload without ``parts`` (or with a nonsensical one) counts as a
    one-part briefing, as every briefing posted before parts were counted.
    """
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    payload = metadata.get("event_payload") or {}
    key = payload.get("idempotency_key")
    part = payload.get("part", 1)
    parts = payload.get("parts", 1)
    if not key or not isinstance(part, int) or part < 1:
        return None
    if not isinstance(parts, int) or parts < part:
        parts = part
    return BriefingPart(str(key), part, parts)


def idempotency_key_of(message: dict[str, Any]) -> str | None:
    """The key of the briefing ``message`` is (a part of), else None."""
    found = briefing_part_of(message)
    return found.idempotency_key if found else None


class _Unreachable(DeliveryError):
    """The request may or may not have reached Slack (the connection failed)."""


@asynccontextmanager
async def translate_errors(doing: str) -> AsyncIterator[None]:
    """slack_sdk and aiohttp failures as `DeliveryError`, naming what we were doing."""
    try:
        yield
    except SlackApiError as exc:
        data = exc.response.data if exc.response is not None else None
        status = exc.response.status_code if exc.response is not None else "?"
        error = data.get("error") if isinstance(data, dict) else f"HTTP {status}"
        raise DeliveryError(f"Slack refused {doing}: {error}") from exc
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise _Unreachable(f"could not reach Slack for {doing}: {exc}") from exc


class _Pacer:
    """At most one call per ``interval`` seconds per key; callers queue for their turn."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(key, asyncio.Lock()):
            last = self._last.get(key)
            if last is not None:
                wait = last + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[key] = time.monotonic()


class SlackAdapter:
    """Posts briefings and replies to Slack channels, paced per channel.

    ``history_interval`` and ``history_page_limit`` are Slack's limits on
    reading a channel's history (per workspace); ``history_pages`` how many
    pages `find_posted` reads at most (it stops sooner at the claim's time).
    """

    name = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        token_for_team: TokenLookup | None = None,
        post_interval: float = POST_INTERVAL_SECONDS,
        history_pages: int = HISTORY_PAGES,
        history_interval: float = HISTORY_INTERVAL_SECONDS,
        history_page_limit: int = HISTORY_PAGE_LIMIT,
    ) -> None:
        self.client = client
        self._token_for_team = token_for_team
        self._history_pages = history_pages
        self._history_page_limit = history_page_limit
        self._posts = _Pacer(post_interval)  # per channel
        self._history_reads = _Pacer(history_interval)  # per workspace

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        """Post the briefing (several messages if long); the first message's ts is its id.

        Each message is recorded in ``log`` as soon as Slack accepted it. Parts
        ``log`` holds are not posted again; when an earlier attempt may have
        posted more than it recorded (``log.resumed``, or no log), a long
        briefing first looks in the channel for its missing parts.
        """
        target = SlackChannel.parse(briefing.channel)
        messages = briefing_messages(briefing)
        since = log.since if log is not None else None
        posted = dict(log.posted) if log is not None else {}
        unsure = log is None or log.resumed
        if len(messages) > 1 and unsure and len(posted) < len(messages):
            posted = {**await self.posted_parts(briefing, since=since), **posted}
        for part, message in enumerate(messages, start=1):
            if part in posted:
                continue
            metadata = briefing_metadata(briefing, part, len(messages))
            asked_at = datetime.now(UTC)
            try:
                posted[part] = await self.post(target, message, metadata=metadata)
            except _Unreachable as lost:
                posted[part] = await self._landed_anyway(briefing, part, lost, since=asked_at)
            if log is not None:
                await log.record(part, len(messages), posted[part])
        return posted[1]

    async def _landed_anyway(
        self, briefing: Briefing, part: int, lost: _Unreachable, *, since: datetime
    ) -> str:
        """After a lost answer: the part's ts if Slack has it (found by its key), else ``lost``."""
        try:
            found = (await self.posted_parts(briefing, since=since)).get(part)
        except DeliveryError:
            found = None
        if found is None:
            raise lost
        return found

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        """The ts of the briefing with ``idempotency_key`` if ALL its parts are in the channel.

        Delivery records a briefing found here as delivered without posting, so
        a briefing interrupted after some of its parts is not found: the retry
        then posts the missing parts (`post_briefing`). Reads history back to
        ``since`` (when the delivery was claimed) or ``history_pages`` pages,
        whichever comes first, at Slack's pace for ``conversations.history``.
        """
        found, total = await self._scan(SlackChannel.parse(channel), idempotency_key, since)
        if total is None or any(part not in found for part in range(1, total + 1)):
            return None
        return found[1]

    async def posted_parts(
        self, briefing: Briefing, *, since: datetime | None = None
    ) -> dict[int, str]:
        """Which parts of ``briefing`` are in its channel already: part number → ts."""
        target = SlackChannel.parse(briefing.channel)
        found, _ = await self._scan(target, briefing.idempotency_key, since)
        return found

    async def _scan(
        self, target: SlackChannel, idempotency_key: str, since: datetime | None
    ) -> tuple[dict[int, str], int | None]:
        """The recent parts with ``idempotency_key`` (part → ts) and how many parts it has."""
        token = await self._token(target)
        oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}" if since is not None else None
        found: dict[int, str] = {}
        total: int | None = None
        cursor: str | None = None
        async with translate_errors(f"reading the history of {target}"):
            for _ in range(self._history_pages):
                async with self._history_reads.turn(target.team_id or ""):
                    page = await self.client.conversations_history(
                        channel=target.channel_id,
                        include_all_metadata=True,
                        limit=self._history_page_limit,
                        cursor=cursor,
                        oldest=oldest,
                        **token,
                    )
                for message in page.get("messages") or []:
                    part = briefing_part_of(message)
                    if part and part.idempotency_key == idempotency_key:
                        found.setdefault(part.part, str(message["ts"]))
                        total = max(total or 0, part.parts)
                if 1 in found:
                    break  # parts are posted in order: nothing older belongs to it
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        return found, total

    async def post(
        self,
        target: SlackChannel,
        message: SlackMessage,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """One ``chat.postMessage``, paced; returns the message ts."""
        token = await self._token(target)
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        if metadata:
            extra["metadata"] = metadata
        posting = translate_errors(f"a post to {target}")
        async with self._posts.turn(target.channel_id), posting:
            response = await self.client.chat_postMessage(
                channel=target.channel_id,
                **message.as_kwargs(),
                # Story links would unfurl into large previews chosen by the feed's site.
                unfurl_links=False,
                unfurl_media=False,
                **extra,
                **token,
            )
        return str(response["ts"])

    async def _token(self, target: SlackChannel) -> dict[str, Any]:
        """A per-call ``token`` for OAuth-installed workspaces; none in token mode."""
        if target.team_id is None or self._token_for_team is None:
            return {}
        return {"token": await self._token_for_team(target.team_id)}
