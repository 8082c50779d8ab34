"""The pure scheduling decider: cron slots in time zones, catch-up, poll intervals, backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cron import first_slot, next_slot
from bot.ports import ChannelState
from bot.scheduler import (
    PollDecision,
    decide_poll,
    due_slot,
    parse_max_age,
    parse_retry_after,
)

WEEKDAYS_0830 = "30 8 * * mon-fri"
NOW = datetime(2025, 3, 27, 12, 0, tzinfo=UTC)  # a Thursday


def state(next_at: datetime | None) -> ChannelState:
    return ChannelState("console:t", WEEKDAYS_0830, "Europe/Berlin", False, next_at, None)


def test_slots_follow_the_channel_time_zone_across_the_dst_change() -> None:
    # Europe/Berlin leaves CET (UTC+1) for CEST (UTC+2) on Sunday 2025-03-30.
    friday = next_slot(WEEKDAYS_0830, "Europe/Berlin", NOW)
    monday = next_slot(WEEKDAYS_0830, "Europe/Berlin", friday)
    assert friday == datetime(2025, 3, 28, 7, 30, tzinfo=UTC)  # 08:30 CET
    assert monday == datetime(2025, 3, 31, 6, 30, tzinfo=UTC)  # 08:30 CEST, weekend skipped


def test_slots_across_the_autumn_change_in_new_york() -> None:
    # EDT (UTC-4) ends on Sunday 2025-11-02: 07:00 local is 11:00 UTC, then 12:00 UTC.
    before = next_slot("0 7 * * *", "America/New_York", datetime(2025, 11, 1, 5, tzinfo=UTC))
    after = next_slot("0 7 * * *", "America/New_York", before)
    assert (before.hour, after.hour) == (11, 12)
    assert after - before == timedelta(hours=25)


def test_next_slot_is_strictly_after_now() -> None:
    slot = datetime(2025, 3, 28, 7, 30, tzinfo=UTC)
    assert next_slot(WEEKDAYS_0830, "Europe/Berlin", slot) > slot


def test_a_channel_without_schedule_has_no_slot() -> None:
    assert first_slot(None, "UTC", NOW) is None


def test_due_only_once_the_slot_has_come() -> None:
    slot = datetime(2025, 3, 28, 7, 30, tzinfo=UTC)
    assert due_slot(state(slot), slot - timedelta(seconds=1)) is None
    assert due_slot(state(slot), slot) == slot
    assert due_slot(state(None), NOW) is None


def test_downtime_over_several_slots_is_caught_up_once() -> None:
    missed = datetime(2025, 3, 24, 7, 30, tzinfo=UTC)  # Monday's slot; the bot was down all week
    back = datetime(2025, 3, 27, 12, 0, tzinfo=UTC)
    assert due_slot(state(missed), back) == missed  # posted once, on start
    following = next_slot(WEEKDAYS_0830, "Europe/Berlin", max(back, missed))
    assert following == datetime(2025, 3, 28, 7, 30, tzinfo=UTC)  # then Friday: no doubles


def poll(**kw: object) -> PollDecision:
    args: dict[str, object] = {
        "now": NOW,
        "interval": timedelta(minutes=15),
        "jitter": timedelta(0),
        "failures": 0,
        "pause_after": 10,
        "max_backoff": timedelta(hours=6),
    }
    args.update(kw)
    return decide_poll(**args)  # type: ignore[arg-type]


def test_success_polls_again_after_the_interval_plus_jitter() -> None:
    assert poll().next_poll_at == NOW + timedelta(minutes=15)
    jittered = poll(jitter=timedelta(seconds=12)).next_poll_at
    assert jittered == NOW + timedelta(minutes=15, seconds=12)


def test_failures_back_off_exponentially_up_to_the_cap() -> None:
    waits = [poll(failures=n).next_poll_at - NOW for n in range(1, 10)]
    assert waits[:5] == [timedelta(minutes=15 * 2**k) for k in range(5)]
    assert waits[-1] == timedelta(hours=6)
    assert not any(poll(failures=n).pause for n in range(10))


def test_the_tenth_failure_pauses() -> None:
    assert poll(failures=10).pause
    assert poll(failures=3, pause_after=3).pause


def test_retry_after_and_max_age_are_honoured() -> None:
    assert poll(failures=1, retry_after=timedelta(hours=2)).next_poll_at == NOW + timedelta(hours=2)
    assert poll(max_age=timedelta(hours=1)).next_poll_at == NOW + timedelta(hours=1)
    # ... but never shorten the interval, and never beyond a day.
    assert poll(max_age=timedelta(seconds=30)).next_poll_at == NOW + timedelta(minutes=15)
    assert poll(max_age=timedelta(days=30)).next_poll_at == NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", timedelta(seconds=120)),
        ("Thu, 27 Mar 2025 12:30:00 GMT", timedelta(minutes=30)),
        ("Thu, 27 Mar 2025 11:00:00 GMT", timedelta(0)),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_max_age() -> None:
    assert parse_max_age("public, max-age=600") == timedelta(seconds=600)
    assert parse_max_age("s-maxage=5, max-age=60") == timedelta(seconds=60)
    assert parse_max_age("no-cache") is None


@settings(max_examples=200, deadline=None)
@given(
    interval_min=st.integers(min_value=1, max_value=24 * 60),
    cap_min=st.integers(min_value=1, max_value=48 * 60),
    failures=st.integers(min_value=0, max_value=9),
)
def test_backoff_never_shrinks_and_stays_under_its_cap(
    interval_min: int, cap_min: int, failures: int
) -> None:
    interval, cap = timedelta(minutes=interval_min), timedelta(minutes=cap_min)

    def wait(n: int) -> timedelta:
        return poll(failures=n, interval=interval, max_backoff=cap).next_poll_at - NOW

    if failures + 1 < 10:  # the tenth pauses instead
        assert wait(failures + 1) >= wait(failures)
    assert interval <= wait(failures) <= max(interval, cap)
