"""Fixed briefings for the Discord tests: the seed article (`bot.testing.seed_briefing`)
and feed content that tries to ping and mislead."""

from __future__ import annotations

from bot import testing
from bot.domain import Briefing, BriefingItem, Bullet
from bot.testing import SEED_TITLE, quote, seed_item

__all__ = ["SEED_TITLE", "hostile_item", "quote", "seed_briefing", "seed_item"]


def seed_briefing(channel: str = "discord:1100000000000000500", story_id: int = 1) -> Briefing:
    return testing.seed_briefing(channel, story_id)


def hostile_item(number: int = 1) -> BriefingItem:
    """Feed content that tries to ping everyone and a role, and to disguise a link."""
    return BriefingItem(
        title=f"@everyone Breaking <@&123456789012345678> [Reuters](https://evil.example) {number}",
        url="https://evil.example/story",
        sources=("[Reuters](https://evil.example)", "@here"),
        gist="Read it at [Reuters](https://evil.example) @everyone <@123456789012345678> **now**",
        bullets=(
            Bullet(
                speaker="@everyone",
                speaker_role="<@&123456789012345678>",
                quotes=(quote("[click](https://evil.example) @here <@&123456789012345678>"),),
            ),
        ),
        story_ids=(number,),
    )
