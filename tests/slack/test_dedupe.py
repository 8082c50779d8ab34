"""Slack's retried events across processes: two bolt apps on one store answer once, and
a retry of an event whose first handler died is answered by whichever process it reaches
after the claim's lease ran out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.bot import EVENT_LEASE_SECONDS, EventDeduper
from adapters.slack.testing import FakeSlack, event_body, signed_headers
from bot.app import now_utc
from bot.conversation.replies import Context, Reply
from bot.ingest import HttpFetcher, UrlGuard
from bot.ports import EventClaim
from bot.run import make_app
from bot.settings import Settings, StoreSettings
from bot.store import SqlStore, make_store
from bot.store.engine import is_memory_sqlite
from bot.store.schema import event_claims

from .conftest import (
    ScriptedResponder,
    SlackWorld,
    build_world,
    drained,
    eventually,
    until_handled,
)


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
        built = build_world(slack, core, ScriptedResponder())
        yield built
        await drained(built)
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
    await until_handled(world, "EvTwice")
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
        # The loser is acknowledged if the winner had answered already; if it was still
        # answering (and might die), it is not, so that Slack sends the event again.
        assert sorted(statuses) in ([200, 200], [200, 503])
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
    await until_handled(world, "EvNoStore")
    assert "could not mark Slack event EvNoStore handled" in caplog.text
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
        await until_handled(world, "EvSlow")
        assert "took over 0.3 s to mark Slack event EvSlow handled" in caplog.text
        blocker.rollback()
    # The abandoned claim and finish go on in their threads once the lock is gone; wait
    # for them (before the store closes under them), then the event is recorded as done.
    await asyncio.get_running_loop().shutdown_default_executor()
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(event_claims).where(event_claims.c.key == key)).one()
    assert row.lease_until is None


@dataclass
class Clock:
    """A process's wall clock, which a test moves on to when a lease has run out."""

    ahead: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return now_utc() + self.ahead


AFTER_THE_LEASE = timedelta(seconds=EVENT_LEASE_SECONDS + 1)


class DyingResponder(ScriptedResponder):
    """The first question's handler never finishes: its task is cancelled mid-answer, as
    when the process goes down; later questions are answered."""

    async def handle(self, context: Context, text: str) -> Reply:
        if not self.asked:
            self.asked.append((context, text))
            raise asyncio.CancelledError
        return await super().handle(context, text)


@pytest.mark.parametrize("retried_in", ["the same process", "another process"])
async def test_an_event_whose_handler_died_is_answered_by_a_retry_after_the_lease(
    slack: FakeSlack,
    world: SlackWorld,
    other_process: SlackWorld,
    retried_in: str,
) -> None:
    first = build_world(slack, world.core, DyingResponder())
    first_clock, other_clock = Clock(), Clock()
    first.bot.deduper = EventDeduper(first.core.store, clock=first_clock)
    other_process.bot.deduper = EventDeduper(other_process.core.store, clock=other_clock)
    retrier, retrier_clock = (
        (first, first_clock) if retried_in == "the same process" else (other_process, other_clock)
    )
    body = json.dumps(event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvDies"))
    assert await over_http(first, body) == 200  # acknowledged; then the handler dies
    await eventually(lambda: first.responder.asked, "the first handler started")

    # Slack's first retry, at once: the claim's lease is live, so it might still be
    # answered; not acknowledged, so that Slack sends the event again.
    assert await over_http(retrier, body, retry=1) == 503
    # The second retry, a minute later: the lease has run out unfinished; taken over.
    retrier_clock.ahead = AFTER_THE_LEASE
    assert await over_http(retrier, body, retry=2) == 200
    (post,) = await slack.wait_for("chat.postMessage")
    assert post.params["text"] == "ok"
    await until_handled(retrier, "EvDies")

    # Answered now, the event is skipped (and acknowledged) wherever it turns up again.
    assert await over_http(first, body, retry=3) == 200
    assert await over_socket(other_process, json.loads(body)) == 200
    asked = [text for w in (first, other_process) for _, text in w.responder.asked]
    assert asked == ["hi", "hi"]  # the dead handler's and the retry's
    await asyncio.sleep(0.05)  # nothing else is on its way
    assert len(slack.calls_to("chat.postMessage")) == 1
    await drained(first)


async def test_a_retry_while_the_first_handler_is_still_answering_is_not_acknowledged(
    world: SlackWorld, other_process: SlackWorld
) -> None:
    answering = asyncio.Event()
    go_on = asyncio.Event()

    class SlowResponder(ScriptedResponder):
        async def handle(self, context: Context, text: str) -> Reply:
            answering.set()
            await go_on.wait()
            return await super().handle(context, text)

    slow = build_world(world.slack, world.core, SlowResponder())
    body = json.dumps(event_body(mention("<@UNEWSBRIEF> hi"), event_id="EvSlowly"))
    assert await over_http(slow, body) == 200
    await answering.wait()
    assert await over_http(slow, body, retry=1) == 503  # here
    assert await over_http(other_process, body, retry=1) == 503  # and elsewhere
    go_on.set()
    await world.slack.wait_for("chat.postMessage")
    await until_handled(slow, "EvSlowly")
    assert await over_http(other_process, body, retry=2) == 200
    assert len(slow.responder.asked) == 1
    assert other_process.responder.asked == []
    await drained(slow)


async def test_a_handler_that_raises_leaves_the_claim_to_run_out(store: SqlStore) -> None:
    clock = Clock()
    deduper = EventDeduper(store, clock=clock)
    assert await deduper.claim("EvRaises") is EventClaim.CLAIMED
    with pytest.raises(RuntimeError):
        async with deduper.handling("EvRaises"):
            raise RuntimeError("the handler failed")
    assert not deduper.handled("EvRaises")
    assert await deduper.claim("EvRaises") is EventClaim.BUSY  # the lease, not the memory
    clock.ahead = AFTER_THE_LEASE
    assert await deduper.claim("EvRaises") is EventClaim.CLAIMED
    async with deduper.handling("EvRaises"):
        pass
    assert deduper.handled("EvRaises")
    assert await deduper.claim("EvRaises") is EventClaim.DONE


async def test_a_handler_slower_than_its_lease_keeps_the_event(store: SqlStore) -> None:
    # a language model that retries can take longer than a lease: the lease is renewed
    here = EventDeduper(store, lease_seconds=0.6)
    elsewhere = EventDeduper(store, lease_seconds=0.6)
    assert await here.claim("EvSlow") is EventClaim.CLAIMED
    async with here.handling("EvSlow"):
        await asyncio.sleep(1.5)  # more than two leases
        assert await elsewhere.claim("EvSlow") is EventClaim.BUSY
    assert await elsewhere.claim("EvSlow") is EventClaim.DONE


async def test_a_lease_that_cannot_be_renewed_is_logged_and_the_answer_goes_on(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    deduper = EventDeduper(store, lease_seconds=0.3)
    assert await deduper.claim("EvLost") is EventClaim.CLAIMED
    async with deduper.handling("EvLost"):
        with store.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE event_claims"))  # the store breaks mid-answer
        await asyncio.sleep(0.25)  # past the first renewal
    assert "could not renew the lease of Slack event EvLost" in caplog.text
    assert deduper.handled("EvLost")  # remembered here, though the store could not be told
