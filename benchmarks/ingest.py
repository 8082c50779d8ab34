"""Ingest throughput: poll N feeds served from loopback, against bare httpx GETs in the same run.

    .venv/bin/python benchmarks/ingest.py [--feeds 1000] [--items 10] [--hosts 10]

A feed server runs in its own process on 127.0.0.1..127.0.0.H (all loopback).
Measured, in one run:
  bare GET         httpx.AsyncClient, the same URLs, the same concurrency: the baseline
  poll, cold       newsbrief's poll_feeds into an empty SQLite store: fetch, guard,
                   size cap, parse, dedupe, store (feed text; no article pages)
  bare GET, 304    the same GETs with If-None-Match: the baseline for a warm poll
  poll, warm       the second poll: every feed answers 304
  poll, unchanged  a server that ignores conditional GET: every feed answers 200 with
                   stories already stored. First time: fetch, parse, dedupe, nothing new;
                   again: the body's digest matches the last one ingested, no parsing.
                   The common steady state for feeds without ETag/Last-Modified
  poll + articles  cold poll of --article-feeds feeds that also fetches every
                   story's page and extracts its text with trafilatura
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._feedserver import start_process  # noqa: E402
from bot.domain import Feed  # noqa: E402
from bot.ingest import HttpFetcher, IngestReport, SeenBodies, UrlGuard, poll_feeds  # noqa: E402
from bot.ingest.workers import Workers  # noqa: E402
from bot.store import make_store  # noqa: E402

CONCURRENCY = 50


def feed_urls(feeds: int, hosts: int, port: int) -> list[str]:
    return [f"http://127.0.0.{n % hosts + 1}:{port}/feed/{n}.xml" for n in range(feeds)]


async def bare_gets(urls: list[str], etags: bool = False) -> float:
    slots = asyncio.Semaphore(CONCURRENCY)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def get(n: int, url: str) -> None:
            headers = {"if-none-match": f'"{n}"'} if etags else {}
            async with slots:
                response = await client.get(url, headers=headers)
                assert response.status_code in (200, 304)

        start = time.perf_counter()
        await asyncio.gather(*(get(n, u) for n, u in enumerate(urls)))
        return time.perf_counter() - start


def fetcher(hosts: int) -> HttpFetcher:
    allowed = [f"127.0.0.{h + 1}" for h in range(hosts)]
    return HttpFetcher(guard=UrlGuard(allow_hosts=allowed), concurrency=CONCURRENCY, per_host=8)


async def polls(
    urls: list[str], hosts: int, articles: bool, workers: Workers
) -> tuple[float, float, float, float, int]:
    """Seconds for cold, warm (304), unchanged (parsed) and unchanged again; stories stored."""
    store = make_store("sqlite:///:memory:")
    for url in urls:
        store.add_feed(url)
    f = fetcher(hosts)
    now = datetime.now(UTC)
    seen = SeenBodies()

    async def timed(feeds: list[Feed], **kw: bool) -> tuple[float, list[IngestReport]]:
        start = time.perf_counter()
        reports = await poll_feeds(
            feeds, fetcher=f, store=store, now=now, seen=seen, workers=workers, **kw
        )
        errors = [r.error for r in reports if r.error]
        assert not errors, errors[:3]
        return time.perf_counter() - start, reports

    cold, reports = await timed(store.list_feeds(), fetch_articles=articles)
    stories = sum(len(r.new_stories) for r in reports)
    warm, reports = await timed(store.list_feeds())
    assert all(r.status == "not_modified" for r in reports)
    plain = [store.add_feed(url + "?plain") for url in urls]
    first, reports = await timed(plain)
    assert all(r.status == "unchanged" for r in reports)
    again, reports = await timed(plain)
    assert all(r.status == "unchanged" for r in reports)
    await f.aclose()
    store.close()
    return cold, warm, first, again, stories


async def run(args: argparse.Namespace, port: int) -> Table:
    urls = feed_urls(args.feeds, args.hosts, port)
    await bare_gets(urls[:50])  # warm up both sides
    base = await bare_gets(urls)
    base_304 = await bare_gets(urls, etags=True)
    base_plain = await bare_gets([u + "?plain" for u in urls])
    in_thread = Workers(processes=0)
    pool = Workers(processes=args.workers)
    await pool.run(len, b"")  # start the worker processes before timing
    t_cold, _, t_first, _, _ = await polls(urls, args.hosts, False, in_thread)
    cold, warm, first, again, stories = await polls(urls, args.hosts, False, pool)
    few = urls[: args.article_feeds]
    few_base = await bare_gets(few)
    t_art, _, _, _, _ = await polls(few, args.hosts, True, in_thread)
    art_cold, _, _, _, art_stories = await polls(few, args.hosts, True, pool)
    pool.close()
    procs = f"{pool.processes} worker processes"

    table = Table(
        title=f"Ingest: {args.feeds} feeds × {args.items} items, loopback", header_style="bold"
    )
    for col in ("run", "feeds", "seconds", "feeds/s", "× bare GET"):
        table.add_column(col, justify="right" if col != "run" else "left")

    def row(name: str, n: int, secs: float, baseline: float) -> None:
        table.add_row(name, str(n), f"{secs:.2f}", f"{n / secs:,.0f}", f"{secs / baseline:.2f}")

    row("bare httpx GET (baseline)", len(urls), base, base)
    row(f"poll, cold ({stories:,} new stories), parsing in a thread", len(urls), t_cold, base)
    row(f"poll, cold ({stories:,} new stories), {procs}", len(urls), cold, base)
    row("bare httpx GET, 304", len(urls), base_304, base_304)
    row("poll, warm (all 304)", len(urls), warm, base_304)
    row("bare httpx GET, no ETag", len(urls), base_plain, base_plain)
    row("poll, unchanged: first (parse, all known), thread", len(urls), t_first, base_plain)
    row(f"poll, unchanged: first (parse, all known), {procs}", len(urls), first, base_plain)
    row("poll, unchanged: again (same bytes)", len(urls), again, base_plain)
    row(f"poll + article pages ({art_stories:,} pages), thread", len(few), t_art, few_base)
    row(f"poll + article pages ({art_stories:,} pages), {procs}", len(few), art_cold, few_base)
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--article-feeds", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = parser.parse_args()
    proc, port = start_process(args.feeds, args.items, args.hosts)
    try:
        table = asyncio.run(run(args, port))
    finally:
        proc.terminate()
        proc.wait()
    console = Console()
    console.print(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    console.print(
        f"peak RSS of the polling process: {peak:.0f} MB; "
        f"largest child (a worker or the feed server): {worker_peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
