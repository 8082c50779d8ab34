"""`newsbrief demo`: ingest → who-said-what → briefing, on the bundled feeds, offline.

The composition root (``bot.run.demo_main``) gives it the adapter to post through:
the demo never picks a platform itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from bot.app import App
from bot.config_sync import sync_config
from bot.demo import DEMO_HOST, demo_feed_urls
from bot.domain import Briefing
from bot.ingest import IngestReport
from bot.progress import poll_with_progress
from bot.settings import (
    ChannelSettings,
    FeedSettings,
    LLMSettings,
    Settings,
    StoreSettings,
)

DEMO_CHANNEL = "console:demo"
# The bundled stories carry fixed dates; the demo briefs everything, whatever today is.
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


def demo_settings(store_url: str = "sqlite:///:memory:") -> Settings:
    """The demo's settings: bundled feeds, its own store, and no model, whatever the
    environment says.

    The environment is read when `Settings` is built and a ``NEWSBRIEF_<SECTION>__…``
    variable replaces a whole section given there, so the demo's own sections are put
    back afterwards: an ``OPENAI_API_KEY`` or ``NEWSBRIEF_LLM__BASE_URL`` set for real
    runs cannot send the bundled stories anywhere, ``NEWSBRIEF_STORE__URL`` cannot fill
    a real store with them, and ``NEWSBRIEF_INGEST__…`` cannot drop the demo host.
    """
    urls = demo_feed_urls()
    settings = Settings(
        feeds=tuple(FeedSettings(url=u) for u in urls),
        channels=(ChannelSettings(id=DEMO_CHANNEL, feeds=tuple(urls)),),
    )
    ingest = settings.ingest.model_copy(update={"allow_hosts": (DEMO_HOST,)})
    return settings.model_copy(
        update={
            "openai_api_key": None,
            "llm": LLMSettings(),
            "store": StoreSettings(url=store_url),
            "ingest": ingest,
        }
    )


def demo_briefing(app: App) -> Briefing:
    """The briefing `newsbrief demo` prints, recorded as the demo channel's last one.

    `newsbrief chat --demo` calls it too, so "quotes 4" or "what is story 4 about?"
    refer to the numbering the demo just printed.
    """
    now = datetime.now(UTC)
    briefing = app.briefing_for(app.settings.channels[0], now=now, since=EVERYTHING)
    app.store.record_briefing(briefing, at=now)
    return briefing


async def run_demo(console: Console, app: App) -> int:
    """Ingest the bundled feeds into ``app`` (wired by the root on `demo_settings`, a
    table of what each feed gave on ``console``), then post the demo channel's briefing
    through its adapter; 1 when a feed failed."""
    try:
        return await _ingest_and_brief(console, app)
    finally:
        await app.aclose()


async def _ingest_and_brief(console: Console, app: App) -> int:
    sync_config(app.store, app.settings, now=datetime.now(UTC))
    reports = await poll_with_progress(
        app.poll, app.store.list_feeds(), console=console, label="ingesting demo feeds"
    )
    console.print(_ingest_table(reports))
    briefing = demo_briefing(app)
    await app.deliver(briefing)
    failed = [r for r in reports if r.status == "error"]
    return 1 if failed else 0


def _ingest_table(reports: list[IngestReport]) -> Table:
    table = Table(title="Ingest", header_style="bold", title_justify="left")
    table.add_column("feed")
    table.add_column("status")
    table.add_column("new stories", justify="right")
    for report in reports:
        status = report.status if not report.error else f"[red]{report.error}[/]"
        table.add_row(report.feed_url, status, str(len(report.new_stories)))
    return table
