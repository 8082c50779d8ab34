"""The Discord adapter (discord.py): briefings as embeds, slash commands, Key quotes threads.

`start_discord(app)` (what ``newsbrief run`` calls when ``DISCORD_TOKEN`` is
set) builds the `NewsBot`, registers its `DiscordAdapter` with the app and
connects. `adapters.discord.render` is the pure embed renderer;
`adapters.discord.testing` holds a fake Discord REST server for tests.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.bot import NewsBot, NewsCog, bot_intents
from adapters.discord.buttons import KeyQuotesButton
from adapters.discord.render import briefing_messages, quote_list_messages, reply_messages
from adapters.discord.runtime import DiscordRuntime, discord_configured, start_discord

__all__ = [
    "DiscordAdapter",
    "DiscordRuntime",
    "KeyQuotesButton",
    "NewsBot",
    "NewsCog",
    "bot_intents",
    "briefing_messages",
    "discord_configured",
    "quote_list_messages",
    "reply_messages",
    "start_discord",
]
