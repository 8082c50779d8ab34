"""`HttpFetcher` against a real loopback server: caps, timeouts, redirects, the SSRF guard."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest

from bot.errors import BlockedURLError, FetchError, ResponseTooLargeError
from bot.ingest import HttpFetcher, UrlGuard
from bot.ingest.guard import IPAddress
from bot.testing import FeedServer, Route

LOOPBACK = UrlGuard(allow_hosts=["127.0.0.1"])


def fetcher(**kwargs: object) -> HttpFetcher:
    options: dict[str, object] = {"guard": LOOPBACK, "read_timeout": 2.0, "connect_timeout": 2.0}
    options.update(kwargs)
    return HttpFetcher(**options)  # type: ignore[arg-type]


async def test_conditional_get_costs_a_304() -> None:
    with FeedServer({"/f": Route(body=b"<rss/>", etag='"v1"')}) as server:
        f = fetcher()
        first = await f.fetch(server.url("/f"))
        second = await f.fetch(server.url("/f"), etag=first.etag)
        await f.aclose()
    assert (first.status, first.content, first.etag) == (200, b"<rss/>", '"v1"')
    assert second.not_modified and second.content == b""
    assert server.requests[1][1].get("if-none-match") == '"v1"'


async def test_status_errors_name_the_status_and_retry_after() -> None:
    routes = {
        "/gone": Route(status=404, body=b"no"),
        "/busy": Route(status=503, body=b"later", headers={"Retry-After": "120"}),
    }
    with FeedServer(routes) as server:
        f = fetcher()
        with pytest.raises(FetchError, match="HTTP 404"):
            await f.fetch(server.url("/gone"))
        with pytest.raises(FetchError, match=r"HTTP 503.*retry after 120"):
            await f.fetch(server.url("/busy"))
        await f.aclose()


async def test_body_over_the_cap_is_refused_declared_or_not() -> None:
    big = b"x" * 3_000_000
    with FeedServer({"/big": Route(body=big)}) as server:
        f = fetcher(max_bytes=100_000)
        with pytest.raises(ResponseTooLargeError, match="cap"):
            await f.fetch(server.url("/big"))
        await f.aclose()


async def test_gzip_bomb_stops_at_the_cap_after_decompression() -> None:
    bomb = b"\0" * 50_000_000  # 50 MB of zeros, ~50 kB on the wire
    with FeedServer({"/bomb": Route(body=bomb, gzip=True)}) as server:
        f = fetcher(max_bytes=1_000_000)
        with pytest.raises(ResponseTooLargeError, match="after decompression"):
            await f.fetch(server.url("/bomb"))
        await f.aclose()


async def test_a_stalled_server_times_out() -> None:
    with FeedServer({"/slow": Route(body=b"late", delay=1.5)}) as server:
        f = fetcher(read_timeout=0.3)
        with pytest.raises(FetchError, match="timed out"):
            await f.fetch(server.url("/slow"))
        await f.aclose()


async def test_a_dripping_server_hits_the_overall_deadline() -> None:
    # Each byte arrives well within the read timeout; the whole body never does.
    with FeedServer({"/drip": Route(body=b"x" * 100, drip=0.05)}) as server:
        f = fetcher(read_timeout=0.5, connect_timeout=0.2)
        with pytest.raises(FetchError, match="no complete answer"):
            await f.fetch(server.url("/drip"))
        await f.aclose()


async def test_redirects_are_followed_and_loops_refused() -> None:
    routes = {
        "/old": Route(status=301, headers={"Location": "/new"}),
        "/new": Route(body=b"moved here"),
        "/a": Route(status=302, headers={"Location": "/b"}),
        "/b": Route(status=302, headers={"Location": "/a"}),
    }
    with FeedServer(routes) as server:
        f = fetcher()
        moved = await f.fetch(server.url("/old"))
        with pytest.raises(FetchError, match="redirect loop"):
            await f.fetch(server.url("/a"))
        await f.aclose()
    assert moved.content == b"moved here" and moved.url.endswith("/new")


async def test_a_redirect_to_a_private_address_is_refused() -> None:
    # "localhost" is trusted, the 127.0.0.1 it redirects to is not.
    with FeedServer() as server:
        target = server.url("/internal")
        server.routes["/hop"] = Route(status=302, headers={"Location": target})
        port = server.base_url.rsplit(":", 1)[1]
        f = HttpFetcher(guard=UrlGuard(allow_hosts=["localhost"]))
        with pytest.raises(BlockedURLError, match="non-public address 127.0.0.1"):
            await f.fetch(f"http://localhost:{port}/hop")
        await f.aclose()
    assert server.hits("/internal") == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://10.1.2.3/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed",
        "http://[::ffff:192.168.0.1]/feed",
        "http://[64:ff9b::7f00:1]/feed",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 of the metadata address
        "http://[2002:7f00:1::]/feed",  # 6to4 of 127.0.0.1
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://example.com/",
    ],
)
async def test_the_guard_refuses_private_and_non_http_urls(url: str) -> None:
    f = HttpFetcher()
    with pytest.raises(BlockedURLError):
        await f.fetch(url)
    await f.aclose()


async def test_local_files_only_when_the_operator_listed_them(tmp_path: Path) -> None:
    listed = tmp_path / "feed.xml"
    listed.write_bytes(b"<rss/>")
    other = tmp_path / "secret.txt"
    other.write_text("secret")
    f = HttpFetcher(local_files=[str(listed)])
    assert (await f.fetch(str(listed))).content == b"<rss/>"
    with pytest.raises(BlockedURLError):
        await f.fetch(str(other))
    with pytest.raises(BlockedURLError):
        await f.fetch(f"file://{other}")
    await f.aclose()


async def test_connection_refused_is_a_fetch_error() -> None:
    with FeedServer() as server:
        url = server.url("/feed")
    f = fetcher()
    with pytest.raises(FetchError):
        await asyncio.wait_for(f.fetch(url), 10)
    await f.aclose()


class CountingGuard(UrlGuard):
    """Resolves every name to loopback and counts the lookups."""

    lookups = 0

    async def _addresses(self, host: str, port: int | None) -> list[IPAddress]:
        self.lookups += 1
        return [ipaddress.ip_address("127.0.0.1")]


async def test_the_address_checked_is_the_address_dialled() -> None:
    # One lookup, at connect time: no window for DNS to answer differently in between.
    with FeedServer({"/f": Route(body=b"<rss/>")}) as server:
        port = server.base_url.rsplit(":", 1)[1]
        guard = CountingGuard()
        f = HttpFetcher(guard=guard)
        with pytest.raises(BlockedURLError, match="non-public address 127.0.0.1"):
            await f.fetch(f"http://rebind.example:{port}/f")
        await f.aclose()
    assert guard.lookups == 1
    assert server.hits("/f") == 0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("64:ff9b::808:808", True),  # NAT64 of a public address
        ("2606:4700:4700::1111", True),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2002:a9fe:a9fe::", False),  # 6to4 of 169.254.169.254
        ("fd00::1", False),
        ("ff02::1", False),
    ],
)
def test_embedded_ipv4_addresses_are_judged_by_what_they_reach(address: str, public: bool) -> None:
    from bot.ingest.guard import is_public_address

    assert is_public_address(ipaddress.ip_address(address)) is public
