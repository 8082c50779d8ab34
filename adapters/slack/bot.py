"""The Slack bot: a slack-bolt `AsyncApp` that hands what people type to the conversations core.

Slash commands (``/quotes``, ``/brief``, ``/news …``) are acknowledged first
(Slack wants an answer within 3 s) and answered after, in channel or
ephemerally as the `Reply` says. App mentions and replies in a briefing's
thread are answered in that thread. The "Key quotes" button shows the story's
full quote list to whoever pressed it. Slack retries an event it thinks we
missed with the same ``event_id``; `EventDeduper` makes sure it is handled once,
also when the retry reaches another process sharing the store, and handled at all
when the process that took it on died before answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from bot.bounded import BoundedDict
from bot.conversation.commands import (
    CommandError,
    ScheduleCommand,
    SubscribeCommand,
    UnsubscribeCommand,
    parse_command,
)
from bot.conversation.key_quotes import GONE, read_key_quotes
from bot.conversation.permissions import ADMIN
from bot.conversation.replies import Context, Reply, Responder
from bot.delivery import system_clock
from bot.errors import DeliveryError, NewsbriefError, StoreError
from bot.platform import PlatformServices
from bot.ports import EventClaim, Store

log = logging.getLogger(__name__)

# Each slash command maps to a line of the conversations core's grammar.
SLASH_COMMANDS: dict[str, str] = {"/quotes": "quotes", "/brief": "brief", "/news": ""}
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_MANAGING = (SubscribeCommand, UnsubscribeCommand, ScheduleCommand)
THREADS_REMEMBERED = 5000
UNKNOWN_ACTION = "This button is not one newsbrief knows (any more); nothing was done."
# Slack wants an event acknowledged within 3 s, and the claim comes before the ack.
EVENT_CLAIM_TIMEOUT = 2.0
# Slack sends an event again right away (3 s after a delivery nobody acknowledged), then
# after 1 minute and after 5 minutes. The lease must outlast an ordinary answer (seconds),
# so that the quick retry finds the first process still at work and is turned away; and
# it must end well before the 1-minute retry, so that when the claimer died, that retry
# takes the event over instead of the asker waiting 5 minutes. 30 s sits in between, with
# room for clocks that differ between hosts. An answer that takes longer than the lease
# may be given twice, by the first process and by the one the 1-minute retry reached.
EVENT_LEASE_SECONDS = 30.0
# While an answer is being made its lease is renewed (a language model may take longer
# than a lease), but not past Slack's last retry: nobody asks for the event after that.
LEASE_RENEWED_FOR = 360.0


def is_direct_message(command: dict[str, Any]) -> bool:
    """A slash command typed in a direct message (one person, or a group DM): Slack gives
    IM ids a ``D`` and names them ``directmessage``; group DMs are named ``mpdm-…``."""
    name = str(command.get("channel_name") or "")
    return str(command.get("channel_id") or "").startswith("D") or (
        name == "directmessage" or name.startswith("mpdm-")
    )


@dataclass(slots=True)
class _Seen:
    at: float  # time.monotonic() when this process took the event on
    done: bool = False


class EventDeduper:
    """Makes sure a Slack event runs once, in this process and in all that share the store.

    `claim` says what to do with an event: ``CLAIMED``, handle it, inside
    `handling`, which marks it done when the handler returns; ``DONE``, skip
    it; ``BUSY``, skip it for now: a handler (here or in another process) holds
    a live lease on it and has not finished, and since it may yet die, Slack is
    asked to send the event again later. While a handler runs here, its lease is
    renewed every third of ``lease_seconds``.

    This process remembers the events it took on for ``ttl_seconds`` (bounded,
    expiring), so its own twins are answered without the store. With a
    ``store``, each new event is also claimed there (`Store.claim_event`, key
    ``slack:event:<event_id>``, off the event loop) for a lease of
    ``lease_seconds`` by the ``clock``, so a retry that Slack sends to another
    ``newsbrief run`` behind the same app is handled once, and taken over when
    the claimer died.

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
        lease_seconds: float = EVENT_LEASE_SECONDS,
        timeout: float = EVENT_CLAIM_TIMEOUT,
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self._seen: OrderedDict[str, _Seen] = OrderedDict()
        self._max_size = max_size
        self._ttl = ttl_seconds
        self._lease = lease_seconds
        self._store = store
        self._timeout = timeout
        self._clock = clock

    def _remembered(self, event_id: str) -> EventClaim | None:
        """What this process knows of ``event_id``; None when the store must be asked."""
        now = time.monotonic()
        while self._seen and (
            len(self._seen) >= self._max_size
            or next(iter(self._seen.values())).at < now - self._ttl
        ):
            self._seen.popitem(last=False)
        seen = self._seen.get(event_id)
        if seen is None:
            return None
        if seen.done:
            return EventClaim.DONE
        # Our own handler outliving its lease is stuck; the store hands the event on.
        return EventClaim.BUSY if now - seen.at <= self._lease else None

    def _remember_done(self, event_id: str) -> None:
        self._seen.pop(event_id, None)  # to the end: the oldest entries expire first
        self._seen[event_id] = _Seen(time.monotonic(), done=True)

    def handled(self, event_id: str) -> bool:
        """True once this process knows ``event_id`` was handled (here, or as the store says)."""
        seen = self._seen.get(event_id)
        return seen is not None and seen.done

    async def claim(self, event_id: str) -> EventClaim:
        """``CLAIMED`` when this process should handle ``event_id`` now; see the class."""
        remembered = self._remembered(event_id)
        if remembered is not None:
            return remembered
        self._seen.pop(event_id, None)
        self._seen[event_id] = _Seen(time.monotonic())  # before awaiting: a twin is BUSY
        if self._store is None:
            return EventClaim.CLAIMED
        try:
            claim = await asyncio.wait_for(
                asyncio.to_thread(
                    self._store.claim_event,
                    f"slack:event:{event_id}",
                    at=self._clock(),
                    lease=timedelta(seconds=self._lease),
                    ttl=timedelta(seconds=self._ttl),
                ),
                self._timeout,
            )
        except StoreError as exc:
            log.warning("could not claim Slack event %s, handling it anyway: %s", event_id, exc)
            return EventClaim.CLAIMED
        except TimeoutError:
            log.warning(
                "the store took over %.1f s to claim Slack event %s, handling it anyway",
                self._timeout,
                event_id,
            )
            return EventClaim.CLAIMED
        if claim is EventClaim.DONE:
            self._remember_done(event_id)
        elif claim is EventClaim.BUSY:
            self._seen.pop(event_id, None)  # another process's: the next retry asks again
        return claim

    async def finish(self, event_id: str) -> None:
        """Mark ``event_id`` handled, in the store and then here; a store failure is logged."""
        try:
            if self._store is not None:
                await asyncio.wait_for(
                    asyncio.to_thread(
                        self._store.finish_event, f"slack:event:{event_id}", at=self._clock()
                    ),
                    self._timeout,
                )
        except StoreError as exc:
            log.warning("could not mark Slack event %s handled: %s", event_id, exc)
        except TimeoutError:
            log.warning(
                "the store took over %.1f s to mark Slack event %s handled",
                self._timeout,
                event_id,
            )
        finally:
            # Remembered only now, so that `handled` means the store was told too.
            self._remember_done(event_id)

    @asynccontextmanager
    async def handling(self, event_id: str | None) -> AsyncIterator[None]:
        """Around a handler of ``event_id``: finished when the body returns.

        A body that raises or is cancelled leaves the claim to run out, so a
        retry after the lease takes the event over, here or elsewhere.
        """
        if not event_id:
            yield
            return
        renewing = asyncio.create_task(self._keep_leased(event_id)) if self._store else None
        try:
            yield
        except BaseException:
            self._seen.pop(event_id, None)
            raise
        finally:
            if renewing is not None:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
        await self.finish(event_id)

    async def _keep_leased(self, event_id: str) -> None:
        """Every third of the lease, push it on while the handler runs, for up to
        `LEASE_RENEWED_FOR` seconds: Slack's last retry comes after five minutes, so a
        handler stuck longer holds nothing anyone will ask for again."""
        assert self._store is not None
        key = f"slack:event:{event_id}"
        every = self._lease / 3
        for _ in range(int(LEASE_RENEWED_FOR / every)):
            await asyncio.sleep(every)
            until = self._clock() + timedelta(seconds=self._lease)
            try:
                await asyncio.wait_for(
                    asyncio.to_thread(self._store.renew_event, key, until=until), self._timeout
                )
            except (StoreError, TimeoutError) as exc:
                log.warning("could not renew the lease of Slack event %s: %r", event_id, exc)


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
    """Event, command and action handlers over the core's `PlatformServices`.

    ``workspace_scoped`` (OAuth multi-workspace) names channels ``slack:TEAM/CHANNEL``
    so two workspaces never share subscriptions; token mode keeps ``slack:CHANNEL``.
    """

    def __init__(
        self,
        core: PlatformServices,
        responder: Responder,
        adapter: SlackAdapter,
        *,
        workspace_scoped: bool = False,
    ) -> None:
        self.core = core
        self.responder = responder
        self.adapter = adapter
        self.workspace_scoped = workspace_scoped
        self.deduper = EventDeduper(core.store)
        self._threads: BoundedDict[tuple[str, str], str | None] = BoundedDict(THREADS_REMEMBERED)
        self._answering: set[asyncio.Task[Any]] = set()

    def register(self, bolt: AsyncApp) -> AsyncApp:
        bolt.middleware(self.skip_retried_events)
        for command in SLASH_COMMANDS:
            bolt.command(command)(self.on_command)
        bolt.event("app_mention")(self.on_mention)
        bolt.event("message")(self.on_message)
        bolt.action(KEY_QUOTES_ACTION)(self.on_key_quotes)
        bolt.action(re.compile(".*"))(self.on_unknown_action)  # bolt runs the first match
        return bolt

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the events being answered; True if all were.

        Called on shutdown: an event is acknowledged before it is answered, so
        Slack never sends again one whose answer a stop cut short.
        """
        pending = self._answering - {asyncio.current_task()}
        if not pending:
            return True
        _, unfinished = await asyncio.wait(pending, timeout=timeout)
        return not unfinished

    @asynccontextmanager
    async def answering_event(self, body: dict[str, Any]) -> AsyncIterator[None]:
        """Around an event listener: its claim finished (`EventDeduper.handling`), and
        waited for by `drain`."""
        task = asyncio.current_task()
        if task is not None:
            self._answering.add(task)
        try:
            async with self.deduper.handling(body.get("event_id")):
                yield
        finally:
            self._answering.discard(task)

    # -- middleware --------------------------------------------------------------------

    async def skip_retried_events(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and event_id
        claim = await self.deduper.claim(str(event_id)) if is_event else EventClaim.CLAIMED
        if claim is EventClaim.DONE:
            log.info("skipping retried Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        if claim is EventClaim.BUSY:
            # Not acknowledged (HTTP 503; no ack over Socket Mode), so Slack sends it again
            # later: by then it is done, or its handler died and the lease has run out.
            log.info("Slack event %s is being handled; leaving it for a later retry", event_id)
            return BoltResponse(status=503, body="")
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
            direct_message=is_direct_message(command),
        )
        reply = await self.ask(context, line)
        await self.answer(reply, context, respond=respond, client=client)

    async def on_mention(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        async with self.answering_event(body):
            await self.answer_in_thread(event, client)

    async def on_message(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: dict[str, Any],
    ) -> None:
        async with self.answering_event(body):
            await self.follow_up(event, client, context)

    async def follow_up(
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

    async def on_unknown_action(
        self, ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """A button newsbrief does not know (retired or forged): acked, and the presser told,
        instead of Slack's warning sign and an "Unhandled request" in the log."""
        await ack()
        log.info("unknown Slack action id %r", str(action.get("action_id"))[:100])
        await respond(text=UNKNOWN_ACTION, response_type="ephemeral", replace_original=False)

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
        """The core's "Key quotes" decision (`read_key_quotes`) as a Slack message."""
        try:
            found = read_key_quotes(
                self.core.store, story_ids, retention_days=self.core.settings.store.retention_days
            )
        except NewsbriefError as exc:
            return reply_message(Reply(f"Sorry, that failed: {exc}", ephemeral=True))
        if found.note is not None or found.story is None:
            return reply_message(found.note or GONE)
        return citations_message(found.story.title, found.citations)

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
        direct_message: bool = False,
    ) -> Context:
        team = team_id if self.workspace_scoped else None
        channel = str(SlackChannel(channel_id, team))
        roles = await self.roles_of(client, user) if needs_manage(text) else frozenset()
        return Context(
            channel=channel,
            user=user,
            roles=roles,
            thread_of=thread_of,
            direct_message=direct_message,
        )

    async def roles_of(self, client: AsyncWebClient, user: str) -> frozenset[str]:
        """The user's Slack roles in the core's words: workspace admins and owners are
        ``ADMIN`` (the core decides what that allows, with the configured managers)."""
        try:
            info = await client.users_info(user=user)
        except (SlackApiError, SlackClientError) as exc:
            log.warning("users.info failed for %s: %s", user, exc)
            return frozenset()
        person = info.get("user") or {}
        admin = any(person.get(k) for k in ("is_admin", "is_owner", "is_primary_owner"))
        return frozenset({ADMIN}) if admin else frozenset()

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
    core: PlatformServices,
    responder: Responder,
    adapter: SlackAdapter,
    *,
    signing_secret: str,
    oauth_settings: AsyncOAuthSettings | None = None,
) -> tuple[AsyncApp, SlackBot]:
    """The bolt app with every newsbrief listener registered.

    Token mode uses ``adapter.client`` (its token) for everything; with
    ``oauth_settings`` bolt looks each workspace's token up in the installation
    store and passes the right client to the listeners.
    """
    bot = SlackBot(core, responder, adapter, workspace_scoped=oauth_settings is not None)
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
