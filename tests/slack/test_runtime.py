"""The running bot: Socket Mode over a real websocket, HTTP mode, /health, the OAuth install."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from adapters.slack.bot import EVENT_LEASE_SECONDS
from adapters.slack.runtime import SlackRuntime, build_slack
from adapters.slack.testing import (
    SIGNING_SECRET,
    FakeSlack,
    event_body,
    signed_headers,
    slash_command_body,
)
from bot.app import App, now_utc
from bot.errors import ConfigError, DeliveryError
from bot.ports import EventClaim
from bot.run import platform_services
from bot.settings import Settings, SlackSettings, StoreSettings

from .briefings import seed_briefing
from .conftest import ScriptedResponder, eventually


def configure(core: App, **secrets: Any) -> None:
    slack = secrets.pop("slack", SlackSettings())
    core.settings = Settings(store=StoreSettings(url="sqlite:///:memory:"), slack=slack, **secrets)


@asynccontextmanager
async def running(
    core: App, slack: FakeSlack, responder: ScriptedResponder
) -> AsyncIterator[SlackRuntime]:
    runtime = build_slack(
        platform_services(core),
        responder=responder,
        base_url=slack.api_url,
        host="127.0.0.1",
        port=0,
        ping_interval=0.2,
    )
    core.adapters = {**core.adapters, "slack": runtime.adapter}  # as bot.run registers it
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.close()


async def health(runtime: SlackRuntime) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{runtime.port}/health") as response,
    ):
        return response.status, await response.json()


async def wait_for_health(runtime: SlackRuntime, status: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (await health(runtime))[0] != status:
        if time.monotonic() > deadline:
            raise AssertionError(f"/health never became {status}")
        await asyncio.sleep(0.05)


async def test_socket_mode_answers_envelopes_and_health_tells_the_truth(
    slack: FakeSlack, core: App
) -> None:
    configure(core, SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test")
    responder = ScriptedResponder()
    async with running(core, slack, responder) as runtime:
        assert await health(runtime) == (200, {"slack": {"mode": "socket", "connected": True}})
        (opened,) = slack.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test"

        event = {
            "type": "app_mention",
            "user": "U0ASKER",
            "text": "<@UNEWSBRIEF> what did Lavrov say?",
            "ts": "1700000100.000100",
            "channel": "C0NEWS",
        }
        envelope_id = await slack.send_envelope(
            event_body(event, event_id="EvSock"), envelope_type="events_api"
        )
        (post,) = await slack.wait_for("chat.postMessage")
        assert post.params["thread_ts"] == "1700000100.000100"
        assert post.headers["Authorization"] == "Bearer xoxb-test"
        assert {"envelope_id": envelope_id} in slack.socket_acks
        assert responder.asked[0][1] == "what did Lavrov say?"

        # Slack goes away: /health says so, and recovers with the connection.
        slack.accept_sockets = False
        await slack.drop_sockets()
        await wait_for_health(runtime, 503)
        assert (await health(runtime))[1]["slack"]["connected"] is False
        slack.accept_sockets = True
        await wait_for_health(runtime, 200)


async def test_http_mode_verifies_signatures_on_slack_events(slack: FakeSlack, core: App) -> None:
    configure(
        core,
        slack=SlackSettings(mode="http"),
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    responder = ScriptedResponder()
    async with running(core, slack, responder) as runtime, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{runtime.port}/slack/events"
        body = slash_command_body("/news", "feeds", response_url=slack.response_url())
        async with http.post(url, data=body, headers=signed_headers(body)) as response:
            assert response.status == 200
        await slack.wait_for("respond:r1")
        forged = signed_headers(body, secret="wrong")
        async with http.post(url, data=body, headers=forged) as response:
            assert response.status == 401
        assert [text for _, text in responder.asked] == ["feeds"]
        assert await health(runtime) == (200, {"slack": {"mode": "http", "connected": True}})


def test_incomplete_configuration_names_what_is_missing(core: App) -> None:
    configure(core, slack=SlackSettings(mode="http"), SLACK_BOT_TOKEN="xoxb-test")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        build_slack(platform_services(core), responder=ScriptedResponder())
    configure(core, SLACK_BOT_TOKEN="xoxb-test")
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        build_slack(platform_services(core), responder=ScriptedResponder())
    configure(core, SLACK_APP_TOKEN="xapp-test")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        build_slack(platform_services(core), responder=ScriptedResponder())
    configure(core, slack=SlackSettings(oauth=True), SLACK_APP_TOKEN="xapp-test")
    with pytest.raises(ConfigError, match="SLACK_CLIENT_ID"):
        build_slack(platform_services(core), responder=ScriptedResponder())


# slack_sdk 3.48 sends oauth.v2.access credentials with aiohttp's BasicAuth, which
# aiohttp 3.14 deprecates; nothing on our side can avoid it.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_install_stores_the_workspace_and_posts_with_its_token(
    slack: FakeSlack, core: App
) -> None:
    configure(
        core,
        slack=SlackSettings(mode="http", oauth=True),
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="client-secret",
    )
    responder = ScriptedResponder()
    async with running(core, slack, responder) as runtime, aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{runtime.port}"
        async with http.get(f"{base}/slack/install") as response:
            page = await response.text()
            # The state cookie is Secure (https only); a browser on plain http would drop it.
            cookie = response.cookies["slack-app-oauth-state"]
        assert response.status == 200
        state = re.search(r"state=([\w-]+)", page)
        assert state is not None and "client_id=111.222" in page
        callback = f"{base}/slack/oauth_redirect?code=the-code&state={state[1]}"
        browser = {"Cookie": f"{cookie.key}={cookie.value}"}
        async with http.get(callback, headers=browser) as response:
            assert response.status == 200, await response.text()
        (access,) = slack.calls_to("oauth.v2.access")
        assert access.params["code"] == "the-code"

        # A scheduled briefing for that workspace's channel uses the installed token.
        briefing = seed_briefing("slack:T0TEAM/C0NEWS")
        await core.adapter_for(briefing.channel).post_briefing(briefing)
        (post,) = slack.calls_to("chat.postMessage")
        assert post.headers["Authorization"] == "Bearer xoxb-installed"

        # A replayed callback (state already used) installs nothing.
        async with http.get(callback, headers=browser) as response:
            assert response.status != 200
        assert len(slack.calls_to("oauth.v2.access")) == 1

        # Uninstalling deletes the installation: no more posts with its token.
        uninstalled = json.dumps(
            event_body({"type": "app_uninstalled"}, event_id="EvBye", team="T0TEAM")
        )
        events = f"{base}/slack/events"
        async with http.post(
            events, data=uninstalled, headers=signed_headers(uninstalled)
        ) as response:
            assert response.status == 200
        store = runtime.bolt.installation_store
        assert store is not None
        deadline = time.monotonic() + 5  # the listener runs after the ack
        while await store.async_find_bot(enterprise_id=None, team_id="T0TEAM") is not None:
            assert time.monotonic() < deadline, "the installation was never deleted"
            await asyncio.sleep(0.01)
        with pytest.raises(DeliveryError, match="not installed"):
            await core.adapter_for(briefing.channel).post_briefing(briefing)


async def test_socket_mode_leaves_an_event_being_answered_elsewhere_unacknowledged(
    slack: FakeSlack, core: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    configure(core, SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test")
    responder = ScriptedResponder()
    key = "slack:event:EvElsewhere"
    # Another process has just claimed the event and is answering it.
    lease, ttl = timedelta(seconds=EVENT_LEASE_SECONDS), timedelta(hours=1)
    assert core.store.claim_event(key, at=now_utc(), lease=lease, ttl=ttl) is EventClaim.CLAIMED
    event = {
        "type": "app_mention",
        "user": "U0ASKER",
        "text": "<@UNEWSBRIEF> hi",
        "ts": "1700000300.000100",
        "channel": "C0NEWS",
    }
    payload = event_body(event, event_id="EvElsewhere")
    async with running(core, slack, responder):
        busy = await slack.send_envelope(payload, envelope_type="events_api")
        await eventually(
            lambda: "Unsuccessful Bolt execution result (status: 503" in caplog.text,
            "the handler declined the envelope",
        )
        # No ack: Slack sends the event again (and would give it to us once the lease ran
        # out with the other process gone).
        core.store.finish_event(key, at=now_utc())  # it was not: it answered
        retry = await slack.send_envelope(payload, envelope_type="events_api")
        await eventually(lambda: {"envelope_id": retry} in slack.socket_acks, "the retry acked")
    assert {"envelope_id": busy} not in slack.socket_acks
    assert responder.asked == []
