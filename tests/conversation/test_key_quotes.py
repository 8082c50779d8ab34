"""The "Key quotes" decision is the core's: every platform shows the same thing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.key_quotes import GONE, decide_key_quotes, read_key_quotes
from bot.domain import Quote, QuoteKind, Story
from bot.store import make_store

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TEXT = 'Mayor Jane Smith said: "We will rebuild the bridge." Tom Becker said: "Not this year."'


def _story(**changes: object) -> Story:
    base = {
        "url": "https://news.example/bridge",
        "title": "Bridge rebuild",
        "text": TEXT,
        "feed_url": "https://news.example/feed.xml",
        "published_at": NOW,
        "id": 7,
    }
    return Story(**{**base, **changes})  # type: ignore[arg-type]


def _quote(text: str, speaker: str) -> Quote:
    start = TEXT.index(text)
    return Quote(text, start, start + len(text), QuoteKind.DIRECT, speaker=speaker)


def test_a_stored_story_shows_its_saved_quotes_in_story_order_as_citations() -> None:
    quotes = [_quote("We will rebuild the bridge.", "Jane Smith"), _quote("Not this year.", "Tom")]
    shown = decide_key_quotes(_story(), quotes, retention_days=None)
    assert shown.note is None
    assert [(c.speaker, c.text, c.story_id) for c in shown.citations] == [
        ("Jane Smith", "We will rebuild the bridge.", 7),
        ("Tom", "Not this year.", 7),
    ]


def test_a_gone_story_and_an_emptied_one_get_a_private_note_not_a_list() -> None:
    gone = decide_key_quotes(None, (), retention_days=30)
    assert gone.note == GONE and gone.note.ephemeral and not gone.citations
    pruned = decide_key_quotes(_story(pruned_at=NOW), (), retention_days=30)
    assert pruned.note is not None and pruned.note.ephemeral
    assert "pruned on 03 Dec 2026 after 30 days" in pruned.note.text
    assert not pruned.citations


def test_reading_skips_merged_stories_that_are_gone_to_the_first_still_stored() -> None:
    with make_store("sqlite:///:memory:") as store:
        store.add_feed("https://news.example/feed.xml")
        [story] = store.add_stories([(_story(id=None), [])], fetched_at=NOW)
        assert story.id is not None
        store.save_quotes(story.id, [_quote("Not this year.", "Tom Becker")])

        shown = read_key_quotes(store, [story.id + 100, story.id], retention_days=None)
        assert [c.speaker for c in shown.citations] == ["Tom Becker"]
        assert read_key_quotes(store, [story.id + 100], retention_days=None).note == GONE
        store.prune(NOW + timedelta(days=1))
        emptied = read_key_quotes(store, [story.id], retention_days=None)
        assert emptied.note is not None and "pruned" in emptied.note.text
