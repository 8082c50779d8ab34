"""Fixed briefings for the Discord tests, built explicitly so they stay stable while the
extractor changes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import Briefing, BriefingItem, Bullet, Quote, QuoteKind

SEED_URL = "https://demo.newsbrief.invalid/articles/kremlin-talks.html"
SEED_TITLE = "Kremlin throws cold water on Trump's peace push"


def quote(text: str, kind: QuoteKind = QuoteKind.DIRECT, speaker: str | None = None) -> Quote:
    return Quote(text=text, start=0, end=len(text), kind=kind, speaker=speaker)


def seed_item(story_id: int = 1) -> BriefingItem:
    return BriefingItem(
        title=SEED_TITLE,
        url=SEED_URL,
        sources=("Politics Desk",),
        gist=(
            "The Kremlin has publicly thrown cold water on Trump’s claim that Moscow is "
            "increasingly open to new security guarantees, while ramping up missile attacks "
            "on Ukraine."
        ),
        bullets=(
            Bullet(
                speaker="Sergey Lavrov",
                speaker_role="foreign minister",
                quotes=(quote("a road to nowhere", speaker="Sergey Lavrov"),),
            ),
            Bullet(
                speaker="a White House official",
                speaker_role=None,
                quotes=(
                    quote(
                        "continue to engage with Russian and Ukrainian officials towards a "
                        "bilateral meeting"
                    ),
                    quote(
                        "it is not in the national interest to further negotiate these "
                        "issues publicly"
                    ),
                ),
            ),
            Bullet(
                speaker="a former administration official",
                speaker_role=None,
                quotes=(
                    quote(
                        "He’s long believed that Russia has the upper hand in the war itself "
                        "and needs to be coaxed into peace talks"
                    ),
                ),
            ),
            Bullet(
                speaker="Trump",
                speaker_role=None,
                quotes=(quote("the talks are still on track", kind=QuoteKind.INDIRECT),),
            ),
        ),
        published_at=datetime(2026, 11, 24, 7, 10, tzinfo=UTC),
        story_ids=(story_id,),
    )


def seed_briefing(channel: str = "discord:1100000000000000500", story_id: int = 1) -> Briefing:
    """The seed article ("Kremlin throws cold water on Trump's peace push") as a briefing."""
    return Briefing(
        channel=channel,
        title="Your news briefing",
        items=(seed_item(story_id),),
        generated_at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        idempotency_key=f"briefing:{channel}:seed",
        notes=("1 feed failed to update: https://feeds.example/broken.xml",),
    )


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
