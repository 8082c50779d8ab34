"""Delivery claims on a real store: a crash anywhere neither loses nor repeats a post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import Deliverer, Job, Outcome, slot_key
from bot.domain import Briefing, BriefingItem
from bot.errors import DeliveryError
from bot.ports import PostLog
from bot.store import SqlStore
from bot.testing import RecordingAdapter

CHANNEL = "console:news"
SLOT = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
LEASE = timedelta(minutes=2)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Killed(BaseException):
    """Stands for kill -9: nothing after it runs (not even `except Exception`)."""


class DiesAfterPosting(RecordingAdapter):
    """The platform keeps the post; the bot dies before hearing back."""

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        await super().post_briefing(briefing, log)
        raise Killed


class Refuses(RecordingAdapter):
    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        raise DeliveryError("channel_not_found")


def briefing(*story_ids: int) -> Briefing:
    items = tuple(
        BriefingItem(
            title=f"S{i}", url=f"https://x.example/{i}", sources=("X",), gist="", story_ids=(i,)
        )
        for i in story_ids
    )
    return Briefing(channel=CHANNEL, title="Brief", items=items, generated_at=SLOT)


def job(*story_ids: int) -> Job:
    return Job(CHANNEL, slot_key(CHANNEL, SLOT), lambda: briefing(*story_ids))


def deliverer(store: SqlStore, adapter: RecordingAdapter, owner: str, clock: Clock) -> Deliverer:
    return Deliverer(store, lambda _channel: adapter, owner=owner, lease=LEASE, clock=clock)


def seed(store: SqlStore) -> None:
    store.configure_channel(
        CHANNEL,
        schedule="30 7 * * *",
        timezone="UTC",
        breaking=False,
        backfill_hours=24,
        first_slot=SLOT,
        now=SLOT,
    )


async def test_posts_once_and_a_second_attempt_skips(store: SqlStore) -> None:
    seed(store)
    adapter, clock = RecordingAdapter(), Clock(SLOT)
    first = await deliverer(store, adapter, "a", clock).deliver(job())
    again = await deliverer(store, adapter, "b", clock).deliver(job())
    assert (first.status, again.status) == ("posted", "skipped")
    assert len(adapter.posted) == 1
    assert adapter.posted[0].idempotency_key == slot_key(CHANNEL, SLOT)
    assert store.delivered(slot_key(CHANNEL, SLOT))


async def test_killed_after_posting_is_recovered_not_reposted(store: SqlStore) -> None:
    seed(store)
    platform, clock = DiesAfterPosting(), Clock(SLOT)
    with pytest.raises(Killed):
        await deliverer(store, platform, "dead", clock).deliver(job())
    survivor = RecordingAdapter()
    survivor.posted, survivor._by_key = platform.posted, platform._by_key  # same platform
    live = deliverer(store, survivor, "next", clock)
    assert (await live.deliver(job())).status == "skipped"  # the dead lease still runs
    clock.now += LEASE + timedelta(seconds=1)
    outcome = await live.deliver(job())
    assert outcome.status == "recovered"
    assert len(survivor.posted) == 1
    assert store.delivery_status(job().key) == "posted"


async def test_killed_before_posting_is_posted_by_the_next_process(store: SqlStore) -> None:
    seed(store)
    clock = Clock(SLOT)

    def die() -> Briefing:
        raise Killed

    with pytest.raises(Killed):
        await deliverer(store, RecordingAdapter(), "dead", clock).deliver(
            Job(CHANNEL, job().key, die)
        )
    clock.now += LEASE + timedelta(seconds=1)
    adapter = RecordingAdapter()
    assert (await deliverer(store, adapter, "next", clock).deliver(job())).status == "posted"
    assert len(adapter.posted) == 1


async def test_recovery_marks_the_stories_the_dead_attempt_posted(store: SqlStore) -> None:
    from tests.store.helpers import FEED, keys, story

    seed(store)
    store.add_feed(FEED)
    store.subscribe(CHANNEL, FEED)
    ids = [store.add_story(story(n), keys=keys(n)).id or 0 for n in (1, 2)]
    platform, clock = DiesAfterPosting(), Clock(SLOT)
    with pytest.raises(Killed):
        await deliverer(store, platform, "dead", clock).deliver(job(*ids))
    clock.now += LEASE + timedelta(seconds=1)
    # Recomposing now would find a third story; recovery must record the posted two.
    survivor = RecordingAdapter()
    survivor._by_key = platform._by_key
    assert (await deliverer(store, survivor, "next", clock).deliver(job(*ids, 99))).status == (
        "recovered"
    )
    assert store.briefed_story_ids(CHANNEL) == set(ids)


async def test_completion_moves_the_channel_to_its_next_slot(store: SqlStore) -> None:
    seed(store)
    nxt = SLOT + timedelta(days=1)
    scheduled = Job(CHANNEL, slot_key(CHANNEL, SLOT), lambda: briefing(), slot=SLOT, next_slot=nxt)
    await deliverer(store, RecordingAdapter(), "a", Clock(SLOT)).deliver(scheduled)
    [state] = store.channel_states()
    assert state.next_briefing_at == nxt
    assert state.last_briefing_at == SLOT


async def test_a_refused_post_is_released_and_retried(store: SqlStore) -> None:
    seed(store)
    clock = Clock(SLOT)
    failed = await deliverer(store, Refuses(), "a", clock).deliver(job())
    assert failed.status == "failed" and "channel_not_found" in (failed.error or "")
    adapter = RecordingAdapter()
    assert (await deliverer(store, adapter, "a", clock).deliver(job())).status == "posted"


async def test_an_empty_slot_closes_without_posting(store: SqlStore) -> None:
    seed(store)
    adapter = RecordingAdapter()
    empty = Job(CHANNEL, slot_key(CHANNEL, SLOT), lambda: None, slot=SLOT, next_slot=SLOT)
    assert (await deliverer(store, adapter, "a", Clock(SLOT)).deliver(empty)).status == "empty"
    assert adapter.posted == []
    assert store.delivery_status(empty.key) == "empty"


async def test_a_claim_lost_while_composing_is_not_posted(store: SqlStore) -> None:
    seed(store)
    clock = Clock(SLOT)
    adapter = RecordingAdapter()

    def slow_compose() -> Briefing:
        clock.now += LEASE + timedelta(seconds=1)  # composing outlived the lease
        return briefing()

    slow = Job(CHANNEL, slot_key(CHANNEL, SLOT), slow_compose)
    assert (await deliverer(store, adapter, "slow", clock).deliver(slow)).status == "skipped"
    assert adapter.posted == []
    assert (await deliverer(store, adapter, "other", clock).deliver(job())).status == "posted"
    assert len(adapter.posted) == 1


async def test_a_posted_briefing_remembers_its_story_order(store: SqlStore) -> None:
    from .helpers_story import stored_stories

    seed(store)
    first, second = stored_stories(store, 2)
    adapter, clock = RecordingAdapter(), Clock(SLOT)
    outcome = await deliverer(store, adapter, "a", clock).deliver(job(second, first))
    assert outcome.status == "posted"
    assert store.briefing_stories(CHANNEL) == [(second,), (first,)]


class TimesOutAfterPosting(RecordingAdapter):
    """The platform keeps the post, but the answer is lost: the bot sees an error."""

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        await super().post_briefing(briefing, log)
        raise DeliveryError("timed out waiting for the platform")


async def test_a_post_that_failed_after_landing_is_found_not_repeated(store: SqlStore) -> None:
    seed(store)
    platform, clock = TimesOutAfterPosting(), Clock(SLOT)
    first = await deliverer(store, platform, "a", clock).deliver(job())
    honest = RecordingAdapter()
    honest._by_key = platform._by_key  # the same channel, seen by a working connection
    second = await deliverer(store, honest, "a", clock).deliver(job())
    assert (first.status, second.status) == ("failed", "recovered")
    assert len(platform.posted) == 1 and honest.posted == []
    assert store.delivered(slot_key(CHANNEL, SLOT))


async def test_a_failing_compose_is_a_failed_outcome_not_an_exception(store: SqlStore) -> None:
    from bot.errors import StoreError

    seed(store)

    def broken() -> Briefing:
        raise StoreError("database is locked")

    adapter, clock = RecordingAdapter(), Clock(SLOT)
    key = slot_key(CHANNEL, SLOT)
    outcome = await deliverer(store, adapter, "a", clock).deliver(Job(CHANNEL, key, broken))
    assert outcome.status == "failed" and "locked" in (outcome.error or "")
    retry = await deliverer(store, adapter, "a", clock).deliver(job())
    assert retry.status == "posted" and len(adapter.posted) == 1


class DiesAfterRecording(RecordingAdapter):
    """The platform took the post and the adapter wrote its id down; then kill -9."""

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        message_id = await super().post_briefing(briefing, log)
        assert log is not None
        await log.record(1, 1, message_id)
        raise Killed


class HistoryUnreadable(RecordingAdapter):
    """A platform whose history may not be searched (Slack: one request a minute)."""

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        raise AssertionError("the delivery log knew the post: history must not be searched")


async def test_a_post_recorded_as_it_landed_is_recovered_without_searching_history(
    store: SqlStore,
) -> None:
    seed(store)
    platform, clock = DiesAfterRecording(), Clock(SLOT)
    with pytest.raises(Killed):
        await deliverer(store, platform, "dead", clock).deliver(job(1))
    clock.now += LEASE + timedelta(seconds=1)
    survivor = HistoryUnreadable()
    outcome = await deliverer(store, survivor, "next", clock).deliver(job(1))
    assert outcome == Outcome(job().key, "recovered", platform._by_key[(CHANNEL, job().key)])
    assert survivor.posted == [] and len(platform.posted) == 1
    assert store.delivery_status(job().key) == "posted"


async def test_a_resumed_claim_carries_its_recorded_parts_and_claim_time(store: SqlStore) -> None:
    seed(store)
    key = job().key
    first = store.begin_delivery(CHANNEL, key, owner="a", now=SLOT, lease=LEASE)
    assert first is not None and first.since == SLOT and first.recorded_message_id is None
    store.note_delivery_part(key, part=1, parts=2, message_id="m1")
    later = SLOT + LEASE + timedelta(seconds=1)
    resumed = store.begin_delivery(CHANNEL, key, owner="b", now=later, lease=LEASE)
    assert resumed is not None and resumed.resumed
    assert (dict(resumed.posted), resumed.parts, resumed.since) == ({1: "m1"}, 2, SLOT)
    assert resumed.recorded_message_id is None  # part 2 may or may not be there: ask
    store.note_delivery_part(key, part=2, parts=2, message_id="m2")
    again = store.begin_delivery(CHANNEL, key, owner="c", now=later + LEASE * 2, lease=LEASE)
    assert again is not None and again.recorded_message_id == "m1"
