"""A real `newsbrief run` process, watched the way an operator would: its /metrics,
/health and JSON log lines, with secrets in its environment that must never show.

The run polls loopback feeds, posts breaking briefings to a record file, and asks a
fake OpenAI-compatible server for summaries, which refuses them (401) with an error
that echoes the API key. (`test_logs.py` shows the redaction catching what slips in.)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.crash import NEWSBRIEF, ROOT, StoryFeeds, Trial
from bot.telemetry import METRICS
from bot.testing import FeedServer
from summarizer.testing import FakeOpenAI, error

SECRETS = {
    "OPENAI_API_KEY": "sk-test-0penai-k3y-that-must-not-leak",
    "SLACK_SIGNING_SECRET": "signing-secret-that-must-not-leak",
    "SLACK_CLIENT_SECRET": "client-secret-that-must-not-leak",
    "SLACK_CLIENT_ID": "1234.5678-client-id",
}
YEARLY = "0 0 1 1 *"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def scrape(port: int, path: str = "/metrics") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        body: bytes = response.read()
        return body.decode()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a scrape; 0 when absent."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    head = f"{name}{{{wanted}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(head + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def feeds() -> Iterator[StoryFeeds]:
    with FeedServer() as server:
        yield StoryFeeds(server, feeds=1, every=0.4)


def test_metrics_health_and_json_logs_of_a_running_bot(tmp_path: Path, feeds: StoryFeeds) -> None:
    trial = Trial(
        tmp_path,
        f"sqlite:///{tmp_path / 'store.db'}",
        feeds,
        daily=0,
        daily_schedule=YEARLY,
        lease=30.0,
    )
    feeds.add_story()
    feeds.add_story()
    port = free_port()
    log_path = tmp_path / "run.log"
    with FakeOpenAI(default=error(401, f"Incorrect API key: {SECRETS['OPENAI_API_KEY']}")) as llm:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            **SECRETS,
            "NEWSBRIEF_LLM__BASE_URL": llm.base_url,
            "NEWSBRIEF_LLM__MODEL": "fake-model",
            "NEWSBRIEF_LLM__MAX_RETRIES": "0",
            "NEWSBRIEF_RUN__HEALTH_HOST": "127.0.0.1",
            "NEWSBRIEF_RUN__LOG_LEVEL": "DEBUG",  # the most a log can say
        }
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    *NEWSBRIEF,
                    "--config",
                    str(trial.config),
                    "run",
                    "--health-port",
                    str(port),
                    "--log-format",
                    "json",
                ],
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        try:
            text = wait_for_metrics(proc, port)
            health = json.loads(scrape(port, "/health"))
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    # Every declared metric is exposed, and the run moved the ones it exercised.
    for spec in METRICS:
        assert f"# TYPE {spec.exposed_name} {spec.kind}" in text, spec.name
    assert sample(text, "newsbrief_polls_total", outcome="new") >= 1
    assert sample(text, "newsbrief_stories_stored_total") >= 2
    assert sample(text, "newsbrief_deliveries_total", kind="breaking", outcome="posted") >= 1
    assert sample(text, "newsbrief_feeds", state="active") == 1
    assert sample(text, "newsbrief_llm_requests_total") >= 1
    assert sample(text, "newsbrief_llm_fallbacks_total") >= 1
    assert health["healthy"] is True

    # One JSON object per line, with the ids that matter, and no secret anywhere.
    raw = log_path.read_text()
    for secret in SECRETS.values():
        if len(secret) >= 6 and "client-id" not in secret:
            assert secret not in raw
    entries = [json.loads(line) for line in raw.splitlines() if line.strip()]
    assert entries and all({"time", "level", "logger", "message"} <= e.keys() for e in entries)
    polled = [e for e in entries if e["message"].startswith("polled:")]
    assert polled and all(e["feed"] in feeds.urls for e in polled)
    posted = [e for e in entries if e["message"].startswith("posted ")]
    assert posted and all(e["delivery_key"].startswith("breaking:") for e in posted)
    assert all(e["channel"] == Trial.BREAKING for e in posted)


def wait_for_metrics(proc: subprocess.Popen[bytes], port: int) -> str:
    """Scrape until the run has polled, posted and asked the model; the last scrape."""
    deadline = time.monotonic() + 45
    text = ""
    while time.monotonic() < deadline:
        assert proc.poll() is None, "newsbrief run exited early"
        try:
            text = scrape(port)
        except OSError:
            time.sleep(0.2)
            continue
        done = (
            sample(text, "newsbrief_deliveries_total", kind="breaking", outcome="posted") >= 1
            and sample(text, "newsbrief_llm_fallbacks_total") >= 1
            and sample(text, "newsbrief_feeds", state="active") == 1
        )
        if done:
            return text
        time.sleep(0.3)
    raise AssertionError(f"the metrics never showed the run's work:\n{text}")
