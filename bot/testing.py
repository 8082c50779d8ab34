"""Testing helpers, shipped as public API so adapters and users can test against them."""

from __future__ import annotations

from bot.domain import Briefing


class RecordingAdapter:
    """A `ChatAdapter` that keeps every briefing it is asked to post, in order."""

    name = "recording"

    def __init__(self) -> None:
        self.posted: list[Briefing] = []
        self._by_key: dict[tuple[str, str], str] = {}

    async def post_briefing(self, briefing: Briefing) -> str:
        self.posted.append(briefing)
        message_id = f"rec-{len(self.posted)}"
        self._by_key[(briefing.channel, briefing.idempotency_key)] = message_id
        return message_id

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        return self._by_key.get((channel, idempotency_key))
