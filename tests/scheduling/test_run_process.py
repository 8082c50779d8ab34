"""Real `newsbrief run` processes: SIGKILLed inside a poll, a delivery and at random; SIGTERMed.

A small version of ``benchmarks/crash.py`` (which kills 50 times): the bot
posts to a `FileRecordingAdapter` file that outlives it, and afterwards every
due briefing and every story must have been posted exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.crash import NEWSBRIEF, StoryFeeds, Trial, run_trial
from bot.delivery import slot_key
from bot.store import make_store
from bot.testing import FeedServer, read_posts

MISSED = datetime(2026, 1, 1, tzinfo=UTC)  # a slot the bot was down for
YEARLY = "0 0 1 1 *"


@pytest.fixture
def feeds() -> Iterator[StoryFeeds]:
    with FeedServer() as server:
        yield StoryFeeds(server, feeds=2, every=0.4)


def seed_missed_slot(trial: Trial) -> None:
    """The daily channel was due at MISSED while no bot ran: it must be posted once."""
    with make_store(trial.store_url) as store:
        for channel in trial.daily_channels:
            store.configure_channel(
                channel,
                schedule=YEARLY,
                timezone="UTC",
                breaking=False,
                backfill_hours=24,
                first_slot=MISSED,
                now=MISSED - timedelta(days=1),
            )


def crash_trial(trial: Trial, processes: int) -> None:
    seed_missed_slot(trial)
    counts = run_trial(
        trial,
        kills=3,
        processes=processes,
        gap=(0.8, 2.0),
        until_slot=False,
        settle=1.0,
        aim=True,  # one kill inside a poll, one inside a delivery, one at random
    )
    assert counts.ok, counts.details  # every story quoted, every post once
    assert counts.kills == 3
    assert counts.stories_made > 0 and counts.breaking_posts > 0
    posts = read_posts(trial.record)
    for channel in trial.daily_channels:
        keys = [p["key"] for p in posts if p["channel"] == channel]
        assert keys == [slot_key(channel, MISSED)]  # caught up once, not doubled


def test_sqlite_run_survives_sigkill(tmp_path: Path, feeds: StoryFeeds) -> None:
    trial = Trial(
        tmp_path, f"sqlite:///{tmp_path / 'store.db'}", feeds, daily=1, daily_schedule=YEARLY
    )
    crash_trial(trial, processes=1)


def test_two_postgres_runs_survive_sigkill(
    tmp_path: Path, feeds: StoryFeeds, postgres_url: str
) -> None:
    trial = Trial(tmp_path, postgres_url, feeds, daily=1, daily_schedule=YEARLY)
    crash_trial(trial, processes=2)


def test_sigterm_finishes_the_post_in_flight(tmp_path: Path, feeds: StoryFeeds) -> None:
    trial = Trial(
        tmp_path,
        f"sqlite:///{tmp_path / 'store.db'}",
        feeds,
        daily=0,
        post_delay=2.0,
        daily_schedule=YEARLY,
    )
    feeds.add_story()
    proc = trial.start(0)
    try:
        # Generous: on a loaded machine the bot takes seconds to start and poll (CI once
        # saw 20 s pass with nothing posted); the SIGTERM below is what is under test.
        deadline = time.monotonic() + 90
        while not read_posts(trial.record):  # the post is made; its answer is 2 s away
            assert time.monotonic() < deadline, "nothing posted"
            assert proc.poll() is None, "newsbrief run exited early"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    [post] = read_posts(trial.record)
    with make_store(trial.store_url) as store:
        assert store.delivery_status(post["key"]) == "posted"  # recorded before exiting
    log = (tmp_path / "run-0.log").read_text()
    assert "finishing in-flight" in log


def test_bad_config_fails_fast_with_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text("[run]\ntick_seconds = 0\n")
    done = subprocess.run(
        [
            *NEWSBRIEF,
            "--config",
            str(config),
            "run",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "run.tick_seconds" in done.stderr


def test_a_second_run_on_the_same_sqlite_store_is_refused(
    tmp_path: Path, feeds: StoryFeeds
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    trial = Trial(tmp_path, url, feeds, daily=0, daily_schedule=YEARLY)
    first = trial.start(0)
    try:
        deadline = time.monotonic() + 20
        while not trial.running(0, first.pid):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        second = subprocess.run(
            [*NEWSBRIEF, "--config", str(trial.config), "run"],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tmp_path,
        )
        assert second.returncode == 1
        assert "SQLite serves one process" in second.stderr
        assert first.poll() is None  # the first one runs on
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
