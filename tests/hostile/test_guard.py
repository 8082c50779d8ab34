"""The URL guard at its edges: special-purpose ranges, IPv6 carrying IPv4, host:port allowlists."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest

from bot.errors import BlockedURLError, ConfigError
from bot.ingest import HttpFetcher, UrlGuard
from bot.ingest.guard import is_public_address
from bot.settings import Settings, load_settings
from bot.testing import FeedServer, Route


@pytest.mark.parametrize(
    "address",
    [
        "192.0.0.1",  # IETF protocol assignments (192.0.0.0/24)
        "192.0.0.9",
        "192.0.0.170",
        "192.0.0.254",
        "::127.0.0.1",  # IPv4-compatible (deprecated) forms reach the IPv4 address
        "::169.254.169.254",
        "::10.0.0.1",
        "::8.8.8.8",  # deprecated form: never public, whatever it embeds
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:192.0.0.8",
        "64:ff9b::c000:1",  # NAT64 of 192.0.0.1
    ],
)
def test_special_purpose_and_ipv4_carrying_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", ["http://192.0.0.1/feed", "http://[::127.0.0.1]/feed"])
async def test_the_guard_refuses_them_in_urls(url: str) -> None:
    with pytest.raises(BlockedURLError):
        await UrlGuard().check(httpx.URL(url))


async def test_an_allowlisted_host_and_port_matches_only_that_port() -> None:
    with FeedServer({"/f": Route(body=b"<rss/>")}) as server, FeedServer() as other:
        port = httpx.URL(server.base_url).port
        guard = UrlGuard(allow_hosts=[f"127.0.0.1:{port}"])
        fetcher = HttpFetcher(guard=guard, read_timeout=2.0)
        result = await fetcher.fetch(server.url("/f"))
        with pytest.raises(BlockedURLError):
            await fetcher.fetch(other.url("/f"))
        await fetcher.aclose()
    assert result.content == b"<rss/>"


def load(tmp_path: Path, entries: list[str]) -> Settings:
    path = tmp_path / "newsbrief.toml"
    listed = ", ".join(f'"{e}"' for e in entries)
    path.write_text(f"[ingest]\nallow_hosts = [{listed}]\n", encoding="utf-8")
    return load_settings(path)


@pytest.mark.parametrize("entry", ["http://intranet/", "host:notaport", "host:99999", "", "a b"])
def test_a_malformed_allow_hosts_entry_is_refused_at_load(tmp_path: Path, entry: str) -> None:
    with pytest.raises(ConfigError, match="ingest.allow_hosts"):
        load(tmp_path, [entry])


def test_well_formed_allow_hosts_entries_load(tmp_path: Path) -> None:
    entries = ["intranet.example", "127.0.0.1:8767", "[::1]:8080", "10.0.0.5", "::1"]
    assert load(tmp_path, entries).ingest.allow_hosts == tuple(entries)
