"""The real bolt app: signed HTTP requests and Socket Mode envelopes into async_dispatch."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.blocks import KEY_QUOTES_ACTION
from adapters.slack.bot import UNKNOWN_ACTION
from adapters.slack.testing import (
    block_action_body,
    event_body,
    signed_headers,
    slash_command_body,
)
from bot.app import now_utc
from bot.conversation.permissions import ADMIN
from bot.conversation.replies import Context, Reply
from bot.domain import Quote, QuoteKind, Story
from bot.errors import StoreError

from .briefings import seed_briefing
from .conftest import SlackWorld, until_handled


async def dispatch_http(world: SlackWorld, body: str, **sign: Any) -> tuple[int, str]:
    response = await world.bolt.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed_headers(body, **sign))
    )
    return response.status, response.body


async def dispatch_socket(world: SlackWorld, payload: dict[str, Any]) -> int:
    response = await world.bolt.async_dispatch(AsyncBoltRequest(body=payload, mode="socket_mode"))
    return response.status


def command(world: SlackWorld, name: str, text: str, **who: str) -> str:
    return slash_command_body(name, text, response_url=world.slack.response_url(), **who)


async def test_a_signed_slash_command_is_acked_then_answered(real_world: SlackWorld) -> None:
    status, body = await dispatch_http(real_world, command(real_world, "/news", "help"))
    assert (status, body) == (200, "")  # the ack: empty, immediate
    (answer,) = await real_world.slack.wait_for("respond:r1")
    assert answer.params["response_type"] == "ephemeral"
    text = answer.params["blocks"][0]["text"]["text"]
    # HELP's "<story url | …>" is escaped, not a link.
    assert "quotes &lt;story url | story number | words | person&gt;" in text


async def test_a_parse_error_is_answered_only_to_the_asker(real_world: SlackWorld) -> None:
    await dispatch_http(real_world, command(real_world, "/quotes", ""))
    (answer,) = await real_world.slack.wait_for("respond:r1")
    assert answer.params["response_type"] == "ephemeral"
    assert "quotes needs" in answer.params["text"]


async def test_the_ack_does_not_wait_for_the_answer(world: SlackWorld) -> None:
    release = asyncio.Event()

    class SlowCore:
        async def handle(self, context: Context, text: str) -> Reply:
            await release.wait()  # e.g. an LLM call
            return Reply("done")

    world.bot.responder = SlowCore()
    status, body = await dispatch_http(world, command(world, "/quotes", "lavrov"))
    assert (status, body) == (200, "")  # acked while the core is still working
    assert world.slack.calls_to("respond:r1") == []
    release.set()
    (answer,) = await world.slack.wait_for("respond:r1")
    assert answer.params["text"] == "done"


async def test_a_slash_command_over_socket_mode(world: SlackWorld) -> None:
    payload = dict(parse_qsl(command(world, "/news", "feeds")))
    assert await dispatch_socket(world, payload) == 200
    (answer,) = await world.slack.wait_for("respond:r1")
    assert world.responder.asked[0][1] == "feeds"
    assert answer.params["response_type"] == "in_channel"


async def test_the_url_verification_challenge_is_answered(world: SlackWorld) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    status, answer = await dispatch_http(world, body)
    assert status == 200 and json.loads(answer) == {"challenge": "c-123"}


async def test_a_failing_core_gets_an_apology_not_silence(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenCore:
        async def handle(self, context: Context, text: str) -> Reply:
            raise StoreError("database is locked")

    world.bot.responder = BrokenCore()
    await dispatch_http(world, command(world, "/news", "feeds"))
    (answer,) = await world.slack.wait_for("respond:r1")
    assert answer.params["response_type"] == "ephemeral"
    assert "something went wrong" in answer.params["text"]
    assert "database is locked" in caplog.text


async def test_expired_and_forged_requests_are_refused(world: SlackWorld) -> None:
    body = command(world, "/news", "help")
    stale = int(time.time()) - 10 * 60
    assert (await dispatch_http(world, body, timestamp=stale))[0] == 401
    assert (await dispatch_http(world, body, secret="not-the-secret"))[0] == 401
    unsigned = await world.bolt.async_dispatch(AsyncBoltRequest(body=body, headers={}))
    assert unsigned.status == 401
    assert world.responder.asked == []
    assert world.slack.calls == []


async def test_slash_commands_become_core_lines_with_permissions(world: SlackWorld) -> None:
    await dispatch_http(world, command(world, "/quotes", "lavrov"))
    await dispatch_http(world, command(world, "/brief", ""))
    await dispatch_http(world, command(world, "/news", "feeds"))
    await dispatch_http(world, command(world, "/news", ""))
    await world.slack.wait_for("respond:r1", 4)
    asked = [text for _, text in world.responder.asked]
    assert asked == ["quotes lavrov", "brief", "feeds", "help"]
    assert world.slack.calls_to("users.info") == []  # nothing needed a permission check
    assert all(c.channel == "slack:C0NEWS" and not c.roles for c, _ in world.responder.asked)

    url = "https://feeds.example/rss"
    await dispatch_http(world, command(world, "/news", f"subscribe {url}", user="U0ADMIN"))
    await dispatch_http(world, command(world, "/news", f"subscribe {url}", user="U0OTHER"))
    await world.slack.wait_for("respond:r1", 6)
    (admin, _), (other, _) = world.responder.asked[-2:]
    # The adapter translates Slack's admin flag; the core decides what it allows.
    assert admin.roles == {ADMIN} and not other.roles
    assert not admin.can_manage and not other.can_manage
    assert len(world.slack.calls_to("users.info")) == 2


async def test_in_channel_replies_are_visible_to_all(world: SlackWorld) -> None:
    world.responder.replies.append(Reply("Lavrov said <!channel>"))
    await dispatch_http(world, command(world, "/quotes", "lavrov"))
    (answer,) = await world.slack.wait_for("respond:r1")
    assert answer.params["response_type"] == "in_channel"
    assert answer.params["text"] == "Lavrov said &lt;!channel&gt;"


async def test_brief_posts_the_briefing_once(world: SlackWorld) -> None:
    briefing = seed_briefing("slack:C0NEWS")
    world.responder.replies += [Reply("", briefing=briefing), Reply("", briefing=briefing)]
    await dispatch_http(world, command(world, "/brief", ""))
    (post,) = await world.slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0NEWS"
    assert post.params["metadata"]["event_payload"]["idempotency_key"] == briefing.idempotency_key
    for _ in range(250):  # the post is recorded just after Slack has it
        if world.core.store.delivered(briefing.idempotency_key):
            break
        await asyncio.sleep(0.02)
    assert world.core.store.delivered(briefing.idempotency_key)

    await dispatch_http(world, command(world, "/brief", ""))
    (note,) = await world.slack.wait_for("respond:r1")
    assert note.params["response_type"] == "ephemeral"
    assert "already in the channel" in note.params["text"]
    assert len(world.slack.calls_to("chat.postMessage")) == 1


def mention(text: str, *, ts: str = "1700000100.000100", **extra: str) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ASKER",
        "text": text,
        "ts": ts,
        "channel": "C0NEWS",
        "event_ts": ts,
        **extra,
    }


async def test_an_app_mention_over_socket_mode_is_answered_in_thread(world: SlackWorld) -> None:
    world.responder.replies.append(Reply("Lavrov called it “a road to nowhere”."))
    event = mention("<@UNEWSBRIEF> what did Lavrov say?")
    assert await dispatch_socket(world, event_body(event, event_id="Ev1")) == 200
    (post,) = await world.slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == event["ts"]
    assert post.params["text"] == "Lavrov called it “a road to nowhere”."
    ((context, text),) = world.responder.asked
    assert text == "what did Lavrov say?"
    assert context.thread_of is None


async def test_a_retried_event_is_handled_once(world: SlackWorld) -> None:
    body = json.dumps(event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvSame"))
    assert (await dispatch_http(world, body))[0] == 200
    await world.slack.wait_for("chat.postMessage")
    await until_handled(world, "EvSame")
    assert await dispatch_socket(world, json.loads(body)) == 200  # Slack's retry
    assert (await dispatch_http(world, body))[0] == 200
    assert len(world.responder.asked) == 1
    assert len(world.slack.calls_to("chat.postMessage")) == 1


async def test_ephemeral_answers_in_threads_reach_only_the_asker(world: SlackWorld) -> None:
    world.responder.replies.append(Reply("You may not do that.", ephemeral=True))
    await dispatch_socket(world, event_body(mention("<@UNEWSBRIEF> subscribe x"), event_id="E2"))
    (answer,) = await world.slack.wait_for("chat.postEphemeral")
    assert answer.params["user"] == "U0ASKER"
    assert answer.params["thread_ts"] == "1700000100.000100"
    assert world.slack.calls_to("chat.postMessage") == []


async def test_a_reply_in_a_briefing_thread_is_a_follow_up(world: SlackWorld) -> None:
    briefing = seed_briefing("slack:C0NEWS")
    parent_ts = await world.adapter.post_briefing(briefing)
    follow_up = {
        "type": "message",
        "user": "U0ASKER",
        "text": "who is Lavrov?",
        "ts": "1800000000.000100",
        "thread_ts": parent_ts,
        "channel": "C0NEWS",
        "channel_type": "channel",
    }
    await dispatch_socket(world, event_body(follow_up, event_id="Ev3"))
    await world.slack.wait_for("chat.postMessage", 2)
    ((context, text),) = world.responder.asked
    assert (text, context.thread_of) == ("who is Lavrov?", briefing.idempotency_key)
    assert world.slack.calls_to("chat.postMessage")[-1].params["thread_ts"] == parent_ts

    # A thread that is not one of our briefings is none of our business.
    (other_parent,) = [(await world.slack.wait_for("chat.postMessage", 2))[-1].params["thread_ts"]]
    elsewhere = {**follow_up, "thread_ts": "1600000000.000100", "ts": "1800000001.000100"}
    await dispatch_socket(world, event_body(elsewhere, event_id="Ev4"))
    await world.slack.wait_for("conversations.replies", 2)
    assert len(world.responder.asked) == 1 and other_parent == parent_ts


def quote(story_text: str, said: str, *, role: str | None = None) -> Quote:
    start = story_text.index(said)
    return Quote(
        text=said,
        start=start,
        end=start + len(said),
        kind=QuoteKind.DIRECT,
        speaker="Sergey Lavrov",
        speaker_role=role,
    )


def _story_with_quotes(world: SlackWorld, text: str, quotes: list[Quote]) -> int:
    """A stored story ("Kremlin <talks>") with ``quotes``; its id."""
    world.core.store.add_feed("f")
    story = world.core.store.add_story(
        Story(url="https://news.example/k", title="Kremlin <talks>", text=text, feed_url="f"),
        keys=["k"],
    )
    assert story.id is not None
    world.core.store.save_quotes(story.id, quotes)
    return story.id


def _key_quotes_press(world: SlackWorld, story_id: int) -> dict[str, Any]:
    """The body Slack sends when someone presses a briefing's Key quotes button."""
    return block_action_body(
        KEY_QUOTES_ACTION,
        json.dumps({"story_ids": [story_id]}),
        response_url=world.slack.response_url("action"),
        message_ts="1700000000.000100",
    )


