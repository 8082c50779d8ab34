"""The incoming-webhook platform against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from adapters.webhook import WEBHOOK, WebhookAdapter, briefing_markdown, escape
from bot.conversation.core import Conversations
from bot.domain import Briefing, BriefingItem, Bullet, Quote, QuoteKind
from bot.errors import DeliveryError
from bot.ingest.guard import UrlGuard
from bot.run import make_app, start_platforms
from bot.settings import IngestSettings, Settings, StoreSettings


class Receiver:
    """A webhook endpoint: records each POST, answers with ``status``."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.status = 200
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append(
            ({k.lower(): v for k, v in request.headers.items()}, json.loads(await request.read()))
        )
        return web.Response(status=self.status, text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hooks/abc", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    found.url = f"http://127.0.0.1:{port}/hooks/abc"
    yield found
    await runner.cleanup()


def hostile_briefing(channel: str = "webhook:team") -> Briefing:
    text = "Ping @channel and <users/all> or [click](https://evil.example) now"
    quote = Quote(
        speaker="Mallory @here",
        speaker_role=None,
        text=text,
        start=0,
        end=len(text),
        kind=QuoteKind.DIRECT,
    )
    item = BriefingItem(
        title="**Breaking** [fake](https://evil.example)",
        url="https://news.example/story",
        sources=("Example News",),
        gist="",
        bullets=(Bullet(speaker="Mallory @here", speaker_role=None, quotes=(quote,)),),
    )
    return Briefing(
        channel=channel,
        title="Morning briefing",
        items=(item,),
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
        idempotency_key="slot:webhook:team:2026-01-01T08:30",
    )


def test_feed_text_cannot_ping_or_link() -> None:
    shown = briefing_markdown(hostile_briefing())
    assert "@channel" not in shown and "@here" not in shown and "<users/all>" not in shown
    assert "[fake](https://evil.example)" not in shown
    assert "[click](https://evil.example)" not in shown
    assert "(https://news.example/story)" in shown  # our own link stays a link
    assert escape("@all") == "@\u200ball"


def settings(receiver: Receiver, *, allow: bool = True, format: str = "markdown") -> Settings:
    loaded = Settings.model_validate(
        {
            "store": StoreSettings(url="sqlite:///:memory:"),
            "webhook": {"format": format},
            "WEBHOOK_URLS": {"team": receiver.url},
        }
    )
    # After validation: NEWSBRIEF_INGEST__* in the test environment would replace the section.
    ingest = IngestSettings(allow_hosts=("127.0.0.1",) if allow else (), workers=0)
    return loaded.model_copy(update={"ingest": ingest})


async def test_a_briefing_posts_once_through_the_delivery_log(receiver: Receiver) -> None:
    app = make_app(settings(receiver))
    runtimes = await start_platforms(app, Conversations(app), platforms=(WEBHOOK,))
    try:
        assert app.adapters["webhook"] is runtimes[0].adapter
        briefing = hostile_briefing()
        assert await app.deliver(briefing) is not None
        assert await app.deliver(briefing) is None  # the log says it is posted
    finally:
        for runtime in runtimes:
            await runtime.close()
        await app.aclose()
    [(headers, body)] = receiver.posts
    assert headers["idempotency-key"] == "slot:webhook:team:2026-01-01T08:30"
    assert set(body) == {"text"}
    assert "Morning briefing" in body["text"] and "@here" not in body["text"]


async def test_json_format_carries_the_briefing_as_data(receiver: Receiver) -> None:
    adapter = WebhookAdapter(
        {"team": receiver.url}, guard=UrlGuard(allow_hosts=["127.0.0.1"]), format="json"
    )
    try:
        await adapter.post_briefing(hostile_briefing())
    finally:
        await adapter.aclose()
    [(_, body)] = receiver.posts
    assert body["briefing"]["items"][0]["url"] == "https://news.example/story"
    assert body["briefing"]["items"][0]["bullets"][0]["quotes"][0]["kind"] == "direct"
    assert "text" in body


async def test_loopback_is_refused_unless_allowed(receiver: Receiver) -> None:
    adapter = WebhookAdapter({"team": receiver.url}, guard=UrlGuard())
    try:
        with pytest.raises(DeliveryError, match="webhook team"):
            await adapter.post_briefing(hostile_briefing())
    finally:
        await adapter.aclose()
    assert receiver.posts == []


async def test_a_refusal_and_an_unknown_hook_are_delivery_errors(receiver: Receiver) -> None:
    receiver.status = 400
    adapter = WebhookAdapter({"team": receiver.url}, guard=UrlGuard(allow_hosts=["127.0.0.1"]))
    try:
        with pytest.raises(DeliveryError, match="HTTP 400"):
            await adapter.post_briefing(hostile_briefing())
        with pytest.raises(DeliveryError, match="no URL for webhook 'other'"):
            await adapter.post_briefing(hostile_briefing("webhook:other"))
        assert await adapter.find_posted("webhook:team", "any") is None
    finally:
        await adapter.aclose()


def test_webhook_urls_in_the_config_file_are_refused(tmp_path: Any) -> None:
    from bot.errors import ConfigError
    from bot.settings import load_settings

    path = tmp_path / "newsbrief.toml"
    path.write_text('webhook_urls = { team = "https://chat.example/hooks/x" }\n')
    with pytest.raises(ConfigError, match="environment"):
        load_settings(path)
