"""Ingest's CPU work in real worker processes: same stories, and a dead worker costs one feed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain import Quote, QuoteKind, Story
from bot.errors import IngestError
from bot.ingest import HttpFetcher, UrlGuard, poll_feeds
from bot.ingest.workers import Workers
from bot.ports import Summarizer, Summary
from bot.run import make_app
from bot.settings import Settings
from bot.store import SqlStore, make_store
from bot.testing import FeedServer, Route
from summarizer.offline import OfflineSummarizer

from .feeds import TALKS, article, rss

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
FEED_URL = "https://n.example/feed"


def _die() -> None:
    os._exit(3)  # what a parser crashing in C, or the OOM killer, looks like to the pool


def _pid() -> int:
    return os.getpid()


@pytest.fixture
def workers() -> Iterator[Workers]:
    with Workers(processes=2) as pool:
        yield pool


async def test_feeds_and_pages_parsed_in_worker_processes(
    store: SqlStore, workers: Workers
) -> None:
    with FeedServer() as server:
        items = [
            {"title": f"Story {n} about the ceasefire", "link": server.url(f"/a/{n}")}
            for n in range(3)
        ]
        server.routes["/feed"] = Route(body=rss(server.base_url, items))
        for n in range(3):
            server.routes[f"/a/{n}"] = Route(
                body=article("Ceasefire talks resume", TALKS), content_type="text/html"
            )
        url = server.url("/feed")
        store.add_feed(url)
        fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)
        [report] = await poll_feeds(
            [store.get_feed(url)], fetcher=fetcher, store=store, now=NOW, workers=workers
        )
        await fetcher.aclose()
    assert report.status == "new" and len(report.new_stories) == 3
    assert all("said Anna Berg" in s.text for s in report.new_stories)
    assert await workers.run(_pid) != os.getpid()


async def test_a_dead_worker_is_an_ingest_error_and_the_pool_recovers(workers: Workers) -> None:
    with pytest.raises(IngestError, match="worker process died"):
        await workers.run(_die)
    assert await workers.run(_pid) != os.getpid()


async def test_no_processes_means_a_thread_in_this_process() -> None:
    assert await Workers(processes=0).run(_pid) == os.getpid()


def test_poll_with_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsbrief poll` as deployed: ingest.workers from the config, a real pool."""
    monkeypatch.delenv("NEWSBRIEF_INGEST__WORKERS", raising=False)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with FeedServer() as server:
        items = [{"title": "Talks resume in Oslo", "link": server.url("/a")}]
        server.routes["/feed.xml"] = Route(body=rss(server.base_url, items))
        server.routes["/a"] = Route(
            body=article("Ceasefire talks resume", TALKS), content_type="text/html"
        )
        config = tmp_path / "newsbrief.toml"
        config.write_text(
            f'[store]\nurl = "{url}"\n[ingest]\nallow_hosts = ["127.0.0.1"]\nworkers = 2\n'
            f'[[feeds]]\nurl = "{server.url("/feed.xml")}"\n'
        )
        assert main(["--config", str(config), "poll"]) == 0
    assert "1 new stories" in capsys.readouterr().out
    with make_store(url) as store:
        [story] = store.recent_stories()
        quotes = store.quotes_for_story(story.id or 0)  # extracted in a worker process
    assert "said Anna Berg" in story.text
    assert "Anna Berg" in {q.speaker for q in quotes}


class PidSummarizer:
    """Says which process summarised: the speaker of its one quote is that process's id."""

    runs_in_workers = True

    def summarize(self, story: Story) -> Summary:
        if story.title == "die":
            os._exit(3)
        quote = Quote(story.text, 0, len(story.text), QuoteKind.DIRECT, speaker=str(os.getpid()))
        return Summary(gist=story.text, quotes=(quote,), bullets=())


@asynccontextmanager
async def quoted_story(
    workers: Workers, summarizer: Summarizer, *, title: str = "t"
) -> AsyncIterator[tuple[SqlStore, Story]]:
    """One stored story, quoted by ``summarizer`` through an app with ``workers``."""
    with make_store("sqlite:///:memory:") as store:
        app = make_app(Settings(), store=store, summarizer=summarizer)
        app.workers = workers
        store.add_feed(FEED_URL)
        story = Story(url="https://n.example/1", title=title, text="Words.", feed_url=FEED_URL)
        [stored] = store.add_stories([(story, [])], fetched_at=NOW)
        await app.quote_stories([stored])  # a failure is logged, not raised
        yield store, stored


async def test_quotes_are_extracted_in_the_workers_and_saved_here(workers: Workers) -> None:
    async with quoted_story(workers, PidSummarizer()) as (store, stored):
        [quote] = store.quotes_for_story(stored.id or 0)
        assert quote.speaker not in ("", str(os.getpid()))


async def test_a_worker_dying_on_a_story_leaves_it_pending(workers: Workers) -> None:
    async with quoted_story(workers, PidSummarizer(), title="die") as (store, stored):
        assert store.stories_awaiting_quotes(fetched_before=NOW + timedelta(1)) == [stored]


class CountingOffline(OfflineSummarizer):
    """Keeps state: a worker process would count instead of this one."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def summarize(self, story: Story) -> Summary:
        self.calls += 1
        return super().summarize(story)


async def test_a_subclass_of_the_offline_summarizer_runs_here_unless_it_says_otherwise(
    workers: Workers,
) -> None:
    assert OfflineSummarizer.runs_in_workers and not CountingOffline.runs_in_workers
    summarizer = CountingOffline()
    async with quoted_story(workers, summarizer):
        assert summarizer.calls == 1  # counted here, not in a worker's copy


_ORPHAN_SCRIPT = """
import asyncio, os, sys, time
from bot.ingest.workers import Workers
from bot.ports import Summary
from bot.run import make_app
from bot.settings import Settings

async def main():
    workers = Workers(processes=2)
    pids = {await workers.run(os.getpid) for _ in range(20)}
    print(" ".join(map(str, pids)), flush=True)
    time.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_a_killed_bot_leaves_no_worker_processes(tmp_path: Path) -> None:
    """SIGKILL runs no cleanup: the workers must notice their bot is gone and end,
    or every crash-restart of `newsbrief run` leaves more of them behind."""
    script = tmp_path / "bot_with_workers.py"
    script.write_text(_ORPHAN_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    bot = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert bot.stdout is not None
        workers = [int(pid) for pid in bot.stdout.readline().split()]
        assert workers and all(_running(pid) for pid in workers)
    finally:
        bot.kill()
        bot.wait()
        if bot.stdout is not None:
            bot.stdout.close()
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)]


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited worker of the fork server waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
