"""Public URLs, mounted at /fahndung/ (app_name "public")."""

from __future__ import annotations

from django.urls import path

from fahndung.public import feeds, views

app_name = "public"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("feed.rss", feeds.ActiveAppealsFeed(), name="feed"),
    path("<slug:slug>/", views.appeal_detail, name="detail"),
]
