"""`adapters.console.render_reply`: untrusted story text is shown as it is, never obeyed."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from adapters.console import render_reply
from bot.conversation.replies import Reply
from bot.domain import Briefing, Citation, QuoteKind


def _render(reply: Reply) -> str:
    out = io.StringIO()
    render_reply(Console(file=out, width=200, color_system=None), reply)
    return out.getvalue()


def test_markup_and_control_characters_in_quotes_are_inert() -> None:
    citation = Citation(
        speaker="[bold red]Evil[/] \x1b[2J",
        speaker_role="role [link=http://x]",
        text="clear the screen \x1b[2J\x07 and [blink]shout[/blink]",
        kind=QuoteKind.DIRECT,
        story_title="Title [/]",
        story_url="https://n.example/a",
        published_at=datetime(2026, 11, 24, tzinfo=UTC),
    )
    text = _render(Reply("Found [italic]this[/]:", citations=(citation,)))
    assert "Found [italic]this[/]:" in text
    assert "[bold red]Evil[/]" in text
    assert "“clear the screen [2J and [blink]shout[/blink]”" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "Title [/] — https://n.example/a · 24 Nov 2026" in text


def test_tables_and_briefings_render() -> None:
    briefing = Briefing("console:t", "Brief [x]", (), generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    reply = Reply("Feeds:", columns=("feed", "status"), rows=(("A [b]", "ok"),), briefing=briefing)
    text = _render(reply)
    assert "A [b]" in text and "status" in text
    assert "Brief [x]" in text and "Nothing new since the last briefing." in text


def test_indirect_quotes_are_not_put_in_marks() -> None:
    citation = Citation(
        speaker="Sergey Lavrov",
        speaker_role=None,
        text="there is no meeting planned",
        kind=QuoteKind.INDIRECT,
        story_title="T",
        story_url="https://n.example/a",
    )
    text = _render(Reply("", citations=(citation,)))
    assert "Sergey Lavrov: there is no meeting planned\n" in text


def test_a_hostile_url_is_a_link_not_styles() -> None:
    citation = Citation(
        speaker="S",
        speaker_role=None,
        text="t",
        kind=QuoteKind.DIRECT,
        story_title="Title",
        story_url="https://n.example/a blink reverse",
    )
    out = io.StringIO()
    render_reply(
        Console(file=out, width=200, force_terminal=True), Reply("", citations=(citation,))
    )
    rendered = out.getvalue()
    assert "https://n.example/a blink reverse" in rendered
    assert "\x1b[5" not in rendered and "\x1b[7" not in rendered  # no blink, no reverse
