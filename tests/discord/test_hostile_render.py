"""Discord embeds at their edges: long citations, empty speakers, zero-width names, huge ids."""

from __future__ import annotations

import re

import pytest

from adapters.discord.render import (
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    THREAD_NAME_LIMIT,
    bullet_field,
    citation_field,
    thread_name,
)
from bot.domain import Bullet, Citation, Quote, QuoteKind
from bot.errors import NotFoundError
from bot.store import SqlStore


def citation(**changes: object) -> Citation:
    fields: dict[str, object] = {
        "speaker": "Anna Berg",
        "speaker_role": "minister",
        "text": "We will open the bridge in May, and not a day later.",
        "kind": QuoteKind.DIRECT,
        "story_title": "Bridge to reopen",
        "story_url": "https://n.example/bridge",
    }
    fields.update(changes)
    return Citation(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("T" * 1000, "https://n.example/" + "a" * 1900),
        ("T" * 1100, "https://n.example/b"),
        ("*_~`" * 300, "https://n.example/" + "a" * 1000),
        ("Short", "https://n.example/" + "a" * 2040),
    ],
)
def test_a_long_title_and_url_never_eat_the_quote_or_break_the_link(title: str, url: str) -> None:
    name, value = citation_field(citation(story_title=title, story_url=url))
    assert len(value) <= FIELD_VALUE_LIMIT and 0 < len(name) <= FIELD_NAME_LIMIT
    assert "We will open the bridge" in value  # the quote keeps its words
    source = value.split("\n", 1)[1]
    # A link is whole or absent: never "[label](" without its closing parenthesis.
    assert source.count("](") == len(re.findall(r"\]\(https?://[^)\s]+\)", source))


@pytest.mark.parametrize("speaker", ["", "   ", "\u200b\u200b", "\u200d"])
def test_an_empty_speaker_never_gives_an_empty_field_name(speaker: str) -> None:
    name, _ = citation_field(citation(speaker=speaker, speaker_role=None))
    assert name.strip("\u200b\u200c\u200d\u2060\ufeff ")
    quote = Quote(text="x", start=0, end=1, kind=QuoteKind.DIRECT)
    bullet_name, _ = bullet_field(Bullet(speaker=speaker, speaker_role=None, quotes=(quote,)))
    assert bullet_name.strip("\u200b\u200c\u200d\u2060\ufeff ")


@pytest.mark.parametrize("text", ["", "\u200b\u200b\u200b", " \u2060 \ufeff ", "@@@", "x" * 500])
def test_thread_names_are_never_blank_or_too_long(text: str) -> None:
    name = thread_name(text, fallback="newsbrief")
    assert name.strip("\u200b\u200c\u200d\u2060\ufeff ") and len(name) <= THREAD_NAME_LIMIT
    assert "@" not in name


def test_a_story_id_beyond_any_database_integer_is_not_found(store: SqlStore) -> None:
    for story_id in (10**22, -(10**22)):
        with pytest.raises(NotFoundError):
            store.get_story(story_id)
        with pytest.raises(NotFoundError):
            store.quotes_for_story(story_id)
