"""httpcore's connection pool without its two per-request costs that grow with the pool.

Each time a request starts or ends, httpcore 1.0's pool walks every pooled connection:
it asks each whether its socket is readable (an expired keep-alive), which anyio answers
by building all of the socket's attributes, a ``getpeername`` system call among them;
and for each idle connection it counts the pool again, calling ``is_idle`` on every
connection (quadratic in the pool's size). With 50 connections that walk cost more than
the request itself (`benchmarks/ingest.py`, profiled). `ReadableStream` answers
"is_readable" from the socket it keeps; `ConnectionPool` counts once per connection.
Both keep httpcore's behaviour: the same connections expire, close and are reused.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpcore
from httpcore._utils import is_socket_readable


class ReadableStream(httpcore.AsyncNetworkStream):
    """A dialled stream whose "is_readable" polls its socket directly (see the module)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return ReadableStream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return is_socket_readable(self._socket)  # a closed socket (fd -1) reads as readable
        return self.inner.get_extra_info(info)


class ConnectionPool(httpcore.AsyncConnectionPool):
    """httpcore's pool with its assignment step linear in the number of connections."""

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        # httpcore 1.0's method, step for step; only what is counted, and when, differs.
        closing: list[httpcore.AsyncConnectionInterface] = []
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.has_expired() or (
                len(self._connections) > self._max_keepalive_connections and connection.is_idle()
            ):
                self._connections.remove(connection)
                closing.append(connection)

        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            available = next(
                (c for c in self._connections if c.can_handle_request(origin) and c.is_available()),
                None,
            )
            if available is not None:
                pool_request.assign_to_connection(available)
                continue
            if len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # stays queued until a connection frees up
                self._connections.remove(idle)
                closing.append(idle)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing
