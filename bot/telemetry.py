"""What newsbrief counts and times, and the recorder the working code reports it to.

The metrics are declared here as data (`METRICS`): the Prometheus adapter
(``adapters.prometheus``) turns each into a collector, the README lists them,
and a test holds the two to the same list. Code that does the work reports
through `metrics()`, a `MetricsRecorder` (``bot.ports``) that drops everything
until ``newsbrief run`` installs the Prometheus one with `use_metrics`.

The recorder is process-wide, like Prometheus' own registry, rather than
handed down: its reporting points sit in every room (ingest, delivery,
conversation, the LLM summarizer, the store), and threading one more
collaborator through each of their constructors would buy nothing a test
cannot get from `use_metrics(recorder)` and `use_metrics(None)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ports import MetricsRecorder

Kind = Literal["counter", "gauge", "histogram"]
# Seconds: a chat command answers in milliseconds, a briefing may wait on a slow platform.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 4 * 3600.0)


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One metric: its name without the ``newsbrief_`` prefix, kind, help and labels."""

    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()

    @property
    def exposed_name(self) -> str:
        """The name a scrape shows (counters gain ``_total`` there)."""
        suffix = "_total" if self.kind == "counter" else ""
        return f"newsbrief_{self.name}{suffix}"


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "polls",
        "counter",
        "feed polls by outcome: new, unchanged, not_modified, error",
        ("outcome",),
    ),
    MetricSpec(
        "poll_failures",
        "counter",
        "failed feed polls by reason: http_4xx, http_5xx, timeout, network, blocked, "
        "too_large, parse, internal",
        ("reason",),
    ),
    MetricSpec("stories_stored", "counter", "new stories stored by polls"),
    MetricSpec("quotes_stored", "counter", "quotes extracted and stored for new stories"),
    MetricSpec(
        "feeds",
        "gauge",
        "feeds by state: active, backoff (failing, retried later), paused",
        ("state",),
    ),
    MetricSpec(
        "deliveries",
        "counter",
        "delivery attempts by kind (briefing, breaking, notice, on_demand) and outcome "
        "(posted, recovered, empty, skipped, failed)",
        ("kind", "outcome"),
    ),
    MetricSpec(
        "delivery_lag_seconds",
        "histogram",
        "how long after its scheduled slot a briefing was posted",
        (),
        LAG_BUCKETS,
    ),
    MetricSpec(
        "command_seconds",
        "histogram",
        "chat command latency, parse to reply, by command",
        ("command",),
        LATENCY_BUCKETS,
    ),
    MetricSpec(
        "question_seconds",
        "histogram",
        "follow-up question latency, parse to reply (model phrasing included)",
        (),
        LATENCY_BUCKETS,
    ),
    MetricSpec("llm_requests", "counter", "requests sent to the model API (retries included)"),
    MetricSpec(
        "llm_tokens", "counter", "model tokens used, by kind: prompt, completion", ("kind",)
    ),
    MetricSpec("llm_cache_hits", "counter", "LLM summaries served from the cache"),
    MetricSpec(
        "llm_fallbacks", "counter", "LLM calls that failed and fell back to the offline extractor"
    ),
    MetricSpec(
        "event_claim_takeovers",
        "counter",
        "chat events taken over from a process whose claim's lease ran out unfinished",
    ),
)
SPECS = {spec.name: spec for spec in METRICS}


class NullRecorder:
    """The recorder until one is installed: keeps nothing (tests, one-shot commands)."""

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        pass

    def observe(self, name: str, value: float, **labels: str) -> None:
        pass

    def set(self, name: str, value: float, **labels: str) -> None:
        pass


_NULL = NullRecorder()
_current: MetricsRecorder = _NULL


def metrics() -> MetricsRecorder:
    """The process's recorder (a `NullRecorder` unless `use_metrics` installed one)."""
    return _current


def use_metrics(recorder: MetricsRecorder | None) -> None:
    """Install ``recorder`` for the whole process; None goes back to recording nothing."""
    global _current
    _current = recorder if recorder is not None else _NULL
