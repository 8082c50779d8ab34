"""A loopback feed server for the benchmarks, run as its own process.

    python benchmarks/_feedserver.py FEEDS ITEMS HOSTS

Serves /feed/<n>.xml (RSS with ITEMS items, ETag support; ?plain ignores ETags) and
/article/<n>/<i>.html on 127.0.0.1 .. 127.0.0.HOSTS, on one free port it prints first;
/stats counts the article pages fetched, and those fetched more than once.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from aiohttp import web

ARTICLE = (
    "<html><head><title>Story {n}-{i}</title></head><body><nav>Home · World</nav><article>"
    "<h1>Story {n}-{i}</h1><p>Ministers met on Tuesday to discuss the ceasefire, which both "
    "sides accuse the other of breaking.</p><p>“We are not here to sign anything today,” said "
    "Anna Berg, the foreign minister. “We are here to find out whether there is anything to "
    "sign.”</p><p>She said the next meeting would be in Oslo if the ceasefire held for a week, "
    "and that observers from neutral countries would be invited.</p></article></body></html>"
)


def start_process(feeds: int, items: int, hosts: int) -> tuple[subprocess.Popen[str], int]:
    """Run this server in a process of its own; the process and the port it serves on."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__)), str(feeds), str(items), str(hosts)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def feed_xml(n: int, items: int, port: int, hosts: int) -> bytes:
    host = f"127.0.0.{n % hosts + 1}"
    entries = "".join(
        f"<item><title>Feed {n} story {i}: ministers discuss the ceasefire</title>"
        f"<link>http://{host}:{port}/article/{n}/{i}.html</link><guid>f{n}-s{i}</guid>"
        f"<pubDate>Tue, 24 Nov 2026 07:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>Summary of story {i} from feed {n}, with a few words.</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {n}</title><link>http://{host}/</link>{entries}</channel></rss>"
    ).encode()


async def main(feeds: int, items: int, hosts: int) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    bodies = [feed_xml(n, items, port, hosts) for n in range(feeds)]

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        etag = f'"{n}"'
        if "plain" in request.query:  # a server that ignores conditional GET
            return web.Response(body=bodies[n], content_type="application/rss+xml")
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=bodies[n], content_type="application/rss+xml", headers={"ETag": etag}
        )

    page_hits: dict[str, int] = {}

    async def article(request: web.Request) -> web.Response:
        n, i = request.match_info["n"], request.match_info["i"]
        page_hits[f"{n}/{i}"] = page_hits.get(f"{n}/{i}", 0) + 1
        return web.Response(text=ARTICLE.format(n=n, i=i), content_type="text/html")

    async def stats(request: web.Request) -> web.Response:
        # How many article pages were fetched, and how many more than once (scale-out check).
        twice = sum(1 for hits in page_hits.values() if hits > 1)
        return web.json_response({"pages": len(page_hits), "fetched_twice": twice})

    app = web.Application()
    app.router.add_get("/stats", stats)
    app.router.add_get("/feed/{n}.xml", feed)
    app.router.add_get("/article/{n}/{i}.html", article)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for h in range(hosts):
        await web.TCPSite(runner, f"127.0.0.{h + 1}", port, backlog=2048).start()
    print(port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*(int(a) for a in sys.argv[1:4])))
