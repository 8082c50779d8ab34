"""The briefing service reads what ingest saved; the config reaches the store in one place."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from bot.config_sync import sync_config
from bot.domain import Quote, QuoteKind, Story
from bot.ports import Summary
from bot.run import _chat_core, make_app
from bot.settings import ChannelSettings, Settings, StoreSettings
from bot.store import make_store
from summarizer.offline import OfflineSummarizer

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
FEED = "https://news.example/feed.xml"
TEXT = (
    'Mayor Jane Smith said on Tuesday: "We will rebuild the bridge by spring." '
    'The council leader, Tom Becker, said: "The budget cannot carry it this year."'
)


class CountingSummarizer(OfflineSummarizer):
    """The offline summarizer, counting how often it extracts quotes from a text."""

    def __init__(self) -> None:
        super().__init__()
        self.extractions = 0

    def summarize(self, story: Story) -> Summary:
        self.extractions += 1
        return super().summarize(story)


def settings() -> Settings:
    return Settings(
        store=StoreSettings(url="sqlite:///:memory:"),
        channels=(
            ChannelSettings(
                id="console:news",
                feeds=(FEED,),
                schedule="30 7 * * mon-fri",
                timezone="Europe/Berlin",
                include=("bridge",),
            ),
        ),
    )


def test_a_briefing_shows_the_quotes_ingest_saved_and_extracts_nothing_again() -> None:
    summarizer = CountingSummarizer()
    with make_store("sqlite:///:memory:") as store:
        app = make_app(settings(), store=store, summarizer=summarizer)
        sync_config(store, app.settings, now=NOW)
        [story] = store.add_stories([(_story(), [])], fetched_at=NOW)
        assert story.id is not None
        start = TEXT.index("We will")
        saved = Quote(
            text=TEXT[start : TEXT.index('"', start)],
            start=start,
            end=TEXT.index('"', start),
            kind=QuoteKind.DIRECT,
            speaker="Jane Smith",
            speaker_role="mayor",
        )
        store.save_quotes(story.id, [saved])  # what ingest saved (Tom Becker left out)

        briefing = app.briefing_for(app.settings.channels[0], now=NOW, since=NOW - timedelta(1))

        [item] = briefing.items
        assert [b.speaker for b in item.bullets] == ["Jane Smith"]
        assert summarizer.extractions == 0


def test_a_story_with_no_saved_quotes_is_extracted_when_briefed() -> None:
    summarizer = CountingSummarizer()
    with make_store("sqlite:///:memory:") as store:
        app = make_app(settings(), store=store, summarizer=summarizer)
        sync_config(store, app.settings, now=NOW)
        store.add_stories([(_story(), [])], fetched_at=NOW)

        briefing = app.briefing_for(app.settings.channels[0], now=NOW, since=NOW - timedelta(1))

        [item] = briefing.items
        assert {b.speaker for b in item.bullets} == {"Jane Smith", "Tom Becker"}
        assert summarizer.extractions == 1


def test_brief_finds_the_channels_story_behind_many_newer_stories_of_other_feeds() -> None:
    # /brief read the newest 500 stories of every feed, then kept the channel's: on a busy
    # deployment a channel's own stories were never among them ("nothing new")
    with make_store("sqlite:///:memory:") as store:
        app = make_app(settings(), store=store)
        sync_config(store, app.settings, now=NOW)
        store.add_feed("https://other.example/feed.xml")
        store.add_stories([(_story(), [])], fetched_at=NOW)
        others = [
            (
                Story(
                    url=f"https://other.example/{n}",
                    title=f"Other {n}",
                    text=f"A bridge story {n}.",
                    feed_url="https://other.example/feed.xml",
                    published_at=NOW - timedelta(minutes=30),
                ),
                [f"url:https://other.example/{n}"],
            )
            for n in range(501)
        ]
        store.add_stories(others, fetched_at=NOW)

        briefing = app.briefing_for(app.settings.channels[0], now=NOW, since=NOW - timedelta(1))

        assert [item.url for item in briefing.items] == ["https://news.example/bridge"]


async def test_newsbrief_chat_stores_the_configured_schedule_filters_and_time_zone() -> None:
    # `chat` (and `poll`, `feeds`) once stored feeds and subscriptions only, unlike `run`:
    # a `subscribe` in chat then replaced the channel's configured schedule with the default.
    app, _, _ = await _chat_core(argparse.Namespace(store=None), settings())
    try:
        [state] = app.store.channel_states()
        assert (state.id, state.schedule, state.timezone) == (
            "console:news",
            "30 7 * * mon-fri",
            "Europe/Berlin",
        )
        assert state.next_briefing_at is not None
    finally:
        await app.aclose()


def _story() -> Story:
    return Story(
        url="https://news.example/bridge",
        title="Bridge rebuild",
        text=TEXT,
        feed_url=FEED,
        published_at=NOW - timedelta(hours=1),
    )


class FailingOnSecond(OfflineSummarizer):
    """Fails on the story whose text mentions "broken"."""

    def summarize(self, story: Story) -> Summary:
        if "broken" in story.text:
            raise RuntimeError("a summarizer bug")
        return super().summarize(story)


def test_a_feeds_stories_are_quoted_in_one_transaction() -> None:
    """Without worker processes too: one commit for the feed's stories, not one each;
    a story the summarizer fails on stays pending and costs the others nothing."""
    import sqlalchemy as sa

    with make_store("sqlite:///:memory:") as store:
        app = make_app(settings(), store=store, summarizer=FailingOnSecond())
        sync_config(store, app.settings, now=NOW)
        stories = [
            Story(url=f"https://news.example/{n}", title=f"T{n}", text=text, feed_url=FEED)
            for n, text in enumerate([TEXT, "This one is broken.", TEXT.replace("bridge", "road")])
        ]
        stored = store.add_stories([(s, []) for s in stories], fetched_at=NOW)
        commits: list[int] = []
        sa.event.listen(store.engine, "commit", lambda *_: commits.append(1))
        app.summarize_and_save(stored)
        assert len(commits) == 1
        assert [len(store.quotes_for_story(s.id or 0)) for s in stored] == [2, 0, 2]
        pending = store.stories_awaiting_quotes(fetched_before=NOW + timedelta(1))
        assert [s.id for s in pending] == [stored[1].id]


SEASONS = ("spring", "summer", "autumn", "winter", "May", "June")


def test_a_briefings_saved_quotes_are_read_in_one_go() -> None:
    """A briefing of many stories reads their saved quotes in one query, not one each."""
    import sqlalchemy as sa

    summarizer = CountingSummarizer()
    with make_store("sqlite:///:memory:") as store:
        app = make_app(settings(), store=store, summarizer=summarizer)
        sync_config(store, app.settings, now=NOW)
        stored = store.add_stories(
            [
                (
                    Story(url=f"https://news.example/{n}", title=f"T{n}", text=text, feed_url=FEED),
                    [],
                )
                for n, text in enumerate(TEXT.replace("spring", season) for season in SEASONS)
            ],
            fetched_at=NOW,
        )
        app.summarize_and_save(stored)
        app._summaries.clear()  # another process's stories: none cached here
        summarizer.extractions = 0
        reads: list[str] = []
        sa.event.listen(
            store.engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_: reads.append(statement),
        )
        briefing = app.channel_briefing("console:news", now=NOW + timedelta(hours=1))
        assert briefing is not None and briefing.items
        assert summarizer.extractions == 0
        assert len([r for r in reads if "FROM quotes" in r]) == 1, reads
