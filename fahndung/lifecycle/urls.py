"""Staff UI routes of the lifecycle app (mounted under /staff/takedowns/)."""

from django.urls import path

from fahndung.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("fahndung/<int:appeal_id>/", views.appeal_overview, name="appeal"),
    path("fahndung/<int:appeal_id>/verteiler/", views.recipient_add, name="recipient_add"),
    path("fahndung/<int:appeal_id>/ueberpruefung/", views.review_record, name="review_record"),
    path("verlaengern/<int:appeal_id>/", views.extension_request, name="extension_request"),
    path("verlaengerungen/<int:request_id>/entscheiden/", views.extension_decide, name="extension_decide"),
    path("aufgaben/<int:task_id>/bestaetigen/", views.manual_task_confirm, name="manual_task_confirm"),
    path("verteiler/<int:recipient_id>/entfernen/", views.recipient_remove, name="recipient_remove"),
    path("mitteilungen/<int:notice_id>/quittieren/", views.notice_acknowledge, name="notice_acknowledge"),
    path("quittung/<str:token>/", views.notice_ack, name="notice_ack"),
]
