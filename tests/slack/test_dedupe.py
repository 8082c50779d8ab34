"""Slack's retried events across processes: two bolt apps on one store answer once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.bot import EventDeduper
from adapters.slack.testing import FakeSlack, event_body, signed_headers
from bot.app import make_app, now_utc
from bot.ingest import HttpFetcher, UrlGuard
from bot.settings import Settings, StoreSettings
from bot.store import SqlStore, make_store
from bot.store.engine import is_memory_sqlite
from bot.store.schema import event_claims

from .conftest import ScriptedResponder, SlackWorld, build_world


@pytest.fixture
async def other_process(slack: FakeSlack, store: SqlStore) -> AsyncIterator[SlackWorld]:
    """A second ``newsbrief run`` behind the same Slack app: its own store connection on
    the same database (an in-memory database can only be shared), core and bolt app."""
    url = store.engine.url
    own = store if is_memory_sqlite(url) else make_store(url.render_as_string(hide_password=False))
    fetcher = HttpFetcher(guard=UrlGuard(allow_hosts=["127.0.0.1"]), read_timeout=2.0)
    core = make_app(
        Settings(store=StoreSettings(url="sqlite:///:memory:")), store=own, fetcher=fetcher
    )
    try:
        yield build_world(slack, core, ScriptedResponder())
    finally:
        await fetcher.aclose()
        if own is not store:
            own.close()


def mention(text: str) -> dict[str, Any]:
    ts = "1700000200.000100"
    return {"type": "app_mention", "user": "U0ASKER", "text": text, "ts": ts, "channel": "C0NEWS"}


async def over_http(world: SlackWorld, body: str, *, retry: int | None = None) -> int:
    headers = signed_headers(body)
    if retry is not None:
        headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
    response = await world.bolt.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    return response.status


async def over_socket(world: SlackWorld, payload: dict[str, Any]) -> int:
    response = await world.bolt.async_dispatch(AsyncBoltRequest(body=payload, mode="socket_mode"))
    return response.status


async def test_a_retry_that_reaches_the_other_process_is_not_answered_again(
    world: SlackWorld, other_process: SlackWorld
) -> None:
    body = json.dumps(event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvTwice"))
    assert await over_http(world, body) == 200
    await world.slack.wait_for("chat.postMessage")
    assert await over_http(other_process, body, retry=1) == 200  # Slack's retry, elsewhere
    assert await over_socket(other_process, json.loads(body)) == 200
    assert len(world.responder.asked) == 1
    assert other_process.responder.asked == []
    assert len(world.slack.calls_to("chat.postMessage")) == 1


async def test_the_same_event_arriving_at_both_at_once_is_answered_once(
    world: SlackWorld, other_process: SlackWorld
) -> None:
    for n in range(5):
        payload = event_body(mention(f"<@UNEWSBRIEF> question {n}"), event_id=f"EvRace{n}")
        statuses = await asyncio.gather(
            over_http(world, json.dumps(payload)), over_socket(other_process, payload)
        )
        assert statuses == [200, 200]
        await world.slack.wait_for("chat.postMessage", n + 1)
    asked = [text for w in (world, other_process) for _, text in w.responder.asked]
    assert sorted(asked) == [f"question {n}" for n in range(5)]
    await asyncio.sleep(0.1)  # nothing else is on its way
    assert len(world.slack.calls_to("chat.postMessage")) == 5


async def test_a_failing_store_still_answers_and_warns(
    world: SlackWorld, store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE event_claims"))
    payload = event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvNoStore")
    assert await over_socket(world, payload) == 200
    await world.slack.wait_for("chat.postMessage")
    assert len(world.responder.asked) == 1
    assert "could not claim Slack event EvNoStore, handling it anyway" in caplog.text
    assert await over_socket(world, payload) == 200  # a retry here: remembered in process
    assert len(world.responder.asked) == 1


async def test_a_store_that_does_not_answer_in_time_still_answers(
    world: SlackWorld, store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    if is_memory_sqlite(store.engine.url):
        pytest.skip("in-memory SQLite is one shared connection: nothing else can hold a lock")
    world.bot.deduper = EventDeduper(store, timeout=0.3)
    key = "slack:event:EvSlow"
    with store.engine.connect() as blocker:
        # Another process is writing the same claim and has not committed.
        blocker.execute(sa.insert(event_claims).values(key=key, claimed_at=now_utc()))
        payload = event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvSlow")
        assert await over_socket(world, payload) == 200  # acked in time, not 3 s later
        await world.slack.wait_for("chat.postMessage")
        assert len(world.responder.asked) == 1
        assert "took over 0.3 s to claim Slack event EvSlow" in caplog.text
        blocker.rollback()
    for _ in range(250):  # the abandoned claim finishes in its thread once the lock is gone
        with store.engine.connect() as conn:
            if conn.scalar(sa.select(event_claims.c.key).where(event_claims.c.key == key)):
                break
        await asyncio.sleep(0.02)
    else:
        pytest.fail("the claim never finished")
