"""Where an appeal is reached by the public, in one place.

appeal_public_url(appeal) -> str   canonical page, PUBLIC_BASE_URL + /fahndung/<slug>/ (posts,
                                   posters' QR code, feeds, API, the page's own canonical link)
appeal_hotline(appeal) -> str      the appeal's hotline, else FAHNDUNG_DEFAULT_HOTLINE
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def appeal_public_url(appeal: Any) -> str:
    # Always the canonical host: copies on platforms point back to our server (R7).
    return settings.PUBLIC_BASE_URL + reverse("public:detail", kwargs={"slug": appeal.slug})


def appeal_hotline(appeal: Any) -> str:
    return appeal.hotline or settings.FAHNDUNG_DEFAULT_HOTLINE
