"""Testing helpers, shipped as public API: a fake Discord REST server and payload builders.

`FakeDiscord` is a real HTTP server on a loopback port that answers the
slice of Discord's REST API the bot uses (log in, send and list messages,
threads, interaction callbacks and follow-ups, command sync) and records every
request. It answers a resend carrying an earlier ``nonce`` with ``enforce_nonce``
with the first message, as Discord does; `FakeDiscord.fail` forces error answers
and `FakeDiscord.drop_after_answering` cuts the connection after a request took
effect. Inside ``async with FakeDiscord() as api`` discord.py's
``Route.BASE`` points at it (restored on exit), so a real `discord.Client`
logged in with any token talks to it::

    async with FakeDiscord() as api:
        client = discord.Client(intents=discord.Intents.none())
        await client.login("token")
        ...
        assert api.requests[-1].json["allowed_mentions"] == {"parse": []}
        await client.close()

The payload builders (`interaction_payload`, `message_payload`...) produce the
dicts Discord sends through the gateway, to build real `discord.Interaction`
and `discord.Message` objects against the client's `ConnectionState`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord.http
from aiohttp import web

API_PREFIX = "/api/v10"
BOT_USER_ID = 1_100_000_000_000_000_001
APPLICATION_ID = BOT_USER_ID
GUILD_ID = 1_100_000_000_000_000_100
USER_ID = 1_100_000_000_000_000_200
# Snowflakes handed out by the fake grow from here, so they sort like Discord's.
_FIRST_SNOWFLAKE = 1_200_000_000_000_000_000

Json = dict[str, Any]


@dataclass(slots=True)
class Drop:
    """Requests matching ``method`` and the ``path`` regex that take effect, then lose
    their answer (the connection is cut)."""

    method: str
    path: re.Pattern[str]
    times: int
    after: int = 0  # matching requests to answer first


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received: method, path (without /api/v10), query and JSON body."""

    method: str
    path: str
    query: dict[str, str]
    json: Any


@dataclass(slots=True)
class Failure:
    """An answer to force for requests matching ``method`` and the ``path`` regex."""

    method: str
    path: re.Pattern[str]
    status: int
    body: Json
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    after: int = 0  # matching requests to let through first


def user_payload(user_id: int = USER_ID, name: str = "reader", *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


def bot_user_payload() -> Json:
    return user_payload(BOT_USER_ID, "newsbrief", bot=True)


def member_payload(user: Json | None = None, *, permissions: int = 0) -> Json:
    return {
        "user": user or user_payload(),
        "roles": [],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


def text_channel_payload(channel_id: int, *, guild_id: int = GUILD_ID) -> Json:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "news",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }


def dm_channel_payload(channel_id: int, user: Json | None = None) -> Json:
    """A direct-message channel between a user and the bot (type 1: no guild)."""
    return {
        "id": str(channel_id),
        "type": 1,
        "recipients": [user or user_payload()],
        "last_message_id": None,
    }


def dm_interaction_payload(
    interaction_id: int, *, type: int, data: Json, channel_id: int, user: Json | None = None
) -> Json:
    """An INTERACTION_CREATE from a direct message with the bot: no guild, a ``user``
    instead of a ``member``, interaction context 1 (BOT_DM)."""
    payload = interaction_payload(
        interaction_id,
        type=type,
        data=data,
        channel_id=channel_id,
        channel=dm_channel_payload(channel_id, user),
    )
    for key in ("guild_id", "member", "guild_locale"):
        payload.pop(key)
    payload["user"] = user or user_payload()
    payload["context"] = 1
    payload["authorizing_integration_owners"] = {"1": str(USER_ID)}
    return payload


def guild_payload(
    guild_id: int = GUILD_ID,
    *,
    channels: list[Json] | None = None,
    threads: list[Json] | None = None,
) -> Json:
    """A GUILD_CREATE payload: what the ``guilds`` intent puts in the bot's cache at startup."""
    return {
        "id": str(guild_id),
        "name": "Newsroom",
        "icon": None,
        "owner_id": str(USER_ID),
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "members": [],
        "channels": channels or [],
        "threads": threads or [],
        "member_count": 2,
        "unavailable": False,
        "large": False,
        "mfa_level": 0,
        "verification_level": 0,
        "explicit_content_filter": 0,
        "default_message_notifications": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
    }


def thread_payload(
    thread_id: int, parent_id: int, *, name: str = "thread", guild_id: int = GUILD_ID
) -> Json:
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "name": name,
        "owner_id": str(BOT_USER_ID),
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": _now(),
            "locked": False,
        },
    }


