"""`HttpFetcher`: the `FeedFetcher` port over httpx.

Bounded concurrency (in total and per host), connect/read timeouts plus an
overall deadline (a server dribbling one byte a second cannot hold a slot
forever), a cap on the body counted after decompression (a gzip bomb stops at
the cap, checked every 64 kB of output while decompressing), conditional GET
with ETag/Last-Modified, and redirects followed by hand so that every hop
passes the `UrlGuard`. httpx's exceptions leave as `FetchError` and its
subclasses, nothing else.
"""

from __future__ import annotations

import asyncio
import weakref
import zlib
from collections.abc import Iterable
from pathlib import Path

import httpx

from bot.errors import BlockedURLError, FetchError, ResponseTooLargeError
from bot.ingest.guard import GuardedTransport, UrlGuard
from bot.ports import FetchResult

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_KEPT_HEADERS = ("content-type", "retry-after", "cache-control", "etag", "last-modified")
# Decompressed output is produced (and counted against the cap) this much at a time.
DECOMPRESS_STEP = 65_536


class HttpFetcher:
    """Fetches feeds and pages over http(s); local files only when the operator listed them.

    ``local_files`` are the feed paths (or ``file://`` URLs) from the operator's
    config; no other path is ever read, so a feed entry linking to
    ``file:///etc/passwd`` is refused like any non-http URL.
    """

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        guard: UrlGuard | None = None,
        concurrency: int = 50,
        per_host: int = 4,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        max_bytes: int = 10_000_000,
        user_agent: str = "newsbrief",
        local_files: Iterable[str] = (),
    ) -> None:
        self.guard = guard or UrlGuard()
        self.max_bytes = max_bytes
        self.deadline = connect_timeout + 2 * read_timeout
        self.local_files = frozenset(local_files)
        self._slots = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        # Weak: a host's semaphore lives while a fetch holds or awaits it, so a long
        # `newsbrief run` does not keep one for every article host it ever saw.
        self._host_slots: weakref.WeakValueDictionary[str, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )
        # `_slots` bounds the fetches in flight; the pool keeps twice as many connections
        # open, so that idle ones to hosts not fetched from this moment (feeds and article
        # pages of many sites) are kept for the next poll instead of closed and redialled.
        pool_size = 2 * concurrency
        limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
        # Our own transport checks addresses as it dials; a given one (tests, the demo)
        # gets them checked up front instead.
        self._resolve_first = transport is not None
        self._client = httpx.AsyncClient(
            transport=transport or GuardedTransport(self.guard, limits=limits),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            limits=limits,
            headers={"user-agent": user_agent, "accept-encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
        )

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self._per_host)
        return slot

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        if url in self.local_files:
            return await asyncio.to_thread(self._read_local, url)
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise BlockedURLError(f"{url!r} is not a valid URL: {exc}") from exc
        headers = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        async with self._slots, self._host_slot(parsed.host):
            try:
                async with asyncio.timeout(self.deadline):
                    return await self._follow(parsed, headers)
            except TimeoutError as exc:
                raise FetchError(f"{url}: no complete answer within {self.deadline:.0f}s") from exc

    async def _follow(self, url: httpx.URL, headers: dict[str, str]) -> FetchResult:
        seen = {str(url)}
        for _ in range(MAX_REDIRECTS + 1):
            await self.guard.check(url, resolve=self._resolve_first)
            status, body, response_headers, location = await self._get(url, headers)
            if location is None:
                return _result(str(url), status, body, response_headers)
            url = url.join(location)
            if str(url) in seen:
                raise FetchError(f"{url}: redirect loop")
            seen.add(str(url))
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    async def _get(
        self, url: httpx.URL, headers: dict[str, str]
    ) -> tuple[int, bytes, httpx.Headers, str | None]:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url}: HTTP {response.status_code} without Location")
                    return response.status_code, b"", response.headers, location
                if response.status_code == 304:
                    return 304, b"", response.headers, None
                if response.status_code >= 400:
                    raise FetchError(_status_message(url, response))
                body = await self._read_capped(url, response)
                return response.status_code, body, response.headers, None
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:
            raise FetchError(f"{url}: the body could not be decompressed: {exc}") from exc
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc or 'connection failed'}") from exc

    async def _read_capped(self, url: httpx.URL, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLargeError(
                f"{url}: {int(declared):,} bytes declared, over the {self.max_bytes:,}-byte cap"
            )
        if response.is_stream_consumed:  # answered from memory (the demo, tests): no stream
            body = response.content
            if len(body) > self.max_bytes:
                raise ResponseTooLargeError(f"{url}: body over the {self.max_bytes:,}-byte cap")
            return body
        chunks: list[bytes] = []
        size = 0
        # Raw bytes, decompressed here a step at a time: httpx's own decoder turns one
        # network chunk of a gzip bomb into tens of megabytes before anyone can count them.
        decoder = Decompressor(response.headers.get("content-encoding", ""), url=url)
        async for raw in response.aiter_raw():
            for chunk in decoder.feed(raw):
                size += len(chunk)
                if size > self.max_bytes:
                    raise ResponseTooLargeError(
                        f"{url}: body over the {self.max_bytes:,}-byte cap (after decompression)"
                    )
                chunks.append(chunk)
        decoder.finish()
        return b"".join(chunks)

    def _read_local(self, url: str) -> FetchResult:
        path = Path(url.removeprefix("file://"))
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ResponseTooLargeError(f"{path}: {size:,} bytes, over the cap")
            return FetchResult(url=url, status=200, content=path.read_bytes())
        except OSError as exc:
            raise FetchError(f"{path}: {exc.strerror or exc}") from exc


class Decompressor:
    """Content-Encoding gzip/deflate undone in steps of at most `DECOMPRESS_STEP` bytes."""

    def __init__(self, content_encoding: str, *, url: httpx.URL) -> None:
        self.url = url
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"{url}: unsupported Content-Encoding {content_encoding!r}")
        self.coding = codings[0] if codings else None
        self._zlib = self._new()
        self._first = True

    def _new(self, wbits: int | None = None) -> zlib._Decompress:
        if wbits is None:
            wbits = zlib.MAX_WBITS | 16 if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterable[bytes]:
        if self.coding is None:
            if data:
                yield data
            return
        pending = data
        while pending:
            try:
                out = self._zlib.decompress(pending, DECOMPRESS_STEP)
            except zlib.error as exc:
                if self._first and self.coding == "deflate":
                    # "deflate" is meant to be zlib-wrapped; some servers send it raw.
                    self._zlib, self._first = self._new(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(f"{self.url}: the body could not be decompressed: {exc}") from exc
            self._first = False
            if out:
                yield out
            pending = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data:  # concatenated gzip members
                pending = self._zlib.unused_data
                self._zlib = self._new()
            elif not out and not pending:
                break

    def finish(self) -> None:
        if self.coding is not None and not self._zlib.eof and not self._first:
            raise FetchError(f"{self.url}: the compressed body is truncated")


def _result(url: str, status: int, body: bytes, headers: httpx.Headers) -> FetchResult:
    kept = {name: headers[name] for name in _KEPT_HEADERS if name in headers}
    return FetchResult(
        url=url,
        status=status,
        content=body,
        headers=kept,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
    )


def _status_message(url: httpx.URL, response: httpx.Response) -> str:
    message = f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
    retry_after = response.headers.get("retry-after")
    if retry_after:
        message += f" (retry after {retry_after})"
    return message
