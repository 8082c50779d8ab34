"""The declared metrics, the Prometheus recorder, and the points that report to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.prometheus import PrometheusRecorder
from bot.errors import BlockedURLError, FetchError, ParseError, ResponseTooLargeError
from bot.ingest.pipeline import failure_reason
from bot.ports import EventClaim
from bot.store import make_store
from bot.telemetry import METRICS, NullRecorder, metrics, use_metrics

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
def recorder() -> Iterator[PrometheusRecorder]:
    installed = PrometheusRecorder(process_metrics=False)
    use_metrics(installed)
    yield installed
    use_metrics(None)


def value(recorder: PrometheusRecorder, line_start: str) -> float:
    for line in recorder.exposition().decode().splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_the_readme_lists_every_metric_and_no_other() -> None:
    listed = set(re.findall(r"^\| `(newsbrief_[a-z_]+)` \|", README.read_text(), re.M))
    assert listed == {spec.exposed_name for spec in METRICS}


def test_every_declared_metric_is_exposed_with_its_help() -> None:
    text = PrometheusRecorder(process_metrics=False).exposition().decode()
    for spec in METRICS:
        assert f"# TYPE {spec.exposed_name} {spec.kind}" in text
        assert f"# HELP {spec.exposed_name} {spec.help}" in text
    assert "_created" not in text


def test_counts_observations_and_gauges_land_under_their_labels(
    recorder: PrometheusRecorder,
) -> None:
    metrics().count("polls", outcome="new")
    metrics().count("polls", 2, outcome="new")
    metrics().set("feeds", 3, state="paused")
    metrics().observe("command_seconds", 0.02, command="feeds")
    assert value(recorder, 'newsbrief_polls_total{outcome="new"}') == 3
    assert value(recorder, 'newsbrief_feeds{state="paused"}') == 3
    assert value(recorder, 'newsbrief_command_seconds_count{command="feeds"}') == 1


def test_an_undeclared_metric_is_a_programming_error(recorder: PrometheusRecorder) -> None:
    with pytest.raises(KeyError):
        metrics().count("no_such_metric")


def test_nothing_is_recorded_until_a_recorder_is_installed() -> None:
    assert isinstance(metrics(), NullRecorder)
    metrics().count("no_such_metric")  # dropped, whatever it is


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (FetchError("https://e.com/f: HTTP 503 Service Unavailable"), "http_5xx"),
        (FetchError("https://e.com/f: HTTP 404 Not Found (retry after 5)"), "http_4xx"),
        (FetchError("https://e.com/f: timed out (ReadTimeout)"), "timeout"),
        (FetchError("https://e.com/f: no complete answer within 60s"), "timeout"),
        (FetchError("https://e.com/f: ConnectError: refused"), "network"),
        (BlockedURLError("https://10.0.0.1/: private address"), "blocked"),
        (ResponseTooLargeError("https://e.com/f: over 10 MB"), "too_large"),
        (ParseError("not a feed"), "parse"),
    ],
)
def test_poll_failures_have_one_word_reasons(exc: FetchError, reason: str) -> None:
    assert failure_reason(exc) == reason


def test_taking_over_an_unfinished_event_claim_is_counted(
    recorder: PrometheusRecorder,
) -> None:
    at = datetime(2026, 12, 3, 9, tzinfo=UTC)
    lease, ttl = timedelta(seconds=30), timedelta(hours=1)
    with make_store("sqlite:///:memory:") as store:
        assert store.claim_event("Ev1", at=at, lease=lease, ttl=ttl) is EventClaim.CLAIMED
        assert store.claim_event("Ev1", at=at, lease=lease, ttl=ttl) is EventClaim.BUSY
        assert value(recorder, "newsbrief_event_claim_takeovers_total") == 0
        later = at + timedelta(minutes=1)  # the lease ran out unfinished: its process died
        assert store.claim_event("Ev1", at=later, lease=lease, ttl=ttl) is EventClaim.CLAIMED
        assert value(recorder, "newsbrief_event_claim_takeovers_total") == 1
        store.finish_event("Ev1", at=later)
        much_later = later + 2 * ttl  # a finished claim freed by age is no takeover
        assert store.claim_event("Ev1", at=much_later, lease=lease, ttl=ttl) is EventClaim.CLAIMED
        assert value(recorder, "newsbrief_event_claim_takeovers_total") == 1


async def test_commands_and_questions_are_timed(recorder: PrometheusRecorder) -> None:
    from bot.conversation.core import Conversations
    from bot.conversation.replies import Context
    from bot.run import make_app
    from bot.settings import Settings

    app = make_app(Settings(), store=make_store("sqlite:///:memory:"))
    try:
        conversations = Conversations(app)
        reader = Context(channel="console:t", user="reader")
        for line in ("feeds", "feeds", "what did Lavrov say?", "unsubscribe https://x.example/f"):
            await conversations.handle(reader, line)
    finally:
        await app.aclose()
    assert value(recorder, 'newsbrief_command_seconds_count{command="feeds"}') == 2
    assert value(recorder, 'newsbrief_command_seconds_count{command="unsubscribe"}') == 1
    assert value(recorder, "newsbrief_question_seconds_count") == 1


async def test_a_run_that_cannot_open_its_store_closes_its_health_listener(
    tmp_path: Path,
) -> None:
    import socket

    from bot.errors import StoreError
    from bot.run import run_forever
    from bot.settings import Settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings.model_validate(
        {
            "store": {"url": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"},
            "run": {
                "health_port": port,
                "health_host": "127.0.0.1",
                "heartbeat_file": str(tmp_path / "hb"),
            },
        }
    )
    with pytest.raises(StoreError):
        await run_forever(settings)
    with socket.socket() as again:  # the port is free again: the listener was closed
        again.bind(("127.0.0.1", port))
    assert isinstance(metrics(), NullRecorder)