def message_payload(
    message_id: int,
    channel_id: int,
    *,
    content: str = "",
    author: Json | None = None,
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    mentions: list[Json] | None = None,
    guild_id: int | None = GUILD_ID,
    member: Json | None = None,
    nonce: str | None = None,
) -> Json:
    payload: Json = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": content,
        "author": author or bot_user_payload(),
        "embeds": embeds or [],
        "components": components or [],
        "attachments": [],
        "mentions": mentions or [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": _now(),
        "edited_timestamp": None,
        "flags": 0,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
    if member is not None:
        payload["member"] = member
    if nonce is not None:
        payload["nonce"] = nonce
    return payload


def interaction_payload(
    interaction_id: int,
    *,
    type: int,
    data: Json,
    channel_id: int,
    guild_id: int = GUILD_ID,
    user: Json | None = None,
    permissions: int = 0,
    message: Json | None = None,
    channel: Json | None = None,
) -> Json:
    """An INTERACTION_CREATE payload; ``type`` 2 is a command, 3 a component, 4 autocomplete."""
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(APPLICATION_ID),
        "type": type,
        "data": data,
        "guild_id": str(guild_id),
        "channel_id": str(channel_id),
        "channel": channel or text_channel_payload(channel_id, guild_id=guild_id),
        "member": member_payload(user, permissions=permissions),
        "token": f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str((1 << 53) - 1),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": 10_485_760,
    }
    if message is not None:
        payload["message"] = message
    return payload


def command_data(
    name: str, options: list[Json] | None = None, *, guild_id: int | None = GUILD_ID
) -> Json:
    """The ``data`` of a slash-command interaction; nest subcommands as options of type 1.

    ``guild_id`` is set for a command registered to a guild, None for a global one.
    """
    data: Json = {"id": str(_FIRST_SNOWFLAKE - 1), "name": name, "type": 1}
    data["options"] = options or []
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def option(name: str, value: Any, *, type: int = 3, focused: bool = False) -> Json:
    """A command option (type 3 is a string); ``focused`` marks the one being autocompleted."""
    payload: Json = {"name": name, "type": type, "value": value}
    if focused:
        payload["focused"] = True
    return payload


def subcommand(name: str, options: list[Json] | None = None) -> Json:
    return {"name": name, "type": 1, "options": options or []}


