"""`UrlGuard`: which URLs newsbrief may fetch.

A feed URL can come from a chat user and an article link from any feed, so
every fetch (and every redirect hop) is checked: http(s) only, and the host's
addresses, after DNS resolution, must all be public. Loopback, private,
link-local (cloud metadata lives at 169.254.169.254), shared, multicast and
reserved ranges are refused unless the operator allowlists the host.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from bot.errors import BlockedURLError
from bot.ingest.pool import ConnectionPool, ReadableStream
from bot.settings import normal_host, split_host_port

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Named metadata endpoints that resolve to link-local addresses in the clouds anyway;
# refused by name too so a resolver that answers differently cannot open them.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv4-compatible IPv6 (deprecated by RFC 4291): ``::127.0.0.1`` may still reach 127.0.0.1.
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# IETF protocol assignments: Python counts 192.0.0.9 and 192.0.0.10 as global, but the
# whole /24 is special-purpose (and where some clouds put their metadata services).
NEVER_PUBLIC = (ipaddress.IPv4Network("192.0.0.0/24"),)


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by
    that address: behind a NAT64 gateway ``64:ff9b::7f00:1`` reaches 127.0.0.1.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address in IPV4_COMPATIBLE:
            return False  # deprecated; whatever it embeds, no public server needs it
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    elif any(address in network for network in NEVER_PUBLIC):
        return False
    return address.is_global and not address.is_multicast


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    return None


DEFAULT_PORTS = {"http": 80, "https": 443}


class UrlGuard:
    """Checks a URL before it is fetched; raises `BlockedURLError` with the reason.

    ``allow_hosts`` are host names (or IP literals) the operator trusts even on
    private addresses, e.g. an intranet feed server or, in tests, ``127.0.0.1``;
    ``host:port`` (``[::1]:8080`` for IPv6) trusts that port of the host only.
    """

    def __init__(self, *, allow_hosts: Iterable[str] = ()) -> None:
        parsed = [split_host_port(entry) for entry in allow_hosts]
        self.allow_hosts = frozenset(host for host, port in parsed if port is None)
        self.allow_host_ports = frozenset((h, p) for h, p in parsed if p is not None)

    def allows_host(self, host: str, port: int | None = None) -> bool:
        host = normal_host(host)
        return host in self.allow_hosts or (host, port) in self.allow_host_ports

    async def check(self, url: httpx.URL, *, resolve: bool = True) -> None:
        """Refuse ``url`` unless it is http(s) to a public (or allowlisted) host.

        ``resolve=False`` checks everything but the addresses, for transports
        that check them at connect time (`GuardedTransport`).
        """
        if url.scheme not in ALLOWED_SCHEMES:
            raise BlockedURLError(f"{url}: only http:// and https:// URLs can be fetched")
        host = url.host
        if not host:
            raise BlockedURLError(f"{url}: the URL has no host")
        if url.port is not None and not 0 < url.port < 65536:
            # httpx parses it; the socket layer then raises OverflowError, not an HTTP error
            raise BlockedURLError(f"{url}: port {url.port} does not exist (1-65535)")
        if self.allows_host(host, url.port or DEFAULT_PORTS[url.scheme]):
            return
        if host.lower().rstrip(".") in METADATA_HOSTS:
            raise BlockedURLError(f"{url}: cloud metadata endpoints are never fetched")
        if resolve:
            await self.public_addresses(host, url.port)

    async def public_addresses(self, host: str, port: int | None) -> list[IPAddress]:
        """The host's addresses; `BlockedURLError` if any of them is not public."""
        addresses = await self._addresses(host, port)
        for address in addresses:
            if not is_public_address(address):
                raise BlockedURLError(
                    f"{host} resolves to the non-public address {address}; "
                    "add the host to ingest.allow_hosts if you trust it"
                )
        return addresses

    async def _addresses(self, host: str, port: int | None) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise BlockedURLError(f"cannot resolve {host}: {exc}") from exc
        addresses = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            # Strip an IPv6 zone id ("fe80::1%eth0") before parsing.
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        if not addresses:
            raise BlockedURLError(f"cannot resolve {host}: no addresses")
        return addresses


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the addresses the guard approved, so DNS cannot change in between.

    Checking a name and then letting the HTTP client resolve it again leaves a
    window (DNS rebinding: public answer first, 127.0.0.1 second). Here the
    checked address is the one dialled; TLS still verifies the host name,
    because httpcore sends the URL's host as SNI.
    """

    def __init__(self, guard: UrlGuard) -> None:
        self.guard = guard
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if not self.guard.allows_host(host, port):
            [address, *_] = await self.guard.public_addresses(host, port)
            host = str(address)
        stream = await self.inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return ReadableStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, dialling only guard-approved addresses (see `_GuardedBackend`)."""

    def __init__(self, guard: UrlGuard, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its pool without a way to pass a network backend; rebuild it with one.
        self._pool = ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(guard),
        )
