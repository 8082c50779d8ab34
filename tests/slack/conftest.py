"""The Slack tests' world: a fake Slack on loopback, a real core App, the real bolt app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from slack_bolt.async_app import AsyncApp

from adapters.slack.adapter import SlackAdapter, make_web_client
from adapters.slack.bot import SlackBot, build_bolt_app
from adapters.slack.testing import SIGNING_SECRET, FakeSlack
from bot.app import App
from bot.conversation.core import Conversations
from bot.conversation.replies import Context, Reply
from bot.ingest import HttpFetcher, UrlGuard
from bot.run import make_app, platform_services
from bot.settings import Settings, StoreSettings
from bot.store import SqlStore


@dataclass
class ScriptedResponder:
    """Records what the bot asks and answers with ``replies`` (then help) — the core is
    being built in parallel, so the adapter's contract is tested against this stand-in;
    the real `Conversations` is used where its answers exist (help, parse errors)."""

    replies: list[Reply] = field(default_factory=list)
    asked: list[tuple[Context, str]] = field(default_factory=list)

    async def handle(self, context: Context, text: str) -> Reply:
        self.asked.append((context, text))
        return self.replies.pop(0) if self.replies else Reply("ok")


@dataclass
class SlackWorld:
    slack: FakeSlack
    core: App
    adapter: SlackAdapter
    bolt: AsyncApp
    bot: SlackBot
    responder: ScriptedResponder


async def eventually(check: Callable[[], object], what: str, *, timeout: float = 5.0) -> None:
    """Wait until ``check()`` is true (bolt runs listeners after its ack, in a task)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        await asyncio.sleep(0.005)


async def until_handled(world: SlackWorld, event_id: str) -> None:
    """Wait for the bot's handler of ``event_id`` to return (a retry arriving before that
    is turned away as still being handled)."""
    await eventually(lambda: world.bot.deduper.handled(event_id), f"{event_id} handled")


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(admins={"U0ADMIN"}) as fake:
        yield fake


@pytest.fixture
async def core(store: SqlStore) -> AsyncIterator[App]:
    fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)
    settings = Settings(store=StoreSettings(url="sqlite:///:memory:"))
    app = make_app(settings, store=store, fetcher=fetcher)
    yield app
    await fetcher.aclose()


def build_world(slack: FakeSlack, core: App, responder: object) -> SlackWorld:
    client = make_web_client("xoxb-test", base_url=slack.api_url)
    adapter = SlackAdapter(client, post_interval=0, history_interval=0)
    core.adapters = {**core.adapters, "slack": adapter}
    bolt, bot = build_bolt_app(
        platform_services(core), responder, adapter, signing_secret=SIGNING_SECRET
    )  # type: ignore[arg-type]
    scripted = responder if isinstance(responder, ScriptedResponder) else ScriptedResponder()
    return SlackWorld(slack, core, adapter, bolt, bot, scripted)


async def drained(world: SlackWorld) -> None:
    """Let the events being answered finish (they end with a store write) before the
    store closes under them."""
    assert await world.bot.drain(5.0), "an event was still being answered"


@pytest.fixture
async def world(slack: FakeSlack, core: App) -> AsyncIterator[SlackWorld]:
    """The bolt app over a scripted responder."""
    built = build_world(slack, core, ScriptedResponder())
    yield built
    await drained(built)


@pytest.fixture
async def real_world(slack: FakeSlack, core: App) -> AsyncIterator[SlackWorld]:
    """The bolt app over the real conversations core."""
    built = build_world(slack, core, Conversations(core))
    yield built
    await drained(built)
