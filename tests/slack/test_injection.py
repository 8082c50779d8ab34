"""A hostile feed, end to end: ingest → extractor → briefing → Slack, and the Key quotes list.

Titles and quotes carry ``<!channel>``, ``<@U123>``, ``<https://evil|Reuters>`` and a
literal ``&lt;``; what reaches Slack must ping nobody and link only to the story.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.blocks import KEY_QUOTES_ACTION
from adapters.slack.testing import block_action_body, signed_headers
from bot.settings import ChannelSettings
from bot.testing import FeedServer, Route

from ..ingest.feeds import article, rss
from .conftest import SlackWorld

HOSTILE = "<!channel> <@U123> <https://evil.example|Reuters> &lt;b&gt;"
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


def hostile_article() -> bytes:
    return article(
        f"Ceasefire talks {HOSTILE}",
        [
            "Foreign ministers met in Geneva on Tuesday for a second round of talks on the "
            "ceasefire, which both sides accused the other of breaking within hours.",
            f"“We are not here to sign anything today {HOSTILE},” said Anna Berg, the Swedish "
            "foreign minister. “We are here to find out whether there is anything to sign.”",
            "“Everyone should read <!here> and <@U999> now,” said Jan Olsen, a spokesman.",
        ],
    )


def strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []


def assert_inert(texts: list[str], story_url: str) -> None:
    for text in texts:
        for sequence in re.findall(r"<[^<>]*>", text):
            # The only control sequence allowed: a link to the story itself.
            assert sequence.startswith(f"<{story_url}|"), (sequence, text)
        assert "<!" not in text and "<@" not in text, text


async def test_a_hostile_feed_pings_nobody_and_links_nowhere(world: SlackWorld) -> None:
    with FeedServer() as server:
        story_url = server.url("/a/talks")
        server.routes["/feed.xml"] = Route(
            body=rss(
                server.base_url,
                [
                    {
                        "title": f"Ceasefire talks {HOSTILE}",
                        "link": story_url,
                        "guid": "talks",
                        "pubDate": "Tue, 24 Nov 2026 07:10:00 GMT",
                        "description": f"Summary {HOSTILE}",
                    }
                ],
                title=f"Wire {HOSTILE}",
            )
        )
        server.routes["/a/talks"] = Route(body=hostile_article(), content_type="text/html")
        feed_url = server.url("/feed.xml")
        world.core.store.add_feed(feed_url)
        world.core.store.subscribe("slack:C0NEWS", feed_url)
        reports = await world.core.poll()
    assert [r.error for r in reports] == [None]

    channel = ChannelSettings(id="slack:C0NEWS", feeds=(feed_url,))
    briefing = world.core.briefing_for(channel, now=datetime.now(UTC), since=EVERYTHING)
    assert briefing.items and HOSTILE in briefing.items[0].title
    # (The article's HTML entity decodes, so the quote holds "<b>"; the title keeps "&lt;b&gt;".)
    said = [q.text for b in briefing.items[0].bullets for q in b.quotes]
    assert any("<!channel> <@U123> <https://evil.example|Reuters> <b>" in q for q in said), said

    await world.core.deliver(briefing)
    (post,) = world.slack.calls_to("chat.postMessage")
    assert "link_names" not in post.params and post.params.get("parse") != "full"
    posted = [*strings(post.params["blocks"]), post.params["text"]]
    assert_inert(posted, story_url)
    shown = "\n".join(posted)
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt;" in shown
    assert "&amp;lt;b&amp;gt;" in shown  # the feed's literal "&lt;" shows as typed

    # The Key quotes list of the same story is just as inert.
    button = next(b["accessory"] for b in post.params["blocks"] if b.get("accessory"))
    assert button["action_id"] == KEY_QUOTES_ACTION
    body = block_action_body(
        KEY_QUOTES_ACTION,
        button["value"],
        response_url=world.slack.response_url("quotes"),
        message_ts=str(world.slack.history["C0NEWS"][0]["ts"]),
    )
    await world.bolt.async_dispatch(AsyncBoltRequest(body=body, headers=signed_headers(body)))
    (answer,) = await world.slack.wait_for("respond:quotes")
    quotes_text = strings(answer.params["blocks"])
    assert_inert(quotes_text, story_url)
    assert any("&lt;!channel&gt; &lt;@U123&gt;" in t for t in quotes_text), quotes_text
    assert json.loads(button["value"])["story_ids"]
