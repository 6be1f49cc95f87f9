"""Staff UI routes of the publishing app (mounted under /staff/publishing/)."""

from django.urls import path  # noqa: F401

app_name = "publishing"
urlpatterns: list = []
