"""The Discord adapter (discord.py): briefings as embeds, slash commands, Key quotes threads.

`DISCORD` (the platform ``bot.run`` starts when ``DISCORD_TOKEN`` is set) builds
the `NewsBot` and a runtime that hands its `DiscordAdapter` to the root and
connects. `adapters.discord.render` is the pure embed renderer;
`adapters.discord.testing` holds a fake Discord REST server for tests.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.bot import NewsBot, NewsCog, bot_intents
from adapters.discord.buttons import KeyQuotesButton
from adapters.discord.render import briefing_messages, quote_list_messages, reply_messages
from adapters.discord.runtime import DISCORD, DiscordRuntime, build_discord, discord_configured

__all__ = [
    "DISCORD",
    "DiscordAdapter",
    "DiscordRuntime",
    "KeyQuotesButton",
    "NewsBot",
    "NewsCog",
    "bot_intents",
    "briefing_messages",
    "build_discord",
    "discord_configured",
    "quote_list_messages",
    "reply_messages",
]
