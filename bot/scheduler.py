"""APScheduler wiring only: it calls ingest, briefing and delivery at their times.

One interval job per feed (with jitter so feeds don't fire together), one cron
job per channel in the channel's time zone, and a heartbeat that
`newsbrief health` reads. SIGTERM stops new work and lets running jobs finish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from adapters.console import ConsoleAdapter
from bot.app import App, make_app, now_utc
from bot.domain import Feed
from bot.settings import ChannelSettings, Settings

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30


def build_scheduler(app: App) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    overrides = {f.url: f.poll_interval_minutes for f in app.settings.feeds}
    default_minutes = app.settings.ingest.poll_interval_minutes
    for feed in app.store.list_feeds():
        minutes = overrides.get(feed.url) or default_minutes
        scheduler.add_job(
            poll_one,
            IntervalTrigger(minutes=minutes, jitter=int(app.settings.ingest.jitter_seconds)),
            args=(app, feed),
            id=f"poll:{feed.url}",
            next_run_time=now_utc(),
            coalesce=True,
            max_instances=1,
        )
    for channel in app.settings.channels:
        scheduler.add_job(
            post_briefing,
            CronTrigger.from_crontab(channel.schedule, timezone=channel.timezone),
            args=(app, channel),
            id=f"brief:{channel.id}",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
    scheduler.add_job(
        touch_heartbeat,
        IntervalTrigger(seconds=HEARTBEAT_SECONDS),
        args=(app.settings.run.heartbeat_file,),
        id="heartbeat",
        next_run_time=now_utc(),
    )
    return scheduler


async def poll_one(app: App, feed: Feed) -> None:
    reports = await app.poll([feed])
    for report in reports:
        if report.error:
            log.warning("feed %s failed: %s", report.feed_url, report.error)
        elif report.new_stories:
            log.info("feed %s: %d new stories", report.feed_url, len(report.new_stories))


async def post_briefing(app: App, channel: ChannelSettings) -> None:
    briefing = app.briefing_for(channel, now=now_utc())
    message_id = await app.deliver(briefing)
    log.info("briefing for %s: %s", channel.id, message_id or "already delivered")


def touch_heartbeat(path: Path) -> None:
    path.touch()


async def run_forever(settings: Settings) -> int:
    """`newsbrief run`: until SIGTERM or SIGINT, then finish in-flight work."""
    app = make_app(settings, adapters={"console": ConsoleAdapter()})
    app.sync_config()
    scheduler = build_scheduler(app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    scheduler.start()
    log.info(
        "newsbrief running: %d feeds, %d channels",
        len(app.store.list_feeds()),
        len(settings.channels),
    )
    await stop.wait()
    log.info("stopping: waiting for running jobs")
    scheduler.shutdown(wait=False)
    await _drain()
    return 0


async def _drain() -> None:
    # APScheduler 3 runs coroutine jobs as tasks on this loop; let them finish.
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current]
    if pending:
        await asyncio.wait(pending, timeout=30)
