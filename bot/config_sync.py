"""The config file into the store: feeds, subscriptions (filters, backfill) and schedules.

The one place the config reaches the store, called by the composition root before
anything runs (``newsbrief run``, ``chat``, ``poll``, ``brief``, the demo). Chat commands
change the store afterwards; the next start puts the config's entries back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.cron import first_slot
from bot.ports import ScheduleStore
from bot.settings import Settings


def sync_config(store: ScheduleStore, settings: Settings, *, now: datetime) -> None:
    """Make ``store`` hold every feed, subscription and channel schedule ``settings`` lists.

    A new subscription reaches back ``briefing.backfill_hours`` from ``now``; each
    channel keeps its filters, time zone, breaking mode and its first slot after
    ``now``. Raises ``StoreError``.
    """
    # One transaction, not three per channel and feed: 200 channels of 10 feeds were
    # 6,000 commits, half a minute of every start, and two processes starting together
    # took turns row by row.
    with store.writing("syncing the config"):
        _sync(store, settings, now=now)


def _sync(store: ScheduleStore, settings: Settings, *, now: datetime) -> None:
    backfill = timedelta(hours=settings.briefing.backfill_hours)
    # Read once what is stored; a feed as asked already is not added again.
    known = {feed.url: feed for feed in store.list_feeds()}
    for feed in settings.feeds:
        stored = known.get(feed.url)
        if stored is None or (feed.title is not None and stored.title != feed.title):
            known[feed.url] = store.add_feed(feed.url, title=feed.title)
    for channel in settings.channels:
        for url in channel.feeds:
            if url not in known:
                known[url] = store.add_feed(url)
        store.subscribe_all_since(
            channel.id,
            channel.feeds,
            not_before=now - backfill,
            include=channel.include,
            exclude=channel.exclude,
        )
        store.configure_channel(
            channel.id,
            schedule=channel.schedule,
            timezone=channel.timezone,
            breaking=channel.breaking,
            backfill_hours=settings.briefing.backfill_hours,
            first_slot=first_slot(channel.schedule, channel.timezone, now),
            now=now,
        )
