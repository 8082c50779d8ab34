"""A hostile feed, end to end: ingest → extractor → briefing → Discord, and the Key quotes list.

Titles and quotes carry ``@everyone``, ``@here``, a role ping ``<@&…>``, a user ping
``<@…>`` and a masked link ``[Reuters](https://evil.example)``; what reaches Discord
must ping nobody (``allowed_mentions`` says ``parse: []`` on every request, and the text
is escaped besides) and link only to the story.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from adapters.discord.bot import NewsBot
from adapters.discord.testing import FakeDiscord, interaction_payload
from bot.app import App
from bot.settings import ChannelSettings
from bot.testing import FeedServer, Route
from tests.discord.conftest import NEWS_CHANNEL_ID, settle
from tests.ingest.feeds import article, rss

ROLE = "<@&123456789012345678>"
USER = "<@123456789012345678>"
HOSTILE = f"@everyone {ROLE} {USER} [Reuters](https://evil.example) @here"
CHANNEL = f"discord:{NEWS_CHANNEL_ID}"
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)
# A mention Discord would parse: "@everyone"/"@here", or <@id>, <@!id>, <@&id>.
LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
# A masked link Discord would render: [text](url) with the "[" not escaped.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(")


def hostile_article() -> bytes:
    return article(
        f"Ceasefire talks {HOSTILE}",
        [
            "Foreign ministers met in Geneva on Tuesday for a second round of talks on the "
            "ceasefire, which both sides accused the other of breaking within hours.",
            f"“We are not here to sign anything today {HOSTILE},” said Anna Berg, the Swedish "
            "foreign minister. “We are here to find out whether there is anything to sign.”",
            f"“Everyone should read {ROLE} and [the memo](https://evil.example) now,” said Jan "
            "Olsen, a spokesman.",
        ],
    )


def strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []


def assert_inert(request_json: dict[str, Any], story_url: str) -> None:
    assert request_json["allowed_mentions"] == {"parse": []}
    for text in strings({k: v for k, v in request_json.items() if k != "allowed_mentions"}):
        assert not LIVE_MENTION.search(text), text
        assert not MASKED_LINK.search(text), text
        if text.startswith("http"):
            assert text == story_url, text  # the only link: the story itself


async def test_a_hostile_feed_pings_nobody_and_links_nowhere(
    api: FakeDiscord, news_bot: NewsBot, core: App
) -> None:
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
        core.store.add_feed(feed_url)
        core.store.subscribe(CHANNEL, feed_url)
        reports = await core.poll()
    assert [r.error for r in reports] == [None]

    channel = ChannelSettings(id=CHANNEL, feeds=(feed_url,))
    briefing = core.briefing_for(channel, now=datetime.now(UTC), since=EVERYTHING)
    assert briefing.items and HOSTILE in briefing.items[0].title
    said = [q.text for b in briefing.items[0].bullets for q in b.quotes]
    assert any(HOSTILE in q for q in said), said

    core.adapters = {**core.adapters, "discord": news_bot.adapter}
    await core.deliver(briefing)
    [post] = api.message_posts()
    assert_inert(post.json, story_url)
    shown = "\n".join(strings(post.json))
    assert "@\u200beveryone" in shown and "<@\u200b&123456789012345678>" in shown
    assert "\\[Reuters](https://evil.example)" in shown  # shown as typed, not as a link

    # The Key quotes list of the same story is just as inert.
    [row] = post.json["components"]
    custom_id = row["components"][0]["custom_id"]
    message = api.messages[NEWS_CHANNEL_ID][0]
    click = interaction_payload(
        api.next_id(),
        type=3,
        data={"component_type": 2, "custom_id": custom_id},
        channel_id=NEWS_CHANNEL_ID,
        message=message,
    )
    news_bot._connection.parse_interaction_create(click)  # type: ignore[arg-type]
    await settle()

    posts = api.message_posts()[1:]
    assert len(posts) >= 3  # the callback, the quote list, the pointer to the thread
    for request in posts:
        if request.json and "allowed_mentions" in request.json:
            assert_inert(request.json, story_url)
    listing = next(p for p in posts if p.path == f"/channels/{message['id']}/messages")
    listed = "\n".join(strings(listing.json))
    assert "@\u200beveryone" in listed and "\\[the memo](https://evil.example)" in listed
    [thread] = api.sent("POST", r"/threads$")
    assert not LIVE_MENTION.search(thread.json["name"])
