"""Prometheus metrics: request latency by view (middleware) and business gauges read at
scrape time through the apps' selectors (never their models).

Metric names (docs/operations.md lists them with their meaning):
  fahndung_http_request_duration_seconds{view,method,status}   histogram, per process
  fahndung_tips_stored{channel}                 tips in the database by channel
  fahndung_outbox_pending / _failed             tip outbox rows waiting / given up
  fahndung_outbox_oldest_pending_seconds        age of the oldest waiting row (alert on it)
  fahndung_takedown_oldest_divergence_seconds   oldest publication not yet withdrawn after close
  fahndung_publications{state}                  publications by state
  fahndung_photos{state}                        photo analyses by state
  fahndung_imaging_job_peak_memory_bytes        largest photo-job peak of the last hour
  fahndung_queue_depth{queue}                   messages waiting in the broker queue
  fahndung_scrape_errors{source}                1 when a source could not be read this scrape
Tips accepted = fahndung_http_request_duration_seconds_count on the intake views with status 201.

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess
mode) so the latency histogram is summed over all workers of the node.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from fahndung.celery import app
from fahndung.core import clock
from fahndung.imaging import selectors as imaging_selectors
from fahndung.lifecycle import selectors as lifecycle_selectors
from fahndung.publishing import selectors as publishing_selectors
from fahndung.tips import selectors as tips_selectors

REQUEST_LATENCY = Histogram(
    "fahndung_http_request_duration_seconds", "Time to answer a request, by resolved view name.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
QUEUES = ("celery",)


class LatencyMiddleware:
    """Times every request. The label is the URL pattern's view name, never the raw path
    (paths carry slugs and ids; the label set must stay small)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else "") or "unresolved"
        REQUEST_LATENCY.labels(view, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


def queue_depth(queue: str) -> int:
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        try:
            _name, count, _consumers = conn.default_channel.queue_declare(queue=queue, passive=True)
        except conn.channel_errors:
            return 0  # the queue does not exist yet (Redis drops empty lists): nothing waiting
        return int(count)


class BusinessCollector(Collector):
    """Gauges from the database and the broker, computed when Prometheus scrapes."""

    def collect(self) -> Iterator[Any]:
        errors = GaugeMetricFamily("fahndung_scrape_errors", "1 when a source could not be read.", labels=["source"])
        for source, build in (("tips", self._tips), ("lifecycle", self._lifecycle),
                              ("publishing", self._publishing), ("imaging", self._imaging),
                              ("broker", self._broker)):
            try:
                families = list(build())
            except Exception:  # a broken source must not hide the others
                errors.add_metric([source], 1)
                continue
            errors.add_metric([source], 0)
            yield from families
        yield errors

    def _tips(self) -> Iterator[Any]:
        data = tips_selectors.intake_metrics()
        stored = GaugeMetricFamily("fahndung_tips_stored", "Tips stored, by channel.", labels=["channel"])
        for channel, n in data["stored_by_channel"].items():
            stored.add_metric([channel], n)
        yield stored
        yield GaugeMetricFamily("fahndung_outbox_pending", "Outbox rows waiting for the relay.",
                                value=data["outbox_pending"])
        yield GaugeMetricFamily("fahndung_outbox_failed", "Outbox rows given up after retries.",
                                value=data["outbox_failed"])
        yield GaugeMetricFamily("fahndung_outbox_oldest_pending_seconds", "Age of the oldest waiting outbox row.",
                                value=data["outbox_oldest_pending_seconds"])

    def _lifecycle(self) -> Iterator[Any]:
        age = lifecycle_selectors.oldest_divergence_seconds()
        yield GaugeMetricFamily("fahndung_takedown_oldest_divergence_seconds",
                                "Age of the oldest publication still to be withdrawn (0 = none).", value=age or 0.0)

    def _publishing(self) -> Iterator[Any]:
        family = GaugeMetricFamily("fahndung_publications", "Publications by state.", labels=["state"])
        for state, n in publishing_selectors.publication_state_counts().items():
            family.add_metric([state], n)
        yield family

    def _imaging(self) -> Iterator[Any]:
        stats = imaging_selectors.job_memory_stats(since=clock.now() - timedelta(hours=1))
        family = GaugeMetricFamily("fahndung_photos", "Photo analyses by state.", labels=["state"])
        for state, n in stats["by_state"].items():
            family.add_metric([state], n)
        yield family
        peak = stats["peak_memory_mib"]
        yield GaugeMetricFamily("fahndung_imaging_job_peak_memory_bytes",
                                "Largest peak RSS of a photo job finished in the last hour (0 = none).",
                                value=(peak or 0) * 1024 * 1024)

    def _broker(self) -> Iterator[Any]:
        family = GaugeMetricFamily("fahndung_queue_depth", "Messages waiting in the broker.", labels=["queue"])
        for queue in QUEUES:
            family.add_metric([queue], queue_depth(queue))
        yield family


def render() -> bytes:
    """Exposition text: this process's metrics (in multiprocess mode those of every worker of
    the node) followed by the business gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    business = CollectorRegistry(auto_describe=False)
    business.register(BusinessCollector())
    return body + generate_latest(business)
