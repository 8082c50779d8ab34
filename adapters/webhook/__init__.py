"""Incoming webhooks: post-only briefings for Mattermost, Microsoft Teams, Google Chat,
Rocket.Chat and anything else that takes a JSON ``POST`` with a ``text`` field.

- `adapters.webhook.render`: the briefing as escaped Markdown, or as JSON;
- `adapters.webhook.adapter`: `WebhookAdapter`, the `ChatAdapter` port over guarded httpx;
- `adapters.webhook.runtime`: `WEBHOOK`, the platform ``bot.run`` starts when
  ``WEBHOOK_URLS`` names at least one hook.
"""

from adapters.webhook.adapter import WebhookAdapter
from adapters.webhook.render import briefing_json, briefing_markdown, escape
from adapters.webhook.runtime import WEBHOOK, WebhookRuntime

__all__ = [
    "WEBHOOK",
    "WebhookAdapter",
    "WebhookRuntime",
    "briefing_json",
    "briefing_markdown",
    "escape",
]
