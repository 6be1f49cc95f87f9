"""Every staff view is guarded by staff_required, and scope follows the selectors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import AppealFactory, LegalOrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _web_paths(pk: int) -> list[tuple[str, str]]:
    paths = [("get", "/staff/"), ("get", "/staff/review/"), ("get", "/staff/appeals/new/"),
             ("get", f"/staff/appeals/{pk}/"), ("get", f"/staff/appeals/{pk}/edit/"),
             ("get", "/staff/deadline-preview/"), ("get", "/accounts/me/")]
    for action in ("submit", "approve", "request-changes", "publish", "close", "archive", "confirm-order", "photos"):
        paths.append(("post", f"/staff/appeals/{pk}/{action}/"))
    return paths


def test_every_web_url_is_covered_by_this_test():
    patterns = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "web"]
    names = {u.name for r in patterns for u in r.url_patterns if isinstance(u, URLPattern)}
    # If a view is added, add it to _web_paths above.
    assert len(names) == len(_web_paths(1)) - 1  # + accounts:profile is extra


def test_anonymous_is_sent_to_login(appeal):
    client = Client()
    for method, path in _web_paths(appeal.pk):
        r = getattr(client, method)(path)
        assert r.status_code == 302, path
        assert r["Location"].startswith("/accounts/login/"), path


def test_password_only_session_is_sent_to_otp(appeal, investigator):
    client = Client()
    client.force_login(investigator)
    for method, path in _web_paths(appeal.pk):
        r = getattr(client, method)(path)
        assert r.status_code == 302, path
        assert r["Location"].startswith("/accounts/otp/"), path


def test_user_without_role_gets_403(staff_client):
    nobody = UserFactory(username="norole", roles=[])
    client = staff_client(nobody)
    assert client.get("/staff/").status_code == 403


def test_other_unit_never_sees_appeal(appeal, investigator2, staff_client):
    client = staff_client(investigator2)
    r = client.get("/staff/")
    assert r.status_code == 200
    assert appeal.title not in r.content.decode()
    assert client.get(f"/staff/appeals/{appeal.pk}/").status_code == 404
    assert client.get(f"/staff/appeals/{appeal.pk}/edit/").status_code == 404
    assert client.post(f"/staff/appeals/{appeal.pk}/submit/").status_code == 404


def test_dashboard_shows_own_unit_and_deadlines(appeal, investigator, unit_b, staff_client):
    other = AppealFactory(owner=UserFactory(username="ib", roles=["investigator"], unit=unit_b), unit=unit_b,
                          title="Geheimer Fall Einheit B")
    LegalOrderFactory(appeal=other)
    client = staff_client(investigator)
    body = client.get("/staff/").content.decode()
    assert appeal.title in body
    assert "Geheimer Fall Einheit B" not in body
    assert "data-countdown" in body  # expiry deadline rendered with countdown
    body = client.get("/staff/?q=Geheimer").content.decode()
    assert "Keine Fahndungen" in body


def test_detail_renders_and_is_audited(appeal, investigator, staff_client):
    from fahndung.core.models import AuditEvent

    client = staff_client(investigator)
    r = client.get(f"/staff/appeals/{appeal.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert appeal.file_number_police in body and "Verlauf" in body
    assert AuditEvent.objects.filter(action="appeal.view", appeal_id=appeal.pk).exists()


def test_missing_appeal_is_404(investigator, staff_client):
    assert staff_client(investigator).get("/staff/appeals/999999/").status_code == 404
