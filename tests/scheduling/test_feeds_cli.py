"""`newsbrief feeds`: status, last success, last error, next poll; `--resume` unpauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import make_store

FEED = "https://wire.example/feed.xml"
T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_a_paused_feed_is_listed_and_can_be_resumed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with make_store(url) as store:
        store.add_feed(FEED)
        for n in range(10):
            store.record_fetch_failure(FEED, at=T0 + timedelta(minutes=n), error="HTTP 503")
        store.finish_poll(FEED, owner="x", next_poll_at=T0 + timedelta(hours=6), pause_at=T0)
    config = tmp_path / "newsbrief.toml"
    config.write_text(f'[store]\nurl = "{url}"\n[[feeds]]\nurl = "{FEED}"\n')
    assert main(["--config", str(config), "feeds"]) == 0
    listed = capsys.readouterr().out
    assert "paused" in listed and "HTTP 503" in listed and "10" in listed
    assert main(["--config", str(config), "feeds", "--resume", FEED]) == 0
    listed = capsys.readouterr().out
    assert "active" in listed and "paused" not in listed
    with make_store(url) as store:
        feed = store.get_feed(FEED)
        assert not feed.paused and feed.consecutive_failures == 0
        assert store.next_polls()[FEED] is None  # polled on the next tick


def test_resuming_an_unknown_feed_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n')
    assert main(["--config", str(config), "feeds", "--resume", FEED]) == 1
    assert f"no feed {FEED}" in capsys.readouterr().err
