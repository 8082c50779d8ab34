"""The `MetricsRecorder` port on prometheus-client, and the ``/metrics`` page.

Each process gets its own `CollectorRegistry` holding one collector per
`bot.telemetry.METRICS` entry, so tests can build as many recorders as they
like and a scrape shows only newsbrief's metrics plus the process ones.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.telemetry import METRICS, SPECS, MetricSpec

CONTENT_TYPE = CONTENT_TYPE_LATEST
# The *_created series double a scrape's size and no dashboard of ours reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]
_Collector = Counter | Gauge | Histogram


class PrometheusRecorder:
    """Counters, gauges and histograms for every declared metric, in one registry."""

    def __init__(self, *, process_metrics: bool = True) -> None:
        self.registry = CollectorRegistry()
        if process_metrics:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
        self._collectors = {spec.name: _collector(spec, self.registry) for spec in METRICS}

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        collector = self._labelled(name, labels)
        assert isinstance(collector, Counter)
        collector.inc(amount)

    def observe(self, name: str, value: float, **labels: str) -> None:
        collector = self._labelled(name, labels)
        assert isinstance(collector, Histogram)
        collector.observe(value)

    def set(self, name: str, value: float, **labels: str) -> None:
        collector = self._labelled(name, labels)
        assert isinstance(collector, Gauge)
        collector.set(value)

    def exposition(self) -> bytes:
        """The text a scrape of ``/metrics`` returns."""
        return generate_latest(self.registry)

    def _labelled(self, name: str, labels: dict[str, str]) -> _Collector:
        collector = self._collectors[name]
        if SPECS[name].labels:
            return collector.labels(**labels)
        return collector


def _collector(spec: MetricSpec, registry: CollectorRegistry) -> _Collector:
    name = f"newsbrief_{spec.name}"
    if spec.kind == "counter":
        return Counter(name, spec.help, spec.labels, registry=registry)
    if spec.kind == "gauge":
        return Gauge(name, spec.help, spec.labels, registry=registry)
    return Histogram(name, spec.help, spec.labels, registry=registry, buckets=spec.buckets)