async def test_key_quotes_shows_the_full_quote_list_to_the_presser(world: SlackWorld) -> None:
    text = "“A road to nowhere,” Lavrov said. “<!channel> come,” he added."
    story_id = _story_with_quotes(
        world,
        text,
        [quote(text, "A road to nowhere", role="foreign minister"), quote(text, "<!channel> come")],
    )
    body = _key_quotes_press(world, story_id)
    assert (await dispatch_http(world, body))[0] == 200
    (answer,) = await world.slack.wait_for("respond:action")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    lines = answer.params["blocks"][0]["text"]["text"].splitlines()
    assert lines == [
        "*Key quotes — Kremlin &lt;talks&gt;*",
        "• *Sergey Lavrov* (foreign minister): “A road to nowhere”",
        "• *Sergey Lavrov*: “&lt;!channel&gt; come”",
    ]


async def test_key_quotes_of_a_pruned_story_says_its_text_was_pruned(world: SlackWorld) -> None:
    # The button was posted with a briefing before retention emptied the story.
    text = "“A road to nowhere,” Lavrov said."
    story_id = _story_with_quotes(world, text, [quote(text, "A road to nowhere")])
    world.core.store.prune(now_utc() + timedelta(seconds=1))
    body = _key_quotes_press(world, story_id)
    assert (await dispatch_http(world, body))[0] == 200
    (answer,) = await world.slack.wait_for("respond:action")
    assert answer.params["response_type"] == "ephemeral"
    lines = answer.params["blocks"][0]["text"]["text"].splitlines()
    assert lines[0] == "“Kremlin &lt;talks&gt;” (https://news.example/k)"
    assert lines[1].startswith("This story's text was pruned on ")
    assert lines[1].endswith("only its title and link are kept.")


