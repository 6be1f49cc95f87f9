"""R7 override end to end: only with the press office's recorded reason do platform posts
carry the approved, redacted renditions (with alt text); link-only otherwise."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from fahndung.appeals import services as appeal_services
from fahndung.publishing import services
from fahndung.publishing.models import Publication

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def renditions(monkeypatch):
    """Stand-in for imaging's approved renditions (the imaging pipeline has its own tests)."""
    from fahndung.imaging import selectors as imaging_selectors

    calls = []

    def fake(*, appeal, rendition="website"):
        calls.append(rendition)
        name = default_storage.save(f"renditions/test-{rendition}.jpg", ContentFile(JPEG))
        return [imaging_selectors.PublicImage(url=default_storage.url(name), path=name, alt="Person mit Kappe",
                                              width=10, height=10, photo_id=1)]

    monkeypatch.setattr(imaging_selectors, "public_renditions_for_appeal", fake)
    return calls


@pytest.mark.django_db
def test_override_publishes_images_with_alt_text(appeal, investigator, press, press2, fake_platform, renditions,
                                                 django_capture_on_commit_callbacks):
    appeal_services.appeal_submit(actor=investigator, appeal_id=appeal.pk)
    services.platform_media_override_set(actor=press, appeal_id=appeal.pk, allow=True,
                                         reason="Serienraub, Wiedererkennung nur mit Bild möglich")
    # Who allowed the images took part in this version: a second press officer approves.
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_approve(actor=press2, appeal_id=appeal.pk, checklist={})
    pubs = {p.account: p for p in Publication.objects.filter(appeal=appeal)}
    assert pubs["x:lka"].with_media and not pubs["website:main"].with_media
    assert not pubs["whatsapp:ppstuttgart"].with_media  # manual channels stay text + link
    tweet = next(p for p in fake_platform.posts("x", live=True) if p["id"] == pubs["x:lka"].external_id)
    media_id = tweet["data"]["media_ids"][0]
    assert fake_platform.store.media[media_id]["alt"].startswith("FAHNDUNG: Person mit Kappe")
    fb = next(p for p in fake_platform.posts("facebook", live=True) if p["data"]["kind"] == "photos")
    assert fb["data"]["kind"] == "photos" and fb["data"]["alt_text_custom"]
    bsky = next(p for p in fake_platform.posts("bluesky", live=True) if "feed.post" in p["id"])
    assert bsky["data"]["record"]["embed"]["$type"] == "app.bsky.embed.images"
    assert {"x", "facebook_landscape", "bluesky", "mastodon", "linkedin", "instagram_portrait"} <= set(renditions)


@pytest.mark.django_db
def test_link_only_by_default_never_asks_for_images(appeal, publish_appeal, fake_platform, renditions):
    publish_appeal(appeal)
    assert renditions == []
    assert all(not p.with_media for p in Publication.objects.filter(appeal=appeal))
    tweet = fake_platform.posts("x", live=True)[0]
    assert tweet["data"]["media_ids"] == []
