"""Staff UI routes of the tips app (mounted under /staff/tips/)."""

from django.urls import path  # noqa: F401

app_name = "tips"
urlpatterns: list = []
