"""Links typed in chat: fetched on the spot only through the guard, with the operator's allowlist.

A real HTTP server on loopback stands in for a news site. Loopback is refused
unless the operator's config allowlists it; when refused, nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.testing import FeedServer, Route
from tests.conversation.chat import run_chat

ARTICLE = b"""<html><head><title>Bridge to reopen in May</title></head><body>
<article>
<h1>Bridge to reopen in May</h1>
<p>The old river bridge will reopen to traffic in May after two years of repairs,
the transport ministry announced on Tuesday, ending a long detour for commuters.</p>
<p>"We will open the bridge in May, and not a day later," said Anna Berg, the transport
minister. "Commuters have waited long enough."</p>
<p>Local shop owners welcomed the news. "It has been a hard two years," said Jonas
Lind, who runs a bakery near the bridge.</p>
</article></body></html>"""

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>River News</title>
<link>http://example.invalid/</link><description>d</description>
<item><title>Bridge to reopen in May</title><link>http://example.invalid/bridge</link>
<guid>bridge-1</guid><description>The bridge reopens in May.</description></item>
</channel></rss>"""


def _config(tmp_path: Path, *, allow_loopback: bool) -> Path:
    allow = 'allow_hosts = ["127.0.0.1"]' if allow_loopback else "allow_hosts = []"
    config = tmp_path / "newsbrief.toml"
    config.write_text(
        f"""
[store]
url = "sqlite:///{tmp_path / "chat.db"}"

[ingest]
{allow}

[[channels]]
id = "console:test"
""",
        encoding="utf-8",
    )
    return config


def _run(config: Path, script: str) -> list[dict[str, Any]]:
    return run_chat([], script, before=("--config", str(config)))


def test_unknown_story_url_is_fetched_and_analysed_when_allowed(tmp_path: Path) -> None:
    routes = {"/bridge.html": Route(body=ARTICLE, content_type="text/html; charset=utf-8")}
    with FeedServer(routes) as server:
        url = server.url("/bridge.html")
        [reply] = _run(_config(tmp_path, allow_loopback=True), f"quotes {url}")
    assert not reply["ephemeral"], reply["text"]
    assert "Bridge to reopen in May" in reply["text"]
    berg = [c["text"] for c in reply["citations"] if c["speaker"] == "Anna Berg"]
    assert any("We will open the bridge in May" in text for text in berg)
    assert all(c["story_url"] == url for c in reply["citations"])


def test_subscribe_to_an_allowlisted_feed(tmp_path: Path) -> None:
    with FeedServer({"/feed.xml": Route(body=FEED)}) as server:
        url = server.url("/feed.xml")
        subscribed, feeds = _run(
            _config(tmp_path, allow_loopback=True), f"subscribe {url} +bridge\nfeeds\n"
        )
    assert not subscribed["ephemeral"], subscribed["text"]
    assert "River News" in subscribed["text"] and "+bridge" in subscribed["text"]
    assert [row[:2] for row in feeds["rows"]] == [["River News", url]]


def test_loopback_is_refused_without_the_allowlist_and_nothing_is_fetched(
    tmp_path: Path,
) -> None:
    routes = {"/bridge.html": Route(body=ARTICLE), "/feed.xml": Route(body=FEED)}
    with FeedServer(routes) as server:
        article_url, feed_url = server.url("/bridge.html"), server.url("/feed.xml")
        script = f"quotes {article_url}\nsubscribe {feed_url}\nfeeds\n"
        article, subscribe, feeds = _run(_config(tmp_path, allow_loopback=False), script)
        assert server.requests == []
    for reply in (article, subscribe):
        assert reply["ephemeral"]
        assert "non-public address 127.0.0.1" in reply["text"]
        assert "ingest.allow_hosts" in reply["text"]
    assert feeds["rows"] == []
