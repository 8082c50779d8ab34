"""The fetcher keeps connections to more hosts than it fetches from at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.ingest import HttpFetcher, UrlGuard
from bot.ingest import guard as guard_module
from bot.testing import FeedServer, Route


async def test_switching_between_hosts_reuses_their_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With 2 fetches at a time, 2 per host, and 2 hosts: 4 connections in all, not a
    new pair each time the fetches move to the other host (article pages of many sites)."""
    connects = []
    connect = guard_module._GuardedBackend.connect_tcp

    async def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        connects.append(args[0] if args else kwargs.get("host"))
        return await connect(self, *args, **kwargs)

    monkeypatch.setattr(guard_module._GuardedBackend, "connect_tcp", counting)
    route = Route(body=b"<rss/>", delay=0.05)  # long enough for both to be in flight
    with (
        FeedServer({"/a": route, "/b": route}) as one,
        FeedServer({"/a": route, "/b": route}, host="127.0.0.2") as two,
    ):
        fetcher = HttpFetcher(
            guard=UrlGuard(allow_hosts=["127.0.0.1", "127.0.0.2"]), concurrency=2, per_host=2
        )
        for server in (one, two, one, two):
            await asyncio.gather(fetcher.fetch(server.url("/a")), fetcher.fetch(server.url("/b")))
        await fetcher.aclose()
    assert len(connects) == 4, connects
