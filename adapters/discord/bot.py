"""`NewsBot`: the discord.py bot — slash commands, the "Key quotes" button, follow-up questions.

Every command is text for the conversations core (``/quotes lavrov`` is
``quotes lavrov``), so Discord answers exactly what Slack and the console
answer; this module only translates Discord's events into a `Context` and
renders the `Reply` (`adapters.discord.render`).

Intents: ``guilds`` and ``guild_messages`` only. A mention of the bot carries
its text without the privileged *message content* intent; answering plain
messages in a briefing's thread (no mention) needs it, so that is opt-in
(``[discord] message_content = true`` in the config *and* the switch in the
developer portal).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.adapter import (
    NO_MENTIONS,
    REMEMBERED,
    DiscordAdapter,
    channel_key,
)
from adapters.discord.buttons import KeyQuotesButton, is_ours, quotes_view
from adapters.discord.render import (
    REF_PREFIX,
    OutgoingMessage,
    error_message,
    fit,
    quote_list_messages,
    reply_messages,
    thread_name,
)
from bot.bounded import BoundedSet
from bot.conversation.key_quotes import GONE, read_key_quotes
from bot.conversation.permissions import ADMIN, CHANNEL_MANAGER
from bot.conversation.replies import Context, Reply, Responder
from bot.domain import Briefing, Quote, Story
from bot.errors import DeliveryError, NewsbriefError
from bot.platform import PlatformServices

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
CHOICE_NAME_LIMIT = 100
GENERIC_ERROR = "Sorry, something went wrong on our side; it has been logged."
PRIVATE_DEFER = "newsbrief.private_defer"  # Interaction.extras: was "thinking" ephemeral?
BRIEFING_POSTED = "The briefing is in the channel."
BRIEFING_ALREADY_POSTED = "This briefing is already in the channel."
NOT_HERE = (
    "That command is not available here: the operator registered newsbrief's commands "
    "for some servers only. Use it in a channel of one of them."
)
UNKNOWN_BUTTON = "This button is not one newsbrief knows (any more); nothing was done."


# Where Discord offers the commands: server channels and the bot's own DM (a bot
# installed to a server cannot be used in other people's DMs or group DMs).
COMMAND_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True)


def bot_intents(*, message_content: bool = False) -> discord.Intents:
    """Only what the bot needs; see the module docstring for message content."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = message_content
    return intents


class NewsTree(app_commands.CommandTree[Any]):
    """The command tree; its error handler answers privately, never with a traceback.

    Commands are offered in server channels and in a direct message with the bot, as on
    Slack: what each may do there (quotes and questions yes, a channel's feeds, briefing
    and schedule no) is the conversations core's decision (`Context.direct_message`),
    not this adapter's.
    """

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, NewsbriefError):
            text = str(cause)
        elif isinstance(cause, app_commands.CommandNotFound):
            # Commands registered for a few servers only (``guild_ids``) are unknown
            # anywhere else, a direct message included.
            text = NOT_HERE
        elif isinstance(cause, app_commands.CheckFailure | app_commands.TransformerError):
            text = str(cause) or "That command cannot be used here."
        else:
            log.error(
                "command %s failed",
                interaction.command and interaction.command.name,
                exc_info=cause,
            )
            text = GENERIC_ERROR
        if interaction.type is discord.InteractionType.autocomplete:
            # An autocomplete can only be answered with choices: offer none.
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        await send_private(interaction, error_message(text))