class FakeDiscord:
    """A loopback Discord REST API that records requests; see the module docstring."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.messages: dict[int, list[Json]] = {}  # channel id → messages, oldest first
        self.channels: dict[int, Json] = {}
        self.followups: dict[str, list[Json]] = {}  # interaction token → follow-up messages
        self.failures: list[Failure] = []
        self.drops: list[Drop] = []
        # (channel id, nonce) → the message it created: Discord keeps these a few minutes,
        # deleted messages included, and answers an ``enforce_nonce`` resend with it.
        self.nonces: dict[tuple[int, str], Json] = {}
        self._ids: Iterator[int] = itertools.count(_FIRST_SNOWFLAKE)
        self._runner: web.AppRunner | None = None
        self._saved_base = ""
        self.base_url = ""

    # -- control ------------------------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
        headers: dict[str, str] | None = None,
        extra: Json | None = None,
        after: int = 0,
    ) -> None:
        """Answer ``times`` requests to ``method path`` (a regex) with an error.

        ``after`` lets that many matching requests through first (fail the second
        part of a post, say); ``extra`` adds to the JSON error body (a 429's
        ``retry_after``).
        """
        self.failures.append(
            Failure(
                method,
                re.compile(path),
                status,
                {"message": message, "code": code, **(extra or {})},
                times,
                headers or {},
                after,
            )
        )

    def drop_after_answering(
        self, method: str, path: str, *, times: int = 1, after: int = 0
    ) -> None:
        """The next ``times`` requests to ``method path`` (a regex), after ``after`` more
        answered ones, take effect; then the connection drops before the answer, so the
        client cannot know whether they worked."""
        self.drops.append(Drop(method, re.compile(path), times, after))

    def add_message(self, channel_id: int, payload: Json) -> Json:
        self.messages.setdefault(channel_id, []).append(payload)
        return payload

    def sent(self, method: str = "POST", path: str = "") -> list[RecordedRequest]:
        """Recorded requests with ``method`` whose path matches the ``path`` regex."""
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    def message_posts(self) -> list[RecordedRequest]:
        """Every request that created or edited a message (channel sends, follow-ups, callbacks)."""
        return [
            r
            for r in self.requests
            if r.method in {"POST", "PATCH"}
            and re.search(
                r"/messages$|/messages/@original$|^/webhooks/\d+/[^/]+$|/callback$", r.path
            )
        ]

    # -- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self._saved_base = discord.http.Route.BASE
        discord.http.Route.BASE = self.base_url + API_PREFIX
        return self

    async def __aexit__(self, *exc: object) -> None:
        discord.http.Route.BASE = self._saved_base
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            body = _decode_body(raw, request.content_type)
        self.requests.append(RecordedRequest(request.method, path, dict(request.query), body))
        forced = self._forced(request.method, path)
        if forced is not None:
            return forced
        for method, pattern, handler in self._routes():
            found = pattern.fullmatch(path)
            if method == request.method and found:
                response = handler(request, body, *found.groups())
                if self._dropped(request.method, path):
                    assert request.transport is not None
                    request.transport.abort()
                return response
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _dropped(self, method: str, path: str) -> bool:
        for drop in self.drops:
            if drop.times > 0 and drop.method == method and drop.path.search(path):
                if drop.after > 0:
                    drop.after -= 1
                    continue
                drop.times -= 1
                return True
        return False

    def _forced(self, method: str, path: str) -> web.Response | None:
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and failure.path.search(path):
                if failure.after > 0:
                    failure.after -= 1
                    continue
                failure.times -= 1
                return _json(failure.body, status=failure.status, headers=failure.headers)
        return None

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., web.Response]]]:
        table: list[tuple[str, str, Callable[..., web.Response]]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", self._gateway),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("GET", r"/channels/(\d+)/messages", self._list_messages),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._create_thread),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._no_content),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    def _me(self, request: web.Request, body: Any) -> web.Response:
        return _json(bot_user_payload())

    def _application(self, request: web.Request, body: Any) -> web.Response:
        return _json(
            {
                "id": str(APPLICATION_ID),
                "name": "newsbrief",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    def _gateway(self, request: web.Request, body: Any) -> web.Response:
        return _json({"url": "ws://127.0.0.1:9", "shards": 1})

    def _create_message(self, request: web.Request, body: Json, channel: str) -> web.Response:
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self.nonces.get((int(channel), str(nonce)))
            if earlier is not None:
                return _json(earlier)  # a resend: Discord answers with the first message
        payload = self._message_from(body, int(channel))
        self.add_message(int(channel), payload)
        if nonce is not None:
            self.nonces[(int(channel), str(nonce))] = payload
        return _json(payload)

    def _list_messages(self, request: web.Request, body: Any, channel: str) -> web.Response:
        newest_first = list(reversed(self.messages.get(int(channel), [])))
        before = request.query.get("before")
        if before:
            newest_first = [m for m in newest_first if int(m["id"]) < int(before)]
        limit = int(request.query.get("limit", "50"))
        return _json(newest_first[:limit])

    def _get_message(self, request: web.Request, body: Any, channel: str, mid: str) -> web.Response:
        for message in self.messages.get(int(channel), []):
            if message["id"] == mid:
                return _json(message)
        return _json({"message": "Unknown Message", "code": 10008}, status=404)

    def _delete_message(
        self, request: web.Request, body: Any, channel: str, mid: str
    ) -> web.Response:
        kept = [m for m in self.messages.get(int(channel), []) if m["id"] != mid]
        if len(kept) == len(self.messages.get(int(channel), [])):
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        self.messages[int(channel)] = kept
        return web.Response(status=204)

    def _create_thread(
        self, request: web.Request, body: Json, channel: str, mid: str
    ) -> web.Response:
        thread = thread_payload(int(mid), int(channel), name=body.get("name", "thread"))
        self.channels[int(mid)] = thread
        return _json(thread, status=201)

    def _get_channel(self, request: web.Request, body: Any, channel: str) -> web.Response:
        payload = self.channels.get(int(channel)) or text_channel_payload(int(channel))
        return _json(payload)

    def _callback(self, request: web.Request, body: Json, iid: str, token: str) -> web.Response:
        flags = (body.get("data") or {}).get("flags", 0)
        return _json(
            {
                "interaction": {
                    "id": iid,
                    "type": 2,
                    "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": bool(flags & 64),
                }
            }
        )

    def _followup(self, request: web.Request, body: Json, app: str, token: str) -> web.Response:
        payload = self._message_from(body, 0, webhook_id=int(app))
        self.followups.setdefault(token, []).append(payload)
        return _json(payload)

    def _edit_original(
        self, request: web.Request, body: Json, app: str, token: str
    ) -> web.Response:
        payload = self._message_from(body, 0, webhook_id=int(app))
        return _json(payload)

    def _no_content(self, request: web.Request, body: Any, *ids: str) -> web.Response:
        return web.Response(status=204)

    def _sync(self, request: web.Request, body: list[Json], *ids: str) -> web.Response:
        answered = [
            {
                **command,
                "id": str(self.next_id()),
                "application_id": str(APPLICATION_ID),
                "version": "1",
                "default_member_permissions": None,
            }
            for command in body
        ]
        return _json(answered)

    def _message_from(self, body: Json, channel: int, *, webhook_id: int | None = None) -> Json:
        payload = message_payload(
            self.next_id(),
            channel,
            content=body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            nonce=body.get("nonce"),
        )
        payload["flags"] = body.get("flags", 0)
        if webhook_id is not None:
            payload["webhook_id"] = str(webhook_id)
        return payload


def _json(
    payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py decodes a body only when Content-Type is exactly "application/json".
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _decode_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if content_type == "application/json":
        return json.loads(raw)
    if content_type.startswith("multipart/"):
        # discord.py sends files as multipart with the JSON in "payload_json".
        found = re.search(rb'name="payload_json"\r\n(?:[^\r\n]*\r\n)*\r\n(.*?)\r\n--', raw, re.S)
        return json.loads(found[1]) if found else None
    return raw.decode("utf-8", "replace")


def _now() -> str:
    return datetime.now(UTC).isoformat()
