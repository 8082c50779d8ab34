"""The Discord adapter (discord.py): briefings as embeds, slash commands, Key quotes threads.

`make_discord_bot` builds the `NewsBot` from settings; its ``adapter`` is the
`ChatAdapter` the app posts briefings through. `adapters.discord.testing`
holds a fake Discord REST server for tests.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.bot import KeyQuotesButton, NewsBot, NewsCog, bot_intents
from adapters.discord.render import briefing_messages, quote_list_messages, reply_messages
from bot.settings import Settings

__all__ = [
    "DiscordAdapter",
    "KeyQuotesButton",
    "NewsBot",
    "NewsCog",
    "bot_intents",
    "briefing_messages",
    "make_discord_bot",
    "quote_list_messages",
    "reply_messages",
]


def make_discord_bot(settings: Settings) -> NewsBot:
    """The bot as the settings describe it (guild-synced commands, optional message content)."""
    return NewsBot(
        guild_ids=settings.discord.guild_ids,
        message_content=settings.discord.message_content,
    )