class NewsBot(commands.Bot):
    """The Discord side of newsbrief. Call `use` with the core's services before `start`."""

    def __init__(
        self,
        *,
        guild_ids: Sequence[int] = (),
        message_content: bool = False,
        sync_commands: bool = True,
        pace_seconds: float = 1.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(message_content=message_content),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            tree_cls=NewsTree,
        )
        self.guild_ids = tuple(guild_ids)
        self.message_content = message_content
        self.sync_commands = sync_commands
        self.adapter = DiscordAdapter(self, pace_seconds=pace_seconds)
        self._services: PlatformServices | None = None
        self._conversations: Responder | None = None
        # (thread id, story id) of quote lists posted; threads not hanging off a briefing
        self.quote_lists_posted: BoundedSet[tuple[int, int]] = BoundedSet(REMEMBERED)
        self._plain_threads: BoundedSet[int] = BoundedSet(REMEMBERED)

    def use(self, services: PlatformServices, conversations: Responder) -> None:
        """Give the bot the core's services it answers from and the conversations core.

        Briefings asked for with ``/brief`` go through ``services.deliver``: whoever wires
        the bot (``bot.run``) registers `adapter` for ``discord:`` channels.
        """
        self._services = services
        self._conversations = conversations

    @property
    def services(self) -> PlatformServices:
        if self._services is None:
            raise RuntimeError("NewsBot.use(services) must be called before the bot runs")
        return self._services

    @property
    def conversations(self) -> Responder:
        if self._conversations is None:
            raise RuntimeError("NewsBot.use(services) must be called before the bot runs")
        return self._conversations

    async def setup_hook(self) -> None:
        guilds = [discord.Object(id=g) for g in self.guild_ids]
        await self.add_cog(NewsCog(self), guilds=guilds or discord.utils.MISSING)
        # Buttons of briefings posted before a restart still work: their ids carry the story.
        self.add_dynamic_items(KeyQuotesButton)
        if self.sync_commands:
            await self.sync_app_commands()

    async def sync_app_commands(self) -> None:
        """Per guild when guild ids are configured (instant, for development), else global."""
        for guild_id in self.guild_ids:
            await self.tree.sync(guild=discord.Object(id=guild_id))
        if not self.guild_ids:
            await self.tree.sync()

    # -- answering ------------------------------------------------------------------------------

    async def answer(self, context: Context, text: str) -> Reply:
        return await self.conversations.handle(context, text)

    async def context_for(
        self,
        channel: Any,
        user: discord.abc.User,
        *,
        roles: frozenset[str] = frozenset(),
    ) -> Context:
        """Our `Context` for a Discord channel or thread (threads speak for their briefing)."""
        thread_of = None
        channel_id = getattr(channel, "id", 0)
        if isinstance(channel, discord.Thread):
            thread_of = await self.briefing_of_thread(channel)
            channel_id = channel.parent_id
        return Context(
            channel=channel_key(channel_id),
            user=f"discord:{user.id}",
            roles=roles,
            thread_of=thread_of,
            direct_message=_is_direct_message(channel),
        )

    async def briefing_of_thread(self, thread: discord.Thread) -> str | None:
        """The idempotency key of the briefing a thread hangs off, if it does.

        A thread started from a message has that message's id; our briefing
        messages carry ``ref <key>`` in a footer.
        """
        known = self.adapter.briefing_keys.get(thread.id)
        if known is not None or thread.id in self._plain_threads:
            return known
        parent = self.get_partial_messageable(thread.parent_id)
        try:
            starter = await parent.fetch_message(thread.id)
        except discord.NotFound:
            starter = None
        except discord.HTTPException:
            return None  # maybe a briefing thread: ask again next time
        key = self._briefing_key_of(starter)
        if key is None:
            self._plain_threads.add(thread.id)
        else:
            self.adapter.briefing_keys[thread.id] = key
        return key

    def _briefing_key_of(self, message: discord.Message | None) -> str | None:
        if message is None or self.user is None or message.author.id != self.user.id:
            return None
        for embed in reversed(message.embeds):
            found = re.search(re.escape(REF_PREFIX) + r"(\S+)$", embed.footer.text or "")
            if found:
                return found[1]
        return None

    def recent_briefing(self, channel: str) -> Briefing | None:
        return self.adapter.recent.get(channel)

    def briefing_outline(self, context: Context) -> tuple[list[str], list[str]]:
        """Story titles (in item order) and speakers of the briefing "story N" refers to.

        The store's record comes first, as the core numbers stories from it (the
        thread's briefing, else the channel's last); the adapter's memory of what it
        posted is the fallback.
        """
        try:
            items = self.services.store.briefing_stories(
                context.channel, idempotency_key=context.thread_of
            )
            stories = [self.services.store.get_story(ids[0]) for ids in items if ids]
            speakers = [
                q.speaker
                for story in stories
                if story.id is not None
                for q in self.services.store.quotes_for_story(story.id)
                if q.speaker
            ]
        except NewsbriefError:
            log.warning("autocomplete could not read the briefing of %s", context.channel)
            stories, speakers = [], []
        if stories:
            return [s.title for s in stories], speakers
        briefing = self.recent_briefing(context.channel)
        if briefing is None:
            return [], []
        bullets = [b.speaker for item in briefing.items for b in item.bullets]
        return [item.title for item in briefing.items], bullets

    # -- follow-up questions -----------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """A mention of the bot anywhere, or any message in a briefing's thread, gets an answer."""
        if message.author.bot or self.user is None:
            return
        mentioned = self.user in message.mentions
        if not mentioned and not self.message_content:
            return  # without the intent a plain message arrives with no text to answer
        # An uncached channel arrives as a PartialMessageable: ask what it is (a thread?).
        channel = await self._resolve_channel(message.channel)
        if not isinstance(channel, discord.Thread) and not mentioned:
            return
        try:
            await self._answer_message(message, channel, mentioned=mentioned)
        except Exception:
            log.exception("answering message %s failed", message.id)

    async def _resolve_channel(self, channel: Any) -> Any:
        if not isinstance(channel, discord.PartialMessageable):
            return channel
        try:
            return await self.fetch_channel(channel.id)
        except discord.HTTPException:
            return channel

    async def _answer_message(
        self, message: discord.Message, channel: Any, *, mentioned: bool
    ) -> None:
        context = await self.context_for(channel, message.author, roles=_roles(message.author))
        if not mentioned and context.thread_of is None:
            return  # a thread that is not one of our briefings: not ours to answer
        text = _without_mentions(message.content, self.user.id if self.user else 0).strip()
        reply = await self.answer(context, text or "help")
        target: discord.abc.Messageable = channel
        if not isinstance(channel, discord.Thread):
            name = thread_name(text, fallback="newsbrief")
            try:
                target = await message.create_thread(name=name)
            except discord.HTTPException as exc:
                # No right to start threads here: answer in the channel itself.
                log.info("could not start a thread on message %s: %s", message.id, exc)
        for outgoing in reply_messages(await self.deliver(reply)):
            await self.adapter.send(target, outgoing)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A click on a component none of ours answers (a forged or retired custom id)
        gets a private answer instead of Discord's "This interaction failed"."""
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if is_ours(custom_id):
            return  # discord.py hands it to the button (`KeyQuotesButton`)
        log.info("unknown component id %r clicked", custom_id[:100])
        await send_private(interaction, error_message(UNKNOWN_BUTTON))

    async def on_key_quotes(self, interaction: discord.Interaction[Any], story_id: int) -> None:
        """The "Key quotes" button: the story's full quote list in the message's thread."""
        interaction.extras[PRIVATE_DEFER] = True
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            found = await asyncio.to_thread(
                read_key_quotes,
                self.services.store,
                [story_id],
                retention_days=self.services.settings.store.retention_days,
            )
            if found.note is not None or found.story is None:  # no list: say why, privately
                for outgoing in reply_messages(found.note or GONE):
                    await send_followup(interaction, outgoing, ephemeral=True)
                return
            thread = await open_quotes_thread(
                self, interaction, story_id, found.story, found.quotes
            )
        except NewsbriefError as exc:
            await send_followup(interaction, error_message(str(exc)), ephemeral=True)
            return
        except Exception:
            log.exception("Key quotes for story %s failed", story_id)
            await send_followup(interaction, error_message(GENERIC_ERROR), ephemeral=True)
            return
        await interaction.followup.send(
            f"The key quotes are in {thread.mention}.", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def deliver(self, reply: Reply) -> Reply:
        """Post the briefing ``reply`` carries, if any; the reply to give the asker.

        The briefing goes through ``PlatformServices.deliver``, which checks and writes the
        delivery log, so asking twice posts it once. The asker gets the reply's
        text (or a short note that it was posted), or privately why it was not.
        """
        if reply.briefing is None:
            return reply
        try:
            posted = await self.services.deliver(reply.briefing)
        except (NewsbriefError, LookupError) as exc:
            log.warning("could not post briefing %s: %s", reply.briefing.idempotency_key, exc)
            return Reply(f"Could not post the briefing: {exc}", ephemeral=True)
        if posted is None:
            return Reply(BRIEFING_ALREADY_POSTED, ephemeral=True)
        return replace(reply, briefing=None, text=reply.text or BRIEFING_POSTED)


class NewsCog(commands.Cog):
    """The slash commands: one per command of the conversations core."""

    news = app_commands.Group(
        name="news",
        description="Feeds, schedule and help for this channel",
        allowed_contexts=COMMAND_CONTEXTS,
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="quotes", description="Who said what: a story, a number or a person")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.describe(query="story number from the briefing, story URL, words or a person")
    async def quotes(self, interaction: discord.Interaction[Any], query: str) -> None:
        await self.run(interaction, f"quotes {query}")

    @quotes.autocomplete("query")
    async def quotes_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        context = await self.bot.context_for(interaction.channel, interaction.user)
        stories, speakers = await asyncio.to_thread(self.bot.briefing_outline, context)
        return story_and_speaker_choices(stories, speakers, current)

    @app_commands.command(name="brief", description="Post this channel's briefing now")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    async def brief(self, interaction: discord.Interaction[Any]) -> None:
        await self.run(interaction, "brief now")

    @news.command(name="subscribe", description="Follow a feed in this channel")
    @app_commands.describe(
        feed_url="the feed's URL",
        include="only stories with these words (space-separated)",
        exclude="never stories with these words (space-separated)",
    )
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        feed_url: str,
        include: str = "",
        exclude: str = "",
    ) -> None:
        filters = [f"+{w}" for w in include.split()] + [f"-{w}" for w in exclude.split()]
        await self.run(interaction, " ".join(["subscribe", feed_url, *filters]))

    @news.command(name="unsubscribe", description="Stop following a feed in this channel")
    @app_commands.describe(feed_url="the feed's URL (see /news feeds)")
    async def unsubscribe(self, interaction: discord.Interaction[Any], feed_url: str) -> None:
        await self.run(interaction, f"unsubscribe {feed_url}")

    @news.command(name="feeds", description="This channel's feeds and their status")
    async def feeds(self, interaction: discord.Interaction[Any]) -> None:
        await self.run(interaction, "feeds")

    @news.command(name="schedule", description='When the briefing comes, e.g. "weekdays 08:30"')
    @app_commands.describe(
        when='e.g. "weekdays 08:30", "daily 7" or a cron line', timezone="e.g. Europe/Berlin"
    )
    async def schedule(
        self, interaction: discord.Interaction[Any], when: str, timezone: str = ""
    ) -> None:
        await self.run(interaction, f"schedule {when} {timezone}".strip())

    @news.command(name="help", description="What newsbrief can do")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await self.run(interaction, "help", private=True)

    async def run(
        self, interaction: discord.Interaction[Any], text: str, *, private: bool = False
    ) -> None:
        """Defer within Discord's 3 s (shows "thinking"), ask the core, follow up."""
        interaction.extras[PRIVATE_DEFER] = private
        await interaction.response.defer(thinking=True, ephemeral=private)
        context = await self.bot.context_for(
            interaction.channel, interaction.user, roles=_permission_roles(interaction.permissions)
        )
        reply = await self.bot.deliver(await self.bot.answer(context, text))
        if reply.ephemeral and not private:
            # The "thinking" placeholder is public; a private answer replaces it.
            await interaction.delete_original_response()
            for outgoing in reply_messages(reply):
                await send_followup(interaction, outgoing, ephemeral=True)
            return
        for outgoing in reply_messages(reply):
            await send_followup(interaction, outgoing, ephemeral=private)


