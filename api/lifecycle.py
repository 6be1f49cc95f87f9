"""API endpoints of the lifecycle area (mounted at /api/v1/).

  GET    takedowns/                                  dashboard JSON (press office/admin)
  POST   takedowns/manual-tasks/<id>/confirm/        {"note"}
  GET    appeals/<id>/takedown/                      takedowns, manual tasks, recipients of one appeal
  POST   appeals/<id>/extension-requests/            {"expires_at"?, "reason"?}
  POST   extension-requests/<id>/decide/             {"decision": "approve"|"reject", "note"?}
  POST   appeals/<id>/reviews/                       {"note"}
  GET    appeals/<id>/recipients/  POST {kind, name, email, location?, note?}
  GET|PATCH|DELETE recipients/<id>/
  POST   notices/<id>/acknowledge/                   {"note"?}

Views parse input, call one service, render. Errors use the common error shape.
"""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fahndung.lifecycle import selectors, services
from fahndung.lifecycle.models import (
    DistributionRecipient,
    ExtensionRequest,
    RecipientKind,
    ReviewTask,
)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RecipientIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecipientKind.choices)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecipientPatch(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecipientKind.choices, required=False)
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ExtensionIn(serializers.Serializer):
    expires_at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecipientOut(serializers.ModelSerializer):
    notice = serializers.SerializerMethodField()

    class Meta:
        model = DistributionRecipient
        fields = ["id", "appeal", "kind", "name", "email", "location", "note", "created_at", "notice"]

    def get_notice(self, obj: DistributionRecipient) -> dict | None:
        notice = getattr(obj, "notice", None)
        if notice is None:
            return None
        return {
            "id": notice.pk, "reason": notice.reason, "sent_at": notice.sent_at, "send_attempts": notice.send_attempts,
            "acknowledged_at": notice.acknowledged_at, "acknowledged_via": notice.acknowledged_via,
        }


class ExtensionOut(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "appeal", "state", "requested_at", "previous_expires_at", "requested_expires_at", "reason",
                  "decided_at", "decision_note"]


class ReviewOut(serializers.ModelSerializer):
    class Meta:
        model = ReviewTask
        fields = ["id", "appeal", "state", "due_at", "recorded_at", "note"]


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class DashboardView(APIView):
    def get(self, request):
        return Response(selectors.takedown_dashboard(user=request.user))


class ManualTaskConfirmView(APIView):
    def post(self, request, pk: int):
        data = _valid(NoteIn, request.data)
        task = services.manual_task_confirm(actor=request.user, task_id=pk, note=data["note"])
        return Response({"id": task.pk, "state": task.state, "confirmed_at": task.confirmed_at,
                         "confirmed_by": request.user.get_username(), "note": task.note})


class AppealTakedownView(APIView):
    def get(self, request, pk: int):
        from fahndung.appeals.selectors import appeal_get

        appeal = appeal_get(user=request.user, pk=pk)
        summary = selectors.appeal_takedown_summary(user=request.user, appeal=appeal)
        return Response({
            "appeal_id": appeal.pk, "status": appeal.status, "close_reason": appeal.close_reason,
            "takedowns": [
                {"id": t.pk, "platform": t.platform, "account": t.account, "state": t.state, "attempts": t.attempts,
                 "last_error": t.last_error, "started_at": t.started_at, "finished_at": t.finished_at}
                for t in summary["takedowns"]
            ],
            "manual_tasks": summary["task_rows"],
            "recipients": RecipientOut(summary["recipients"], many=True).data,
        })


class ExtensionRequestView(APIView):
    def post(self, request, pk: int):
        data = _valid(ExtensionIn, request.data)
        result = services.extension_request(
            actor=request.user, appeal_id=pk, expires_at=data.get("expires_at"), reason=data["reason"]
        )
        if isinstance(result, ExtensionRequest):
            return Response(ExtensionOut(result).data, status=status.HTTP_201_CREATED)
        # Not yet published: the appeal itself was edited (and goes back to approval).
        return Response({"appeal": result.pk, "status": result.status, "expires_at": result.expires_at})


class ExtensionDecideView(APIView):
    def post(self, request, pk: int):
        data = _valid(DecisionIn, request.data)
        result = services.extension_decide(
            actor=request.user, request_id=pk, approve=data["decision"] == "approve", note=data["note"]
        )
        return Response(ExtensionOut(result).data)


class ReviewView(APIView):
    def post(self, request, pk: int):
        data = _valid(NoteIn, request.data)
        task = services.review_record(actor=request.user, appeal_id=pk, note=data["note"])
        return Response(ReviewOut(task).data, status=status.HTTP_201_CREATED)


class RecipientListView(APIView):
    def get(self, request, pk: int):
        return Response(RecipientOut(selectors.recipients_for_appeal(user=request.user, appeal_id=pk), many=True).data)

    def post(self, request, pk: int):
        data = _valid(RecipientIn, request.data)
        recipient = services.recipient_add(actor=request.user, appeal_id=pk, **data)
        return Response(RecipientOut(recipient).data, status=status.HTTP_201_CREATED)


class RecipientDetailView(APIView):
    def get(self, request, pk: int):
        return Response(RecipientOut(selectors.recipient_get(user=request.user, recipient_id=pk)).data)

    def patch(self, request, pk: int):
        data = _valid(RecipientPatch, request.data)
        recipient = services.recipient_update(actor=request.user, recipient_id=pk, **data)
        return Response(RecipientOut(recipient).data)

    def delete(self, request, pk: int):
        services.recipient_remove(actor=request.user, recipient_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticeAcknowledgeView(APIView):
    def post(self, request, pk: int):
        data = _valid(NoteIn, request.data)
        notice = services.notice_acknowledge(actor=request.user, notice_id=pk, note=data["note"])
        return Response({"id": notice.pk, "acknowledged_at": notice.acknowledged_at,
                         "acknowledged_via": notice.acknowledged_via})


urlpatterns = [
    path("takedowns/", DashboardView.as_view(), name="lifecycle-dashboard"),
    path("takedowns/manual-tasks/<int:pk>/confirm/", ManualTaskConfirmView.as_view(), name="lifecycle-manual-confirm"),
    path("appeals/<int:pk>/takedown/", AppealTakedownView.as_view(), name="lifecycle-appeal-takedown"),
    path("appeals/<int:pk>/extension-requests/", ExtensionRequestView.as_view(), name="lifecycle-extension-request"),
    path("extension-requests/<int:pk>/decide/", ExtensionDecideView.as_view(), name="lifecycle-extension-decide"),
    path("appeals/<int:pk>/reviews/", ReviewView.as_view(), name="lifecycle-review"),
    path("appeals/<int:pk>/recipients/", RecipientListView.as_view(), name="lifecycle-recipients"),
    path("recipients/<int:pk>/", RecipientDetailView.as_view(), name="lifecycle-recipient"),
    path("notices/<int:pk>/acknowledge/", NoticeAcknowledgeView.as_view(), name="lifecycle-notice-ack"),
]
