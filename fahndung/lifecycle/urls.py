"""Staff UI routes of the lifecycle app (mounted under /staff/lifecycle/)."""

from django.urls import path  # noqa: F401

app_name = "lifecycle"
urlpatterns: list = []
