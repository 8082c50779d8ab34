"""Block Kit at its edges: huge ids, empty links, text outside the Basic Multilingual Plane."""

from __future__ import annotations

import json
from dataclasses import replace

from adapters.slack.blocks import (
    MAX_BUTTON_VALUE,
    briefing_messages,
    check_limits,
    key_quotes_button,
    link,
    slack_length,
)

from .briefings import seed_briefing


def test_the_key_quotes_button_value_stays_within_2000_characters() -> None:
    item = seed_briefing().items[0]
    huge_ids = tuple(10**22 + n for n in range(150))  # 23-digit ids
    button = key_quotes_button(replace(item, story_ids=huge_ids))
    assert button is not None
    assert len(button["value"]) <= MAX_BUTTON_VALUE
    assert json.loads(button["value"])["story_ids"][0] == huge_ids[0]


def test_an_empty_url_or_title_never_renders_raw_link_syntax() -> None:
    for url, label in (("", "Title"), ("https://n.example/a", ""), ("", ""), ("  ", " ")):
        rendered = link(url, label)
        assert "<|" not in rendered and "|>" not in rendered and rendered != "<>"
        assert rendered.strip()
    briefing = seed_briefing()
    item = replace(briefing.items[0], url="", title="")
    for message in briefing_messages(replace(briefing, items=(item,))):
        assert "<|" not in str(message) and "|>" not in str(message)


def test_limits_are_counted_in_utf16_units_the_strictest_reading() -> None:
    assert slack_length("a😀") == 3
    briefing = seed_briefing()
    item = replace(briefing.items[0], title="😀" * 2000, gist="😀" * 4000)
    for message in briefing_messages(replace(briefing, items=(item,))):
        assert check_limits(message) == []
