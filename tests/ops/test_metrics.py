"""/metrics: bearer-token protected Prometheus text with latency by view and business gauges
read through the apps' selectors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from rest_framework.test import APIClient

from fahndung.appeals import services as appeal_services
from fahndung.core import clock

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token-0123456789"


@pytest.fixture(autouse=True)
def _metrics_settings(settings):
    settings.FAHNDUNG_METRICS_TOKEN = TOKEN
    settings.FAHNDUNG_TIPS_KEYS = [Fernet.generate_key().decode()]
    settings.FAHNDUNG_TIP_RATE_LIMIT = "1000/60"
    settings.FAHNDUNG_TIP_SECRET_SCRYPT_N = 1024


def scrape(**headers) -> tuple[int, str]:
    response = Client().get("/metrics", headers=headers or {"Authorization": f"Bearer {TOKEN}"})
    return response.status_code, response.content.decode()


def value(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, number = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(number)
    raise AssertionError(f"{name} {labels} not in metrics")


def test_metrics_need_the_bearer_token(settings):
    assert scrape(Authorization="Bearer wrong")[0] == 401
    assert Client().get("/metrics").status_code == 401
    settings.FAHNDUNG_METRICS_TOKEN = ""
    assert scrape()[0] == 404  # no token configured: metrics are off


def test_metrics_report_latency_by_view_and_the_business_gauges(appeal, investigator, press):
    from fahndung.tips.choices import OutboxStatus
    from fahndung.tips.models import OutboxMessage

    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    appeal_services.appeal_approve(actor=press, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    _, before = scrape()
    stored_before = value(before, "fahndung_tips_stored", channel="web")
    accepted = APIClient().post(f"/api/v1/public/appeals/{appeal.slug}/tips/",
                                {"content": "Ich habe ihn am Bahnhof gesehen."}, format="json")
    assert accepted.status_code == 201, accepted.content
    OutboxMessage.objects.create(topic="tip.notify", payload={}, status=OutboxStatus.PENDING,
                                 available_at=clock.now(), created_at=clock.now() - timedelta(seconds=120))
    status, text = scrape()
    assert status == 200
    assert value(text, "fahndung_tips_stored", channel="web") == stored_before + 1
    assert value(text, "fahndung_outbox_pending") >= 1
    assert value(text, "fahndung_outbox_oldest_pending_seconds") >= 120
    view_counts = [float(line.rpartition(" ")[2]) for line in text.splitlines()
                   if line.startswith("fahndung_http_request_duration_seconds_count")
                   and 'status="201"' in line and 'method="POST"' in line and "tip" in line]
    assert view_counts and sum(view_counts) >= 1
    assert value(text, "fahndung_publications", state="published") >= 0
    assert value(text, "fahndung_takedown_oldest_divergence_seconds") == 0
    assert value(text, "fahndung_photos", state="ready_for_review") == 0
    assert value(text, "fahndung_imaging_job_peak_memory_bytes") == 0
    assert value(text, "fahndung_queue_depth", queue="celery") >= 0
    for source in ("tips", "lifecycle", "publishing", "imaging", "broker"):
        assert value(text, "fahndung_scrape_errors", source=source) == 0
    # Labels carry view names, never raw paths with slugs.
    assert appeal.slug not in text
