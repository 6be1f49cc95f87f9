"""Staff UI routes of the tips app (mounted under /staff/tips/)."""

from __future__ import annotations

from django.urls import path

from fahndung.tips import views

app_name = "tips"
urlpatterns = [
    path("", views.index, name="index"),
    path("appeal/<int:appeal_id>/", views.inbox, name="inbox"),
    path("appeal/<int:appeal_id>/new/", views.create, name="create"),
    path("appeal/<int:appeal_id>/export.pdf", views.export_pdf, name="export"),
    path("<int:tip_id>/", views.detail, name="detail"),
    path("<int:tip_id>/action/", views.act, name="act"),
    path("attachment/<int:attachment_id>/", views.attachment, name="attachment"),
]
