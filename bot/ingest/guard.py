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

import httpx

from bot.errors import BlockedURLError

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Named metadata endpoints that resolve to link-local addresses in the clouds anyway;
# refused by name too so a resolver that answers differently cannot open them.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public_address(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


class UrlGuard:
    """Checks a URL before it is fetched; raises `BlockedURLError` with the reason.

    ``allow_hosts`` are host names (or IP literals) the operator trusts even on
    private addresses, e.g. an intranet feed server or, in tests, ``127.0.0.1``.
    """

    def __init__(self, *, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = frozenset(h.lower().rstrip(".") for h in allow_hosts)

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allow_hosts

    async def check(self, url: httpx.URL) -> None:
        """Refuse ``url`` unless it is http(s) to a public (or allowlisted) host."""
        if url.scheme not in ALLOWED_SCHEMES:
            raise BlockedURLError(f"{url}: only http:// and https:// URLs can be fetched")
        host = url.host
        if not host:
            raise BlockedURLError(f"{url}: the URL has no host")
        if self.allows_host(host):
            return
        if host.lower().rstrip(".") in METADATA_HOSTS:
            raise BlockedURLError(f"{url}: cloud metadata endpoints are never fetched")
        for address in await self._addresses(host, url.port):
            if not is_public_address(address):
                raise BlockedURLError(
                    f"{url}: {host} resolves to the non-public address {address}; "
                    "add the host to ingest.allow_hosts if you trust it"
                )

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
