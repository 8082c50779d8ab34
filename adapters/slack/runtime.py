"""Running the Slack bot: Socket Mode or HTTP, a truthful ``/health``, optional OAuth.

`SLACK` is the platform ``bot.run`` starts when Slack is configured: it builds a
`SlackRuntime` (whose ``adapter`` the root registers for delivery), which
serves ``GET /health`` (503 while the Socket Mode connection is down),
``POST /slack/events`` in HTTP mode, and ``/slack/install`` +
``/slack/oauth_redirect`` when multi-workspace OAuth is on. Installations and
OAuth states live in slack_sdk's SQLAlchemy stores, in the store's database, which the
core lends through `PlatformServices.sql_database`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.installation_store import InstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.state_store import OAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.health import add_metrics_route
from adapters.slack.adapter import SlackAdapter, make_web_client
from adapters.slack.bot import SlackBot, build_bolt_app
from adapters.slack.gate import RequestGate
from bot.conversation.replies import Responder
from bot.errors import ConfigError, DeliveryError
from bot.platform import PlatformServices, SqlDatabase
from bot.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
# The lock for an engine that gives each thread its own connection: nothing to wait for.
NO_LOCK: AbstractContextManager[Any] = nullcontext()

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
# Keep in step with config/slack-manifest.yml.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "chat:write",
    "commands",
    "users:read",
)
STATE_EXPIRATION_SECONDS = 600
# Within the 10 s a container stop allows before it kills the process.
DRAIN_SECONDS = 5.0


def _holding(
    lock: AbstractContextManager[Any], call: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    with lock:
        return call(*args, **kwargs)


async def _off_loop(
    lock: AbstractContextManager[Any], call: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    """``call`` in a worker thread, holding ``lock``: slack_sdk's stores are synchronous."""
    return await asyncio.to_thread(_holding, lock, call, *args, **kwargs)