@pytest.mark.parametrize("action_id", ["newsbrief_old_button", "x" * 255])
async def test_an_unknown_button_is_acked_and_the_presser_told(
    world: SlackWorld, action_id: str
) -> None:
    body = block_action_body(
        action_id,
        "{}",
        response_url=world.slack.response_url("action"),
        message_ts="1700000000.000100",
    )
    assert (await dispatch_http(world, body))[0] == 200  # bolt answers 404 to an unhandled one
    (answer,) = await world.slack.wait_for("respond:action")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["text"] == UNKNOWN_ACTION


async def test_a_slash_command_from_a_direct_message_says_so_to_the_core(
    world: SlackWorld,
) -> None:
    await dispatch_http(world, command(world, "/brief", "", channel="D0DM"))
    await dispatch_http(world, command(world, "/brief", ""))
    await world.slack.wait_for("respond:r1", 2)
    (dm, _), (channel, _) = world.responder.asked
    assert dm.direct_message and dm.channel == "slack:D0DM"
    assert not channel.direct_message


async def test_brief_in_a_direct_message_is_refused_with_the_reason(
    real_world: SlackWorld,
) -> None:
    await dispatch_http(real_world, command(real_world, "/brief", "", channel="D0DM"))
    (answer,) = await real_world.slack.wait_for("respond:r1")
    assert answer.params["response_type"] == "ephemeral"
    assert "not in a direct message" in json.dumps(answer.params)
    assert real_world.slack.calls_to("chat.postMessage") == []
