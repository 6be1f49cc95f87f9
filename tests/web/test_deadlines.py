"""Deadlines at a glance: colours, live preview endpoint, confirmation capture."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from fahndung.appeals.choices import IssuerType, LegalBasis
from fahndung.appeals.models import Appeal, LegalOrder
from fahndung.core import clock
from fahndung.web.deadlines import expiry_deadline, order_deadline

pytestmark = pytest.mark.django_db


def _emergency(appeal: Appeal, hours_ago: float) -> LegalOrder:
    order = appeal.order
    order.issuer_type = IssuerType.POLICE
    order.is_emergency = True
    order.decided_at = clock.now() - timedelta(hours=hours_ago)
    Appeal.objects.filter(pk=appeal.pk).update(legal_basis=LegalBasis.STPO_131B_1)
    order.confirmation_due_at = order.decided_at + timedelta(days=7)
    order.save()
    appeal.refresh_from_db()
    return order


def test_order_deadline_colours(appeal):
    _emergency(appeal, hours_ago=24 * 7 - 5)  # 5 h left
    assert order_deadline(appeal).css == "danger" and not order_deadline(appeal).lapsed
    _emergency(appeal, hours_ago=24 * 7 - 12)  # 12 h left
    appeal.refresh_from_db()
    assert order_deadline(appeal).css == "warn"
    _emergency(appeal, hours_ago=24 * 7 + 1)
    appeal.refresh_from_db()
    assert order_deadline(appeal).lapsed and order_deadline(appeal).css == "danger"
    _emergency(appeal, hours_ago=1)
    appeal.refresh_from_db()
    assert order_deadline(appeal).css == "ok"


def test_expiry_red_below_seven_days(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(expires_at=clock.now() + timedelta(days=6))
    appeal.refresh_from_db()
    assert expiry_deadline(appeal).css == "danger"
    Appeal.objects.filter(pk=appeal.pk).update(expires_at=clock.now() + timedelta(days=30))
    appeal.refresh_from_db()
    assert expiry_deadline(appeal).css == "ok"


def test_dashboard_flags_urgent_order(appeal, investigator, staff_client):
    _emergency(appeal, hours_ago=24 * 7 - 3)
    body = staff_client(investigator).get("/staff/").content.decode()
    assert 'class="deadline danger"' in body
    assert "dringender Frist" in body


def test_preview_endpoint_computes_deadline(investigator, staff_client):
    client = staff_client(investigator)
    r = client.get("/staff/deadline-preview/", {
        "legal_basis": "stpo_131_3", "issuer_type": "police", "is_emergency": "true",
        "decided_at": "2026-11-20T10:00",
    })
    data = r.json()
    assert data["needed"] is True and data["due_at"].startswith("2026-11-21T10:00")
    r = client.get("/staff/deadline-preview/", {
        "legal_basis": "stpo_131b_1", "issuer_type": "police", "is_emergency": "false", "decided_at": "2026-11-20T10:00",
    })
    assert r.json()["needed"] is False and "Gefahr im Verzug" in r.json()["issuer_problem"]
    assert client.get("/staff/deadline-preview/", {"legal_basis": "x", "decided_at": "kaputt"}).json()["needed"] is False


def test_confirm_order_from_detail_page(appeal, investigator, liaison, staff_client):
    _emergency(appeal, hours_ago=2)
    from fahndung.appeals.services import appeal_submit

    appeal_submit(actor=investigator, appeal_id=appeal.pk)
    client = staff_client(liaison)
    body = client.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert "Bestätigung erfassen" in body
    r = client.post(f"/staff/appeals/{appeal.pk}/confirm-order/", {"confirmed_by_name": ""}, follow=True)
    assert "Bitte angeben, wer bestätigt hat." in r.content.decode()
    client.post(f"/staff/appeals/{appeal.pk}/confirm-order/", {"confirmed_by_name": "Richterin Weber",
                                                               "authority_type": "court", "reference": "Gs 9/26"})
    appeal.order.refresh_from_db()
    assert appeal.order.confirmed_by_name == "Richterin Weber"


def test_include_if_exists_renders_nothing_for_missing_partial(appeal):
    tpl = Template('{% load web_tags %}[{% include_if_exists "nope/_missing.html" %}]')
    assert tpl.render(Context({"appeal": appeal})) == "[]"
    tpl = Template('{% load web_tags %}{% include_if_exists "web/_errors.html" %}')
    assert "errorlist" in tpl.render(Context({"errs": ["x"], "request": RequestFactory().get("/")}))


def test_english_ui_via_setlang(investigator, staff_client):
    client = staff_client(investigator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    body = client.get("/staff/").content.decode()
    assert 'lang="en"' in body
    assert "New appeal" in body