class Installations(AsyncInstallationStore):
    """slack_sdk's SQLAlchemy installation store behind the async interface bolt wants.

    The SQLAlchemy store is synchronous, so every call runs in a worker thread:
    bolt looks the workspace's installation up for each event and command, and
    a slow database must not stall the event loop that acknowledges them. Each
    call holds ``lock``, the one its engine's other users hold (`SqlDatabase.engine_lock`).
    """

    def __init__(
        self, store: InstallationStore, lock: AbstractContextManager[Any] = NO_LOCK
    ) -> None:
        self.store = store
        self.lock = lock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await _off_loop(self.lock, self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await _off_loop(self.lock, self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await _off_loop(
            self.lock,
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await _off_loop(
            self.lock,
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await _off_loop(
            self.lock, self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await _off_loop(
            self.lock,
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )

    async def token_for_team(self, team_id: str) -> str:
        """The bot token of an installed workspace (for scheduled posts)."""
        bot = await self.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise DeliveryError(f"newsbrief is not installed in Slack workspace {team_id}")
        return bot.bot_token


class OAuthStates(AsyncOAuthStateStore):
    """slack_sdk's SQLAlchemy OAuth state store behind the async interface, in a worker
    thread and holding ``lock`` for the same reasons as `Installations`."""

    def __init__(self, store: OAuthStateStore, lock: AbstractContextManager[Any] = NO_LOCK) -> None:
        self.store = store
        self.lock = lock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await _off_loop(self.lock, self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await _off_loop(self.lock, self.store.consume, state)


def oauth_settings(
    engine: Any,
    *,
    client_id: str,
    client_secret: str,
    lock: AbstractContextManager[Any] = NO_LOCK,
) -> tuple[AsyncOAuthSettings, Installations]:
    """OAuth install flow settings over the SQLAlchemy stores (tables created if missing);
    ``lock`` is held around each use of ``engine`` (a SQLAlchemy engine) from their
    worker threads."""
    # Imported here: these modules pull in sqlalchemy.ext.asyncio (greenlet), and token
    # mode, the default, needs none of it.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    installation_store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)
    state_store = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine
    )
    with lock:
        installation_store.metadata.create_all(engine)
        state_store.metadata.create_all(engine)
    installations = Installations(installation_store, lock)
    settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        state_store=OAuthStates(state_store, lock),
    )
    return settings, installations


class SlackRuntime:
    """The bolt app plus its connection (Socket Mode) or endpoint (HTTP) and ``/health``."""

    def __init__(
        self,
        bolt: AsyncApp,
        bot: SlackBot,
        *,
        mode: str,
        port: int,
        host: str = "0.0.0.0",
        app_token: str | None = None,
        ping_interval: float = 10,
        gate: RequestGate | None = None,
    ) -> None:
        self.bolt = bolt
        self.gate = gate
        self.bot = bot
        self.mode = mode
        self.host = host
        self.port = port
        self.socket_mode: AsyncSocketModeHandler | None = None
        if mode == "socket":
            if not app_token:
                raise ConfigError("slack.mode = socket needs SLACK_APP_TOKEN (xapp-...)")
            self.socket_mode = AsyncSocketModeHandler(
                bolt, app_token=app_token, ping_interval=ping_interval
            )
        self._runner: web.AppRunner | None = None

    @property
    def adapter(self) -> SlackAdapter:
        """What scheduled and on-demand briefings for ``slack:`` channels post through."""
        return self.bot.adapter

    async def start(self) -> None:
        """Serve /health (and the HTTP endpoints), then connect Socket Mode."""
        self._runner = web.AppRunner(self.web_app(), handle_signals=False)
        await self._runner.setup()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        self.port = listener.getsockname()[1]  # the real one when asked for port 0
        await web.SockSite(self._runner, listener).start()
        if self.socket_mode is not None:
            await self.socket_mode.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack bot running in %s mode; health on port %d", self.mode, self.port)

    async def close(self) -> None:
        """Stop taking events, then give those being answered `DRAIN_SECONDS` to finish."""
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]
        if self._runner is not None:
            await self._runner.cleanup()
        if not await self.bot.drain(DRAIN_SECONDS):
            log.warning("stopped with Slack events still being answered")

    async def connected(self) -> bool:
        """Socket Mode: the websocket is really up. HTTP: serving is all there is."""
        if self.socket_mode is None:
            return self._runner is not None
        return bool(await self.socket_mode.client.is_connected())

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(HEALTH_PATH, self.health)
        add_metrics_route(app)
        if self.mode == "http":
            app.router.add_post(EVENTS_PATH, self.events)
        flow = self.bolt.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, self.install)
            app.router.add_get(flow.redirect_uri_path, self.oauth_redirect)
        return app

    async def health(self, request: web.Request) -> web.Response:
        connected = await self.connected()
        body = {"slack": {"mode": self.mode, "connected": connected}}
        return web.json_response(body, status=200 if connected else 503)

    async def events(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.gate is not None:
            refused = await self.gate.refusal(body, request.headers, request.remote or "?")
            if refused is not None:
                return web.Response(status=refused, text="invalid request")
        try:
            response = await self.bolt.async_dispatch(await to_bolt_request(request))
        except Exception as exc:  # a signed body bolt cannot parse: the sender's fault
            log.warning("refused a Slack request bolt could not read: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(response)

    async def install(self, request: web.Request) -> web.Response:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def oauth_redirect(self, request: web.Request) -> web.Response:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(response)


def _secret(settings: Settings, name: str) -> str | None:
    value = getattr(settings, name)
    return value.get_secret_value() if value is not None else None


def slack_configured(settings: Settings) -> bool:
    """Slack runs when a bot token (one workspace) or OAuth (many) is configured."""
    return settings.slack_bot_token is not None or settings.slack.oauth


def build_slack(
    services: PlatformServices,
    *,
    responder: Responder,
    base_url: str | None = None,
    host: str = "0.0.0.0",
    port: int | None = None,
    ping_interval: float = 10,
) -> SlackRuntime:
    """The Slack runtime over the core's ``services``, from its settings; `ConfigError`
    if incomplete.

    Its ``adapter`` is for the caller to register (``bot.run`` does); ``responder``
    is the conversations core every platform shares.
    """
    settings = services.settings
    mode = settings.slack.mode
    signing_secret = _secret(settings, "slack_signing_secret")
    if mode == "http" and not signing_secret:
        raise ConfigError("slack.mode = http needs SLACK_SIGNING_SECRET to verify requests")
    if mode == "socket" and settings.slack_app_token is None:
        raise ConfigError("slack.mode = socket needs SLACK_APP_TOKEN (xapp-..., connections:write)")
    client: AsyncWebClient = make_web_client(
        _secret(settings, "slack_bot_token"), base_url=base_url
    )
    oauth: AsyncOAuthSettings | None = None
    adapter = SlackAdapter(client)
    if settings.slack.oauth:
        client_id = _secret(settings, "slack_client_id")
        client_secret = _secret(settings, "slack_client_secret")
        if not client_id or not client_secret:
            raise ConfigError("slack.oauth = true needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        database: SqlDatabase = services.sql_database()
        oauth, installations = oauth_settings(
            database.engine,
            client_id=client_id,
            client_secret=client_secret,
            lock=database.engine_lock,
        )
        adapter = SlackAdapter(client, token_for_team=installations.token_for_team)
    elif settings.slack_bot_token is None:
        raise ConfigError("Slack needs SLACK_BOT_TOKEN (xoxb-...), or slack.oauth = true")
    bolt, bot = build_bolt_app(
        services,
        responder,
        adapter,
        signing_secret=signing_secret or "",
        oauth_settings=oauth,
    )
    return SlackRuntime(
        bolt,
        bot,
        mode=mode,
        port=settings.slack.port if port is None else port,
        host=host,
        app_token=_secret(settings, "slack_app_token"),
        ping_interval=ping_interval,
        gate=RequestGate(signing_secret, store=services.store) if signing_secret else None,
    )


class SlackPlatform:
    """Slack, as ``bot.run.PLATFORMS`` lists it."""

    name = "slack"

    def configured(self, settings: Settings) -> bool:
        return slack_configured(settings)

    def build(self, services: PlatformServices, conversations: Responder) -> SlackRuntime:
        return build_slack(services, responder=conversations)


SLACK = SlackPlatform()
