"""The OAuth stores bolt awaits on every request do their synchronous work off the loop.

slack_sdk's SQLAlchemy stores are synchronous; `Installations` and `OAuthStates` run
them in worker threads. Here the database takes its time (a real SQLite database whose
statements are held up), and a coroutine ticking meanwhile shows the loop kept running.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.runtime import Installations, OAuthStates, oauth_settings
from bot.store import make_store

T = TypeVar("T")

SLOW = 1.0  # seconds one statement is held up: well above a loaded machine's scheduling delays
STALL = SLOW * 0.6  # a loop stalled by the statement would go SLOW without a tick


class SlowDatabase:
    """Holds up the next statements run on ``engine``, one ``SLOW`` each."""

    def __init__(self, engine: sa.Engine) -> None:
        self.pending = 0
        sa.event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, *_: Any) -> None:
        if self.pending:
            self.pending -= 1
            time.sleep(SLOW)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'oauth.db'}")
    yield engine
    engine.dispose()


async def without_stalling(slow: SlowDatabase, call: Awaitable[T]) -> T:
    """``call``'s result, asserting the loop ran other coroutines all along."""
    slow.pending = 1
    gaps: list[float] = []
    last = started = time.monotonic()

    def note_gap() -> None:
        nonlocal last
        now = time.monotonic()
        gaps.append(now - last)
        last = now

    async def tick() -> None:
        while True:
            await asyncio.sleep(0.005)
            note_gap()

    ticker = asyncio.create_task(tick())
    try:
        result = await call
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
    note_gap()  # up to the end of the call: a loop blocked all along never ticked at all
    assert slow.pending == 0 and time.monotonic() - started >= SLOW  # the call did wait
    assert max(gaps) < STALL, f"the event loop stalled for {max(gaps):.2f} s"
    return result


def installation(team: str) -> Installation:
    return Installation(
        app_id="A0NEWSBRIEF",
        team_id=team,
        user_id="U0INSTALLER",
        bot_token=f"xoxb-{team}",
        bot_id="B0BOT",
        bot_user_id="UNEWSBRIEF",
        bot_scopes=["chat:write"],
    )


async def test_installations_run_off_the_event_loop(engine: sa.Engine) -> None:
    _, installations = oauth_settings(engine, client_id="111.222", client_secret="secret")
    assert isinstance(installations, Installations)
    slow = SlowDatabase(engine)

    await without_stalling(slow, installations.async_save(installation("T1")))
    await without_stalling(slow, installations.async_save_bot(installation("T2").to_bot()))
    bot = await without_stalling(
        slow, installations.async_find_bot(enterprise_id=None, team_id="T1")
    )
    assert bot is not None and bot.bot_token == "xoxb-T1"
    found = await without_stalling(
        slow, installations.async_find_installation(enterprise_id=None, team_id="T1")
    )
    assert found is not None and found.user_id == "U0INSTALLER"
    await without_stalling(slow, installations.async_delete_bot(enterprise_id=None, team_id="T2"))
    await without_stalling(
        slow, installations.async_delete_installation(enterprise_id=None, team_id="T1")
    )
    assert await installations.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is None


async def test_oauth_states_run_off_the_event_loop(engine: sa.Engine) -> None:
    settings, _ = oauth_settings(engine, client_id="111.222", client_secret="secret")
    assert isinstance(settings, AsyncOAuthSettings)
    states = settings.state_store
    assert isinstance(states, OAuthStates)
    slow = SlowDatabase(engine)

    state = await without_stalling(slow, states.async_issue())
    assert await without_stalling(slow, states.async_consume(state))
    assert not await states.async_consume(state)  # used once


async def test_on_in_memory_sqlite_they_take_turns_with_the_store_on_its_connection() -> None:
    with make_store("sqlite:///:memory:") as store:
        _, installations = oauth_settings(
            store.engine, client_id="111.222", client_secret="secret", lock=store.engine_lock
        )
        with store.engine_lock:  # the store is using the one connection
            find = asyncio.create_task(
                installations.async_find_bot(enterprise_id=None, team_id="T1")
            )
            await asyncio.sleep(0.05)
            assert not find.done()
        assert await find is None
