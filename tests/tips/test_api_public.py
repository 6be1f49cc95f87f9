"""Public tip API: submission, idempotency, follow-up with reference+secret."""

from __future__ import annotations

import pytest

from fahndung.core import clock
from fahndung.tips.models import OutboxMessage, Tip, TipAttachment, TipBlob
from tests.tips.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_submit_stores_encrypted_tip_and_outbox_row(submit, published):
    response = submit(observed_place="Hauptbahnhof", anonymous="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("H-") and len(body["secret"]) == 23
    assert response["Cache-Control"] == "no-store"
    tip = Tip.objects.get(reference=body["reference"])
    assert tip.appeal_id == published.pk and tip.content.startswith("Ich habe")
    assert tip.is_anonymous and tip.channel == "web" and tip.state == "new"
    raw = Tip.objects.filter(pk=tip.pk).values_list("content", flat=True)
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT content, observed_place FROM tips_tip WHERE id = %s", [tip.pk])
        content_raw, place_raw = c.fetchone()
    assert "Bahnhof" not in content_raw and "Hauptbahnhof" not in place_raw
    assert raw  # decrypts through the field
    # The secret never sits in the clear: encrypted until the relay replaces it by a scrypt hash.
    assert tip.secret_hash == "" and tip.secret_pending == body["secret"]
    with connection.cursor() as c:
        c.execute("SELECT secret_pending FROM tips_tip WHERE id = %s", [tip.pk])
        assert body["secret"] not in c.fetchone()[0]
    outbox = OutboxMessage.objects.get()
    assert outbox.topic == "tip.received" and outbox.payload == {"tip_id": tip.pk, "appeal_id": published.pk}


def test_secret_is_upgraded_to_scrypt_hash_by_the_relay(submit, api_client):
    from fahndung.tips import services
    from fahndung.tips.tasks import publish

    body = submit().json()
    creds = {"reference": body["reference"], "secret": body["secret"]}
    assert api_client.post("/api/v1/public/tips/thread/", creds, format="json").status_code == 200
    assert services.outbox_sweep(publish=publish)["sent"] == 1
    tip = Tip.objects.get(reference=body["reference"])
    assert tip.secret_hash.startswith("tip_scrypt$") and tip.secret_pending == ""
    assert api_client.post("/api/v1/public/tips/thread/", creds, format="json").status_code == 200
    wrong = {**creds, "secret": body["secret"][:-1] + ("A" if body["secret"][-1] != "A" else "B")}
    assert api_client.post("/api/v1/public/tips/thread/", wrong, format="json").status_code == 404


def test_references_are_random(submit):
    refs = {submit().json()["reference"] for _ in range(5)}
    assert len(refs) == 5
    import re

    assert all(re.fullmatch(r"H-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", r) for r in refs)


def test_unknown_or_unpublished_appeal_is_404(api_client, appeal):
    response = api_client.post(f"/api/v1/public/appeals/{appeal.slug}/tips/", {"content": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Tip.objects.count() == 0


def test_validation_errors_are_german_and_store_nothing(submit):
    response = submit(content="   ")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["content"]
    response = submit(anonymous="true", contact_phone="0711 123")
    assert response.status_code == 400 and "anonym" in response.json()["error"]["message"]
    response = submit(anonymous="false")
    assert response.status_code == 400
    assert Tip.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_contact_details_when_not_anonymous(submit):
    response = submit(anonymous="false", contact_name="Erika Muster", contact_phone="0711 555")
    assert response.status_code == 201
    tip = Tip.objects.get()
    assert not tip.is_anonymous and tip.contact_phone == "0711 555"


def test_idempotency_key_gives_one_tip_and_replays_secret_in_window(submit, settings):
    first = submit(headers={"Idempotency-Key": "abc-123"})
    second = submit(headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["reference"] == first.json()["reference"]
    assert second.json()["secret"] == first.json()["secret"] and second.json()["replayed"] is True
    assert Tip.objects.count() == 1 and OutboxMessage.objects.count() == 1
    # A different body with the same key is a client bug: 409, nothing stored.
    other = submit(content="Etwas ganz anderes", headers={"Idempotency-Key": "abc-123"})
    assert other.status_code == 409 and Tip.objects.count() == 1


def test_replay_after_window_returns_reference_but_not_secret(submit):
    from datetime import timedelta

    first = submit(headers={"Idempotency-Key": "k1"})
    with clock.frozen(clock.now() + timedelta(hours=1)):
        later = submit(headers={"Idempotency-Key": "k1"})
    assert later.status_code == 200
    assert later.json()["reference"] == first.json()["reference"] and later.json()["secret"] is None
    assert Tip.objects.count() == 1


def test_same_photo_twice_is_stored_once_and_linked(submit, settings):
    photo = image_bytes()
    r1 = submit(files=[upload("a.jpg", photo), upload("b.jpg", photo)])
    assert r1.status_code == 201, r1.content
    r2 = submit(files=[upload("c.jpg", photo)])
    assert r2.status_code == 201
    assert TipBlob.objects.count() == 1
    assert TipAttachment.objects.count() == 2  # one per tip
    files = [p for p in (settings.PRIVATE_MEDIA_ROOT / "tips").rglob("*") if p.is_file()]
    assert len(files) == 1
    assert photo not in files[0].read_bytes()  # encrypted at rest


def test_followup_thread_and_add_information(submit, api_client, published, investigator):
    from fahndung.tips import services

    body = submit().json()
    tip = Tip.objects.get(reference=body["reference"])
    services.tip_reply(actor=investigator, tip_id=tip.pk, body="Danke! Welche Farbe hatte die Jacke?")
    creds = {"reference": body["reference"].lower().replace("-", " "), "secret": body["secret"].lower()}
    thread = api_client.post("/api/v1/public/tips/thread/", creds, format="json")
    assert thread.status_code == 200, thread.content
    assert thread.json()["messages"][0]["body"].startswith("Danke") and thread.json()["messages"][0]["from"] == "police"
    assert "investigator" not in thread.content.decode()
    added = api_client.post("/api/v1/public/tips/messages/", {**creds, "body": "Sie war rot.",
                                                              "attachments": [upload("x.png", image_bytes("PNG"))]})
    assert added.status_code == 201 and added.json()["attachments"] == 1
    assert OutboxMessage.objects.filter(topic="tip.followup").count() == 1
    wrong = api_client.post("/api/v1/public/tips/thread/", {**creds, "secret": "AAAAA-AAAAA-AAAAA-AAAAA"}, format="json")
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "invalid_credentials"
    unknown = api_client.post("/api/v1/public/tips/thread/", {"reference": "H-0000-0000-0000", "secret": "x"}, format="json")
    assert unknown.status_code == 404


def test_rate_limit_by_client_key(submit, settings):
    settings.FAHNDUNG_TIP_RATE_LIMIT = "2/600"
    assert submit().status_code == 201
    assert submit().status_code == 201
    third = submit()
    assert third.status_code == 429 and third.json()["error"]["code"] == "rate_limited"
    assert Tip.objects.count() == 2


def test_bench_endpoint_off_by_default(api_client, settings):
    assert api_client.post("/api/v1/public/bench/insert/", {}, format="json").status_code == 404
    settings.FAHNDUNG_BENCH_ENDPOINTS = True
    assert api_client.post("/api/v1/public/bench/insert/", {}, format="json").status_code == 201
