"""The pure embed renderer: golden seed briefing, Discord's limits, inert untrusted text."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.render import (
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    MESSAGE_TOTAL_LIMIT,
    TITLE_LIMIT,
    OutgoingMessage,
    briefing_messages,
    fit,
    quote_list_messages,
    reply_messages,
    safe_url,
    untrusted,
)
from bot.conversation.replies import Reply
from bot.domain import Briefing, BriefingItem, Bullet, Citation, QuoteKind
from tests.discord.briefings import SEED_TITLE, hostile_item, quote, seed_briefing, seed_item

GOLDEN = Path(__file__).parent / "golden" / "seed_briefing.json"
UPDATE_ENV = "NEWSBRIEF_UPDATE_GOLDEN"
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(")


def as_json(messages: list[OutgoingMessage]) -> list[dict[str, Any]]:
    return [
        {
            "embeds": [e.to_dict() for e in m.embeds],
            "buttons": [{"label": b.label, "custom_id": b.custom_id} for b in m.buttons],
        }
        for m in messages
    ]


def assert_within_limits(messages: list[OutgoingMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert message.total_length <= MESSAGE_TOTAL_LIMIT
        for embed in message.embeds:
            assert len(embed.title or "") <= TITLE_LIMIT
            assert len(embed.description or "") <= DESCRIPTION_LIMIT
            assert len(embed.fields) <= FIELD_COUNT_LIMIT
            for f in embed.fields:
                assert f.name and len(f.name) <= FIELD_NAME_LIMIT
                assert f.value and len(f.value) <= FIELD_VALUE_LIMIT


def test_seed_briefing_matches_golden_file() -> None:
    rendered = as_json(briefing_messages(seed_briefing()))
    if os.environ.get(UPDATE_ENV):
        GOLDEN.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n")
    assert rendered == json.loads(GOLDEN.read_text())


def test_seed_story_embed_has_linked_title_source_gist_and_bullets() -> None:
    [message] = briefing_messages(seed_briefing())
    header, story = message.embeds
    assert header.title == "Your news briefing"
    assert story.title == f"1. {SEED_TITLE}"
    assert story.url == "https://demo.newsbrief.invalid/articles/kremlin-talks.html"
    assert story.author.name == "Politics Desk"
    assert story.description and story.description.startswith("The Kremlin has publicly")
    assert [f.name for f in story.fields] == [
        "Sergey Lavrov (foreign minister)",
        "a White House official",
        "a former administration official",
        "Trump",
    ]
    assert story.fields[0].value == "“a road to nowhere”"
    assert story.fields[3].value == "the talks are still on track"  # reported speech: no marks
    assert header.footer.text is None  # the ref rides on the last embed of each message
    assert message.embeds[-1].footer.text == "ref briefing:discord:1100000000000000500:seed"
    assert [b.custom_id for b in message.buttons] == ["newsbrief:quotes:1"]


def many_stories(
    count: int, *, bullets: int = 4, quote_chars: int = 900, gist_chars: int = 5000
) -> Briefing:
    words = ("word " * (quote_chars // 5)).strip()
    items = tuple(
        BriefingItem(
            title=f"Story {n} " + "t" * 300,
            url=f"https://news.example/{n}",
            sources=("Desk",),
            gist="g" * gist_chars,
            bullets=tuple(
                Bullet(f"Speaker {n}.{b}", None, (quote(words),)) for b in range(bullets)
            ),
            story_ids=(n,),
        )
        for n in range(1, count + 1)
    )
    return Briefing(
        channel="discord:1",
        title="Big day",
        items=items,
        generated_at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        idempotency_key="briefing:discord:1:big",
    )


def test_a_big_briefing_splits_across_messages_within_every_limit() -> None:
    briefing = many_stories(12)
    messages = briefing_messages(briefing)
    assert len(messages) > 1
    assert_within_limits(messages)
    titles = [e.title for m in messages for e in m.embeds]
    assert titles[0] == "Big day"
    assert [t.split(" ")[2] for t in titles[1:]] == [str(n) for n in range(1, 13)]  # in order
    assert all(t and len(t) == TITLE_LIMIT and t.endswith("…") for t in titles[1:])
    buttons = [b.story_id for m in messages for b in m.buttons]
    assert buttons == list(range(1, 13))
    footers = [m.embeds[-1].footer.text for m in messages]
    assert footers == [
        f"part {i}/{len(messages)} · ref briefing:discord:1:big"
        for i in range(1, len(messages) + 1)
    ]


def test_eleven_small_stories_need_two_messages() -> None:
    briefing = many_stories(11, bullets=1, quote_chars=20, gist_chars=100)
    messages = briefing_messages(briefing)
    assert [len(m.embeds) for m in messages] == [10, 2]  # header + 9, then 2


def test_too_many_speakers_are_counted_not_dropped() -> None:
    briefing = many_stories(1, bullets=40, quote_chars=900)
    [*messages] = briefing_messages(briefing)
    assert_within_limits(messages)
    story = messages[-1].embeds[-1] if len(messages) > 1 else messages[0].embeds[1]
    last = story.fields[-1]
    shown = len(story.fields) - 1
    assert last.value == f"…and {40 - shown} more speakers"


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=15),
    bullets=st.integers(min_value=0, max_value=30),
    quote_chars=st.integers(min_value=1, max_value=3000),
    title=st.text(min_size=0, max_size=400),
)
def test_any_briefing_fits_discord_limits(
    count: int, bullets: int, quote_chars: int, title: str
) -> None:
    briefing = many_stories(count, bullets=bullets, quote_chars=quote_chars)
    briefing = Briefing(
        briefing.channel, title or "t", briefing.items, briefing.generated_at, "k" * 200
    )
    messages = briefing_messages(briefing)
    assert_within_limits(messages)
    assert sum(len(m.embeds) for m in messages) == count + 1


def test_injection_in_feed_content_is_inert() -> None:
    briefing = Briefing(
        channel="discord:1",
        title="@everyone <@&123456789012345678>",
        items=(hostile_item(),),
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        idempotency_key="k",
        notes=("[Reuters](https://evil.example) @here",),
    )
    [message] = briefing_messages(briefing)
    texts = _all_text(message.embeds)
    for text in texts:
        assert "@everyone" not in text and "@here" not in text
        assert "<@&123456789012345678>" not in text and "<@123456789012345678>" not in text
        assert not MASKED_LINK.search(text)  # "[Reuters](https://evil)" shows as typed
    story = message.embeds[1]
    assert story.title == (
        "1. @\u200beveryone Breaking <@\u200b&123456789012345678> "
        "\\[Reuters](https://evil.example) 1"
    )
    assert story.description is not None and "\\*\\*now\\*\\*" in story.description


def test_unsafe_story_urls_are_not_linked() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://ok.example/a b") is None
    assert safe_url("ftp://x.example/") is None
    assert safe_url("https://ok.example/a") == "https://ok.example/a"
    item = BriefingItem(title="t", url="javascript:alert(1)", sources=(), gist="")
    briefing = Briefing("discord:1", "b", (item,), datetime(2026, 1, 1, tzinfo=UTC), "k")
    assert briefing_messages(briefing)[0].embeds[1].url is None


def test_fit_never_leaves_a_dangling_escape() -> None:
    escaped = untrusted("*" * 300)
    cut = fit(escaped, 256)
    assert len(cut) <= 256 and cut.endswith("…") and not cut[:-1].endswith("\\")


def test_reply_with_citations_table_and_long_text() -> None:
    citation = Citation(
        speaker="Sergey Lavrov",
        speaker_role="foreign minister",
        text="a road to nowhere",
        kind=QuoteKind.DIRECT,
        story_title="Kremlin [throws] cold water",
        story_url="https://news.example/a(1)",
        published_at=datetime(2026, 11, 24, tzinfo=UTC),
    )
    reply = Reply(
        "line @everyone\n" * 600,
        citations=(citation,) * 30,
        columns=("feed", "status"),
        rows=(("https://a.example/`rss`", "ok"),),
    )
    messages = reply_messages(reply)
    assert_within_limits(messages)
    embeds = [e for m in messages for e in m.embeds]
    assert sum(len(e.fields) for e in embeds) == 30
    first_field = next(e for e in embeds if e.fields).fields[0]
    assert first_field.name == "Sergey Lavrov (foreign minister)"
    assert first_field.value == (
        "“a road to nowhere”\n— [Kremlin throws cold water](https://news.example/a%281%29)"
        ", 24 Nov 2026"
    )
    table = next(e.description for e in embeds if e.description and e.description.startswith("```"))
    assert table == "```\nfeed                     status\nhttps://a.example/'rss'  ok\n```"
    assert all("@everyone" not in (e.description or "") for e in embeds)


def test_quote_list_lists_every_quote_in_story_order() -> None:
    quotes = [
        quote("second", speaker="B").__class__(
            text="second", start=50, end=56, kind=QuoteKind.DIRECT, speaker="B"
        ),
        quote("first").__class__(
            text="first", start=10, end=15, kind=QuoteKind.INDIRECT, speaker=None
        ),
    ] + [
        quote("x").__class__(text=f"q{n}", start=100 + n, end=102 + n, kind=QuoteKind.DIRECT)
        for n in range(40)
    ]
    messages = quote_list_messages(SEED_TITLE, "https://x.example/", quotes)
    assert_within_limits(messages)
    fields = [f for m in messages for e in m.embeds for f in e.fields]
    assert [(f.name, f.value) for f in fields[:2]] == [("unattributed", "first"), ("B", "“second”")]
    assert len(fields) == 42
    assert messages[0].embeds[0].title == f"Key quotes — {SEED_TITLE}"


@pytest.mark.parametrize("text", ["", "plain"])
def test_reply_always_renders_something(text: str) -> None:
    [message] = reply_messages(Reply(text))
    assert message.embeds and isinstance(message.embeds[0], discord.Embed)


def _all_text(embeds: list[discord.Embed]) -> list[str]:
    out: list[str] = []
    for embed in embeds:
        out += [embed.title or "", embed.description or "", embed.footer.text or ""]
        out += [embed.author.name or ""]
        out += [f.name or "" for f in embed.fields] + [f.value or "" for f in embed.fields]
    return out


def test_seed_item_story_id_reaches_the_button() -> None:
    briefing = Briefing("discord:1", "b", (seed_item(42),), datetime(2026, 1, 1, tzinfo=UTC), "k")
    assert briefing_messages(briefing)[0].buttons[0].custom_id == "newsbrief:quotes:42"
