"""Public HTML routes of the tip form. Mount with
``path("hinweise/", include("fahndung.tips.public_urls"))`` (namespace "tips_public")."""

from __future__ import annotations

from django.urls import path

from fahndung.tips import public_views

app_name = "tips_public"
urlpatterns = [
    path("nachfrage/", public_views.followup, name="followup"),
    path("nachfrage/ergaenzen/", public_views.followup_add, name="followup_add"),
    path("<slug:slug>/", public_views.tip_form, name="submit"),
]
