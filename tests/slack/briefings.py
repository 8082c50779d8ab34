"""Fixed briefings for the Slack tests, built explicitly so they stay stable while the
extractor changes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import Briefing, BriefingItem, Bullet, Quote, QuoteKind

SEED_URL = "https://demo.newsbrief.invalid/articles/kremlin-talks.html"


def _quote(text: str, kind: QuoteKind = QuoteKind.DIRECT, speaker: str | None = None) -> Quote:
    return Quote(text=text, start=0, end=len(text), kind=kind, speaker=speaker)


def seed_briefing(channel: str = "slack:C0SEED") -> Briefing:
    """The seed article ("Kremlin throws cold water on Trump's peace push") as a briefing."""
    item = BriefingItem(
        title="Kremlin throws cold water on Trump's peace push",
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
                quotes=(_quote("a road to nowhere", speaker="Sergey Lavrov"),),
            ),
            Bullet(
                speaker="a White House official",
                speaker_role=None,
                quotes=(
                    _quote(
                        "continue to engage with Russian and Ukrainian officials towards a "
                        "bilateral meeting"
                    ),
                    _quote(
                        "it is not in the national interest to further negotiate these "
                        "issues publicly"
                    ),
                ),
            ),
            Bullet(
                speaker="a former administration official",
                speaker_role=None,
                quotes=(
                    _quote(
                        "He’s long believed that Russia has the upper hand in the war itself "
                        "and needs to be coaxed into peace talks"
                    ),
                ),
            ),
            Bullet(
                speaker="Trump",
                speaker_role=None,
                quotes=(
                    _quote(
                        "the talks are still on track",
                        kind=QuoteKind.INDIRECT,
                    ),
                ),
            ),
        ),
        published_at=datetime(2026, 11, 24, 7, 10, tzinfo=UTC),
        story_ids=(1,),
    )
    return Briefing(
        channel=channel,
        title="Your news briefing",
        items=(item,),
        generated_at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        idempotency_key=f"briefing:{channel}:seed",
        notes=("1 feed failed to update: https://feeds.example/broken.xml",),
    )
