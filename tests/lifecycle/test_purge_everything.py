"""Retention (R19, issue 10 finding 10): purging an appeal leaves nothing behind.

The test runs the real paths to fill every store an appeal touches – database rows of
every app, private files (original, both previews incl. the unredacted `preview_original`,
renditions, the encrypted tip file), public files (published renditions), the caches (public
page, tip intake) – then purges it through the retention sweep and scans:
  * every table: no row created while filling is left (audit log excepted: R18 keeps it),
    and no text column contains the appeal's slug, file number, title marker or a file hash;
  * every file under MEDIA_ROOT and PRIVATE_MEDIA_ROOT: none created while filling is left,
    none has the sha256 of a file of the appeal;
  * the cache: no key or value mentions the slug or the marker.
A second, live appeal of the same unit keeps all of its rows and files.
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings as dj_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from fahndung.appeals import services as appeal_services
from fahndung.appeals.choices import Status
from fahndung.appeals.models import Appeal, Photo
from fahndung.core import clock
from fahndung.core.models import AuditEvent
from fahndung.imaging import services as imaging_services
from fahndung.imaging.models import PhotoAnalysis
from fahndung.imaging.samples import jpeg_bytes, make_composite
from fahndung.lifecycle import services
from fahndung.tips.models import TipBlob
from tests.factories import AppealFactory, LegalOrderFactory

pytestmark = pytest.mark.django_db(transaction=False)

MARKER = "Zzpurgemarker"
# Kept on purpose: the audit log (R18, its own deletion period); rows of logins.
KEPT_MODELS = {"core.auditevent", "sessions.session", "authtoken.token", "otp_totp.totpdevice",
               "otp_static.staticdevice", "otp_static.statictoken"}


@pytest.fixture(autouse=True)
def _tip_settings(settings):
    settings.FAHNDUNG_TIPS_KEYS = [Fernet.generate_key().decode()]
    settings.FAHNDUNG_TIP_RATE_LIMIT = "1000/60"
    settings.FAHNDUNG_TIP_SECRET_SCRYPT_N = 1024
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FAHNDUNG_RETENTION_DAYS = 30


def _all_pks() -> dict[str, set]:
    return {m._meta.label_lower: set(m._default_manager.values_list("pk", flat=True)) for m in apps.get_models()}


def _files() -> dict[Path, str]:
    out = {}
    for root in (Path(dj_settings.MEDIA_ROOT), Path(dj_settings.PRIVATE_MEDIA_ROOT)):
        if root.exists():
            for path in root.rglob("*"):
                if path.is_file():
                    out[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _jpeg(seed: int) -> bytes:
    return jpeg_bytes(make_composite(640, 480, [40, 56], seed=seed, subject_size=120).rgb, quality=90)


def _photo(actor, appeal, data: bytes, capture) -> Photo:
    with capture(execute=True):
        return appeal_services.photo_add(actor=actor, appeal_id=appeal.pk, caption="Gesuchte Person",
                                         uploaded_file=SimpleUploadedFile("foto.jpg", data))


def _published_with_photo(investigator, press, press2, unit_a, capture, seed: int, **fields) -> Appeal:
    appeal = AppealFactory(owner=investigator, unit=unit_a, **fields)
    LegalOrderFactory(appeal=appeal)
    photo = _photo(investigator, appeal, _jpeg(seed), capture)
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    imaging_services.photo_approve(actor=press, photo_id=photo.pk)
    with capture(execute=True):
        appeal_services.appeal_approve(actor=press2, appeal_id=appeal.pk, checklist={})
    appeal.refresh_from_db()
    assert appeal.status == Status.PUBLISHED, appeal.status
    return appeal


def _text_columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)]


def test_purge_leaves_nothing_of_the_appeal_behind(
    investigator, press, press2, unit_a, api_client, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    bystander = _published_with_photo(investigator, press, press2, unit_a, capture, seed=11, title="Anderer Fall")
    services.deadlines_run()  # the bystander's review task exists before the snapshot
    pks_before, files_before = _all_pks(), _files()

    # --- fill every store ---------------------------------------------------------------
    appeal = _published_with_photo(investigator, press, press2, unit_a, capture, seed=5,
                                   title=f"Raub {MARKER}", public_facts=f"Tatort {MARKER}")
    photo = Photo.objects.get(appeal=appeal)
    analysis = PhotoAnalysis.objects.get(photo=photo)
    assert analysis.preview_original and analysis.preview_redacted
    assert analysis.renditions.exclude(public_name="").exists()  # public copies exist
    assert client.get(f"/fahndung/{appeal.slug}/").status_code == 200  # page cache
    tip_file = _jpeg(99)
    response = api_client.post(
        f"/api/v1/public/appeals/{appeal.slug}/tips/",
        {"content": f"Gesehen am Bahnhof {MARKER}", "attachments": [SimpleUploadedFile("hinweis.jpg", tip_file)]},
        format="multipart",
    )
    assert response.status_code in (201, 202), response.content[:300]
    blob = TipBlob.objects.get(appeal=appeal)
    from fahndung.lifecycle.services import recipient_add

    recipient_add(actor=press, appeal_id=appeal.pk, kind="media", name=f"Zeitung {MARKER}",
                  email="redaktion@zeitung.example")
    from fahndung.publishing.services import post_variants_ensure

    post_variants_ensure(appeal=appeal)
    with capture(execute=True):
        appeal_services.appeal_close(actor=press, appeal_id=appeal.pk, reason="arrested")
    services.deadlines_run()
    assert client.get(f"/fahndung/{appeal.slug}/").status_code in (200, 410)  # the "erledigt" page, cached

    secrets_ = {appeal.slug, appeal.file_number_police, MARKER, photo.sha256, blob.sha256,
                hashlib.sha256(tip_file).hexdigest()}
    file_hashes_of_appeal = {h for p, h in _files().items() if p not in files_before}
    assert file_hashes_of_appeal, "filling created no files"
    created = {label: pks - pks_before.get(label, set()) for label, pks in _all_pks().items()}
    assert created["tips.tip"] and created["tips.tipblob"] and created["publishing.publication"]

    def cache_hits() -> list[str]:
        store = getattr(cache, "_cache", None)
        assert store is not None, "test expects the local-memory cache"
        found = []
        for key, raw in list(store.items()):
            text = key + " " + repr(pickle.loads(raw) if isinstance(raw, bytes) else raw)
            found += [f"{key}: {s}" for s in (appeal.slug, MARKER) if s in text]
        return found

    assert cache_hits(), "filling put nothing about the appeal into the cache"

    # --- purge ------------------------------------------------------------------------------
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=clock.now() - timedelta(days=31))
    from fahndung.lifecycle.models import Takedown, TakedownState

    Takedown.objects.filter(appeal=appeal).update(state=TakedownState.WITHDRAWN)
    with capture(execute=True):
        result = services.records_purge_expired()
    assert result["appeals"] == 1 and result["skipped"] == 0, result

    # --- scan every table ----------------------------------------------------------------
    left = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in KEPT_MODELS:
            continue
        still = set(model._default_manager.filter(pk__in=created.get(label, set())).values_list("pk", flat=True))
        if still:
            left[label] = still
        for column in _text_columns(model):
            for value in model._default_manager.values_list(column, flat=True):
                text = str(value)
                hits = [s for s in secrets_ if s and s in text]
                assert not hits, f"{label}.{column} still contains {hits}"
    assert not left, f"rows of the purged appeal left: {left}"
    assert AuditEvent.objects.filter(action="retention.purge").exists()

    # --- scan every file -----------------------------------------------------------------
    after = _files()
    leftover_files = [str(p) for p in after if p not in files_before]
    assert not leftover_files, leftover_files
    assert not file_hashes_of_appeal & set(after.values())

    # --- scan the cache ------------------------------------------------------------------
    assert not cache_hits()

    # --- the other appeal is untouched ----------------------------------------------------
    bystander.refresh_from_db()
    assert bystander.status == Status.PUBLISHED
    assert all(p.exists() for p in files_before), "a file of another appeal was deleted"
    for label, pks in pks_before.items():
        if label in KEPT_MODELS or label.startswith(("tips.outbox", "tips.notification")):
            continue
        model = apps.get_model(label)
        assert model._default_manager.filter(pk__in=pks).count() == len(pks), f"{label}: rows of another appeal deleted"


def test_draft_deletion_removes_files_and_previews(investigator, unit_a, django_capture_on_commit_callbacks):
    appeal = AppealFactory(owner=investigator, unit=unit_a)
    files_before = _files()
    photo = _photo(investigator, appeal, _jpeg(7), django_capture_on_commit_callbacks)
    assert PhotoAnalysis.objects.get(photo=photo).preview_original
    assert len(_files()) > len(files_before) + 2  # original, previews, renditions
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_delete(actor=investigator, appeal_id=appeal.pk)
    assert not Appeal.objects.filter(pk=appeal.pk).exists()
    assert set(_files()) == set(files_before), [str(p) for p in set(_files()) - set(files_before)]
