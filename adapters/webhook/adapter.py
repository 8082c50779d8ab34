"""`WebhookAdapter`: the `ChatAdapter` that POSTs briefings to incoming-webhook URLs.

Post-only: a webhook cannot be read back, so `find_posted` never finds anything and
a briefing whose post outran a crash (posted, not yet recorded in the delivery log)
is posted again after the lease: at least once, never lost. Every post carries the
briefing's key in an ``Idempotency-Key`` header for receivers that honour it.

The URL is checked by the same `UrlGuard` as feeds (private, loopback, link-local
and metadata addresses refused unless in ``ingest.allow_hosts``), and the connection
dials only the address that was checked. Redirects are not followed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

import httpx

from adapters.webhook.render import briefing_json, briefing_markdown
from bot.domain import Briefing
from bot.errors import DeliveryError, FetchError
from bot.ingest.guard import GuardedTransport, UrlGuard
from bot.ports import PostLog

PLATFORM = "webhook"
FORMATS = ("markdown", "json")


def hook_name(channel: str) -> str:
    """The hook's name in "webhook:NAME"; DeliveryError for anything else."""
    platform, _, name = channel.partition(":")
    if platform != PLATFORM or not name:
        raise DeliveryError(f"{channel!r} is not a webhook channel; expected webhook:NAME")
    return name


class WebhookAdapter:
    """Posts each briefing as one JSON ``POST`` to the URL its channel's name maps to.

    ``urls`` maps hook names to URLs (``WEBHOOK_URLS``); ``format`` is ``"markdown"``
    (``{"text": …}``, what Mattermost, Teams, Google Chat and Rocket.Chat accept) or
    ``"json"`` (the same ``text`` plus the briefing as data).
    """

    name = PLATFORM

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        guard: UrlGuard,
        format: str = "markdown",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"webhook format must be one of {FORMATS}, not {format!r}")
        self.urls = dict(urls)
        self.guard = guard
        self.format = format
        self._client = httpx.AsyncClient(
            transport=transport or GuardedTransport(guard, limits=httpx.Limits(max_connections=10)),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
        )

    def payload(self, briefing: Briefing) -> dict[str, object]:
        if self.format == "json":
            return briefing_json(briefing)
        return {"text": briefing_markdown(briefing)}

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        """POST ``briefing``; a message id of our own (webhooks return none). DeliveryError."""
        name = hook_name(briefing.channel)
        url = self.urls.get(name)
        if url is None:
            raise DeliveryError(f"no URL for webhook {name!r}: add it to WEBHOOK_URLS")
        body = json.dumps(self.payload(briefing), ensure_ascii=False).encode()
        headers = {"content-type": "application/json; charset=utf-8"}
        if briefing.idempotency_key:
            headers["idempotency-key"] = briefing.idempotency_key
        try:
            await self.guard.check(httpx.URL(url))
            response = await self._client.post(url, content=body, headers=headers)
        except FetchError as exc:  # the guard's BlockedURLError
            raise DeliveryError(f"webhook {name}: {exc}") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise DeliveryError(f"posting to webhook {name} failed: {exc!r}") from exc
        if not response.is_success:
            raise DeliveryError(
                f"webhook {name} refused the briefing: HTTP {response.status_code} "
                f"{response.text[:200]}"
            )
        return f"{PLATFORM}:{name}:{briefing.idempotency_key or briefing.generated_at.isoformat()}"

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        """Always None: a webhook cannot be asked what it received (see the module)."""
        return None

    async def aclose(self) -> None:
        await self._client.aclose()
