"""What the engine sends: the Payload of one publication (text, link, approved media).

Public surface: payload_for(publication) -> Payload, PLATFORM_RENDITION.
"""

from __future__ import annotations

from fahndung.appeals.links import appeal_public_url
from fahndung.publishing.adapters.base import MediaItem, Payload
from fahndung.publishing.models import Publication

# platform -> imaging rendition name (fahndung.imaging.lib.renditions.RENDITIONS)
PLATFORM_RENDITION = {
    "x": "x", "facebook": "facebook_landscape", "instagram": "instagram_portrait", "mastodon": "mastodon",
    "bluesky": "bluesky", "linkedin": "linkedin",
}


def _media(publication: Publication) -> tuple[MediaItem, ...]:
    """Approved, redacted platform renditions – only when the R7 override allows images
    (with_media is fixed at creation from posts.build.media_allowed). Link-only otherwise."""
    rendition = PLATFORM_RENDITION.get(publication.platform)
    if not publication.with_media or rendition is None:
        return ()
    from django.conf import settings
    from django.core.files.storage import default_storage

    from fahndung.imaging.selectors import public_renditions_for_appeal
    from fahndung.publishing.posts.build import image_alt_text

    items = []
    for image in public_renditions_for_appeal(appeal=publication.appeal, rendition=rendition)[:4]:
        with default_storage.open(image.path, "rb") as handle:
            data = handle.read()
        url = image.url if image.url.startswith("http") else f"{settings.PUBLIC_BASE_URL}{image.url}"
        items.append(MediaItem(data=data, mime_type="image/jpeg", alt_text=image_alt_text(publication.appeal, image.alt),
                               public_url=url))
    return tuple(items)


def payload_for(publication: Publication) -> Payload:
    return Payload(text=publication.text, link=appeal_public_url(publication.appeal),
                   idempotency_key=publication.idempotency_key, media=_media(publication),
                   created_at=publication.created_at)
