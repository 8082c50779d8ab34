"""Hostile input through `newsbrief chat`: every line answered, nothing leaked or misstored.

One real `newsbrief chat` process reads a script of hostile commands against a
loopback server; a traceback or an exit would leave later lines unanswered.
"""

from __future__ import annotations

from pathlib import Path

from bot.testing import FeedServer, Route
from tests.conversation.chat import run_chat

BAD_FEED = (
    b'<?xml version="1.0" encoding="\xff\x00"?><rss version="2.0"><channel><title>Bad &#xD800;'
    b"</title><item><title>Huge &#99999999999999999999; ref</title>"
    b"<link>http://127.0.0.1/a/1</link></item></channel></rss>"
)
BAD_PAGE = (
    b"<html><head><title>T &#x110000;</title></head><body><p>a</p>\x01b"
    b"<p>&#xD800; \xff\xfe</p></body></html>"
)


def test_hostile_commands_are_each_answered_and_never_leak(tmp_path: Path) -> None:
    routes = {
        "/bad.xml": Route(body=BAD_FEED),
        "/page.html": Route(body=BAD_PAGE, content_type="text/html"),
        "/junk": Route(body=b"\x00\x01\x02" * 100, content_type="application/octet-stream"),
    }
    with FeedServer(routes) as server:
        port = server.base_url.rsplit(":", 1)[1]
        config = tmp_path / "newsbrief.toml"
        config.write_text(
            f'[store]\nurl = "sqlite:///{tmp_path / "chat.db"}"\n'
            '[ingest]\nallow_hosts = ["127.0.0.1"]\n[[channels]]\nid = "console:test"\n',
            encoding="utf-8",
        )
        script = "\n".join(
            [
                f"subscribe {server.url('/bad.xml')}",
                f"quotes {server.url('/page.html')}",
                f"subscribe {server.url('/junk')}",
                f"subscribe http://user:hunter2@127.0.0.1:{port}/bad.xml",
                f"quotes https://admin:hunter2@127.0.0.1:{port}/page.html",
                "subscribe ftp://files.example/feed.xml",
                "subscribe http://[::127.0.0.1]/feed",
                "subscribe http://192.0.0.9/feed",
                "quotes \x00\x01 &#xD800;",
                "feeds",
            ]
        )
        replies = run_chat([], script, before=("--config", str(config)))
        paths = [path for path, _ in server.requests]
    assert len(replies) == 10, replies
    bad, page, junk, creds, creds_quote, ftp, compat, special, odd, feeds = replies
    assert not bad["ephemeral"], bad["text"]  # the feed is readable despite its bad parts
    assert "couldn't" not in page["text"], page["text"]
    assert junk["ephemeral"] and "feed" in junk["text"]
    for reply in (creds, creds_quote):
        assert reply["ephemeral"] and "user name or password" in reply["text"]
    # "input" is the scripted line itself, echoed by --json; no answer may repeat it.
    leaks = [r for r in replies if "hunter2" in str({**r, "input": ""})]
    assert leaks == []
    assert ftp["ephemeral"] and compat["ephemeral"] and special["ephemeral"]
    assert odd["text"]
    assert [row[1] for row in feeds["rows"]] == [server.url("/bad.xml")]
    assert paths.count("/bad.xml") == 1  # the credentials URL was never fetched
