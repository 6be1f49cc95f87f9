"""/api/v1/: each area keeps its endpoints in its own module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: the initialiser is a script file too, so the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("api.appeals")),
    path("", include("api.imaging")),
    path("", include("api.publishing")),
    path("", include("api.lifecycle")),
    path("", include("api.tips")),
    path("", include("fahndung.posters.api")),
    path("public/", include("api.public")),
]
