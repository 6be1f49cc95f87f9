"""Staff UI routes of the imaging app (mounted under /staff/photos/, app_name "imaging")."""

from __future__ import annotations

from django.urls import path

from fahndung.imaging import views

app_name = "imaging"
urlpatterns = [
    path("", views.photo_index, name="index"),
    path("<int:photo_id>/", views.photo_detail, name="detail"),
    path("<int:photo_id>/original.jpg", views.original_preview, name="original"),
    path("<int:photo_id>/redacted.jpg", views.redacted_preview, name="redacted"),
    path("<int:photo_id>/renditions/<slug:name>.jpg", views.rendition_image, name="rendition"),
    path("<int:photo_id>/approve/", views.approve, name="approve"),
    path("<int:photo_id>/reject/", views.reject, name="reject"),
    path("<int:photo_id>/retry/", views.retry, name="retry"),
]
