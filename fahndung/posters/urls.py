"""Staff poster URLs (app_name "posters"); mount with path("staff/posters/", include(...))."""

from __future__ import annotations

from django.urls import path

from fahndung.posters import views

app_name = "posters"
urlpatterns = [
    path("<int:pk>/poster.pdf", views.poster_download, name="download"),
]
