"""DiscordAdapter against the fake Discord REST server: posts, nonces, recovery, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest

from adapters.discord.adapter import DiscordAdapter, message_nonce
from adapters.discord.render import briefing_messages
from adapters.discord.testing import BOT_USER_ID, FakeDiscord, message_payload, user_payload
from bot.domain import Briefing
from bot.errors import DeliveryError
from bot.ports import ChatAdapter
from tests.discord.briefings import hostile_item, seed_briefing, seed_item

CHANNEL_ID = 1100000000000000500
CHANNEL = f"discord:{CHANNEL_ID}"


@pytest.fixture
async def adapter(api: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=None)
    try:
        await client.login("test-token")
        yield DiscordAdapter(client, pace_seconds=0)
    finally:
        await client.close()


def big_briefing(stories: int = 12) -> Briefing:
    items = tuple(seed_item(n) for n in range(1, stories + 1))
    return Briefing(
        CHANNEL, "Big", items, datetime(2026, 11, 25, tzinfo=UTC), f"briefing:{CHANNEL}:big"
    )


def test_it_is_a_chat_adapter(adapter: DiscordAdapter) -> None:
    assert isinstance(adapter, ChatAdapter)
    assert adapter.name == "discord"


async def test_post_briefing_sends_the_rendered_embeds_with_buttons_and_nonce(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = seed_briefing(CHANNEL)
    message_id = await adapter.post_briefing(briefing)

    [post] = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    expected = [e.to_dict() for e in briefing_messages(briefing)[0].embeds]
    assert post.json["embeds"] == expected
    assert post.json["allowed_mentions"] == {"parse": []}
    assert post.json["nonce"] == message_nonce(briefing.idempotency_key, 1)
    assert post.json["enforce_nonce"] is True
    [row] = post.json["components"]
    assert [(b["label"], b["custom_id"]) for b in row["components"]] == [
        ("Key quotes · 1", "newsbrief:quotes:1")
    ]
    assert message_id == api.messages[CHANNEL_ID][0]["id"]
    assert adapter.recent[CHANNEL] == briefing


async def test_a_split_briefing_posts_every_part_in_order(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing()
    first = await adapter.post_briefing(briefing)
    posts = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert len(posts) == len(briefing_messages(briefing)) >= 2
    assert [p.json["nonce"] for p in posts] == [
        message_nonce(briefing.idempotency_key, i) for i in range(1, len(posts) + 1)
    ]
    assert len({p.json["nonce"] for p in posts}) == len(posts)
    assert first == api.messages[CHANNEL_ID][0]["id"]


async def test_find_posted_finds_a_briefing_in_history_after_a_restart(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing()
    first = await adapter.post_briefing(briefing)
    api.add_message(CHANNEL_ID, message_payload(api.next_id(), CHANNEL_ID, content="chatter"))
    fresh = DiscordAdapter(adapter.client, pace_seconds=0)  # no memory of the post

    assert await fresh.find_posted(CHANNEL, briefing.idempotency_key) == first
    assert await fresh.find_posted(CHANNEL, "briefing:other") is None


async def test_find_posted_ignores_a_half_posted_briefing(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing()
    await adapter.post_briefing(briefing)
    del api.messages[CHANNEL_ID][-1]  # the last part never made it

    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) is None


async def test_find_posted_ignores_lookalikes_from_other_authors(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = seed_briefing(CHANNEL)
    forged = briefing_messages(briefing)[0].embeds
    api.add_message(
        CHANNEL_ID,
        message_payload(
            api.next_id(),
            CHANNEL_ID,
            author=user_payload(),
            embeds=[e.to_dict() for e in forged],
        ),
    )
    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) is None
    assert adapter.client.user is not None and adapter.client.user.id == BOT_USER_ID


async def test_a_refusal_becomes_a_delivery_error(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    api.fail("POST", rf"^/channels/{CHANNEL_ID}/messages$", status=403, code=50013)
    with pytest.raises(DeliveryError, match=r"403 Missing Permissions \(code 50013\)") as info:
        await adapter.post_briefing(seed_briefing(CHANNEL))
    assert isinstance(info.value.__cause__, discord.Forbidden)


async def test_an_unknown_channel_becomes_a_delivery_error(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    api.fail("POST", r"/messages$", status=404, code=10003, message="Unknown Channel")
    with pytest.raises(DeliveryError, match="Unknown Channel"):
        await adapter.post_briefing(seed_briefing(CHANNEL))
    with pytest.raises(DeliveryError, match="not a Discord channel"):
        await adapter.post_briefing(seed_briefing("slack:C1"))


async def test_history_failure_becomes_a_delivery_error(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    api.fail("GET", rf"^/channels/{CHANNEL_ID}/messages$", status=403, code=50001)
    with pytest.raises(DeliveryError, match="reading history"):
        await adapter.find_posted(CHANNEL, "k")


async def test_hostile_feed_content_pings_nobody(api: FakeDiscord, adapter: DiscordAdapter) -> None:
    items = tuple(hostile_item(n) for n in range(1, 13))
    briefing = Briefing(
        CHANNEL,
        "@everyone news",
        items,
        datetime(2026, 11, 25, tzinfo=UTC),
        "briefing:hostile",
        notes=("<@&123456789012345678> [Reuters](https://evil.example)",),
    )
    await adapter.post_briefing(briefing)
    posts = api.message_posts()
    assert len(posts) >= 2
    for post in posts:
        assert post.json["allowed_mentions"] == {"parse": []}
        assert "@everyone" not in str(post.json) and "@here" not in str(post.json)
        assert "<@&123456789012345678>" not in str(post.json)


async def test_pacing_spaces_consecutive_sends(api: FakeDiscord, adapter: DiscordAdapter) -> None:
    adapter.pace_seconds = 0.05
    loop_time = adapter.client.loop.time
    start = loop_time()
    await adapter.post_briefing(big_briefing(20))
    sends = len(api.sent("POST", r"/messages$"))
    assert sends >= 3
    assert loop_time() - start >= 0.05 * (sends - 1)


async def test_a_briefing_refused_halfway_is_withdrawn_and_retried_whole(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing()
    parts = len(briefing_messages(briefing))
    api.fail("POST", rf"^/channels/{CHANNEL_ID}/messages$", status=403, code=50013, after=1)
    with pytest.raises(DeliveryError):
        await adapter.post_briefing(briefing)
    assert api.messages[CHANNEL_ID] == []  # part 1 withdrawn
    assert len(api.sent("DELETE", rf"^/channels/{CHANNEL_ID}/messages/\d+$")) == 1
    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) is None

    await adapter.post_briefing(briefing)  # the retry: whole, with fresh nonces
    assert len(api.messages[CHANNEL_ID]) == parts
    retry_nonces = [p.json["nonce"] for p in api.sent("POST", r"/messages$")[-parts:]]
    assert retry_nonces == [
        message_nonce(briefing.idempotency_key, i, 1) for i in range(1, parts + 1)
    ]


async def test_a_last_part_stored_but_its_answer_lost_is_kept_and_found(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    # Part 2 of 2 reaches Discord, the connection drops before the answer: withdrawing
    # part 1 and changing the nonces would leave part 2 behind, repeated by the retry.
    briefing = big_briefing(12)
    assert len(briefing_messages(briefing)) == 2
    api.drop_after_answering("POST", rf"^/channels/{CHANNEL_ID}/messages$", after=1)
    with pytest.raises(DeliveryError, match="failed") as info:
        await adapter.post_briefing(briefing)
    assert not isinstance(info.value.__cause__, discord.HTTPException)
    assert not api.sent("DELETE", rf"^/channels/{CHANNEL_ID}/messages/\d+$")
    assert len(api.messages[CHANNEL_ID]) == 2  # both parts are there

    first_id = api.messages[CHANNEL_ID][0]["id"]
    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) == first_id


async def test_a_retry_after_a_lost_answer_resends_with_the_same_nonces(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing(20)
    assert len(briefing_messages(briefing)) == 3
    api.drop_after_answering("POST", rf"^/channels/{CHANNEL_ID}/messages$", after=1)
    with pytest.raises(DeliveryError):
        await adapter.post_briefing(briefing)
    assert len(api.messages[CHANNEL_ID]) == 2  # part 1, and part 2 whose answer was lost
    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) is None

    first_id = await adapter.post_briefing(briefing)  # the resumed delivery's retry
    assert first_id == api.messages[CHANNEL_ID][0]["id"]
    assert len(api.messages[CHANNEL_ID]) == 3  # parts 1 and 2 deduplicated by their nonces
    nonces = [p.json["nonce"] for p in api.sent("POST", r"/messages$")]
    expected = [message_nonce(briefing.idempotency_key, i) for i in (1, 2, 3)]
    assert nonces == expected[:2] + expected
    assert await adapter.find_posted(CHANNEL, briefing.idempotency_key) == first_id


async def test_a_server_error_is_not_taken_for_a_refusal(
    api: FakeDiscord, adapter: DiscordAdapter
) -> None:
    briefing = big_briefing(12)
    api.fail(  # discord.py gives up on a 503 at once (500, 502 and 504 it retries first)
        "POST",
        rf"^/channels/{CHANNEL_ID}/messages$",
        status=503,
        code=0,
        message="Service Unavailable",
        after=1,
    )
    with pytest.raises(DeliveryError, match="503"):
        await adapter.post_briefing(briefing)
    assert len(api.messages[CHANNEL_ID]) == 1  # part 1 stays: a 5xx may have stored part 2
    assert not api.sent("DELETE", rf"^/channels/{CHANNEL_ID}/messages/\d+$")

    await adapter.post_briefing(briefing)
    assert len(api.messages[CHANNEL_ID]) == 2
    assert {p.json["nonce"] for p in api.sent("POST", r"/messages$")} == {
        message_nonce(briefing.idempotency_key, i) for i in (1, 2)
    }
