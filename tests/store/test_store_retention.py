"""Retention (`SqlStore.prune`): old stories become husks, old log rows go, on every backend.

Husks keep their dedupe keys and briefed-to records, so they never come back as new;
their text and quotes leave the full-text indexes; live delivery claims and recent
rows are never touched; the work goes in batches, and concurrent prunes split it.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.domain import Briefing, BriefingItem, Quote, QuoteKind, Story
from bot.errors import StoreError
from bot.ports import PruneReport
from bot.store import SqlStore, make_store
from bot.store.schema import deliveries, stories

from .helpers import FEED, T0, keys, race, story

OLD = T0 - timedelta(days=40)
RECENT = T0 - timedelta(days=2)
CUTOFF = T0 - timedelta(days=30)
CHANNEL = "console:news"
LEASE = timedelta(minutes=5)


def quote(text: str, speaker: str) -> Quote:
    return Quote(text=text, start=0, end=len(text), kind=QuoteKind.DIRECT, speaker=speaker)


def seed(store: SqlStore) -> tuple[Story, Story]:
    """An old story (zeppelin, Ada Oldname) and a recent one (lighthouse, Bea Newname)."""
    store.add_feed(FEED)
    old = store.add_story(
        story(1, title="Zeppelin treaty signed", text="The zeppelin treaty was signed at dawn."),
        keys=keys(1),
        fetched_at=OLD,
    )
    new = store.add_story(
        story(2, title="Lighthouse reopens", text="The lighthouse reopens after a long repair."),
        keys=keys(2),
        fetched_at=RECENT,
    )
    assert old.id is not None and new.id is not None
    store.save_quotes(old.id, [quote("The zeppelin flies again", "Ada Oldname")])
    store.save_quotes(new.id, [quote("The lighthouse shines again", "Bea Newname")])
    return old, new


def test_an_old_story_becomes_a_husk_that_still_dedupes(store: SqlStore) -> None:
    old, new = seed(store)
    assert old.id is not None and new.id is not None
    report = store.prune(CUTOFF)
    assert (report.stories, report.quotes) == (1, 1)
    husk = store.get_story(old.id)
    assert husk.text == "" and husk.title == old.title and husk.url == old.url
    assert husk.hash == old.hash and husk.guid == old.guid
    assert store.quotes_for_story(old.id) == []
    # Its keys are still known: the same item is the same (stored) story, not a new one.
    assert store.known_keys(keys(1)) == set(keys(1))
    again = store.add_story(story(1, text="The zeppelin treaty was signed at dawn."), keys=keys(1))
    assert again.id == old.id
    [back] = store.add_stories([(story(1), keys(1))])
    assert back.id == old.id
    assert [s.id for s in store.recent_stories()] == [new.id]  # husks are not listed
    # The recent story is untouched.
    assert store.get_story(new.id).text == new.text
    assert [q.text for q in store.quotes_for_story(new.id)] == ["The lighthouse shines again"]
    # A second prune finds nothing more: idempotent.
    assert store.prune(CUTOFF).total == 0


def test_search_finds_no_husk_and_still_finds_recent_stories(store: SqlStore) -> None:
    old, new = seed(store)
    store.prune(CUTOFF)
    assert store.find_quotes(words=["zeppelin"]) == []
    assert store.find_quotes(speaker=["oldname"]) == []
    assert not store.has_speaker(["oldname"])
    assert store.speakers_matching(["ada"]) == []
    assert store.speaker_phrases([["oldname"], ["newname"]]) == [False, True]
    assert store.search_stories(["zeppelin"]) == []  # neither by its text nor by its title
    assert store.search_stories(["treaty"]) == []
    assert store.story_for_url(old.url, keys=[f"url:{old.url}"]) is None  # read afresh
    assert [h.story_id for h in store.find_quotes(words=["lighthouse"])] == [new.id]
    assert [h.story_id for h in store.find_quotes(speaker=["newname"])] == [new.id]
    assert [s.id for s in store.search_stories(["lighthouse"])] == [new.id]
    assert [s.id for s in store.search_stories(["reopens", "zeppelin"])] == [new.id]
    story_at_url = store.story_for_url(new.url)
    assert story_at_url is not None and story_at_url.id == new.id
    if store.engine.dialect.name == "postgresql":  # the generated tsvector followed the text
        with store.engine.connect() as conn:
            matches = (
                "SELECT search_tsv @@ to_tsquery('english', 'dawn') FROM stories WHERE id = :i"
            )
            assert conn.scalar(sa.text(matches), {"i": old.id}) is False


def test_the_sqlite_full_text_indexes_stay_consistent(tmp_path: Path) -> None:
    with make_store(f"sqlite:///{tmp_path}/fts.db") as store:
        seed(store)
        store.prune(CUTOFF)
        with store.engine.begin() as conn:
            # FTS5 compares an external-content index with its table, token by token.
            conn.execute(sa.text("INSERT INTO stories_fts(stories_fts) VALUES ('integrity-check')"))
            for table in ("quote_texts_fts", "quote_speakers_fts"):
                conn.execute(sa.text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))
                assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 1  # the recent one
            hits = "SELECT rowid FROM stories_fts WHERE stories_fts MATCH 'dawn'"
            assert conn.execute(sa.text(hits)).all() == []  # emptied text left the index


def test_a_husk_is_never_new_to_a_channel(store: SqlStore) -> None:
    old, new = seed(store)
    store.subscribe(CHANNEL, FEED)
    before = {row.story.id for row in store.unbriefed_stories(CHANNEL, since=None)}
    assert before == {old.id, new.id}
    store.prune(CUTOFF)
    assert [row.story.id for row in store.unbriefed_stories(CHANNEL, since=None)] == [new.id]


def _deliver(
    store: SqlStore, key: str, *, at: datetime, message: str | None = "m1", kind: str = "briefing"
) -> None:
    assert store.begin_delivery(CHANNEL, key, owner="p1", now=at, lease=LEASE, kind=kind)
    store.complete_delivery(CHANNEL, key, message_id=message, story_ids=[], now=at)


def test_claims_survive_old_finished_deliveries_go_recent_ones_stay(store: SqlStore) -> None:
    store.add_feed(FEED)
    _deliver(store, "old-posted", at=OLD)
    _deliver(store, "old-empty", at=OLD, message=None)
    _deliver(store, "old-notice", at=OLD, kind="notice")  # looked up while its feed is paused
    _deliver(store, "recent-posted", at=RECENT)
    # A claim from long ago whose process died (lease expired), and a live one.
    assert store.begin_delivery(CHANNEL, "old-claim", owner="dead", now=OLD, lease=LEASE)
    assert store.begin_delivery(CHANNEL, "live-claim", owner="p2", now=T0, lease=LEASE)
    report = store.prune(CUTOFF)
    assert report.deliveries == 2
    with store.engine.connect() as conn:
        left = set(conn.scalars(sa.select(deliveries.c.idempotency_key)))
    assert left == {"old-notice", "recent-posted", "old-claim", "live-claim"}
    # The dead claim is still there to be recovered (resumed), never posted blind.
    claim = store.begin_delivery(CHANNEL, "old-claim", owner="p3", now=T0, lease=LEASE)
    assert claim is not None and claim.resumed
    assert store.delivery_status("live-claim") == "claimed"


def test_old_briefing_items_and_llm_outputs_go(store: SqlStore) -> None:
    old, new = seed(store)
    assert old.id is not None and new.id is not None
    for key, at, ids in (("b-old", OLD, (old.id,)), ("b-new", RECENT, (new.id, old.id))):
        items = tuple(
            BriefingItem(title="t", url="u", sources=("s",), gist="", story_ids=(i,)) for i in ids
        )
        briefing = Briefing(CHANNEL, "Briefing", items, generated_at=at, idempotency_key=key)
        store.record_briefing(briefing, at=at)
    store.put_llm_output("h-old", "m", "{}", prompt_tokens=1, completion_tokens=1, at=OLD)
    store.put_llm_output("h-new", "m", "{}", prompt_tokens=1, completion_tokens=1, at=RECENT)
    report = store.prune(CUTOFF)
    assert (report.briefing_items, report.llm_cache) == (1, 1)
    assert store.briefing_stories(CHANNEL, idempotency_key="b-old") == []
    # The recent briefing keeps both items, the husk's included ("quotes 2" still resolves).
    assert store.briefing_stories(CHANNEL) == [(new.id,), (old.id,)]
    assert store.get_llm_output("h-old", "m") is None
    assert store.get_llm_output("h-new", "m") == "{}"


def test_batches_cover_everything_and_a_dry_run_changes_nothing(store: SqlStore) -> None:
    store.add_feed(FEED)
    for n in range(1, 8):  # seven old stories with two quotes each
        added = store.add_story(story(n), keys=keys(n), fetched_at=OLD + timedelta(minutes=n))
        assert added.id is not None
        store.save_quotes(added.id, [quote("a", "X"), quote("b", "Y")])
    store.add_story(story(8), keys=keys(8), fetched_at=RECENT)
    for n in range(5):
        _deliver(store, f"old-{n}", at=OLD)
    dry = store.prune(CUTOFF, batch=3, dry_run=True)
    assert dry == PruneReport(stories=7, quotes=14, deliveries=5, dry_run=True)
    assert len(store.recent_stories()) == 8 and store.get_story(1).text == "Body of story 1."
    assert store.done_keys([f"old-{n}" for n in range(5)]) == {f"old-{n}" for n in range(5)}
    done = store.prune(CUTOFF, batch=3)
    assert done == PruneReport(stories=7, quotes=14, deliveries=5)
    assert [s.title for s in store.recent_stories()] == ["Story 8"]
    assert store.prune(CUTOFF, batch=3, dry_run=True).total == 0


def test_a_limited_prune_stops_early_and_the_next_call_goes_on(store: SqlStore) -> None:
    store.add_feed(FEED)
    for n in range(1, 8):
        store.add_story(story(n), keys=keys(n), fetched_at=OLD + timedelta(minutes=n))
    for n in range(2):
        _deliver(store, f"old-{n}", at=OLD)
    first = store.prune(CUTOFF, batch=3, max_batches=2)
    assert first == PruneReport(stories=6, complete=False)
    rest = store.prune(CUTOFF, batch=3, max_batches=2)
    assert rest == PruneReport(stories=1, deliveries=2)  # both batches short: all done
    assert first + rest == PruneReport(stories=7, deliveries=2)
    assert store.prune(CUTOFF, batch=3, max_batches=1) == PruneReport()  # finding nothing is free


def test_a_failing_database_is_a_store_error(store: SqlStore) -> None:
    seed(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE llm_cache"))
    with pytest.raises(StoreError, match="llm_cache"):
        store.prune(CUTOFF)
    # The batches before the failure stay done.
    with store.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).where(stories.c.pruned_at.is_not(None))) == 1


def test_processes_pruning_at_once_split_the_work(store_url: str) -> None:
    """Several stores ("processes") on one database prune the same rows at the same moment."""
    with make_store(store_url) as first:
        first.add_feed(FEED)
        for n in range(1, 61):
            added = first.add_story(story(n), keys=keys(n), fetched_at=OLD)
            assert added.id is not None
            first.save_quotes(added.id, [quote("a", "X"), quote("b", "Y")])
        for n in range(30):
            _deliver(first, f"old-{n}", at=OLD)

    def prune(_: int, s: SqlStore, __: threading.Barrier) -> PruneReport:
        return s.prune(CUTOFF, batch=4)

    total = sum(race(store_url, 3, prune), PruneReport())
    assert (total.stories, total.quotes, total.deliveries) == (60, 120, 30)
    with make_store(store_url) as s:
        # Whoever stopped early left nothing behind.
        assert s.prune(CUTOFF).total == 0
        assert s.recent_stories() == []
        assert s.known_keys(keys(60)) == set(keys(60))
