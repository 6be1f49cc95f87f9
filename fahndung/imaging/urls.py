"""Staff UI routes of the imaging app (mounted under /staff/imaging/)."""

from django.urls import path  # noqa: F401

app_name = "imaging"
urlpatterns: list = []