def _is_direct_message(channel: Any) -> bool:
    """A DM or group DM, whether discord.py resolved the channel or only knows its id."""
    if isinstance(channel, discord.PartialMessageable):
        return channel.guild_id is None
    return isinstance(channel, discord.abc.PrivateChannel)


def story_and_speaker_choices(
    stories: Sequence[str], speakers: Sequence[str], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for /quotes: story numbers ("1"...), then speakers matching ``current``."""
    wanted = current.strip().casefold()
    choices: list[app_commands.Choice[str]] = []
    for number, title in enumerate(stories, start=1):
        name = f"{number}. {title}"
        if not wanted or wanted in name.casefold():
            choices.append(
                app_commands.Choice(name=fit(name, CHOICE_NAME_LIMIT), value=str(number))
            )
    for speaker in dict.fromkeys(speakers):
        if not wanted or wanted in speaker.casefold():
            choices.append(
                app_commands.Choice(name=fit(speaker, CHOICE_NAME_LIMIT), value=fit(speaker, 100))
            )
    return choices[:AUTOCOMPLETE_LIMIT]


async def open_quotes_thread(
    bot: NewsBot,
    interaction: discord.Interaction[Any],
    story_id: int,
    story: Story,
    quotes: Sequence[Quote],
) -> discord.Thread:
    """Post the story's full quote list in the thread of the clicked message (made if needed)."""
    message = interaction.message
    if message is None:
        raise DeliveryError("the Key quotes button is not attached to a message")
    thread = await thread_of_message(bot, message, name=f"Key quotes: {story.title}")
    if (thread.id, story_id) in bot.quote_lists_posted:
        return thread  # a second click points to the list already there
    for outgoing in quote_list_messages(story.title, story.url, quotes):
        await bot.adapter.send(thread, outgoing)
    bot.quote_lists_posted.add((thread.id, story_id))
    return thread


async def thread_of_message(bot: NewsBot, message: discord.Message, *, name: str) -> discord.Thread:
    """The message's thread (its id is the message's), started when there is none yet."""
    existing = message.thread or bot.get_channel(message.id)
    if isinstance(existing, discord.Thread):
        return existing
    try:
        fetched = await bot.fetch_channel(message.id)
    except discord.NotFound:
        fetched = None
    except discord.HTTPException as exc:
        raise DeliveryError(f"looking up the thread of message {message.id} failed: {exc}") from exc
    if isinstance(fetched, discord.Thread):
        return fetched
    try:
        thread = await message.create_thread(name=thread_name(name, fallback="Key quotes"))
    except discord.HTTPException as exc:
        raise DeliveryError(f"starting a thread on message {message.id} failed: {exc}") from exc
    key = bot.adapter.briefing_keys.get(message.id)
    if key is not None:
        bot.adapter.briefing_keys[thread.id] = key
    return thread


async def send_followup(
    interaction: discord.Interaction[Any], outgoing: OutgoingMessage, *, ephemeral: bool
) -> None:
    view = quotes_view(outgoing.buttons)
    if view is None:
        await interaction.followup.send(
            embeds=outgoing.embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.followup.send(
            embeds=outgoing.embeds, view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )


async def send_private(interaction: discord.Interaction[Any], outgoing: OutgoingMessage) -> None:
    """An ephemeral answer whether or not the interaction was already deferred."""
    try:
        if interaction.response.is_done():
            if not interaction.extras.get(PRIVATE_DEFER, False):
                # After a public "thinking" the first follow-up would replace it publicly.
                await interaction.delete_original_response()
            await send_followup(interaction, outgoing, ephemeral=True)
        else:
            await interaction.response.send_message(
                embeds=outgoing.embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not tell the user about an error")


def _roles(user: discord.abc.User) -> frozenset[str]:
    if not isinstance(user, discord.Member):
        return frozenset()
    return _permission_roles(user.guild_permissions)


def _permission_roles(permissions: discord.Permissions) -> frozenset[str]:
    """Discord permissions in the core's words (``bot.conversation.permissions``)."""
    roles = set()
    if permissions.manage_guild:
        roles.add(ADMIN)
    if permissions.manage_channels:
        roles.add(CHANNEL_MANAGER)
    return frozenset(roles)


def _without_mentions(text: str, bot_id: int) -> str:
    return re.sub(rf"<@!?{bot_id}>", "", text)
