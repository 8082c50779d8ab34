"""Testing helpers, shipped as public API so adapters and users can test against them."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from bot.domain import Briefing, BriefingItem, Bullet, Quote, QuoteKind
from bot.ports import PostLog


class RecordingAdapter:
    """A `ChatAdapter` that keeps every briefing it is asked to post, in order."""

    name = "recording"

    def __init__(self) -> None:
        self.posted: list[Briefing] = []
        self._by_key: dict[tuple[str, str], str] = {}

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        self.posted.append(briefing)
        message_id = f"rec-{len(self.posted)}"
        self._by_key[(briefing.channel, briefing.idempotency_key)] = message_id
        return message_id

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        return self._by_key.get((channel, idempotency_key))


class FileRecordingAdapter:
    """A `ChatAdapter` that "posts" by appending a JSON line to a file, which it keeps.

    For tests and benchmarks that run `newsbrief run` as a real process and
    kill it: the file plays the chat platform, which outlives the bot, and
    ``find_posted`` reads it back like a Slack metadata search would.
    ``post_delay`` makes the platform answer late: the line is written first,
    then the adapter waits, so a kill in between leaves a post the bot never
    heard back about (the case recovery exists for).

    Each line: ``{"channel", "key", "message_id", "title", "story_ids",
    "urls", "notes", "posted_at"}`` (``posted_at`` in Unix seconds).
    """

    name = "file"

    def __init__(self, path: str | Path, *, post_delay: float = 0.0) -> None:
        self.path = Path(path)
        self.post_delay = post_delay

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        message_id = f"file-{uuid.uuid4().hex[:12]}"
        line = {
            "channel": briefing.channel,
            "key": briefing.idempotency_key,
            "message_id": message_id,
            "title": briefing.title,
            "story_ids": sorted({i for item in briefing.items for i in item.story_ids}),
            "urls": [item.url for item in briefing.items],
            "notes": list(briefing.notes),
            "posted_at": time.time(),
        }
        await asyncio.to_thread(self._append, json.dumps(line) + "\n")
        if self.post_delay:
            await asyncio.sleep(self.post_delay)
        if log is not None:  # the answer arrived: written down as a platform adapter does
            await log.record(1, 1, message_id)
        return message_id

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        for post in read_posts(self.path):
            if post["channel"] == channel and post["key"] == idempotency_key:
                return str(post["message_id"])
        return None

    def _append(self, text: str) -> None:
        # One write() of one line, O_APPEND: whole lines even with two processes.
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(text)


def read_posts(path: str | Path) -> list[dict[str, Any]]:
    """The posts a `FileRecordingAdapter` made, in order ([] before the first)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass
class Route:
    """What `FeedServer` answers for one path.

    ``etag`` turns on conditional GET: a request carrying it back gets a 304.
    ``delay`` stalls before the headers; ``drip`` sends the body one byte per
    ``drip`` seconds (a slow-loris server). ``gzip`` compresses the body.
    """

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0
    drip: float = 0.0
    gzip: bool = False
    _gzipped: tuple[bytes, bytes] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.gzip:
            self.sent_body()  # compressed now: a 50 MB bomb takes seconds of CPU on a busy
            # machine, which at request time ran into the client's read timeout

    def sent_body(self) -> bytes:
        """The body as sent: compressed once per body when ``gzip``."""
        if not self.gzip:
            return self.body
        if self._gzipped is None or self._gzipped[0] is not self.body:
            self._gzipped = (self.body, gzip.compress(self.body, compresslevel=9))
        return self._gzipped[1]


