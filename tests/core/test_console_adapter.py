"""The console adapter renders a Briefing readably and escapes nothing it shouldn't."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from adapters.console import ConsoleAdapter
from bot.domain import Briefing, BriefingItem, Bullet, Quote, QuoteKind


def briefing() -> Briefing:
    quote = Quote(
        text="a road to nowhere", start=0, end=17, kind=QuoteKind.DIRECT, speaker="Sergey Lavrov"
    )
    said = Quote(
        text="the talks are still on track",
        start=0,
        end=28,
        kind=QuoteKind.INDIRECT,
        speaker="a White House official",
    )
    item = BriefingItem(
        title="Kremlin throws [bold]cold water[/bold]",
        url="https://news.example/kremlin",
        sources=("Politics Desk", "Wire"),
        gist="Russia's foreign minister dismissed the talks.",
        bullets=(
            Bullet(
                speaker="Sergey Lavrov", speaker_role="Russian foreign minister", quotes=(quote,)
            ),
            Bullet(speaker="a White House official", speaker_role=None, quotes=(said,)),
        ),
    )
    return Briefing(
        channel="console:t",
        title="Morning briefing",
        items=(item,),
        generated_at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        idempotency_key="briefing:console:t:abc",
    )


async def test_renders_title_sources_and_who_said_what() -> None:
    console = Console(record=True, width=120, color_system=None)
    adapter = ConsoleAdapter(console)
    message_id = await adapter.post_briefing(briefing())
    out = console.export_text()
    assert "Morning briefing" in out
    # Story text is shown literally, never interpreted as rich markup.
    assert "Kremlin throws [bold]cold water[/bold]" in out
    assert "Politics Desk · Wire" in out
    assert "Sergey Lavrov (Russian foreign minister): “a road to nowhere”" in out
    assert "a White House official: the talks are still on track" in out
    assert await adapter.find_posted("console:t", "briefing:console:t:abc") == message_id


async def test_an_empty_briefing_says_so() -> None:
    console = Console(record=True, width=80, color_system=None)
    empty = Briefing(
        channel="console:t", title="Briefing", items=(), generated_at=datetime.now(UTC)
    )
    await ConsoleAdapter(console).post_briefing(empty)
    assert "Nothing new since the last briefing." in console.export_text()
