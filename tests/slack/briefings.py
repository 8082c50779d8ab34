"""The fixed seed-article briefing (`bot.testing.seed_briefing`) on a Slack channel."""

from __future__ import annotations

from bot import testing
from bot.domain import Briefing
from bot.testing import SEED_URL

__all__ = ["SEED_URL", "seed_briefing"]


def seed_briefing(channel: str = "slack:C0SEED") -> Briefing:
    return testing.seed_briefing(channel)
