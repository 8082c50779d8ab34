"""The console adapter renders a Briefing readably and escapes nothing it shouldn't."""

from __future__ import annotations

import io
from dataclasses import replace
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


CLEAR_SCREEN = "\x1b[2J"
SET_WINDOW_TITLE = "\x1b]0;pwned\x07"  # an OSC sequence, BEL-terminated
HIDDEN_LINK = "\x1b]8;;https://evil.example\x1b\\"  # OSC 8, ST-terminated


async def test_feed_text_cannot_send_terminal_escape_codes() -> None:
    hostile = CLEAR_SCREEN + SET_WINDOW_TITLE + HIDDEN_LINK
    good = briefing()
    item = good.items[0]
    bullet = item.bullets[0]
    quote = replace(bullet.quotes[0], text=f"a road{hostile} to nowhere")
    said = replace(item.bullets[1].quotes[0], text=f"on track{hostile}")
    item = replace(
        item,
        title=f"Kremlin{hostile} throws cold water",
        url=f"https://news.example/kremlin{CLEAR_SCREEN}",
        sources=(f"Politics{hostile} Desk",),
        gist=f"Russia's foreign{hostile} minister",
        bullets=(
            replace(
                bullet,
                speaker=f"Sergey{hostile} Lavrov",
                speaker_role=f"foreign{hostile} minister",
                quotes=(quote,),
            ),
            replace(item.bullets[1], quotes=(said,)),
        ),
    )
    hostile_briefing = replace(
        good, title=f"Morning{hostile} briefing", items=(item,), notes=(f"1 feed{hostile} failed",)
    )
    terminal = io.StringIO()
    console = Console(file=terminal, record=True, width=200, color_system=None)
    await ConsoleAdapter(console).post_briefing(hostile_briefing)

    out = console.export_text(clear=False)
    for shown in (terminal.getvalue(), out):  # no colours asked for: any ESC came from the feed
        assert "\x1b" not in shown
        assert "\x07" not in shown
    assert "Morning[2J]0;pwned]8;;https://evil.example\\ briefing" in out  # inert leftovers
    assert "Sergey[2J]0;pwned]8;;https://evil.example\\ Lavrov" in out
    assert "“a road[2J]0;pwned]8;;https://evil.example\\ to nowhere”" in out
    assert "1 feed" in out and "on track" in out and "Politics" in out
