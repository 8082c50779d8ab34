"""The Block Kit renderer: exact output for the seed article, escaping, Slack's limits."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.blocks import (
    KEY_QUOTES_ACTION,
    MAX_BLOCKS,
    MAX_SECTION_TEXT,
    briefing_messages,
    check_limits,
    escape,
    link,
    reply_message,
)
from bot.conversation.replies import Reply
from bot.domain import Briefing, BriefingItem, Bullet, Citation, Quote, QuoteKind

from .briefings import seed_briefing

GOLDEN = Path(__file__).parent / "golden" / "seed_briefing.json"
UPDATE_GOLDEN = os.environ.get("NEWSBRIEF_UPDATE_GOLDEN") == "1"


def test_seed_briefing_matches_the_golden_block_kit() -> None:
    messages = briefing_messages(seed_briefing())
    rendered = [m.as_kwargs() for m in messages]
    if UPDATE_GOLDEN:
        GOLDEN.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n")
    assert rendered == json.loads(GOLDEN.read_text())
    assert check_limits(messages[0]) == []


def test_seed_briefing_shows_speakers_in_bold_and_a_key_quotes_button() -> None:
    (message,) = briefing_messages(seed_briefing())
    story = next(b for b in message.blocks if b.get("accessory"))
    assert "• *Sergey Lavrov* (foreign minister): “a road to nowhere”" in story["text"]["text"]
    assert story["accessory"]["action_id"] == KEY_QUOTES_ACTION
    assert json.loads(story["accessory"]["value"]) == {"story_ids": [1]}


HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|Reuters> &lt; Tom & Jerry"


def mentions_and_links(mrkdwn: str) -> list[str]:
    """Everything Slack would turn into a ping or a link: the ``<...>`` sequences."""
    return re.findall(r"<[^<>]*>", mrkdwn)


def all_text(message_kwargs: dict[str, object]) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message_kwargs)
    return found


def test_hostile_text_is_escaped_everywhere() -> None:
    hostile_quote = Quote(text=HOSTILE, start=0, end=len(HOSTILE), kind=QuoteKind.DIRECT)
    item = BriefingItem(
        title=HOSTILE,
        url="https://news.example/a?x=1&y=<2>|3",
        sources=(HOSTILE,),
        gist=HOSTILE,
        bullets=(Bullet(speaker=HOSTILE, speaker_role=HOSTILE, quotes=(hostile_quote,)),),
        story_ids=(7,),
    )
    briefing = replace(seed_briefing(), items=(item,), notes=(HOSTILE,))
    for message in briefing_messages(briefing):
        for text in all_text(message.as_kwargs()):
            # The one link allowed is the story's own, with its URL made inert.
            assert mentions_and_links(text) in (
                [],
                ["<https://news.example/a?x=1&amp;y=&lt;2&gt;%7C3|" + escape(HOSTILE) + ">"],
            ), text
            assert "&lt;!channel&gt;" in text or "<!channel>" not in text
            # "&lt;" in a feed must show as the four characters, not as "<".
            if "Tom" in text:
                assert "&amp;lt;" in text


def test_link_escapes_label_and_url() -> None:
    assert (
        link("https://a.example/?q=1|2", "<b> & c")
        == "<https://a.example/?q=1%7C2|&lt;b&gt; &amp; c>"
    )


def many_stories(count: int, *, bullets: int = 4, quote_len: int = 900) -> Briefing:
    quote = Quote(text="q" * quote_len, start=0, end=quote_len, kind=QuoteKind.DIRECT)
    items = tuple(
        BriefingItem(
            title=f"Story {n}",
            url=f"https://news.example/{n}",
            sources=("Wire",),
            gist="g" * 300,
            bullets=tuple(Bullet(f"Speaker {b}", None, (quote,)) for b in range(bullets)),
            story_ids=(n,),
        )
        for n in range(count)
    )
    return Briefing(
        channel="slack:C1",
        title="Long briefing",
        items=items,
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        idempotency_key="k",
    )


def test_a_long_briefing_splits_into_messages_within_limits() -> None:
    messages = briefing_messages(many_stories(50))
    assert len(messages) > 1
    for message in messages:
        assert check_limits(message) == []
    rendered = "\n".join(t for m in messages for t in all_text(m.as_kwargs()))
    for n in range(50):
        assert f"|Story {n}>" in rendered  # every story made it, in some message
    assert "continued (2/" in rendered


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=60),
    bullets=st.integers(min_value=0, max_value=20),
    quote_len=st.integers(min_value=1, max_value=5000),
)
def test_any_briefing_renders_within_limits(count: int, bullets: int, quote_len: int) -> None:
    for message in briefing_messages(many_stories(count, bullets=bullets, quote_len=quote_len)):
        assert check_limits(message) == []
        assert len(message.blocks) <= MAX_BLOCKS


def test_reply_renders_text_citations_and_table_escaped() -> None:
    citation = Citation(
        speaker="Sergey Lavrov",
        speaker_role=None,
        text="<!here> a road to nowhere",
        kind=QuoteKind.DIRECT,
        story_title="Kremlin <talks>",
        story_url="https://news.example/k",
    )
    reply = Reply(
        "Lavrov said:\n<@U999> was here",
        citations=(citation,),
        columns=("feed", "status"),
        rows=(("https://x.example/rss", "ok"),),
    )
    message = reply_message(reply)
    text = message.blocks[0]["text"]["text"]
    assert text.splitlines() == [
        "Lavrov said:",
        "&lt;@U999&gt; was here",
        "• *Sergey Lavrov*: “&lt;!here&gt; a road to nowhere” — "
        "<https://news.example/k|Kremlin &lt;talks&gt;>",
        "*feed* · *status*",
        "https://x.example/rss · ok",
    ]
    assert message.text == "Lavrov said:\n&lt;@U999&gt; was here"
    assert check_limits(message) == []


def test_a_huge_reply_stays_within_limits() -> None:
    reply = Reply("\n".join("x" * 2999 for _ in range(80)))
    message = reply_message(reply)
    assert check_limits(message) == []
    assert len(message.blocks[0]["text"]["text"]) <= MAX_SECTION_TEXT
