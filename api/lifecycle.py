"""API endpoints for lifecycle."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
