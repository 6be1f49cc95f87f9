"""Staff authentication URLs (mounted at /accounts/, namespace "accounts")."""

from __future__ import annotations

from django.urls import path

from fahndung.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile_view, name="profile"),
]
