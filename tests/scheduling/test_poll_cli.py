"""`newsbrief poll`: polls every configured feed once, then closes its connections."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.store import make_store
from bot.testing import FeedServer, Route
from tests.ingest.feeds import rss


def test_poll_stores_new_stories_and_reports_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with FeedServer() as server:
        items = [{"title": "Talks resume", "link": server.url("/a"), "description": "Talks."}]
        server.routes["/feed.xml"] = Route(body=rss(server.base_url, items))
        server.routes["/gone.xml"] = Route(status=404, body=b"")
        config = tmp_path / "newsbrief.toml"
        config.write_text(
            f'[store]\nurl = "{url}"\n[ingest]\nallow_hosts = ["127.0.0.1"]\n'
            "fetch_articles = false\n"
            f'[[feeds]]\nurl = "{server.url("/feed.xml")}"\n'
            f'[[feeds]]\nurl = "{server.url("/gone.xml")}"\n'
        )
        assert main(["--config", str(config), "poll"]) == 0
    out = capsys.readouterr()
    assert "2 feeds polled, 1 new stories, 1 failed." in out.out
    assert "gone.xml" in out.err
    with make_store(url) as store:
        assert [s.title for s in store.recent_stories()] == ["Talks resume"]


def test_poll_without_feeds_says_what_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n')
    assert main(["--config", str(config), "poll"]) == 1
    assert "add [[feeds]]" in capsys.readouterr().err


def test_an_error_keeps_its_brackets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # rich reads "[feeds]" as markup unless escaped: the message would lose it
    config = tmp_path / "newsbrief.toml"
    config.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n')
    odd = "https://wire.example/[feeds].xml"
    assert main(["--config", str(config), "feeds", "--resume", odd]) == 1
    assert f"no feed {odd}" in capsys.readouterr().err
