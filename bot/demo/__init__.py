"""The offline demo: sample feeds and article pages bundled with the package.

`DemoTransport` is an httpx transport that answers ``https://demo.newsbrief.invalid/...``
from these files, so the demo runs the real fetch → parse → full-text pipeline
with no network (``.invalid`` can never resolve, so nothing leaks out).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import httpx

DEMO_HOST = "demo.newsbrief.invalid"
DEMO_BASE = f"https://{DEMO_HOST}"
DEMO_FEEDS = ("politics.xml", "tech.xml", "markets.xml", "local.xml")
_CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


def demo_feed_urls() -> list[str]:
    return [f"{DEMO_BASE}/feeds/{name}" for name in DEMO_FEEDS]


def _bundled(path: str) -> Traversable | None:
    root = resources.files(__package__)
    parts = [p for p in path.split("/") if p]
    if len(parts) != 2 or parts[0] not in {"feeds", "articles"} or ".." in parts:
        return None
    candidate = root.joinpath(*parts)
    return candidate if candidate.is_file() else None


class DemoTransport(httpx.AsyncBaseTransport):
    """Serves the bundled demo files; any other host is a 404, never the network."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        found = _bundled(request.url.path) if request.url.host == DEMO_HOST else None
        if found is None:
            return httpx.Response(404, text="not part of the demo", request=request)
        suffix = "." + found.name.rsplit(".", 1)[-1]
        headers = {"content-type": _CONTENT_TYPES.get(suffix, "application/octet-stream")}
        return httpx.Response(200, content=found.read_bytes(), headers=headers, request=request)
