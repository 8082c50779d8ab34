"""The Discord tests' world: a fake Discord REST server on loopback, a real core App, and a
real `NewsBot` logged in to the fake (so interactions and messages are real discord.py
objects built from payloads against its `ConnectionState`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest

from adapters.discord.bot import NewsBot
from adapters.discord.testing import GUILD_ID, FakeDiscord, guild_payload, text_channel_payload
from bot.app import App
from bot.conversation.core import Conversations
from bot.conversation.replies import Context, Reply
from bot.ingest import HttpFetcher, UrlGuard
from bot.run import make_app, platform_services
from bot.settings import Settings, StoreSettings
from bot.store import SqlStore, make_store

NEWS_CHANNEL_ID = 1100000000000000500


@dataclass
class ScriptedResponder:
    """Records what the bot asks and answers with ``replies`` (then "ok").

    The conversations core is being built in parallel, so the adapter's contract is
    tested against this stand-in; the real `Conversations` is used where its answers
    exist (help, parse errors).
    """

    replies: list[Reply] = field(default_factory=list)
    asked: list[tuple[Context, str]] = field(default_factory=list)

    async def handle(self, context: Context, text: str) -> Reply:
        self.asked.append((context, text))
        return self.replies.pop(0) if self.replies else Reply("ok")


@pytest.fixture
async def api() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
def sqlite_store() -> Iterator[SqlStore]:
    store = make_store("sqlite:///:memory:")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
async def core(sqlite_store: SqlStore) -> AsyncIterator[App]:
    fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)
    settings = Settings(store=StoreSettings(url="sqlite:///:memory:"))
    app = make_app(settings, store=sqlite_store, fetcher=fetcher)
    yield app
    await fetcher.aclose()


async def logged_in_bot(api: FakeDiscord, core: App, responder: Any, **options: Any) -> NewsBot:
    bot = NewsBot(pace_seconds=0, **options)
    bot.use(platform_services(core), responder)
    core.adapters = {**core.adapters, "discord": bot.adapter}  # as bot.run registers it
    try:
        await bot.login("test-token")
    except BaseException:
        await bot.close()
        raise
    return bot


@pytest.fixture
async def responder() -> ScriptedResponder:
    return ScriptedResponder()


@pytest.fixture
async def news_bot(
    api: FakeDiscord, core: App, responder: ScriptedResponder
) -> AsyncIterator[NewsBot]:
    """A NewsBot over the scripted responder, commands synced to the test guild."""
    bot = await logged_in_bot(api, core, responder, guild_ids=(GUILD_ID,))
    join_guild(bot, channel_id=NEWS_CHANNEL_ID)
    yield bot
    await bot.close()


@pytest.fixture
async def real_bot(api: FakeDiscord, core: App) -> AsyncIterator[NewsBot]:
    """A NewsBot over the real conversations core."""
    bot = await logged_in_bot(api, core, Conversations(core), guild_ids=(GUILD_ID,))
    join_guild(bot, channel_id=NEWS_CHANNEL_ID)
    yield bot
    await bot.close()


async def settle() -> None:
    """Let the tasks discord.py spawned for an event (command, button, listener) finish."""
    prefixes = ("CommandTree-invoker", "discord-ui-", "discord.py: ")
    for _ in range(100):
        pending = [
            t
            for t in asyncio.all_tasks()
            if t is not asyncio.current_task()
            and t.get_name().startswith(prefixes)
            and not t.done()
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=5)


def embeds_of(request_json: dict[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in request_json.get("embeds", [])]


def join_guild(
    bot: NewsBot, *, channel_id: int, threads: list[dict[str, Any]] | None = None
) -> None:
    """Put the test guild, its news channel and ``threads`` in the bot's cache (GUILD_CREATE)."""
    payload = guild_payload(channels=[text_channel_payload(channel_id)], threads=threads)
    bot._connection.parse_guild_create(payload)  # type: ignore[arg-type]
