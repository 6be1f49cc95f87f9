"""Test URLconf: the project's URLs plus the poster mounts requested from the integrator."""

from django.urls import include, path

from fahndung.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("staff/posters/", include("fahndung.posters.urls")),
    path("api/v1/", include("fahndung.posters.api")),
    *project_urlpatterns,
]
