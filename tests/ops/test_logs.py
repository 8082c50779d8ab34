"""Log lines: text and JSON formats with their ids, and secrets that never get through."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, Redactor, configure_logging, secret_values
from bot.settings import load_settings

BOT_TOKEN = "xoxb-1111-2222-abcdefABCDEF"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    yield stream
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)


def test_text_lines_carry_the_ids_after_the_message(captured: io.StringIO) -> None:
    configure_logging("INFO", "text", stream=captured)
    logging.getLogger("bot.x").info(
        "posted %s", "k1", extra={"channel": "slack:C1", "delivery_key": "briefing:slack:C1:k"}
    )
    line = captured.getvalue().strip()
    assert line.endswith("INFO bot.x: posted k1 channel=slack:C1 delivery_key=briefing:slack:C1:k")


def test_json_lines_are_objects_with_ids_and_the_traceback(captured: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=captured)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("bot.y").exception("failed", extra={"feed": "https://e.com/f"})
    [entry] = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert entry["level"] == "ERROR" and entry["logger"] == "bot.y"
    assert entry["message"] == "failed" and entry["feed"] == "https://e.com/f"
    assert "RuntimeError: boom" in entry["exc"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_secret_in_a_message_or_a_traceback_is_redacted(captured: io.StringIO, fmt: str) -> None:
    configure_logging("INFO", fmt, secrets=["hunter2-db-password"], stream=captured)  # type: ignore[arg-type]
    log = logging.getLogger("bot.z")
    log.warning("connecting to postgresql://u:hunter2-db-password@db/x")
    try:
        raise ValueError(f"refused token {BOT_TOKEN}")
    except ValueError:
        log.exception("slack said no")
    out = captured.getvalue()
    assert "hunter2-db-password" not in out and BOT_TOKEN not in out
    assert out.count(REDACTED) >= 2


@pytest.mark.parametrize(
    "token",
    [
        BOT_TOKEN,
        "xapp-1-A0123-456789-abcdef",
        "sk-proj-abcdefghijklmnopqrstuvwxyz",
        "MTA4NzE2MjI5ODQ0MTIzNjQ4OQ.GxYz12.abcdefghijklmnopqrstuvwxyz0123",
        "Bearer abcdefghijklmnop",
    ],
)
def test_token_shapes_are_redacted_without_being_configured(token: str) -> None:
    assert Redactor()(f"before {token} after") == f"before {REDACTED} after"


def test_short_secrets_and_plain_words_are_left_alone() -> None:
    redact = Redactor(["abc"])
    assert redact("abc and a task-name and sk-short") == "abc and a task-name and sk-short"


def test_secret_values_hold_every_token_and_the_store_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("DISCORD_TOKEN", "discord-token-value")
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", "postgresql+psycopg://nb:p%40ss-word@db/nb")
    values = secret_values(load_settings(None))
    assert {BOT_TOKEN, "discord-token-value", "p@ss-word"} <= set(values)
