"""`WEBHOOK`: incoming webhooks as a platform ``bot.run`` starts (``WEBHOOK_URLS`` set).

Nothing to connect: the runtime holds the adapter and closes its connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.webhook.adapter import PLATFORM, WebhookAdapter
from bot.conversation.replies import Responder
from bot.ingest.guard import UrlGuard
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.platform import PlatformServices


class WebhookRuntime:
    """The webhook adapter's lifetime: `start` does nothing, `close` closes its pool."""

    def __init__(self, adapter: WebhookAdapter) -> None:
        self._adapter = adapter

    @property
    def adapter(self) -> WebhookAdapter:
        return self._adapter

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self._adapter.aclose()


def build_webhook(settings: Settings) -> WebhookRuntime:
    urls = {name: url.get_secret_value() for name, url in settings.webhook_urls.items()}
    adapter = WebhookAdapter(
        urls,
        guard=UrlGuard(allow_hosts=settings.ingest.allow_hosts),
        format=settings.webhook.format,
        timeout=settings.webhook.timeout_seconds,
    )
    return WebhookRuntime(adapter)


class WebhookPlatform:
    """Incoming webhooks, as ``bot.run.PLATFORMS`` lists them (post-only: no conversations)."""

    name = PLATFORM

    def configured(self, settings: Settings) -> bool:
        return bool(settings.webhook_urls)

    def build(self, services: PlatformServices, conversations: Responder) -> WebhookRuntime:
        return build_webhook(services.settings)


WEBHOOK = WebhookPlatform()
