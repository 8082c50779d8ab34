"""`FakeSlack`: a real Slack Web API (and Socket Mode) server on a free loopback port.

Public API, for our tests and anyone testing against newsbrief's Slack adapter.
Point an ``AsyncWebClient`` at it with ``base_url=fake.api_url``; it records
every call, answers the methods newsbrief uses, keeps channel histories (with
message metadata), returns 429s on demand (`FakeSlack.rate_limit`) and refuses
payloads that break Slack's limits or ask for ``link_names``/``parse=full``::

    async with FakeSlack() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        assert slack.calls_to("chat.postMessage")[0].params["channel"] == "C1"
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from adapters.slack.blocks import payload_problems

BOT_USER_ID = "UNEWSBRIEF"
BOT_ID = "BNEWSBRIEF"
TEAM_ID = "T0TEAM"


@dataclass(frozen=True)
class Call:
    """One request: the API method (or ``respond:<path>`` for response URLs) and its params."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class _Outage:
    status: int
    error: str
    retry_after: int | None
    remaining: int
    skip: int = 0  # calls that still succeed before this outage begins


@dataclass
class FakeSlack:
    """The fake server. ``admins`` are the user ids ``users.info`` reports as admins."""

    admins: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    history_page_size: int = 100
    history_interval: float = 0.0  # > 0: a history read sooner than this after the last is a 429
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    accept_sockets: bool = True  # False: apps.connections.open fails, as during an outage
    installed_token: str = "xoxb-installed"  # what oauth.v2.access hands out
    _outages: dict[str, list[_Outage]] = field(default_factory=lambda: defaultdict(list))
    _drops: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _last_history_read: float | None = None
    _last_ts_us: int = 0
    _runner: web.AppRunner | None = None
    _port: int = 0
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{path:.*}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        self._port = listener.getsockname()[1]
        await web.SockSite(self._runner, listener).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What to pass as ``AsyncWebClient(base_url=...)`` (ends with a slash, as Slack's)."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A ``response_url`` for slash-command and action payloads; posts to it are recorded."""
        return f"{self.base_url}/respond/{name}"

    # -- what tests ask ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, *, timeout: float = 5.0) -> list[Call]:
        """The calls to ``method`` once there are ``count`` of them (bolt answers after its ack)."""
        deadline = time.monotonic() + timeout
        while len(self.calls_to(method)) < count:
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"expected {count} {method} call(s) in {timeout}s; saw {seen}")
            await asyncio.sleep(0.01)
        return self.calls_to(method)

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Successful ``chat.postMessage`` params, optionally for one channel."""
        return [
            m["_params"]
            for ch, messages in self.history.items()
            if channel is None or ch == channel
            for m in reversed(messages)
        ]

    def limit_history_as_outside_the_marketplace(self, *, interval: float = 60.0) -> None:
        """``conversations.history`` as Slack limits apps not in its Marketplace: at most
        15 messages a request, and a 429 (``Retry-After``) for a request sooner than
        ``interval`` seconds (a minute at Slack) after the one before."""
        self.history_page_size = 15
        self.history_interval = interval

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 0) -> None:
        """The next ``times`` calls to ``method`` get HTTP 429 with ``Retry-After``."""
        self._outages[method].append(_Outage(429, "ratelimited", retry_after, times))

    def drop_after_answering(self, method: str, *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` take effect, then the connection drops
        before the answer: the client cannot know whether it worked."""
        self._drops[method] += times

    def fail(
        self, method: str, error: str, *, times: int = 1, after: int = 0, status: int = 200
    ) -> None:
        """After ``after`` more successful calls, the next ``times`` calls to ``method``
        answer ``{"ok": false, "error": error}``."""
        self._outages[method].append(_Outage(status, error, None, times, skip=after))

    async def send_envelope(self, payload: dict[str, Any], *, envelope_type: str) -> str:
        """Push a Socket Mode envelope to every connected client; return its envelope_id."""
        envelope_id = f"env-{next(self._ts)}"
        message = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        for ws in self._sockets:
            await ws.send_str(json.dumps(message))
        return envelope_id

    async def drop_sockets(self) -> None:
        """Close every Socket Mode connection from the server side, as Slack sometimes does."""
        for ws in list(self._sockets):
            await ws.close()

    # -- handlers ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(Call(method, params, dict(request.headers), time.monotonic()))
        outage = self._next_outage(method) or self._history_too_soon(method)
        if outage is not None:
            headers = (
                {"Retry-After": str(outage.retry_after)} if outage.retry_after is not None else {}
            )
            return web.json_response(
                {"ok": False, "error": outage.error}, status=outage.status, headers=headers
            )
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = answer(params)
        if self._drops.get(method):
            self._drops[method] -= 1
            assert request.transport is not None
            request.transport.abort()
        return web.json_response(body)

    async def _respond(self, request: web.Request) -> web.Response:
        params = await _params(request)
        self.calls.append(
            Call(
                f"respond:{request.match_info['path']}",
                params,
                dict(request.headers),
                time.monotonic(),
            )
        )
        problems = payload_problems(params)
        if problems:
            return web.json_response({"ok": False, "error": "invalid_blocks", "problems": problems})
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            self._sockets.remove(ws)
        return ws

    def _history_too_soon(self, method: str) -> _Outage | None:
        if method != "conversations.history" or not self.history_interval:
            return None
        now, last = time.monotonic(), self._last_history_read
        if last is not None and now - last < self.history_interval:
            wait = math.ceil(last + self.history_interval - now)
            return _Outage(429, "ratelimited", wait, 1)
        self._last_history_read = now
        return None

    def _next_outage(self, method: str) -> _Outage | None:
        queue = self._outages.get(method)
        if not queue:
            return None
        outage = queue[0]
        if outage.skip > 0:
            outage.skip -= 1
            return None
        outage.remaining -= 1
        if outage.remaining <= 0:
            queue.pop(0)
        return outage

    # -- the Web API methods ----------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.invalid/",
            "team": "Fake",
            "team_id": TEAM_ID,
            "user": "newsbrief",
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.accept_sockets:
            return {"ok": False, "error": "service_unavailable"}
        return {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket"}

    def _oauth_v2_access(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("code"):
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A0NEWSBRIEF",
            "authed_user": {"id": "U0ADMIN"},
            "scope": "chat:write,commands",
            "token_type": "bot",
            "access_token": self.installed_token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": "Fake"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        refused = _refusal(params)
        if refused:
            return refused
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": params.get("text", ""),
            "blocks": params.get("blocks", []),
            "_params": params,
        }
        if params.get("metadata"):
            message["metadata"] = params["metadata"]
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.history[params["channel"]].insert(0, message)
        shown = {k: v for k, v in message.items() if k != "_params"}
        return {"ok": True, "channel": params["channel"], "ts": ts, "message": shown}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        refused = _refusal(params)
        if refused:
            return refused
        return {"ok": True, "message_ts": self._next_ts()}

    def _next_ts(self) -> str:
        """A message ts as Slack makes them: the time it arrived, unique in the workspace."""
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        messages = [
            m
            for m in self.history.get(params["channel"], [])
            if ("thread_ts" not in m or m["thread_ts"] == m["ts"]) and float(m["ts"]) > oldest
        ]
        return self._page(messages, params)

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        parent = str(params["ts"])
        thread = [
            m
            for m in reversed(self.history.get(params["channel"], []))
            if m["ts"] == parent or m.get("thread_ts") == parent
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return self._page(thread, params)

    def _page(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = min(int(params.get("limit") or self.history_page_size), self.history_page_size)
        start = int(params.get("cursor") or 0)
        metadata = str(params.get("include_all_metadata", "")).lower() in {"1", "true"}
        page = [
            {k: v for k, v in m.items() if k != "_params" and (metadata or k != "metadata")}
            for m in messages[start : start + limit]
        ]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params["user"])
        admin = user in self.admins
        return {
            "ok": True,
            "user": {"id": user, "team_id": TEAM_ID, "is_admin": admin, "is_owner": False},
        }


def _refusal(params: dict[str, Any]) -> dict[str, Any] | None:
    """Slack would accept these, but newsbrief must never send them: fail the test loudly."""
    if params.get("link_names") not in (None, False, 0, "0", "false"):
        return {"ok": False, "error": "newsbrief_must_not_set_link_names"}
    if params.get("parse") == "full":
        return {"ok": False, "error": "newsbrief_must_not_set_parse_full"}
    problems = payload_problems(params)
    if problems:
        return {"ok": False, "error": "invalid_blocks", "problems": problems}
    return None


async def _params(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if request.content_type == "application/json":
        body: dict[str, Any] = json.loads(raw or b"{}")
    else:
        body = dict(parse_qsl(raw.decode()))
        body.update(dict(request.query))
    for key in ("blocks", "metadata"):
        if isinstance(body.get(key), str):
            body[key] = json.loads(body[key])
    return body


# -- what Slack sends: payload builders for tests ------------------------------------------

SIGNING_SECRET = "newsbrief-test-signing-secret"


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack signs a request with (``timestamp`` defaults to now)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded"
        if not body.startswith("{")
        else "application/json",
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature or "",
    }


def slash_command_body(
    command: str,
    text: str,
    *,
    response_url: str,
    user: str = "U0ASKER",
    channel: str = "C0NEWS",
    team: str = TEAM_ID,
) -> str:
    """A slash command as Slack posts it (form-encoded)."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "channel_id": channel,
            "user_id": user,
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "api_app_id": "A0NEWSBRIEF",
        }
    )


def event_body(event: dict[str, Any], *, event_id: str, team: str = TEAM_ID) -> dict[str, Any]:
    """An Events API ``event_callback`` (the HTTP body, or a Socket Mode envelope's payload)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "api_app_id": "A0NEWSBRIEF",
        "event": {**event, "team": team},
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
        ],
    }


def block_action_body(
    action_id: str,
    value: str,
    *,
    response_url: str,
    message_ts: str,
    user: str = "U0ASKER",
    channel: str = "C0NEWS",
    team: str = TEAM_ID,
) -> str:
    """A button press (``block_actions``), form-encoded with its JSON ``payload``."""
    payload = {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0NEWSBRIEF",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel},
        "message": {"ts": message_ts, "type": "message"},
        "response_url": response_url,
        "trigger_id": "1.2.3",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})
