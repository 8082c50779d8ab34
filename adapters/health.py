"""The health and metrics listener of ``newsbrief run``: ``GET /health`` and ``GET /metrics``.

Slack's runtime serves both on its own port (``slack.port``); this listener
serves them on ``run.health_port`` for every mode, console and Discord
included, when that is set (``--health-port``, ``NEWSBRIEF_RUN__HEALTH_PORT``;
the container image sets 8080). ``/health`` is 200 while the scheduler's
heartbeat is fresh, 503 otherwise; ``/metrics`` is the Prometheus text format.
"""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.errors import ConfigError
from bot.settings import Settings
from bot.telemetry import metrics, use_metrics

if TYPE_CHECKING:
    # aiohttp is imported where a listener is built: a run without one starts faster.
    from aiohttp import web

log = logging.getLogger(__name__)
HEALTH_PATH = "/health"
METRICS_PATH = "/metrics"
# A heartbeat older than this (the scheduler touches it every 30 s) means the loop is stuck.
MAX_HEARTBEAT_AGE = 180.0


@runtime_checkable
class Exposition(Protocol):
    """A recorder that can render itself for a scrape (`PrometheusRecorder`)."""

    def exposition(self) -> bytes: ...


async def metrics_page(request: web.Request) -> web.Response:
    """The installed recorder's metrics; 404 when none that renders is installed."""
    from aiohttp import web

    from adapters.prometheus import CONTENT_TYPE

    recorder = metrics()
    if not isinstance(recorder, Exposition):
        raise web.HTTPNotFound(text="no metrics recorder is installed\n")
    response = web.Response(body=recorder.exposition())
    response.headers["Content-Type"] = CONTENT_TYPE
    return response


def add_metrics_route(app: web.Application) -> None:
    app.router.add_get(METRICS_PATH, metrics_page)


def heartbeat_age(path: Path) -> float | None:
    """Seconds since the scheduler last touched ``path``; None when it never did."""
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None


class HealthServer:
    """An aiohttp listener for ``/health`` and ``/metrics``; `start`, then `close`."""

    def __init__(self, *, heartbeat_file: Path, host: str, port: int) -> None:
        self.heartbeat_file = heartbeat_file
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        from aiohttp import web

        app = web.Application()
        app.router.add_get(HEALTH_PATH, self.health)
        add_metrics_route(app)
        return app

    async def start(self) -> None:
        from aiohttp import web

        self._runner = web.AppRunner(self.web_app(), handle_signals=False, access_log=None)
        await self._runner.setup()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.port))
        except OSError as exc:
            listener.close()
            await self._runner.cleanup()
            raise ConfigError(
                f"run.health_port: cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            ) from exc
        self.port = listener.getsockname()[1]  # the real one when asked for port 0
        await web.SockSite(self._runner, listener).start()
        log.info("health and metrics on http://%s:%d/", self.host, self.port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self, request: web.Request) -> web.Response:
        from aiohttp import web

        age = heartbeat_age(self.heartbeat_file)
        healthy = age is not None and age <= MAX_HEARTBEAT_AGE
        body = {"healthy": healthy, "heartbeat_age_seconds": None if age is None else round(age)}
        return web.json_response(body, status=200 if healthy else 503)


class Observing:
    """What `start_observing` set up: the installed recorder and the listener, if any."""

    def __init__(self, server: HealthServer | None) -> None:
        self.server = server

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()
        use_metrics(None)


async def start_observing(settings: Settings) -> Observing:
    """Install the Prometheus recorder; serve /health and /metrics when run.health_port is set."""
    from adapters.prometheus import PrometheusRecorder

    use_metrics(PrometheusRecorder())
    run = settings.run
    if run.health_port is None:
        return Observing(None)
    server = HealthServer(
        heartbeat_file=run.heartbeat_file, host=run.health_host, port=run.health_port
    )
    try:
        await server.start()
    except BaseException:
        use_metrics(None)
        raise
    return Observing(server)
