"""`Conversations` on a real, empty store: schedules, permissions, empty answers, failures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.conversation.core import Conversations, describe_cron
from bot.conversation.replies import Context
from bot.ports import ThreadMemory
from bot.run import make_app
from bot.settings import Settings
from bot.store import SqlStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
READER = Context(channel="console:t", user="reader")
MANAGER = Context(channel="console:t", user="boss", can_manage=True)


def _app(store: SqlStore) -> App:
    return make_app(Settings(), store=store)


async def test_schedule_is_stored_for_the_channel(store: SqlStore) -> None:
    app = _app(store)
    try:
        conversations = Conversations(app, clock=lambda: NOW)
        reply = await conversations.handle(MANAGER, "schedule weekdays 08:30 Europe/Berlin")
        assert "weekdays at 08:30 (Europe/Berlin)" in reply.text
        assert "Thu 26 Nov 08:30" in reply.text
        [state] = [c for c in store.channel_states() if c.id == "console:t"]
        assert (state.schedule, state.timezone) == ("30 8 * * mon-fri", "Europe/Berlin")
    finally:
        await app.aclose()


async def test_operator_managers_may_manage_without_platform_roles(store: SqlStore) -> None:
    app = _app(store)
    try:
        refused = await Conversations(app).handle(READER, "schedule daily 7")
        assert refused.ephemeral and "admins" in refused.text
        allowed = await Conversations(app, managers=["reader"]).handle(READER, "schedule daily 7")
        assert not allowed.ephemeral and "every day at 07:00 (UTC)" in allowed.text
    finally:
        await app.aclose()


async def test_an_empty_store_says_so_plainly(store: SqlStore) -> None:
    app = _app(store)
    try:
        conversations = Conversations(app)
        for line, expected in [
            ("quotes lavrov", "Nobody by the name “lavrov” is quoted"),
            ("what did Lavrov say?", "Nobody named “lavrov” is quoted"),
            ("feeds", "follows no feeds yet"),
            ("brief", "follows no feeds yet"),
            ("unsubscribe https://x.example/feed", "doesn't follow"),
            ("?", "help"),
        ]:
            reply = await conversations.handle(MANAGER, line)
            assert expected in reply.text, (line, reply.text)
            assert reply.citations == ()
    finally:
        await app.aclose()


async def test_only_follow_ups_and_answers_citing_people_read_the_threads_memory(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    read = store.thread_memory

    def counted(channel: str, thread: str) -> ThreadMemory:
        reads.append(thread)
        return read(channel, thread)

    monkeypatch.setattr(store, "thread_memory", counted)
    app = _app(store)
    try:
        conversations = Conversations(app)
        in_thread = Context(channel="console:t", user="reader", thread_of="171.5")
        for line in [
            "what did Lavrov say?",
            "who is Maria Chen?",
            "quotes lavrov",
            "who said “x y”?",
        ]:
            assert (await conversations.handle(in_thread, line)).citations == ()
        assert reads == []
        reply = await conversations.handle(in_thread, "what else did she say?")
        assert "Who do you mean?" in reply.text
        assert reads == ["171.5"]
    finally:
        await app.aclose()


async def test_a_failing_store_is_a_reply_not_an_exception(store: SqlStore) -> None:
    app = _app(store)
    try:
        with store.engine.begin() as conn:  # a damaged database
            conn.exec_driver_sql("DROP TABLE subscriptions")
        reply = await Conversations(app).handle(READER, "feeds")
        assert reply.ephemeral and reply.text.startswith("Sorry, that failed:")
    finally:
        await app.aclose()


def test_describe_cron() -> None:
    assert describe_cron("30 8 * * mon-fri") == "weekdays at 08:30"
    assert describe_cron("0 7 * * sat,sun") == "weekends at 07:00"
    assert describe_cron("*/5 * * * *") == "cron “*/5 * * * *”"


async def test_subscribing_in_chat_gives_an_unscheduled_channel_the_default_schedule(
    store: SqlStore,
) -> None:
    from bot.testing import FeedServer, Route

    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title></channel></rss>'
    with FeedServer({"/a.xml": Route(body=feed), "/b.xml": Route(body=feed)}) as server:
        settings = Settings(ingest={"allow_hosts": ["127.0.0.1"]})  # type: ignore[arg-type]
        app = make_app(settings, store=store)
        try:
            conversations = Conversations(app, clock=lambda: NOW)
            first = await conversations.handle(MANAGER, f"subscribe {server.url('/a.xml')}")
            assert "weekdays at 08:30 (UTC)" in first.text
            await conversations.handle(MANAGER, "schedule daily 7")
            second = await conversations.handle(MANAGER, f"subscribe {server.url('/b.xml')}")
            assert "08:30" not in second.text
            [state] = [c for c in store.channel_states() if c.id == "console:t"]
            assert state.schedule == "0 7 * * *"
        finally:
            await app.aclose()


async def test_rescheduling_without_a_zone_keeps_the_channels_zone(store: SqlStore) -> None:
    app = _app(store)
    try:
        conversations = Conversations(app, clock=lambda: NOW)
        await conversations.handle(MANAGER, "schedule weekdays 08:30 Europe/Paris")
        reply = await conversations.handle(MANAGER, "schedule daily 7")
        assert "(Europe/Paris)" in reply.text
        [state] = [c for c in store.channel_states() if c.id == "console:t"]
        assert (state.schedule, state.timezone) == ("0 7 * * *", "Europe/Paris")
    finally:
        await app.aclose()


async def test_a_direct_message_reads_but_never_briefs_or_subscribes(store: SqlStore) -> None:
    # A subscription made in a DM would post where the bot may not (a DM between two
    # people); a briefing there would reach one person. Reading works anywhere.
    app = _app(store)
    dm = Context(channel="slack:D0DM", user="boss", can_manage=True, direct_message=True)
    try:
        conversations = Conversations(app)
        for line in ["brief", "feeds", "subscribe https://x.example/feed", "schedule daily 7"]:
            reply = await conversations.handle(dm, line)
            assert reply.ephemeral and "not in a direct message" in reply.text, line
        assert store.subscriptions("slack:D0DM") == []
        assert "Nobody by the name" in (await conversations.handle(dm, "quotes lavrov")).text
    finally:
        await app.aclose()
