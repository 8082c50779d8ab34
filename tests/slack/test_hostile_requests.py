"""Hostile HTTP requests to /slack/events: verified before parsed, replays run once."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from adapters.slack.testing import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body
from bot.app import App
from bot.settings import SlackSettings

from .conftest import ScriptedResponder
from .test_runtime import configure, running

MALFORMED = [
    ("application/json", "{not json"),
    ("application/x-www-form-urlencoded", "payload=%7Bnot%20json"),
    ("application/x-www-form-urlencoded", "payload=" + "%00" * 50),
    ("application/json", '{"type": "event_callback", "event": 7}'),
    ("text/plain", "\x00\xff"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED)
async def test_an_unsigned_malformed_request_is_refused_with_one_log_line(
    slack: FakeSlack, core: App, caplog: pytest.LogCaptureFixture, content_type: str, body: str
) -> None:
    configure(
        core,
        slack=SlackSettings(mode="http"),
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    responder = ScriptedResponder()
    async with running(core, slack, responder) as runtime, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{runtime.port}/slack/events"
        caplog.clear()
        with caplog.at_level(logging.INFO):
            for headers in (
                {"content-type": content_type},
                {**signed_headers(body, secret="wrong"), "content-type": content_type},
            ):
                async with http.post(
                    url, data=body.encode("utf-8", "surrogateescape"), headers=headers
                ) as response:
                    assert response.status in (400, 401)
        records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert responder.asked == []
    assert all(r.exc_info is None for r in records), [r.getMessage() for r in records]
    assert len(records) == 2, [r.getMessage() for r in records]  # one line per request


async def test_a_signed_but_malformed_request_is_a_400_not_a_500(
    slack: FakeSlack, core: App, caplog: pytest.LogCaptureFixture
) -> None:
    configure(
        core,
        slack=SlackSettings(mode="http"),
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    async with (
        running(core, slack, ScriptedResponder()) as runtime,
        aiohttp.ClientSession() as http,
    ):
        url = f"http://127.0.0.1:{runtime.port}/slack/events"
        body = "{not json"
        headers = {**signed_headers(body), "content-type": "application/json"}
        with caplog.at_level(logging.INFO):
            async with http.post(url, data=body, headers=headers) as response:
                status = response.status
    assert status == 400
    assert all(r.exc_info is None for r in caplog.records if r.levelno >= logging.WARNING)


async def test_a_replayed_signed_slash_command_runs_once(slack: FakeSlack, core: App) -> None:
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
        headers = signed_headers(body)
        statuses = []
        for _ in range(3):  # the same bytes, within Slack's five-minute window
            async with http.post(url, data=body, headers=headers) as response:
                statuses.append(response.status)
        await slack.wait_for("respond:r1")
    assert statuses[0] == 200
    assert [text for _, text in responder.asked] == ["feeds"]
