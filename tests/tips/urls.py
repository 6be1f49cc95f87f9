"""URL conf for the tips tests: the project's URLs plus the public tip form at /hinweise/.

The project mounts fahndung.tips.public_urls at /hinweise/ itself; until then (and if
another area's URL module is mid-change) the tips routes are mounted here directly.
"""

from __future__ import annotations

from django.urls import include, path

try:
    from fahndung.urls import urlpatterns as _root
except ImportError:  # another area's urls module is broken: keep the tips tests independent
    _root = [
        path("api/v1/", include("api.tips")),
        path("staff/tips/", include("fahndung.tips.urls")),
    ]

_has_public = any(getattr(p, "namespace", None) == "tips_public" for p in _root)
urlpatterns = [
    *([] if _has_public else [path("hinweise/", include("fahndung.tips.public_urls"))]),
    *_root,
]