class QuietHandler(BaseHTTPRequestHandler):
    """An HTTP/1.1 handler that logs nothing and can send a body slowly."""

    protocol_version = "HTTP/1.1"
    stopping: threading.Event  # set by `LoopbackServer` when it shuts down

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests read what the server recorded instead

    def send_body(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        *,
        content_type: str | None = None,
        drip: float = 0.0,
    ) -> None:
        """Answer ``status`` with ``body``; ``drip`` sends it a byte per ``drip`` seconds."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not drip:
            self.wfile.write(body)
            return
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()
            if self.stopping.wait(drip):
                return


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-request (a killed bot, a timed-out fetch) is what
        # these servers are for; anything else is printed as socketserver would.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A real HTTP server on a free loopback port, in a thread; a context manager.

    Subclasses give the request handler (a `QuietHandler`) in `_handler_class`.
    """

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        handler = self._handler_class()
        handler.stopping = self._stopping
        self._httpd = _QuietHTTPServer((host, 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[QuietHandler]:
        raise NotImplementedError


class FeedServer(LoopbackServer):
    """A real HTTP server on a free loopback port, serving `Route`s; records every request.

    Use it as a context manager::

        with FeedServer({"/feed.xml": Route(body=rss, etag='"v1"')}) as server:
            url = server.url("/feed.xml")

    Routes may be changed while it runs (``server.routes[path] = Route(...)``).
    ``requests`` lists ``(path, headers)`` in arrival order, header names lower-cased.
    """

    def __init__(self, routes: dict[str, Route] | None = None, *, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[str, dict[str, str]]] = []
        super().__init__(host=host)

    @property
    def base_url(self) -> str:
        return self.origin

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.requests if p == path)

    def _handler_class(self) -> type[QuietHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                    route = server.routes.get(path)
                # The client may give up (a cap or a timeout): expected in tests.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(route)

            def _answer(self, route: Route | None) -> None:
                if route is None:
                    self.send_body(404, b"not found", {}, content_type="text/plain")
                    return
                if route.delay and self.stopping.wait(route.delay):
                    return
                headers = dict(route.headers)
                if route.etag is not None:
                    headers["ETag"] = route.etag
                    if self.headers.get("If-None-Match") == route.etag:
                        self.send_body(304, b"", headers)
                        return
                body = route.sent_body()
                if route.gzip:
                    headers["Content-Encoding"] = "gzip"
                self.send_body(
                    route.status, body, headers, content_type=route.content_type, drip=route.drip
                )

        return Handler


# A fixed briefing of the seed article, built explicitly (not extracted) so adapter golden
# files stay stable while the extractor improves.
SEED_TITLE = "Kremlin throws cold water on Trump's peace push"
SEED_URL = "https://demo.newsbrief.invalid/articles/kremlin-talks.html"


def quote(text: str, kind: QuoteKind = QuoteKind.DIRECT, speaker: str | None = None) -> Quote:
    """A quote for a hand-built briefing (offsets into its own text)."""
    return Quote(text=text, start=0, end=len(text), kind=kind, speaker=speaker)


def seed_item(story_id: int = 1) -> BriefingItem:
    return BriefingItem(
        title=SEED_TITLE,
        url=SEED_URL,
        sources=("Politics Desk",),
        gist=(
            "The Kremlin has publicly thrown cold water on Trump’s claim that Moscow is "
            "increasingly open to new security guarantees, while ramping up missile attacks "
            "on Ukraine."
        ),
        bullets=(
            Bullet(
                speaker="Sergey Lavrov",
                speaker_role="foreign minister",
                quotes=(quote("a road to nowhere", speaker="Sergey Lavrov"),),
            ),
            Bullet(
                speaker="a White House official",
                speaker_role=None,
                quotes=(
                    quote(
                        "continue to engage with Russian and Ukrainian officials towards a "
                        "bilateral meeting"
                    ),
                    quote(
                        "it is not in the national interest to further negotiate these "
                        "issues publicly"
                    ),
                ),
            ),
            Bullet(
                speaker="a former administration official",
                speaker_role=None,
                quotes=(
                    quote(
                        "He’s long believed that Russia has the upper hand in the war itself "
                        "and needs to be coaxed into peace talks"
                    ),
                ),
            ),
            Bullet(
                speaker="Trump",
                speaker_role=None,
                quotes=(quote("the talks are still on track", kind=QuoteKind.INDIRECT),),
            ),
        ),
        published_at=datetime(2026, 11, 24, 7, 10, tzinfo=UTC),
        story_ids=(story_id,),
    )


def seed_briefing(channel: str, story_id: int = 1) -> Briefing:
    """The seed article ("Kremlin throws cold water on Trump's peace push") as a briefing."""
    return Briefing(
        channel=channel,
        title="Your news briefing",
        items=(seed_item(story_id),),
        generated_at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        idempotency_key=f"briefing:{channel}:seed",
        notes=("1 feed failed to update: https://feeds.example/broken.xml",),
    )
