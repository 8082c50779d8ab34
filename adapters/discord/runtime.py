"""Running the Discord bot inside ``newsbrief run``.

`DISCORD` is the platform ``bot.run`` starts when ``DISCORD_TOKEN`` is set: its
runtime hands back the bot's `DiscordAdapter` (the root registers it, so scheduled
briefings go out through it), logs in (which syncs the slash commands) and keeps
the gateway connection in a background task. Posting needs only the REST API, so
briefings still go out while the gateway reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.adapter import PLATFORM, DiscordAdapter
from adapters.discord.bot import NewsBot
from bot.conversation.replies import Responder
from bot.errors import ConfigError
from bot.platform import PlatformServices
from bot.settings import Settings

log = logging.getLogger(__name__)

# What the bot does in a channel: read it, post embeds, read history (to find a
# briefing after a crash, and a thread's briefing), start and post in threads.
REQUIRED_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    """The link a server admin opens to add the bot with exactly the permissions it needs."""
    return discord.utils.oauth_url(application_id, permissions=REQUIRED_PERMISSIONS, scopes=SCOPES)


def discord_configured(settings: Settings) -> bool:
    return settings.discord_token is not None


class DiscordRuntime:
    """The bot and its gateway task: `start` logs in and connects, `close` stops both."""

    def __init__(self, bot: NewsBot, token: str) -> None:
        self.bot = bot
        self._token = token
        self._gateway: asyncio.Task[None] | None = None

    @property
    def adapter(self) -> DiscordAdapter:
        """What scheduled and on-demand briefings for ``discord:`` channels post through."""
        return self.bot.adapter

    async def start(self) -> None:
        """Log in (`ConfigError` when Discord refuses the token), then connect in the background."""
        try:
            await self.bot.login(self._token)
        except discord.LoginFailure as exc:
            await self.bot.close()
            raise ConfigError(
                "DISCORD_TOKEN was refused by Discord; copy the bot's token again"
            ) from exc
        except (discord.HTTPException, OSError) as exc:
            await self.bot.close()
            raise ConfigError(f"could not log in to Discord: {exc}") from exc
        self.connect()
        if self.bot.application_id is not None:
            log.info(
                "Discord bot %s; invite it with %s",
                self.bot.user,
                invite_url(self.bot.application_id),
            )

    def connect(self) -> None:
        self._gateway = asyncio.create_task(self._run_gateway(), name="discord-gateway")

    async def _run_gateway(self) -> None:
        try:
            await self.bot.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            log.error(
                "Discord refused the message content intent: enable it for the bot in the "
                "developer portal (Bot → Privileged Gateway Intents) or set "
                "[discord] message_content = false; briefings still post, commands do not"
            )
        except discord.DiscordException as exc:
            log.error("the Discord gateway connection stopped: %s", exc)

    async def close(self) -> None:
        await self.bot.close()
        if self._gateway is not None:
            self._gateway.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._gateway


def build_discord(
    services: PlatformServices, conversations: Responder, *, bot: NewsBot | None = None
) -> DiscordRuntime:
    """The Discord runtime over the core's ``services``; `ConfigError` without
    ``DISCORD_TOKEN``."""
    settings = services.settings
    if settings.discord_token is None:
        raise ConfigError("DISCORD_TOKEN is not set; the Discord bot needs it")
    if bot is None:
        bot = NewsBot(
            guild_ids=settings.discord.guild_ids,
            message_content=settings.discord.message_content,
        )
    bot.use(services, conversations)
    return DiscordRuntime(bot, settings.discord_token.get_secret_value())


class DiscordPlatform:
    """Discord, as ``bot.run.PLATFORMS`` lists it."""

    name = PLATFORM

    def configured(self, settings: Settings) -> bool:
        return discord_configured(settings)

    def build(self, services: PlatformServices, conversations: Responder) -> DiscordRuntime:
        return build_discord(services, conversations)


DISCORD = DiscordPlatform()
