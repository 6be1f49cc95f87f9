"""Staff UI URLs (mounted at /staff/, namespace "web").

Other areas link here by name: web:dashboard, web:appeal_detail (pk), web:appeal_create,
web:appeal_edit (pk), web:review_queue.
"""

from __future__ import annotations

from django.urls import path

from fahndung.web.views import actions, appeal_form, dashboard, detail, photos, review

app_name = "web"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("review/", review.review_queue, name="review_queue"),
    path("appeals/new/", appeal_form.appeal_create_view, name="appeal_create"),
    path("appeals/<int:pk>/", detail.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/edit/", appeal_form.appeal_edit_view, name="appeal_edit"),
    path("appeals/<int:pk>/photos/", photos.photo_upload, name="photo_upload"),
    path("appeals/<int:pk>/submit/", actions.submit, name="appeal_submit"),
    path("appeals/<int:pk>/approve/", actions.approve, name="appeal_approve"),
    path("appeals/<int:pk>/request-changes/", actions.request_changes, name="appeal_request_changes"),
    path("appeals/<int:pk>/publish/", actions.publish, name="appeal_publish"),
    path("appeals/<int:pk>/close/", actions.close, name="appeal_close"),
    path("appeals/<int:pk>/archive/", actions.archive, name="appeal_archive"),
    path("appeals/<int:pk>/confirm-order/", actions.confirm_order, name="order_confirm"),
    path("deadline-preview/", appeal_form.deadline_preview, name="deadline_preview"),
]
