"""`SqlStore.reading`: a chat answer's reads on one connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.domain import Quote, QuoteKind, Story
from bot.errors import StoreError
from bot.ports import ThreadMemory
from bot.store import SqlStore

FEED = "https://news.example/feed.xml"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _quote(text: str, speaker: str) -> Quote:
    return Quote(text=text, start=0, end=len(text), kind=QuoteKind.DIRECT, speaker=speaker)


def _seed(store: SqlStore) -> list[Story]:
    store.add_feed(FEED)
    added = []
    for n in range(3):
        story = Story(
            url=f"https://news.example/a/{n}",
            title=f"Story {n}",
            text="Talks on housing stall.",
            feed_url=FEED,
            published_at=T0 + timedelta(hours=n),
        )
        added.append(store.add_story(story, keys=[f"url:{story.url}"]))
    for story in added:
        store.save_quotes(story.id or 0, [_quote("Housing must come first", "Sergey Lavrov")])
    return added


def _answer_reads(store: SqlStore) -> None:
    """What a "who is Lavrov?" answer reads, roughly: probes, searches, a story, memory."""
    assert store.speaker_phrases([["lavrov"], ["nobody"]]) == [True, False]
    assert store.find_quotes(speaker=["lavrov"], words=["housing"])
    assert store.find_quotes(words=["housing"])
    assert store.search_stories(["housing"])
    assert store.get_story(1).title == "Story 0"
    assert store.has_speaker(["sergey"])
    store.thread_memory("c", "t")


def test_an_answer_checks_out_one_connection(store: SqlStore, request: Any) -> None:
    if "sqlite-memory" in request.node.name:
        pytest.skip("in-memory SQLite is one shared connection anyway")
    _seed(store)
    checkouts: list[int] = []

    def count(*_: Any) -> None:
        checkouts.append(1)

    sa.event.listen(store.engine, "checkout", count)
    try:
        _answer_reads(store)
        apart = len(checkouts)
        checkouts.clear()
        with store.reading("answering"):
            _answer_reads(store)
            with store.reading("nested: the same block"):
                assert store.has_speaker(["lavrov"])
    finally:
        sa.event.remove(store.engine, "checkout", count)
    assert apart >= 6
    assert len(checkouts) == 1


def test_reads_in_a_block_see_writes_made_meanwhile(store: SqlStore) -> None:
    """Writes keep their own transactions; a read after one (in the same block) sees it."""
    stories = _seed(store)
    with store.reading("answering"):
        assert store.get_story(stories[0].id or 0)
        store.save_quotes(stories[0].id or 0, [_quote("Rents are too high", "Maria Chen")])
        assert store.has_speaker(["chen"])
        assert [h.quote.speaker for h in store.find_quotes(speaker=["chen"])] == ["Maria Chen"]


def test_postgres_block_round_trips(store: SqlStore) -> None:
    """On PostgreSQL the block's snapshot reads share one transaction (one BEGIN and one
    COMMIT), the rest run in autocommit, the speaker probes change no setting for
    the statements after them, and the newest story and a speaker word's lexemes are
    read once per block."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no round trips")
    _seed(store)
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", note)
    try:
        with store.reading("answering"):
            _answer_reads(store)
            assert store.find_quotes(speaker=["lavrov"], words=["housing"])
            assert store.find_quotes(words=["first"])
            with store._read("checking", snapshot=True) as conn:  # the block's transaction
                assert conn.exec_driver_sql("SHOW enable_seqscan").scalar() == "on"
                assert conn.in_transaction()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", note)
    assert not [s for s in statements if s.lstrip().upper().startswith("SET")], statements
    assert sum("max(stories.id)" in s for s in statements) == 1, statements
    lexemes = [s for s in statements if "FROM speaker_lexemes" in s]
    assert len(lexemes) == 2, statements  # "lavrov" + "nobody", then "sergey"


def test_postgres_a_failed_read_does_not_spoil_the_rest_of_the_block(store: SqlStore) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL refuses statements after an error in a transaction")
    stories = _seed(store)
    with store.reading("answering"):
        assert store.get_story(stories[0].id or 0)  # opens the block's transaction
        with pytest.raises(StoreError), store._read("failing") as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table")
        assert store.get_story(stories[1].id or 0).title == "Story 1"
        assert store.has_speaker(["lavrov"])


def test_postgres_ranked_words_break_ties_by_newest_story(store: SqlStore) -> None:
    """A words-only search ranks first and joins the stories for what it returns
    (revision 0014's index gives the ranking their sort_at); equal ranks go newest
    story first, and only ``limit`` come back."""
    stories = _seed(store)
    hits = store.find_quotes(words=["housing"], limit=2)
    assert [h.story_id for h in hits] == [stories[2].id, stories[1].id]
    assert [h.story_title for h in hits] == ["Story 2", "Story 1"]
    assert all(h.quote.speaker == "Sergey Lavrov" for h in hits)
    if store.engine.dialect.name == "postgresql":
        indexes = {i["name"] for i in sa.inspect(store.engine).get_indexes("stories")}
        assert "ix_stories_id_sort_at" in indexes


def test_postgres_an_answers_thread_memory_is_written_on_its_connection(
    store: SqlStore,
) -> None:
    """The memory write of an answer needs no checkout, BEGIN or COMMIT of its own: in
    autocommit before any snapshot read, else in the block's transaction, committed
    when the block ends."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes keep BEGIN IMMEDIATE transactions of their own")
    stories = _seed(store)
    told = ThreadMemory(people=("Sergey Lavrov",), shown=frozenset({(1, "Housing")}))
    checkouts: list[int] = []

    def count(*_: Any) -> None:
        checkouts.append(1)

    sa.event.listen(store.engine, "checkout", count)
    try:
        with store.reading("answering"):
            assert store.find_quotes(speaker=["lavrov"])
            store.remember_thread("c", "t1", told, at=T0)  # autocommit: committed at once
            with store.engine.connect() as other:
                assert other.exec_driver_sql("SELECT count(*) FROM thread_memory").scalar() == 1
            assert store.get_story(stories[0].id or 0)  # opens the block's transaction
            store.remember_thread("c", "t2", told, at=T0)
        assert len(checkouts) == 2  # the block's, and the check's own
    finally:
        sa.event.remove(store.engine, "checkout", count)
    assert store.thread_memory("c", "t2") == told
