"""Channel schedules as cron lines: when a channel's next briefing is due.

A bottom module (it imports only apscheduler's cron parser): the scheduler, the
conversations core (``schedule`` in chat) and config sync all read schedules the
same way, and none of them has to import another to do it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger


def cron(schedule: str, timezone: str) -> CronTrigger:
    """The channel's cron schedule, read in its own time zone (DST included).

    Raises ``ValueError`` for a line that is not a 5-field cron.
    """
    return CronTrigger.from_crontab(schedule, timezone=timezone)


def check_cron(schedule: str, timezone: str) -> None:
    """Raise ``ValueError`` (saying what is wrong) unless ``schedule`` is a valid cron line."""
    CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))


def next_slot(schedule: str, timezone: str, now: datetime) -> datetime:
    """The first scheduled time strictly after ``now``, in UTC."""
    fire: datetime | None = cron(schedule, timezone).get_next_fire_time(
        None, now + timedelta(microseconds=1)
    )
    if fire is None:  # a cron expression that never fires again, e.g. Feb 30
        raise ValueError(f"schedule {schedule!r} never fires after {now:%Y-%m-%d}")
    return fire.astimezone(UTC)


def first_slot(schedule: str | None, timezone: str, now: datetime) -> datetime | None:
    """A new (or rescheduled) channel's first slot: the next one after ``now``."""
    return next_slot(schedule, timezone, now) if schedule else None
