"""`bot.ingest.pool`: httpcore's pool decisions, without its per-request walks growing with it."""

from __future__ import annotations

import socket
from typing import Any

import httpcore
import pytest
from httpcore._async.connection_pool import AsyncPoolRequest

from bot.ingest.pool import ConnectionPool, ReadableStream


class FakeConnection:
    """Just the state the pool's assignment step reads; counts its ``is_idle`` calls."""

    idle_calls = 0

    def __init__(self, host: str, *, idle: bool = True, expired: bool = False) -> None:
        self.origin = httpcore.URL(f"http://{host}/").origin
        self.host, self.idle, self.expired = host, idle, expired

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        return origin == self.origin

    def is_available(self) -> bool:
        return self.idle

    def is_idle(self) -> bool:
        FakeConnection.idle_calls += 1
        return self.idle

    def is_closed(self) -> bool:
        return False

    def has_expired(self) -> bool:
        return self.expired


async def assign(pool_class: type[httpcore.AsyncConnectionPool], size: int, **state: Any) -> Any:
    class Pool(pool_class):  # type: ignore[valid-type, misc]
        def create_connection(self, origin: httpcore.Origin) -> Any:
            return FakeConnection(origin.host.decode(), idle=False)

    pool = Pool(max_connections=size, max_keepalive_connections=size)
    pool._connections = [FakeConnection(h, idle=i, expired=e) for h, i, e in state["conns"]]
    requests = [AsyncPoolRequest(httpcore.Request("GET", f"http://{h}/")) for h in state["wants"]]
    pool._requests = requests
    FakeConnection.idle_calls = 0
    closing = pool._assign_requests_to_connections()
    return (
        [c.host for c in closing],
        [(c.host, c.idle) for c in pool._connections],
        [None if r.connection is None else r.connection.host for r in requests],
    )


@pytest.mark.parametrize(
    "size, conns, wants",
    [
        (4, [("a", True, False), ("b", False, False)], ["a", "c", "b"]),  # reuse, new, new
        (2, [("a", False, False), ("b", True, False)], ["c", "d"]),  # close idle b; d waits
        (2, [("a", True, True), ("b", False, False)], ["a"]),  # expired a closes, a new one
        (1, [("a", False, False)], ["b"]),  # full and busy: the request waits
    ],
)
async def test_the_pool_decides_as_httpcore_does(
    size: int, conns: list[tuple[str, bool, bool]], wants: list[str]
) -> None:
    state = {"conns": conns, "wants": wants}
    assert await assign(ConnectionPool, size, **state) == await assign(
        httpcore.AsyncConnectionPool, size, **state
    )


async def test_assigning_a_request_is_linear_in_the_pool() -> None:
    conns = [(f"h{n}", True, False) for n in range(50)]
    await assign(ConnectionPool, 60, conns=conns, wants=["other"])
    assert FakeConnection.idle_calls <= 2 * len(conns)  # httpcore's own: 50 * 51


class FakeStream(httpcore.AsyncNetworkStream):
    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.asked = sock, 0

    def get_extra_info(self, info: str) -> Any:
        self.asked += 1
        return self.sock if info == "socket" else f"inner {info}"


def test_a_stream_answers_is_readable_from_its_socket() -> None:
    ours, peer = socket.socketpair()
    with ours, peer:
        inner = FakeStream(ours)
        stream = ReadableStream(inner)
        asked = inner.asked
        assert stream.get_extra_info("is_readable") is False
        peer.close()  # the server ended the keep-alive: the connection has expired
        assert stream.get_extra_info("is_readable") is True
        assert inner.asked == asked  # no attribute lookups on the inner stream
        assert stream.get_extra_info("server_addr") == "inner server_addr"
