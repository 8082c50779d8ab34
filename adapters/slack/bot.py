"""The Slack bot: a slack-bolt `AsyncApp` that hands what people type to the conversations core.

Slash commands (``/quotes``, ``/brief``, ``/news …``) are acknowledged first
(Slack wants an answer within 3 s) and answered after, in channel or
ephemerally as the `Reply` says. App mentions and replies in a briefing's
thread are answered in that thread. The "Key quotes" button shows the story's
full quote list to whoever pressed it. Slack retries an event it thinks we
missed with the same ``event_id``; `EventDeduper` makes sure it is handled once,
also when the retry reaches another process sharing the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.adapter import SlackAdapter, SlackChannel, idempotency_key_of
from adapters.slack.blocks import (
    KEY_QUOTES_ACTION,
    SlackMessage,
    citations_message,
    reply_message,
)
from bot.app import App, now_utc
from bot.bounded import BoundedDict
from bot.conversation.commands import (
    CommandError,
    ScheduleCommand,
    SubscribeCommand,
    UnsubscribeCommand,
    parse_command,
)
from bot.conversation.replies import Citation, Context, Reply, Responder, pruned_story_reply
from bot.errors import DeliveryError, NewsbriefError, StoreError
from bot.ports import Store

log = logging.getLogger(__name__)

# Each slash command maps to a line of the conversations core's grammar.
SLASH_COMMANDS: dict[str, str] = {"/quotes": "quotes", "/brief": "brief", "/news": ""}
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_MANAGING = (SubscribeCommand, UnsubscribeCommand, ScheduleCommand)
THREADS_REMEMBERED = 5000
# Slack wants an event acknowledged within 3 s, and the claim comes before the ack.
EVENT_CLAIM_TIMEOUT = 2.0


class EventDeduper:
    """Makes sure a Slack event runs once, in this process and in all that share the store.

    An ``event_id`` seen here within ``ttl_seconds`` is skipped at once (a
    bounded, expiring memory). With a ``store``, a new one is also claimed
    there (`Store.claim_event`, key ``slack:event:<event_id>``, off the event
    loop), so a retry that Slack sends to another ``newsbrief run`` behind the
    same app is skipped by whichever process did not win the claim.

    Fails open: when the store raises ``StoreError`` or has not answered
    within ``timeout`` seconds, the event is handled and a warning logged
    (another process may then answer it too; a rare double answer beats
    silence).
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        max_size: int = 10_000,
        ttl_seconds: float = 3600,
        timeout: float = EVENT_CLAIM_TIMEOUT,
    ) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._max_size = max_size
        self._ttl = ttl_seconds
        self._store = store
        self._timeout = timeout

    def first_time(self, event_id: str) -> bool:
        """True the first time this process sees ``event_id`` (within the ttl)."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= self._max_size or next(iter(self._seen.values())) < now - self._ttl
        ):
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True

    async def claim(self, event_id: str) -> bool:
        """True when this process should handle ``event_id``: new here, and ours in the store."""
        if not self.first_time(event_id):  # remembered before awaiting: a twin waits for nothing
            return False
        if self._store is None:
            return True
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(
                    self._store.claim_event,
                    f"slack:event:{event_id}",
                    at=now_utc(),
                    ttl=timedelta(seconds=self._ttl),
                ),
                self._timeout,
            )
        except StoreError as exc:
            log.warning("could not claim Slack event %s, handling it anyway: %s", event_id, exc)
        except TimeoutError:
            log.warning(
                "the store took over %.1f s to claim Slack event %s, handling it anyway",
                self._timeout,
                event_id,
            )
        return True


def command_line(command: str, text: str) -> str:
    """The core's line for a slash command: ``/quotes lavrov`` → ``quotes lavrov``."""
    verb = SLASH_COMMANDS.get(command, "")
    line = f"{verb} {text}".strip()
    return line or "help"


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text).split())


def needs_manage(text: str) -> bool:
    """Only subscribe/unsubscribe/schedule need the permission lookup (a users.info call)."""
    try:
        return isinstance(parse_command(text), _MANAGING)
    except CommandError:
        return False


