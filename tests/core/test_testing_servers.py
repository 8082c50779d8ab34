"""The loopback servers shipped in `bot.testing` (used by tests and benchmarks)."""

from __future__ import annotations

import gzip
import socket
import struct
import time

import pytest

from bot.testing import FeedServer, Route


def test_a_client_that_resets_mid_request_prints_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # benchmarks/crash.py SIGKILLs bots mid-fetch: each reset printed a socketserver traceback
    with FeedServer({"/f": Route(b"x", delay=0.5)}) as server:
        host, port = server.origin.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)))
        client.sendall(b"GET /f HTTP/1.1\r\nHost: x\r\n")  # headers not finished
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # RST, as the kernel sends for a killed process
        time.sleep(0.3)
    assert "Traceback" not in capsys.readouterr().err


def test_a_gzip_route_is_compressed_once_when_made_not_per_request() -> None:
    # tests/ingest/test_fetch.py's 50 MB gzip bomb took seconds to compress per request on
    # a busy machine, running into the client's read timeout: a flaky test
    route = Route(b"x" * 100_000, gzip=True)
    sent = route.sent_body()
    assert route.sent_body() is sent and gzip.decompress(sent) == b"x" * 100_000
    route.body = b"changed"
    assert gzip.decompress(route.sent_body()) == b"changed"
