"""SlackAdapter against the fake Slack Web API: metadata, recovery, pacing, 429s, errors."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from adapters.slack.adapter import SlackAdapter, SlackChannel, make_web_client
from adapters.slack.blocks import METADATA_EVENT_TYPE, SlackMessage, briefing_messages
from adapters.slack.testing import FakeSlack
from bot.delivery import ClaimLog
from bot.errors import DeliveryError
from bot.store import SqlStore

from .briefings import seed_briefing
from .test_blocks import many_stories


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def adapter_for(slack: FakeSlack, **kwargs: float) -> SlackAdapter:
    """No pacing unless asked: the fake Slack enforces no limits unless asked either."""
    client = make_web_client("xoxb-test", base_url=slack.api_url)
    return SlackAdapter(
        client,
        post_interval=kwargs.get("post_interval", 0.0),
        history_interval=kwargs.get("history_interval", 0.0),
    )


async def test_post_carries_the_idempotency_key_and_find_posted_sees_it(slack: FakeSlack) -> None:
    adapter = adapter_for(slack)
    briefing = seed_briefing("slack:C1")
    ts = await adapter.post_briefing(briefing)
    (post,) = slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "C1"
    assert post.params["metadata"] == {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"idempotency_key": briefing.idempotency_key, "part": 1, "parts": 1},
    }
    assert post.params["unfurl_links"] is False
    assert "link_names" not in post.params and "parse" not in post.params
    assert post.headers["Authorization"] == "Bearer xoxb-test"
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == ts
    assert await adapter.find_posted("slack:C1", "another-key") is None
    assert await adapter.find_posted("slack:C2", briefing.idempotency_key) is None


async def test_find_posted_pages_through_history(slack: FakeSlack) -> None:
    slack.history_page_size = 2
    adapter = adapter_for(slack)
    first = seed_briefing("slack:C1")
    ts = await adapter.post_briefing(first)
    for n in range(5):
        await adapter.post_briefing(replace(first, idempotency_key=f"later-{n}"))
    assert await adapter.find_posted("slack:C1", first.idempotency_key) == ts
    assert len(slack.calls_to("conversations.history")) == 3


async def test_a_long_briefing_posts_every_part_with_its_number(slack: FakeSlack) -> None:
    adapter = adapter_for(slack)
    briefing = replace(many_stories(40), channel="slack:C1")
    ts = await adapter.post_briefing(briefing)
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) > 1
    parts = [p.params["metadata"]["event_payload"]["part"] for p in posts]
    assert parts == list(range(1, len(posts) + 1))
    # Recovery finds the first part, the briefing's message id.
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == ts


async def test_a_retried_long_briefing_posts_only_the_missing_parts(slack: FakeSlack) -> None:
    adapter = adapter_for(slack)
    briefing = replace(many_stories(40), channel="slack:C1")
    slack.fail("chat.postMessage", "internal_error", after=1)  # part 2 fails
    with pytest.raises(DeliveryError, match="internal_error"):
        await adapter.post_briefing(briefing)
    first_ts = slack.history["C1"][0]["ts"]

    ts = await adapter.post_briefing(briefing)  # the retry
    assert ts == first_ts
    parts = [m["metadata"]["event_payload"]["part"] for m in reversed(slack.history["C1"])]
    assert parts == list(range(1, len(parts) + 1))  # each part once, in order
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == first_ts


async def test_a_partly_posted_briefing_is_not_found_until_every_part_is_in(
    slack: FakeSlack,
) -> None:
    # Delivery records a briefing find_posted finds as delivered, without posting:
    # finding part 1 of 3 would lose parts 2 and 3 for good.
    adapter = adapter_for(slack)
    briefing = replace(many_stories(25), channel="slack:C1")
    assert len(briefing_messages(briefing)) == 3
    slack.fail("chat.postMessage", "internal_error", after=1)  # only part 1 lands
    with pytest.raises(DeliveryError, match="internal_error"):
        await adapter.post_briefing(briefing)
    assert len(slack.history["C1"]) == 1
    assert slack.history["C1"][0]["metadata"]["event_payload"]["parts"] == 3
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) is None

    ts = await adapter.post_briefing(briefing)  # the resumed attempt posts parts 2 and 3
    parts = [m["metadata"]["event_payload"]["part"] for m in reversed(slack.history["C1"])]
    assert parts == [1, 2, 3]
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == ts


async def test_a_briefing_missing_a_middle_part_is_not_found(slack: FakeSlack) -> None:
    adapter = adapter_for(slack)
    briefing = replace(many_stories(25), channel="slack:C1")
    ts = await adapter.post_briefing(briefing)
    del slack.history["C1"][1]  # part 2 of 3 is gone (newest first: 3, 2, 1)
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) is None
    assert await adapter.post_briefing(briefing) == ts  # reposts part 2 only
    assert len(slack.history["C1"]) == 3
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == ts


async def test_a_429_is_retried_after_retry_after_without_duplicates(slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", times=2, retry_after=0)
    adapter = adapter_for(slack)
    ts = await adapter.post_briefing(seed_briefing("slack:C1"))
    assert len(slack.calls_to("chat.postMessage")) == 3  # two 429s, then the post
    assert [m["ts"] for m in slack.history["C1"]] == [ts]  # exactly one message landed


async def test_a_post_whose_answer_was_lost_is_found_not_repeated(slack: FakeSlack) -> None:
    slack.drop_after_answering("chat.postMessage")
    adapter = adapter_for(slack)
    briefing = seed_briefing("slack:C1")
    ts = await adapter.post_briefing(briefing)
    assert len(slack.calls_to("chat.postMessage")) == 1  # not retried blindly
    assert [m["ts"] for m in slack.history["C1"]] == [ts]


async def test_posts_to_one_channel_are_paced(slack: FakeSlack) -> None:
    adapter = adapter_for(slack, post_interval=0.2)
    briefing = seed_briefing("slack:C1")
    await adapter.post_briefing(briefing)
    await adapter.post_briefing(replace(briefing, idempotency_key="second"))
    await adapter.post_briefing(replace(briefing, channel="slack:C2"))
    first, second, other = slack.calls_to("chat.postMessage")
    assert second.at - first.at >= 0.2
    assert other.params["channel"] == "C2"


async def test_slack_errors_become_delivery_errors(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", "channel_not_found")
    adapter = adapter_for(slack)
    with pytest.raises(DeliveryError, match="channel_not_found"):
        await adapter.post_briefing(seed_briefing("slack:C404"))
    with pytest.raises(DeliveryError, match="not a Slack channel"):
        await adapter.post_briefing(seed_briefing("discord:123"))


async def test_an_unreachable_slack_is_a_delivery_error() -> None:
    async with FakeSlack() as gone:
        url = gone.api_url
    client = make_web_client("xoxb-test", base_url=url)
    with pytest.raises(DeliveryError, match="could not reach Slack"):
        await SlackAdapter(client).post_briefing(seed_briefing("slack:C1"))


async def test_workspace_channels_post_with_that_workspace_token(slack: FakeSlack) -> None:
    tokens = {"T9": "xoxb-team-nine"}

    async def token_for(team: str) -> str:
        return tokens[team]

    client = make_web_client(base_url=slack.api_url)
    adapter = SlackAdapter(client, token_for_team=token_for, post_interval=0, history_interval=0)
    briefing = seed_briefing("slack:T9/C1")
    ts = await adapter.post_briefing(briefing)
    (post,) = slack.calls_to("chat.postMessage")
    assert post.headers["Authorization"] == "Bearer xoxb-team-nine"
    assert await adapter.find_posted("slack:T9/C1", briefing.idempotency_key) == ts


def test_channel_ids_round_trip() -> None:
    assert str(SlackChannel.parse("slack:C1")) == "slack:C1"
    assert SlackChannel.parse("slack:T9/C1") == SlackChannel("C1", "T9")


CHATTER = SlackMessage(text="lunch?", blocks=())
LIMIT_SECONDS = 0.2  # Slack's one history request a minute, scaled down


async def test_find_posted_reads_160_messages_back_within_slacks_history_limits(
    slack: FakeSlack,
) -> None:
    # Apps outside Slack's Marketplace may read 15 messages a request, one request a
    # minute; the fake answers 429 to anything faster and caps every page at 15.
    slack.limit_history_as_outside_the_marketplace(interval=LIMIT_SECONDS)
    adapter = adapter_for(slack, history_interval=LIMIT_SECONDS)
    briefing = seed_briefing("slack:C1")
    ts = await adapter.post_briefing(briefing)
    for _ in range(160):
        await adapter.post(SlackChannel("C1"), CHATTER)
    assert await adapter.find_posted("slack:C1", briefing.idempotency_key) == ts
    reads = slack.calls_to("conversations.history")
    assert len(reads) == 11  # 161 messages at 15 a page, not one request refused
    assert all(int(read.params["limit"]) <= 15 for read in reads)
    assert all(b.at - a.at >= LIMIT_SECONDS for a, b in pairwise(reads))


async def test_find_posted_reads_no_further_back_than_the_claim(slack: FakeSlack) -> None:
    for n in range(100):  # a busy channel's older messages (a day ago)
        slack.history["C1"].append({"type": "message", "ts": f"{time.time() - 86_400 - n:.6f}"})
    adapter = adapter_for(slack)
    claimed = datetime.now(UTC)
    briefing = seed_briefing("slack:C1")
    await adapter.post_briefing(briefing)
    assert await adapter.find_posted("slack:C1", "never-posted", since=claimed) is None
    (read,) = slack.calls_to("conversations.history")  # one page holds all since the claim
    assert float(read.params["oldest"]) <= claimed.timestamp()


async def test_each_part_is_recorded_as_it_lands_and_a_resumed_post_skips_them(
    slack: FakeSlack, store: SqlStore
) -> None:
    adapter = adapter_for(slack)
    briefing = replace(many_stories(25), channel="slack:C1", idempotency_key="briefing:k")
    parts = len(briefing_messages(briefing))
    assert parts == 3
    now = datetime.now(UTC)
    claim = store.begin_delivery("slack:C1", "briefing:k", owner="a", now=now, lease=timedelta())
    assert claim is not None
    slack.fail("chat.postMessage", "internal_error", after=2)  # parts 1 and 2 land
    with pytest.raises(DeliveryError):
        await adapter.post_briefing(briefing, ClaimLog.of(store, claim))
    resumed = store.begin_delivery(
        "slack:C1", "briefing:k", owner="b", now=now + timedelta(seconds=1), lease=timedelta()
    )
    assert resumed is not None
    assert sorted(resumed.posted) == [1, 2] and resumed.parts == 3
    slack.calls.clear()

    ts = await adapter.post_briefing(briefing, ClaimLog.of(store, resumed))
    (post,) = slack.calls_to("chat.postMessage")  # only part 3
    assert post.params["metadata"]["event_payload"]["part"] == 3
    assert ts == resumed.posted[1]
    again = store.begin_delivery(
        "slack:C1", "briefing:k", owner="c", now=now + timedelta(seconds=2), lease=timedelta()
    )
    assert again is not None and again.recorded_message_id == ts