class SlackBot:
    """Event, command and action handlers over one core `App`.

    ``workspace_scoped`` (OAuth multi-workspace) names channels ``slack:TEAM/CHANNEL``
    so two workspaces never share subscriptions; token mode keeps ``slack:CHANNEL``.
    """

    def __init__(
        self,
        core: App,
        responder: Responder,
        adapter: SlackAdapter,
        *,
        workspace_scoped: bool = False,
        managers: frozenset[str] = frozenset(),
    ) -> None:
        self.core = core
        self.responder = responder
        self.adapter = adapter
        self.workspace_scoped = workspace_scoped
        self.managers = managers
        self.deduper = EventDeduper(core.store)
        self._threads: BoundedDict[tuple[str, str], str | None] = BoundedDict(THREADS_REMEMBERED)

    def register(self, bolt: AsyncApp) -> AsyncApp:
        bolt.middleware(self.skip_retried_events)
        for command in SLASH_COMMANDS:
            bolt.command(command)(self.on_command)
        bolt.event("app_mention")(self.on_mention)
        bolt.event("message")(self.on_message)
        bolt.action(KEY_QUOTES_ACTION)(self.on_key_quotes)
        return bolt

    # -- middleware --------------------------------------------------------------------

    async def skip_retried_events(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and event_id
        if is_event and not await self.deduper.claim(str(event_id)):
            log.info("skipping retried Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    # -- listeners ---------------------------------------------------------------------

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()  # first: Slack shows an error after 3 s without it
        line = command_line(command["command"], command.get("text") or "")
        context = await self.context_for(
            client,
            channel_id=command["channel_id"],
            user=command["user_id"],
            team_id=command.get("team_id"),
            text=line,
        )
        reply = await self.ask(context, line)
        await self.answer(reply, context, respond=respond, client=client)

    async def on_mention(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        await self.answer_in_thread(event, client)

    async def on_message(
        self, event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        """A reply in one of our briefings' threads is a follow-up question."""
        thread_ts = event.get("thread_ts")
        if (
            event.get("subtype")
            or event.get("bot_id")
            or not thread_ts
            or thread_ts == event.get("ts")
            or f"<@{context.get('bot_user_id')}" in (event.get("text") or "")  # app_mention's
        ):
            return
        await self.answer_in_thread(event, client, only_briefing_threads=True)

    async def on_key_quotes(
        self, ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        try:
            story_ids = [int(i) for i in json.loads(action.get("value") or "{}")["story_ids"]]
        except (ValueError, KeyError, TypeError):
            await respond(text="That button is out of date.", response_type="ephemeral")
            return
        message = await asyncio.to_thread(self.key_quotes, story_ids)  # store reads
        await respond(**message.as_kwargs(), response_type="ephemeral", replace_original=False)

    # -- answering ---------------------------------------------------------------------

    async def answer_in_thread(
        self,
        event: dict[str, Any],
        client: AsyncWebClient,
        *,
        only_briefing_threads: bool = False,
    ) -> None:
        text = strip_mentions(event.get("text") or "") or "help"
        thread_ts = event.get("thread_ts") or event["ts"]
        team_id = event.get("team")
        thread_of = None
        if event.get("thread_ts"):
            thread_of = await self.briefing_of_thread(client, event["channel"], thread_ts)
            if thread_of is None and only_briefing_threads:
                return  # someone else's thread: not ours to answer
        context = await self.context_for(
            client,
            channel_id=event["channel"],
            user=event.get("user", ""),
            team_id=team_id,
            text=text,
            thread_of=thread_of,
        )
        reply = await self.ask(context, text)
        await self.answer(reply, context, client=client, thread_ts=thread_ts)

    async def ask(self, context: Context, text: str) -> Reply:
        """The core's reply; a failure becomes an apology to the asker, not silence."""
        try:
            return await self.responder.handle(context, text)
        except Exception:  # after the ack, the person would otherwise hear nothing
            log.exception("answering %r in %s failed", text, context.channel)
            return Reply(
                "Sorry, something went wrong on our side; the details are in the bot's log.",
                ephemeral=True,
            )

    async def answer(
        self,
        reply: Reply,
        context: Context,
        *,
        client: AsyncWebClient,
        respond: AsyncRespond | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """Post the reply where it belongs; a briefing goes through delivery (logged once)."""
        if reply.briefing is not None:
            note = await self.deliver(reply)
            if note:
                reply = Reply(note, ephemeral=True)
            elif not reply.text:
                return
        message = reply_message(reply)
        target = SlackChannel.parse(context.channel)
        try:
            if respond is not None:
                kind = "ephemeral" if reply.ephemeral else "in_channel"
                await respond(**message.as_kwargs(), response_type=kind)
            elif reply.ephemeral:
                await self.post_ephemeral(client, target, context.user, message, thread_ts)
            else:
                await self.adapter.post(target, message, thread_ts=thread_ts)
        except (DeliveryError, SlackApiError, SlackClientError) as exc:
            log.warning("could not answer in %s: %s", context.channel, exc)

    async def deliver(self, reply: Reply) -> str | None:
        """Post ``reply.briefing``; a note for the asker when it was not posted."""
        assert reply.briefing is not None
        try:
            posted = await self.core.deliver(reply.briefing)
        except (NewsbriefError, LookupError) as exc:
            return f"Could not post the briefing: {exc}"
        return None if posted else "This briefing is already in the channel."

    async def post_ephemeral(
        self,
        client: AsyncWebClient,
        target: SlackChannel,
        user: str,
        message: SlackMessage,
        thread_ts: str | None,
    ) -> None:
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        await client.chat_postEphemeral(
            channel=target.channel_id, user=user, **message.as_kwargs(), **extra
        )

    def key_quotes(self, story_ids: list[int]) -> SlackMessage:
        """Every stored quote of the button's story (the first that is still stored)."""
        for story_id in story_ids:
            try:
                story = self.core.store.get_story(story_id)
                quotes = self.core.store.quotes_for_story(story_id)
            except NewsbriefError:
                continue
            if story.pruned_at is not None:
                retention = self.core.settings.store.retention_days
                return reply_message(pruned_story_reply(story, retention))
            citations = [
                Citation(
                    speaker=q.speaker or "unattributed",
                    speaker_role=q.speaker_role,
                    text=q.text,
                    kind=q.kind,
                    story_title=story.title,
                    story_url=story.url,
                    published_at=story.published_at,
                    story_id=story_id,
                )
                for q in quotes
            ]
            return citations_message(story.title, citations)
        return reply_message(Reply("That story is no longer stored.", ephemeral=True))

    # -- context -----------------------------------------------------------------------

    async def context_for(
        self,
        client: AsyncWebClient,
        *,
        channel_id: str,
        user: str,
        team_id: str | None,
        text: str,
        thread_of: str | None = None,
    ) -> Context:
        team = team_id if self.workspace_scoped else None
        channel = str(SlackChannel(channel_id, team))
        can_manage = needs_manage(text) and await self.can_manage(client, user)
        return Context(channel=channel, user=user, can_manage=can_manage, thread_of=thread_of)

    async def can_manage(self, client: AsyncWebClient, user: str) -> bool:
        """Workspace admins and owners, and the operator's configured managers."""
        if user in self.managers:
            return True
        try:
            info = await client.users_info(user=user)
        except (SlackApiError, SlackClientError) as exc:
            log.warning("users.info failed for %s: %s", user, exc)
            return False
        person = info.get("user") or {}
        return any(person.get(k) for k in ("is_admin", "is_owner", "is_primary_owner"))

    async def briefing_of_thread(
        self, client: AsyncWebClient, channel_id: str, thread_ts: str
    ) -> str | None:
        """The idempotency key of the briefing that started this thread, if it is one.

        Remembered per thread: a busy thread must not cost a Web API call per message.
        """
        where = (channel_id, thread_ts)
        if where in self._threads:
            self._threads.move_to_end(where)
            return self._threads[where]
        try:
            page = await client.conversations_replies(
                channel=channel_id, ts=thread_ts, limit=1, include_all_metadata=True
            )
        except (SlackApiError, SlackClientError) as exc:
            log.warning("conversations.replies failed in %s: %s", channel_id, exc)
            return None  # not remembered: the next message asks again
        messages = page.get("messages") or []
        key = idempotency_key_of(messages[0]) if messages else None
        self._threads[where] = key
        return key


def build_bolt_app(
    core: App,
    responder: Responder,
    adapter: SlackAdapter,
    *,
    signing_secret: str,
    oauth_settings: AsyncOAuthSettings | None = None,
    managers: frozenset[str] = frozenset(),
) -> tuple[AsyncApp, SlackBot]:
    """The bolt app with every newsbrief listener registered.

    Token mode uses ``adapter.client`` (its token) for everything; with
    ``oauth_settings`` bolt looks each workspace's token up in the installation
    store and passes the right client to the listeners.
    """
    bot = SlackBot(
        core, responder, adapter, workspace_scoped=oauth_settings is not None, managers=managers
    )
    if oauth_settings is None:
        bolt = AsyncApp(client=adapter.client, signing_secret=signing_secret, name="newsbrief")
    else:
        bolt = AsyncApp(
            client=adapter.client,
            signing_secret=signing_secret,
            oauth_settings=oauth_settings,
            name="newsbrief",
        )
        # Uninstalls and revoked tokens delete the workspace's installation.
        bolt.enable_token_revocation_listeners()
    return bot.register(bolt), bot
