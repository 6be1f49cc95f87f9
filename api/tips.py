"""API endpoints for tips."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
