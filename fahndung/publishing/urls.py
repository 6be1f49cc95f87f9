"""Staff UI routes of the publishing app (mounted under /staff/publishing/, namespace "publishing").

Names other areas may link to: publishing:index, publishing:appeal (pk), publishing:tasks, publishing:count,
publishing:accounts.
"""

from __future__ import annotations

from django.urls import path

from fahndung.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.index, name="index"),
    path("appeal/<int:pk>/", views.appeal_page, name="appeal"),
    path("appeal/<int:pk>/variant/<slug:platform>/", views.variant_action, name="variant"),
    path("appeal/<int:pk>/media/", views.media_override, name="media_override"),
    path("publication/<int:publication_id>/retry/", views.publication_retry, name="retry"),
    path("publication/<int:publication_id>/withdrawn/", views.publication_withdrawn, name="withdrawn"),
    path("tasks/", views.manual_tasks, name="tasks"),
    path("tasks/<int:task_id>/done/", views.manual_task_done, name="task_done"),
    path("count/", views.count_json, name="count"),
    path("accounts/", views.accounts_health, name="accounts"),
    path("accounts/reset/", views.account_health_reset, name="account_reset"),
]
