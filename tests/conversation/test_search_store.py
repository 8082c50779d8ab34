"""The store's search methods, on SQLite (file and memory) and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.domain import Briefing, BriefingItem, Quote, QuoteKind, Story
from bot.store import SqlStore, search

FEED = "https://news.example/feed.xml"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _story(store: SqlStore, n: int, title: str, text: str, *, hours: int = 0) -> Story:
    story = Story(
        url=f"https://news.example/a/{n}",
        title=title,
        text=text,
        feed_url=FEED,
        published_at=T0 + timedelta(hours=hours),
    )
    return store.add_story(story, keys=[f"url:{story.url}"])


def _quote(text: str, speaker: str | None, role: str | None = None) -> Quote:
    return Quote(
        text=text, start=0, end=len(text), kind=QuoteKind.DIRECT, speaker=speaker, speaker_role=role
    )


def _seed(store: SqlStore) -> tuple[Story, Story]:
    store.add_feed(FEED)
    old = _story(store, 1, "Talks stall", "Lavrov said talks stall over security guarantees.")
    new = _story(store, 2, "Summit maybe", "Zelenskyy wants a summit with Putin.", hours=5)
    store.save_quotes(
        old.id or 0,
        [
            _quote(
                "Security guarantees without Russia will not work",
                "Sergey Lavrov",
                "Russian foreign minister",
            ),
            _quote("There is no meeting planned", "Sergey Lavrov", "Russian foreign minister"),
            _quote("The talks are still on", "the first White House official"),
        ],
    )
    store.save_quotes(
        new.id or 0,
        [
            _quote("Putin understands only force", "Volodymyr Zelenskyy", "Ukrainian President"),
            _quote("We are ready to meet", "Sergey Lavrov", None),
        ],
    )
    return old, new


def test_quotes_by_speaker_newest_first_with_prefixes(store: SqlStore) -> None:
    _old, new = _seed(store)
    hits = store.find_quotes(speaker=["lavrov"])
    assert [h.quote.text for h in hits] == [
        "We are ready to meet",
        "Security guarantees without Russia will not work",
        "There is no meeting planned",
    ]
    assert hits[0].story_id == new.id and hits[0].story_url == new.url
    assert hits[1].story_title == "Talks stall" and hits[1].published_at == T0
    assert [h.quote.speaker for h in store.find_quotes(speaker=["zelensky"])] == [
        "Volodymyr Zelenskyy"
    ]
    assert [h.quote.speaker for h in store.find_quotes(speaker=["White", "House"])] == [
        "the first White House official"
    ]
    assert store.find_quotes(speaker=["lavrov", "ukrainian"]) == []


def test_roles_match_as_speaker_words(store: SqlStore) -> None:
    _seed(store)
    assert {h.quote.speaker for h in store.find_quotes(speaker=["foreign", "minister"])} == {
        "Sergey Lavrov"
    }


def test_words_rank_best_match_first_and_combine_with_speaker(store: SqlStore) -> None:
    _seed(store)
    hits = store.find_quotes(words=["security", "guarantee"])
    assert hits[0].quote.text == "Security guarantees without Russia will not work"
    only_lavrov = store.find_quotes(speaker=["lavrov"], words=["meeting", "meet"])
    assert {h.quote.text for h in only_lavrov} == {
        "There is no meeting planned",
        "We are ready to meet",
    }


def test_story_filter(store: SqlStore) -> None:
    old, _new = _seed(store)
    hits = store.find_quotes(story_ids=[old.id or 0])
    assert len(hits) == 3
    assert store.find_quotes(story_ids=[]) == []


def test_query_syntax_in_words_is_just_text(store: SqlStore) -> None:
    _seed(store)
    for nasty in ['"', "lavrov OR *", "NEAR(", "a:b & !c | (", "' ; DROP TABLE quotes; --", "_"]:
        store.find_quotes(speaker=[nasty])
        store.find_quotes(words=[nasty])
        store.search_stories([nasty])
    assert len(store.find_quotes(speaker=["lavrov"])) == 3


def test_speakers_matching(store: SqlStore) -> None:
    _seed(store)
    assert store.speakers_matching(["lavrov"]) == ["Sergey Lavrov"]
    assert store.speakers_matching(["kremlin"]) == []
    assert store.speakers_matching([]) == []


def test_replacing_and_deleting_quotes_updates_the_index(store: SqlStore) -> None:
    old, _ = _seed(store)
    store.save_quotes(old.id or 0, [_quote("Brand new words", "Maria Chen")])
    assert store.find_quotes(words=["guarantees"]) == []
    assert [h.quote.text for h in store.find_quotes(speaker=["chen"])] == ["Brand new words"]


def test_search_stories_and_story_for_url(store: SqlStore) -> None:
    old, new = _seed(store)
    assert [s.id for s in store.search_stories(["summit"])] == [new.id]
    assert [s.id for s in store.search_stories(["guarantee"])] == [old.id]
    assert store.story_for_url(new.url) == new
    assert store.story_for_url("https://news.example/nothing") is None
    assert store.story_for_url("https://x.example/other", keys=[f"url:{old.url}"]) == old


def test_briefing_items_remember_the_last_briefing(store: SqlStore) -> None:
    old, new = _seed(store)
    assert store.briefing_stories("console:t") == []

    def briefing(key: str, ids: list[tuple[int, ...]]) -> Briefing:
        items = tuple(
            BriefingItem(title="t", url="u", sources=("s",), gist="", story_ids=i) for i in ids
        )
        return Briefing("console:t", "Brief", items, generated_at=T0, idempotency_key=key)

    store.record_briefing(briefing("k1", [(old.id or 0,)]), at=T0)
    store.record_briefing(
        briefing("k2", [(new.id or 0,), (old.id or 0, new.id or 0)]), at=T0 + timedelta(1)
    )
    store.record_briefing(briefing("k2", [(new.id or 0,)]), at=T0 + timedelta(2))  # again: no-op
    assert store.briefing_stories("console:t") == [(new.id,), (old.id, new.id)]
    assert store.briefing_stories("console:t", idempotency_key="k1") == [(old.id,)]
    assert store.briefing_stories("console:other") == []


def test_words_alone_look_at_recent_stories_first_then_everything(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _seed(store)
    monkeypatch.setattr(search, "RECENT_STORIES", 1)
    # Only the old story has "guarantees": the window (the newest story) finds too few.
    assert [h.story_id for h in store.find_quotes(words=["guarantees"], limit=1)] == [old.id]
    # Both have "meet"; the newest story alone has enough, so its quote comes back.
    assert [h.story_id for h in store.find_quotes(words=["meet"], limit=1)] == [new.id]


def test_has_speaker(store: SqlStore) -> None:
    _seed(store)
    assert store.has_speaker(["lavrov"])
    assert store.has_speaker(["white", "house"])
    assert not store.has_speaker(["kremlin"])
    assert not store.has_speaker([])


def test_newest_first_reads_only_the_newest_matches(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old, new = _seed(store)
    monkeypatch.setattr(search, "NEWEST_CANDIDATES", 1)
    hits = store.find_quotes(speaker=["lavrov"], limit=1)
    assert [(h.story_id, h.quote.text) for h in hits] == [(new.id, "We are ready to meet")]
    assert len(store.find_quotes(speaker=["lavrov"], limit=5)) == 3  # the limit wins


def test_story_search_looks_at_recent_stories_first(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _seed(store)
    monkeypatch.setattr(search, "RECENT_STORY_TEXTS", 1)
    assert [s.id for s in store.search_stories(["talks", "summit"], limit=1)] == [new.id]
    assert [s.id for s in store.search_stories(["talks"], limit=1)] == [old.id]


def test_speaker_phrases_in_one_go(store: SqlStore) -> None:
    _seed(store)
    phrases = [["lavrov"], ["white", "house"], ["kremlin"], [], ["zelensky", "ukrainian"]]
    assert store.speaker_phrases(phrases) == [True, True, False, False, True]
    assert store.speaker_phrases([]) == []


def test_story_for_a_very_long_url_key(store: SqlStore) -> None:
    store.add_feed(FEED)
    url = "https://news.example/a/" + "x" * 700
    story = store.add_story(
        Story(url=url, title="Long", text="t", feed_url=FEED), keys=[f"url:{url}"]
    )
    assert store.story_for_url("https://elsewhere.example/", keys=[f"url:{url}"]) == story


def _many_quotes(store: SqlStore, stories: int = 300, per_story: int = 10) -> None:
    """Enough quotes (and fresh statistics) that PostgreSQL plans as it would in use:
    on a table of five rows any plan reads one page. After `_seed` (its feed)."""
    added = store.add_stories(
        [
            (Story(url=f"https://news.example/m/{n}", title=f"M{n}", text="x", feed_url=FEED), [])
            for n in range(stories)
        ]
    )
    speakers = ["Maria Chen", "Tom Zhang", "Akira Garcia", "Anna Sullivan", "Pablo Sanchez"]
    store.save_quotes_many(
        [
            (s.id or 0, [_quote(f"words {n} {k}", speakers[(n + k) % 5]) for k in range(per_story)])
            for n, s in enumerate(added)
        ]
    )
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def test_speaker_probes_read_the_index_not_every_quote(store: SqlStore) -> None:
    """A name nobody has must not cost a scan of every quote: PostgreSQL plans
    EXISTS over a tsquery as a sequential scan that stops at the first match, which
    for an absent name reads the whole table (200 ms at 100,000 quotes)."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 lookups are index reads by construction")
    _seed(store)
    _many_quotes(store)
    plans: list[str] = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def explain(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "speaker_tsv @@" in statement and not statement.startswith("EXPLAIN"):
            with cursor.connection.cursor() as probe:
                probe.execute("EXPLAIN " + statement, params)
                plans.append("\n".join(row[0] for row in probe.fetchall()))

    try:
        assert store.speaker_phrases([["nobody"], ["lavrov"]]) == [False, True]
        assert not store.has_speaker(["zebediah"])
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", explain)
    assert len(plans) == 2
    assert not [p for p in plans if "Seq Scan on quotes" in p], plans


def _statements(store: SqlStore) -> tuple[list[tuple[str, Any]], Any]:
    seen: list[tuple[str, Any]] = []

    def log(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    sa.event.listen(store.engine, "before_cursor_execute", log)
    return seen, log


def test_postgres_asks_speaker_prefixes_as_exact_lexemes(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefix (``chief:*``) costs PostgreSQL's GIN index several times the exact
    lexemes it stands for; the matches must be the same."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("FTS5 prefix queries walk one term range")
    _old, new = _seed(store)
    store.save_quotes(
        new.id or 0,
        [
            _quote("Putin understands only force", "Volodymyr Zelenskyy", "Ukrainian President"),
            _quote("We are ready to meet", "Sergey Lavrov", None),
            _quote("Sales will grow", "Ann O'Neil", "chief executive"),
            _quote("Costs will fall", "Bo Chiefly", "chief's deputy"),
        ],
    )
    seen, log = _statements(store)
    try:
        found = store.find_quotes(speaker=["chief", "exec"], limit=10)
        assert [h.quote.speaker for h in found] == ["Ann O'Neil"]
        assert {h.quote.speaker for h in store.find_quotes(speaker=["chief"])} == {
            "Ann O'Neil",
            "Bo Chiefly",
        }
        assert [h.quote.speaker for h in store.find_quotes(speaker=["o", "neil"])] == ["Ann O'Neil"]
        assert store.speaker_phrases([["zelensky"], ["chief", "dep"], ["chief", "x"]]) == [
            True,
            True,
            False,
        ]
        assert store.has_speaker(["ukrainian", "pres"])
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", log)
    asked = [str(p) for s, p in seen if "speaker_tsv @@" in s]
    # Only "x", which no speaker word starts with, is left a (cheap) prefix.
    assert asked and [p for p in asked if ":*" in p] == [str(asked[3])], asked
    # Too many lexemes start with a word: it is asked as a prefix, with the same answer.
    monkeypatch.setattr(search, "MAX_PREFIX_LEXEMES", 1)
    assert {h.quote.speaker for h in store.find_quotes(speaker=["chief"])} == {
        "Ann O'Neil",
        "Bo Chiefly",
    }
    with store.engine.connect() as conn:
        lexemes = set(conn.scalars(sa.text("SELECT lexeme FROM speaker_lexemes")))
    assert {"chief", "chiefly", "lavrov", "zelenskyy"} <= lexemes  # inserts and updates


def test_postgres_finds_a_speakers_newest_quotes_in_the_newest_stories_first(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite walks the FTS5 match list newest first")
    old, new = _seed(store)
    monkeypatch.setattr(search, "RECENT_STORIES", 1)  # the window: the newest story
    seen, log = _statements(store)
    try:
        # Lavrov has 1 quote in the newest story and 2 before: too few in the window.
        assert [h.story_id for h in store.find_quotes(speaker=["lavrov"])] == [
            new.id,
            old.id,
            old.id,
        ]
        windows = [p for s, p in seen if "speaker_tsv @@" in s and p.get("from_story")]
        assert len(windows) == 1
        monkeypatch.setattr(search, "NEWEST_CANDIDATES", 1)
        seen.clear()
        assert [h.story_id for h in store.find_quotes(speaker=["lavrov"], limit=1)] == [new.id]
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", log)
    searches = [p for s, p in seen if "speaker_tsv @@" in s]
    assert len(searches) == 1 and searches[0]["from_story"] == old.id, searches


def test_phrase_search_wants_the_words_together_in_order(store: SqlStore) -> None:
    _old, new = _seed(store)
    store.save_quotes(
        new.id or 0,
        [
            _quote("Guarantees of security, talks of security guarantees", "Ann Berg"),
            _quote("We want guarantees for our security", "Bo Lind"),
            _quote("A promise without an address is nothing", "Cy Ode"),
        ],
    )

    def said(*words: str) -> list[str | None]:
        return [h.quote.speaker for h in store.find_quotes(words=words, phrase=True)]

    assert sorted(said("security guarantees")) == ["Ann Berg", "Sergey Lavrov"]
    assert said("guarantees security") == []
    assert said("a promise without an address") == ["Cy Ode"]
    assert said("Security, guarantees!") != []  # punctuation is no syntax
    assert said("no no no") == []


def test_who_said_finds_the_phrase_wherever_it_is(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only among the best any-word matches of the newest stories: the newest ones
    here say both words many times, but apart."""
    from bot.conversation import topics

    _old, new = _seed(store)
    store.save_quotes(
        new.id or 0,
        [_quote("security talks, guarantees and more security and guarantees", "Ann Berg")],
    )
    monkeypatch.setattr(topics, "SEARCH_CANDIDATES", 1)
    asker = topics.Topics(store, clock=lambda: T0, summary_of=lambda s: None)  # type: ignore[arg-type,return-value]
    reply = asker.who_said("security guarantees")
    assert [c.speaker for c in reply.citations] == ["Sergey Lavrov"], reply.text


def test_postgres_writers_adding_one_new_speaker_word_do_not_wait_for_each_other(
    store: SqlStore,
) -> None:
    """With a unique key on the lexemes, a writer waited for another's uncommitted new
    lexeme, and two writers saving quotes in several statements deadlocked."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL keeps the speaker lexemes")
    old, new = _seed(store)
    insert = sa.text(
        'INSERT INTO quotes (story_id, ordinal, text, start, "end", kind, speaker)'
        " VALUES (:story, :ordinal, 'x', 0, 1, 'direct', 'Quillon Marsh')"
    )
    with store.engine.connect() as first, store.engine.connect() as second:
        first.execute(insert, {"story": old.id, "ordinal": 50})
        second.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        second.execute(insert, {"story": new.id, "ordinal": 50})  # no wait for `first`
        second.commit()
        first.commit()
    assert store.has_speaker(["quill", "mars"])
    assert [h.story_id for h in store.find_quotes(speaker=["quillon"])] == [new.id, old.id]


def test_postgres_searches_run_without_begin_and_commit_round_trips(store: SqlStore) -> None:
    """A chat answer's searches need no snapshot across their statements; in autocommit
    they skip BEGIN and COMMIT, two round trips each. Writes stay transactions."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no round trips")
    _old, new = _seed(store)
    modes: list[tuple[str, bool]] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        modes.append((statement.split()[0], bool(cursor.connection.autocommit)))

    sa.event.listen(store.engine, "before_cursor_execute", note)
    try:
        assert store.find_quotes(speaker=["lavrov"], words=["meet"])
        assert store.find_quotes(words=["guarantees"])
        assert store.search_stories(["talks"])
        assert store.speakers_matching(["lavr"]) == ["Sergey Lavrov"]
        store.thread_memory("c", "t")
        searched = list(modes)
        modes.clear()
        store.save_quotes(new.id or 0, [_quote("We are ready to meet", "Sergey Lavrov")])
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", note)
    assert searched and all(autocommit for _, autocommit in searched), searched
    assert modes and not any(autocommit for _, autocommit in modes), modes
