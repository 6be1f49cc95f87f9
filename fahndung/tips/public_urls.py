"""Public HTML routes of the tip form (mounted by the project at /hinweise/)."""

from django.urls import path  # noqa: F401

app_name = "tips_public"
urlpatterns: list = []
