"""NewsBot: real discord.py interactions and messages built from gateway payloads against the
bot's ConnectionState, answered through the fake Discord REST server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest

from adapters.discord.bot import NOT_HERE, UNKNOWN_BUTTON, NewsBot, bot_intents
from adapters.discord.render import briefing_messages, quote_list_messages
from adapters.discord.testing import (
    APPLICATION_ID,
    BOT_USER_ID,
    GUILD_ID,
    FakeDiscord,
    command_data,
    dm_interaction_payload,
    interaction_payload,
    message_payload,
    option,
    subcommand,
    thread_payload,
    user_payload,
)
from bot.app import App, now_utc
from bot.conversation.commands import HELP
from bot.conversation.permissions import MANAGING_ROLES
from bot.conversation.replies import Reply
from bot.domain import Citation, QuoteKind, Story
from tests.discord.briefings import seed_briefing
from tests.discord.conftest import ScriptedResponder, embeds_of, join_guild, settle

CHANNEL_ID = 1100000000000000500
CHANNEL = f"discord:{CHANNEL_ID}"
MANAGE_GUILD = 1 << 5


def dispatch(bot: NewsBot, payload: dict[str, Any]) -> None:
    """Hand a gateway INTERACTION_CREATE / MESSAGE_CREATE to discord.py as the gateway would."""
    state = bot._connection
    if "token" in payload:
        state.parse_interaction_create(payload)  # type: ignore[arg-type]
    else:
        state.parse_message_create(payload)  # type: ignore[arg-type]


def slash(
    api: FakeDiscord, name: str, options: list[dict[str, Any]] | None = None, **kw: Any
) -> dict[str, Any]:
    return interaction_payload(
        api.next_id(), type=2, data=command_data(name, options), channel_id=CHANNEL_ID, **kw
    )


def callbacks(api: FakeDiscord) -> list[dict[str, Any]]:
    return [r.json for r in api.sent("POST", r"^/interactions/\d+/[^/]+/callback$")]


def followups(api: FakeDiscord) -> list[dict[str, Any]]:
    return [r.json for r in api.sent("POST", rf"^/webhooks/{APPLICATION_ID}/[^/]+$")]


async def test_commands_are_synced_to_the_configured_guild(
    api: FakeDiscord, news_bot: NewsBot
) -> None:
    [sync] = api.sent("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$")
    names = {c["name"]: c for c in sync.json}
    assert set(names) == {"quotes", "brief", "news"}
    assert {o["name"] for o in names["news"]["options"]} == {
        "subscribe",
        "unsubscribe",
        "feeds",
        "schedule",
        "help",
    }
    [query] = names["quotes"]["options"]
    assert query["autocomplete"] is True
    assert not api.sent("PUT", rf"^/applications/{APPLICATION_ID}/commands$")


async def test_without_guild_ids_commands_sync_globally(api: FakeDiscord, core: App) -> None:
    from tests.discord.conftest import logged_in_bot

    bot = await logged_in_bot(api, core, ScriptedResponder())
    try:
        [sync] = api.sent("PUT", rf"^/applications/{APPLICATION_ID}/commands$")
        assert {c["name"] for c in sync.json} == {"quotes", "brief", "news"}
    finally:
        await bot.close()


def test_intents_are_minimal() -> None:
    assert bot_intents() == discord.Intents(guilds=True, guild_messages=True)
    assert bot_intents(message_content=True).message_content


async def test_news_help_is_deferred_privately_then_answered(
    api: FakeDiscord, real_bot: NewsBot
) -> None:
    dispatch(real_bot, slash(api, "news", [subcommand("help")]))
    await settle()

    [callback] = callbacks(api)
    assert callback == {"type": 5, "data": {"flags": 64}}  # deferred, thinking, ephemeral
    [answer] = followups(api)
    assert answer["flags"] & 64
    assert answer["allowed_mentions"] == {"parse": []}
    [embed] = embeds_of(answer)
    assert embed.description == discord.utils.escape_markdown(HELP)


async def test_a_bad_argument_gets_a_short_private_error(
    api: FakeDiscord, real_bot: NewsBot
) -> None:
    options = [subcommand("schedule", [option("when", "weekdays 25:00")])]
    dispatch(real_bot, slash(api, "news", options))
    await settle()

    assert callbacks(api) == [{"type": 5}]  # public "thinking"...
    assert api.sent("DELETE", r"/messages/@original$")  # ...withdrawn for a private answer
    [answer] = followups(api)
    assert answer["flags"] & 64
    [embed] = embeds_of(answer)
    assert embed.description == "'25:00' is not a time; use HH:MM, e.g. 08:30"


async def test_commands_become_core_text_with_context(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    sub = subcommand(
        "subscribe",
        [
            option("feed_url", "https://feeds.example/rss"),
            option("include", "ukraine kyiv"),
            option("exclude", "sport"),
        ],
    )
    dispatch(news_bot, slash(api, "news", [sub], permissions=MANAGE_GUILD))
    dispatch(news_bot, slash(api, "quotes", [option("query", "lavrov")]))
    dispatch(news_bot, slash(api, "brief"))
    await settle()

    asked = sorted(text for _, text in responder.asked)
    assert asked == [
        "brief now",
        "quotes lavrov",
        "subscribe https://feeds.example/rss +ukraine +kyiv -sport",
    ]
    contexts = {text: context for context, text in responder.asked}
    assert contexts["quotes lavrov"].channel == CHANNEL
    assert contexts["quotes lavrov"].user == f"discord:{user_payload()['id']}"
    assert not contexts["quotes lavrov"].roles
    subscribing = contexts["subscribe https://feeds.example/rss +ukraine +kyiv -sport"]
    assert subscribing.roles & MANAGING_ROLES and not subscribing.can_manage


async def test_quotes_reply_renders_citations_publicly(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    citation = Citation(
        speaker="Sergey Lavrov",
        speaker_role="foreign minister",
        text="a road to nowhere",
        kind=QuoteKind.DIRECT,
        story_title="Kremlin throws cold water on Trump's peace push",
        story_url="https://news.example/kremlin",
    )
    responder.replies.append(Reply("What Sergey Lavrov said:", citations=(citation,)))
    dispatch(news_bot, slash(api, "quotes", [option("query", "lavrov")]))
    await settle()

    assert callbacks(api) == [{"type": 5}]
    [answer] = followups(api)
    assert not answer.get("flags", 0) & 64
    text, quotes = embeds_of(answer)
    assert text.description == "What Sergey Lavrov said:"
    assert quotes.fields[0].name == "Sergey Lavrov (foreign minister)"
    assert quotes.fields[0].value.startswith("“a road to nowhere”\n— [Kremlin throws")


async def test_brief_posts_the_briefing_with_key_quotes_buttons(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder, core: App
) -> None:
    briefing = seed_briefing(CHANNEL)
    responder.replies.append(Reply("", briefing=briefing))
    dispatch(news_bot, slash(api, "brief"))
    await settle()

    [posted] = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    expected = briefing_messages(briefing)[0]
    assert posted.json["embeds"] == [e.to_dict() for e in expected.embeds]
    [row] = posted.json["components"]
    assert row["components"][0]["custom_id"] == "newsbrief:quotes:1"
    [answer] = followups(api)  # the asker gets a short note, not a second copy
    assert embeds_of(answer)[0].description == "The briefing is in the channel."
    assert news_bot.recent_briefing(CHANNEL) == briefing
    assert core.store.delivery_message_id(briefing.idempotency_key) == str(
        api.messages[CHANNEL_ID][0]["id"]
    )


async def test_brief_twice_posts_the_briefing_once(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    briefing = seed_briefing(CHANNEL)
    responder.replies.extend([Reply("", briefing=briefing), Reply("", briefing=briefing)])
    dispatch(news_bot, slash(api, "brief"))
    await settle()
    dispatch(news_bot, slash(api, "brief"))
    await settle()

    assert len(api.messages[CHANNEL_ID]) == 1  # the briefing, once
    first, second = followups(api)
    assert embeds_of(first)[0].description == "The briefing is in the channel."
    assert second["flags"] & 64  # privately, to the second asker
    assert embeds_of(second)[0].description == "This briefing is already in the channel."
    assert all("components" not in f or not f["components"] for f in (first, second))


async def test_a_mentioned_brief_goes_through_the_delivery_log_too(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    briefing = seed_briefing(CHANNEL)
    responder.replies.extend([Reply("", briefing=briefing), Reply("", briefing=briefing)])
    for _ in range(2):
        mention = message_payload(
            api.next_id(),
            CHANNEL_ID,
            content=f"<@{BOT_USER_ID}> brief",
            author=user_payload(),
            mentions=[user_payload(BOT_USER_ID, "newsbrief", bot=True)],
        )
        dispatch(news_bot, mention)
        await settle()

    briefings = [m for m in api.messages[CHANNEL_ID] if m.get("embeds") and m["author"]["bot"]]
    assert len(briefings) == 1
    notes = [
        embeds_of(r.json)[0].description
        for r in api.sent("POST", r"^/channels/\d+/messages$")
        if r.path != f"/channels/{CHANNEL_ID}/messages"
    ]
    assert notes == ["The briefing is in the channel.", "This briefing is already in the channel."]


async def test_a_crash_in_the_core_becomes_a_short_private_message(
    api: FakeDiscord,
    news_bot: NewsBot,
    responder: ScriptedResponder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def explode(context: object, text: str) -> Reply:
        raise RuntimeError("secret internals")

    responder.handle = explode  # type: ignore[method-assign]
    dispatch(news_bot, slash(api, "brief"))
    await settle()

    assert callbacks(api) == [{"type": 5}]  # public "thinking"...
    assert api.sent("DELETE", r"/messages/@original$")  # ...withdrawn for a private answer
    [answer] = followups(api)
    assert answer["flags"] & 64
    [embed] = embeds_of(answer)
    assert embed.description == "Sorry, something went wrong on our side; it has been logged."
    assert "secret internals" not in str(api.requests[-1].json)
    assert "secret internals" in caplog.text  # the traceback goes to the log


async def test_quotes_autocomplete_offers_story_numbers_and_speakers(
    api: FakeDiscord, news_bot: NewsBot
) -> None:
    news_bot.adapter.remember(1, seed_briefing(CHANNEL))
    data = command_data("quotes", [option("query", "", focused=True)])
    dispatch(news_bot, interaction_payload(api.next_id(), type=4, data=data, channel_id=CHANNEL_ID))
    data = command_data("quotes", [option("query", "lav", focused=True)])
    dispatch(news_bot, interaction_payload(api.next_id(), type=4, data=data, channel_id=CHANNEL_ID))
    await settle()

    everything, lavrov = callbacks(api)
    assert everything["type"] == 8
    assert everything["data"]["choices"] == [
        {"name": "1. Kremlin throws cold water on Trump's peace push", "value": "1"},
        {"name": "Sergey Lavrov", "value": "Sergey Lavrov"},
        {"name": "a White House official", "value": "a White House official"},
        {"name": "a former administration official", "value": "a former administration official"},
        {"name": "Trump", "value": "Trump"},
    ]
    assert lavrov["data"]["choices"] == [{"name": "Sergey Lavrov", "value": "Sergey Lavrov"}]


async def stored_seed_story(core: App) -> Story:
    text = (
        "Foreign minister Sergey Lavrov dismissed the transatlantic talks as “a road to "
        "nowhere” on Wednesday. “This will not work,” he said."
    )
    core.store.add_feed("https://feeds.example/rss")
    story = core.store.add_story(
        Story(
            url="https://news.example/kremlin",
            title="Kremlin @everyone",
            text=text,
            feed_url="https://feeds.example/rss",
        ),
        keys=["k1"],
    )
    assert story.id is not None
    core.summarize_and_save([story])
    return story


async def test_key_quotes_button_opens_the_quote_list_in_a_thread(
    api: FakeDiscord, news_bot: NewsBot, core: App
) -> None:
    story = await stored_seed_story(core)
    # A briefing message posted before a restart: the button works from its custom id alone.
    briefing = seed_briefing(CHANNEL, story_id=story.id or 0)
    posted = briefing_messages(briefing)[0]
    message = api.add_message(
        CHANNEL_ID,
        message_payload(
            api.next_id(),
            CHANNEL_ID,
            embeds=[e.to_dict() for e in posted.embeds],
            components=[
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 2,
                            "style": 2,
                            "label": "Key quotes · 1",
                            "custom_id": f"newsbrief:quotes:{story.id}",
                        }
                    ],
                }
            ],
        ),
    )
    click = interaction_payload(
        api.next_id(),
        type=3,
        data={"component_type": 2, "custom_id": f"newsbrief:quotes:{story.id}"},
        channel_id=CHANNEL_ID,
        message=message,
    )
    dispatch(news_bot, click)
    await settle()

    assert callbacks(api) == [{"type": 5, "data": {"flags": 64}}]
    [started] = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages/{message['id']}/threads$")
    assert started.json["name"] == "Key quotes: Kremlin everyone"
    [listing] = api.sent("POST", rf"^/channels/{message['id']}/messages$")
    assert listing.json["allowed_mentions"] == {"parse": []}
    expected = quote_list_messages(story.title, story.url, core.store.quotes_for_story(story.id))
    assert listing.json["embeds"] == [e.to_dict() for e in expected[0].embeds]
    header = embeds_of(listing.json)[0]
    assert header.title == "Key quotes — Kremlin @\u200beveryone"
    assert any("This will not work" in (f.value or "") for f in header.fields)
    [note] = followups(api)
    assert note["content"] == f"The key quotes are in <#{message['id']}>."
    assert note["flags"] & 64

    # A second click points to the same list instead of posting it again.
    dispatch(news_bot, {**click, "id": str(api.next_id()), "token": "second-click"})
    await settle()
    assert len(api.sent("POST", rf"^/channels/{message['id']}/messages$")) == 1
    assert len(followups(api)) == 2


async def test_key_quotes_for_a_vanished_story_says_so_privately_as_on_slack(
    api: FakeDiscord, news_bot: NewsBot
) -> None:
    message = api.add_message(CHANNEL_ID, message_payload(api.next_id(), CHANNEL_ID))
    click = interaction_payload(
        api.next_id(),
        type=3,
        data={"component_type": 2, "custom_id": "newsbrief:quotes:999"},
        channel_id=CHANNEL_ID,
        message={
            **message,
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 2,
                            "style": 2,
                            "label": "Key quotes",
                            "custom_id": "newsbrief:quotes:999",
                        }
                    ],
                }
            ],
        },
    )
    dispatch(news_bot, click)
    await settle()

    [answer] = followups(api)
    assert answer["flags"] & 64
    assert embeds_of(answer)[0].description == "That story is no longer stored."
    assert api.sent("POST", r"/threads$") == []


async def test_key_quotes_of_a_pruned_story_says_why_and_opens_no_thread(
    api: FakeDiscord, news_bot: NewsBot, core: App
) -> None:
    story = await stored_seed_story(core)
    core.store.prune(now_utc() + timedelta(seconds=1))  # retention emptied it after the post
    message = api.add_message(CHANNEL_ID, message_payload(api.next_id(), CHANNEL_ID))
    custom_id = f"newsbrief:quotes:{story.id}"
    button = {"type": 2, "style": 2, "label": "Key quotes", "custom_id": custom_id}
    click = interaction_payload(
        api.next_id(),
        type=3,
        data={"component_type": 2, "custom_id": custom_id},
        channel_id=CHANNEL_ID,
        message={**message, "components": [{"type": 1, "components": [button]}]},
    )
    dispatch(news_bot, click)
    await settle()

    assert api.sent("POST", r"/threads$") == []
    [answer] = followups(api)
    assert answer["flags"] & 64
    description = embeds_of(answer)[0].description or ""
    assert description.startswith("“Kremlin @\u200beveryone” (https://news.example/kremlin)")
    assert "This story's text was pruned on " in description
    assert "only its title and link are kept." in description
    assert not api.sent("POST", r"/threads$")


async def test_a_mention_in_a_briefing_thread_is_answered_there(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    briefing = seed_briefing(CHANNEL)
    posted = briefing_messages(briefing)[0]
    starter = api.add_message(
        CHANNEL_ID,
        message_payload(api.next_id(), CHANNEL_ID, embeds=[e.to_dict() for e in posted.embeds]),
    )
    thread_id = int(starter["id"])
    api.channels[thread_id] = thread_payload(thread_id, CHANNEL_ID)
    responder.replies.append(Reply("Lavrov said it is “a road to nowhere”. @everyone"))
    question = message_payload(
        api.next_id(),
        thread_id,
        content=f"<@{BOT_USER_ID}> what did Lavrov say?",
        author=user_payload(),
        mentions=[{**user_payload(BOT_USER_ID, "newsbrief", bot=True)}],
    )
    dispatch(news_bot, question)
    await settle()

    [(context, text)] = responder.asked
    assert text == "what did Lavrov say?"
    assert context.channel == CHANNEL
    assert context.thread_of == briefing.idempotency_key
    [answer] = api.sent("POST", rf"^/channels/{thread_id}/messages$")
    assert answer.json["allowed_mentions"] == {"parse": []}
    assert embeds_of(answer.json)[0].description == (
        "Lavrov said it is “a road to nowhere”. @\u200beveryone"
    )


async def test_a_mention_in_a_channel_is_answered_in_a_new_thread(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    question = message_payload(
        api.next_id(),
        CHANNEL_ID,
        content=f"<@{BOT_USER_ID}> what did Lavrov say?",
        author=user_payload(),
        mentions=[user_payload(BOT_USER_ID, "newsbrief", bot=True)],
    )
    dispatch(news_bot, question)
    await settle()

    [(context, _)] = responder.asked
    assert context.thread_of is None
    [started] = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages/{question['id']}/threads$")
    assert started.json["name"] == "what did Lavrov say?"
    assert api.sent("POST", rf"^/channels/{question['id']}/messages$")


async def test_plain_messages_are_ignored_without_the_message_content_intent(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    dispatch(
        news_bot, message_payload(api.next_id(), CHANNEL_ID, content="hello", author=user_payload())
    )
    await settle()
    assert responder.asked == []
    assert not api.sent("GET", r"^/channels/")


async def test_with_message_content_plain_messages_in_briefing_threads_are_answered(
    api: FakeDiscord, core: App
) -> None:
    from tests.discord.conftest import logged_in_bot

    responder = ScriptedResponder()
    bot = await logged_in_bot(api, core, responder, message_content=True)
    join_guild(bot, channel_id=CHANNEL_ID)
    try:
        briefing = seed_briefing(CHANNEL)
        starter = api.add_message(
            CHANNEL_ID,
            message_payload(
                api.next_id(),
                CHANNEL_ID,
                embeds=[e.to_dict() for e in briefing_messages(briefing)[0].embeds],
            ),
        )
        thread_id = int(starter["id"])
        api.channels[thread_id] = thread_payload(thread_id, CHANNEL_ID)
        other_thread = api.next_id()
        api.channels[other_thread] = thread_payload(other_thread, CHANNEL_ID)
        dispatch(
            bot,
            message_payload(api.next_id(), thread_id, content="story 1?", author=user_payload()),
        )
        dispatch(
            bot, message_payload(api.next_id(), other_thread, content="hi", author=user_payload())
        )
        dispatch(
            bot, message_payload(api.next_id(), CHANNEL_ID, content="hi", author=user_payload())
        )
        await settle()

        [(context, text)] = responder.asked
        assert (text, context.thread_of) == ("story 1?", briefing.idempotency_key)
        assert api.sent("POST", rf"^/channels/{thread_id}/messages$")

        # A thread that is not a briefing's is looked up once, then ignored cheaply.
        dispatch(
            bot, message_payload(api.next_id(), other_thread, content="hi", author=user_payload())
        )
        await settle()
        assert len(api.sent("GET", rf"^/channels/{CHANNEL_ID}/messages/{other_thread}$")) == 1
        assert len(responder.asked) == 1
    finally:
        await bot.close()


async def test_autocomplete_after_a_restart_reads_the_briefing_from_the_store(
    api: FakeDiscord, news_bot: NewsBot, core: App
) -> None:
    story = await stored_seed_story(core)
    briefing = seed_briefing(CHANNEL, story_id=story.id or 0)
    core.store.record_briefing(briefing, at=briefing.generated_at)
    assert news_bot.recent_briefing(CHANNEL) is None  # nothing in memory
    data = command_data("quotes", [option("query", "", focused=True)])
    dispatch(news_bot, interaction_payload(api.next_id(), type=4, data=data, channel_id=CHANNEL_ID))
    await settle()

    [answer] = callbacks(api)
    assert answer["data"]["choices"] == [
        {"name": "1. Kremlin @everyone", "value": "1"},
        {"name": "Sergey Lavrov", "value": "Sergey Lavrov"},
    ]


async def test_a_command_in_a_briefing_thread_speaks_for_that_briefing(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    briefing = seed_briefing(CHANNEL)
    starter = api.add_message(
        CHANNEL_ID,
        message_payload(
            api.next_id(),
            CHANNEL_ID,
            embeds=[e.to_dict() for e in briefing_messages(briefing)[0].embeds],
        ),
    )
    thread = thread_payload(int(starter["id"]), CHANNEL_ID)
    payload = interaction_payload(
        api.next_id(),
        type=2,
        data=command_data("quotes", [option("query", "2")]),
        channel_id=int(thread["id"]),
        channel=thread,
    )
    dispatch(news_bot, payload)
    await settle()

    [(context, text)] = responder.asked
    assert text == "quotes 2"
    assert context.channel == CHANNEL
    assert context.thread_of == briefing.idempotency_key
    [answer] = api.sent("POST", rf"^/webhooks/{APPLICATION_ID}/[^/]+$")
    assert answer.json["allowed_mentions"] == {"parse": []}


async def test_discord_rate_limits_are_waited_out_not_duplicated(
    api: FakeDiscord, news_bot: NewsBot
) -> None:
    api.fail(
        "POST",
        rf"^/channels/{CHANNEL_ID}/messages$",
        status=429,
        code=0,
        message="You are being rate limited.",
        # discord.py treats a 429 without "Via" as a Cloudflare ban, not a rate limit.
        headers={"Retry-After": "0.05", "X-RateLimit-Scope": "user", "Via": "1.1 google"},
        extra={"retry_after": 0.05, "global": False},
    )
    await news_bot.adapter.post_briefing(seed_briefing(CHANNEL))

    assert len(api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")) == 2  # refused, retried
    assert len(api.messages[CHANNEL_ID]) == 1


async def test_without_thread_rights_a_mention_is_answered_in_the_channel(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder
) -> None:
    api.fail("POST", r"/threads$", status=403, code=50013)
    question = message_payload(
        api.next_id(),
        CHANNEL_ID,
        content=f"<@{BOT_USER_ID}> help",
        author=user_payload(),
        mentions=[user_payload(BOT_USER_ID, "newsbrief", bot=True)],
    )
    dispatch(news_bot, question)
    await settle()

    [answer] = api.sent("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert answer.json["allowed_mentions"] == {"parse": []}


async def test_global_commands_are_offered_in_servers_and_the_bots_dm(
    api: FakeDiscord, core: App
) -> None:
    from tests.discord.conftest import logged_in_bot

    bot = await logged_in_bot(api, core, ScriptedResponder())
    try:
        [sync] = api.sent("PUT", rf"^/applications/{APPLICATION_ID}/commands$")
        # 0 GUILD, 1 BOT_DM: what each command may do in a DM is the core's decision.
        assert {c["name"]: c["contexts"] for c in sync.json} == {
            "news": [0, 1],
            "quotes": [0, 1],
            "brief": [0, 1],
        }
    finally:
        await bot.close()


async def test_quotes_from_a_direct_message_reach_the_core_as_a_direct_message(
    api: FakeDiscord, core: App
) -> None:
    from tests.discord.conftest import logged_in_bot

    responder = ScriptedResponder()
    bot = await logged_in_bot(api, core, responder)
    try:
        data = command_data("quotes", [option("query", "lavrov")], guild_id=None)
        dispatch(bot, dm_interaction_payload(api.next_id(), type=2, data=data, channel_id=77))
        await settle()
    finally:
        await bot.close()

    [(context, text)] = responder.asked
    assert text == "quotes lavrov"
    assert context.direct_message and context.roles == frozenset()


async def test_a_briefing_asked_for_in_a_direct_message_is_refused_by_the_core(
    api: FakeDiscord, core: App
) -> None:
    from bot.conversation.core import CHANNELS_ONLY, Conversations
    from tests.discord.conftest import logged_in_bot

    bot = await logged_in_bot(api, core, Conversations(core))
    try:
        data = command_data("brief", None, guild_id=None)
        dispatch(bot, dm_interaction_payload(api.next_id(), type=2, data=data, channel_id=77))
        await settle()
    finally:
        await bot.close()

    assert api.sent("POST", r"^/channels/") == []  # no briefing posted into a DM
    [answer] = api.sent("POST", r"^/webhooks/")
    [embed] = embeds_of(answer.json)
    assert embed.description == CHANNELS_ONLY
    assert answer.json["flags"] & 64  # privately


@pytest.mark.parametrize("command", ["brief", "quotes"])
async def test_a_command_registered_for_servers_only_says_so_in_a_direct_message(
    api: FakeDiscord, news_bot: NewsBot, responder: ScriptedResponder, command: str
) -> None:
    options = [option("query", "lavrov")] if command == "quotes" else None
    data = command_data(command, options, guild_id=None)
    dispatch(news_bot, dm_interaction_payload(api.next_id(), type=2, data=data, channel_id=77))
    await settle()

    assert responder.asked == []  # nothing ran: the command is unknown outside its servers
    assert api.sent("POST", r"^/channels/") == []
    [answer] = callbacks(api)
    assert answer["type"] == 4 and answer["data"]["flags"] & 64
    [embed] = embeds_of(answer["data"])
    assert embed.description == NOT_HERE


async def test_autocomplete_for_a_command_unknown_here_offers_nothing(
    api: FakeDiscord, news_bot: NewsBot
) -> None:
    data = command_data("quotes", [option("query", "la", focused=True)], guild_id=None)
    dispatch(news_bot, dm_interaction_payload(api.next_id(), type=4, data=data, channel_id=77))
    await settle()
    assert callbacks(api) == [{"type": 8, "data": {"choices": []}}]


@pytest.mark.parametrize("custom_id", ["newsbrief:old-button", "x" * 100, "newsbrief:quotes:"])
async def test_an_unknown_button_gets_a_private_answer(
    api: FakeDiscord, news_bot: NewsBot, custom_id: str
) -> None:
    message = api.add_message(CHANNEL_ID, message_payload(api.next_id(), CHANNEL_ID))
    button = {"type": 2, "style": 2, "label": "Old", "custom_id": custom_id}
    click = interaction_payload(
        api.next_id(),
        type=3,
        data={"component_type": 2, "custom_id": custom_id},
        channel_id=CHANNEL_ID,
        message={**message, "components": [{"type": 1, "components": [button]}]},
    )
    dispatch(news_bot, click)
    await settle()
    [answer] = callbacks(api)
    assert answer["type"] == 4 and answer["data"]["flags"] & 64
    [embed] = embeds_of(answer["data"])
    assert embed.description == UNKNOWN_BUTTON
