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
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.schema import errors
from fahndung.appeals.choices import CloseReason, Status
from fahndung.lifecycle import selectors, services
from fahndung.lifecycle.models import (
    DistributionRecipient,
    ExtensionRequest,
    ManualTaskReason,
    ManualTaskState,
    RecipientKind,
    ReviewTask,
    TakedownState,
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
    expires_at = api_fields.DateTimeField(required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- OpenAPI only: shapes of the plain-dict responses (built in selectors and views) ---

class NoticeOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    sent_at = api_fields.DateTimeField(allow_null=True)
    send_attempts = serializers.IntegerField()
    acknowledged_at = api_fields.DateTimeField(allow_null=True)
    acknowledged_via = serializers.CharField(help_text='"link", "staff" oder leer')


class ManualTakedownTaskRow(serializers.Serializer):
    id = serializers.IntegerField()
    appeal_id = serializers.IntegerField()
    file_number = serializers.CharField()
    platform = serializers.CharField()
    platform_label = serializers.CharField()
    url = serializers.CharField()
    search_text = serializers.CharField()
    instructions = serializers.CharField()
    reason = serializers.ChoiceField(choices=ManualTaskReason.choices)
    state = serializers.ChoiceField(choices=ManualTaskState.choices)
    state_label = serializers.CharField()
    deadline_at = api_fields.DateTimeField()
    overdue = serializers.BooleanField()
    escalation_level = serializers.IntegerField()
    confirmed_by = serializers.CharField(allow_null=True)
    confirmed_at = api_fields.DateTimeField(allow_null=True)
    note = serializers.CharField()


class DashboardTakedownRow(serializers.Serializer):
    id = serializers.IntegerField()
    appeal_id = serializers.IntegerField()
    file_number = serializers.CharField()
    publication_id = serializers.IntegerField()
    platform = serializers.CharField()
    platform_label = serializers.CharField()
    account = serializers.CharField()
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=TakedownState.choices)
    state_label = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    age_seconds = serializers.FloatField()
    started_at = api_fields.DateTimeField()
    next_attempt_at = api_fields.DateTimeField(allow_null=True)


class DashboardNoticeRow(serializers.Serializer):
    id = serializers.IntegerField()
    appeal_id = serializers.IntegerField()
    file_number = serializers.CharField()
    recipient = serializers.CharField()
    email = serializers.EmailField()
    sent_at = api_fields.DateTimeField(allow_null=True)


class DashboardExtensionRow(serializers.Serializer):
    id = serializers.IntegerField()
    appeal_id = serializers.IntegerField()
    file_number = serializers.CharField()
    requested_by = serializers.CharField()
    until = api_fields.DateTimeField()
    reason = serializers.CharField()


class DashboardOut(serializers.Serializer):
    generated_at = api_fields.DateTimeField()
    oldest_divergence_seconds = serializers.FloatField(
        allow_null=True, help_text="Alter der ältesten noch nicht gelöschten Veröffentlichung; null, wenn keine.")
    open_takedowns = DashboardTakedownRow(many=True)
    manual_tasks = ManualTakedownTaskRow(many=True)
    notices_unsent = serializers.IntegerField()
    notices_unacknowledged = DashboardNoticeRow(many=True, help_text="Höchstens 200, älteste zuerst.")
    extension_requests = DashboardExtensionRow(many=True)


class ManualTaskConfirmOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ManualTaskState.choices)
    confirmed_at = api_fields.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField()
    note = serializers.CharField()


class AppealTakedownRow(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    account = serializers.CharField()
    state = serializers.ChoiceField(choices=TakedownState.choices)
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    started_at = api_fields.DateTimeField()
    finished_at = api_fields.DateTimeField(allow_null=True)


class ExtensionAppliedOut(serializers.Serializer):
    appeal = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    expires_at = api_fields.DateTimeField(allow_null=True)


class NoticeAcknowledgeOut(serializers.Serializer):
    id = serializers.IntegerField()
    acknowledged_at = api_fields.DateTimeField(allow_null=True)
    acknowledged_via = serializers.CharField()


# --- responses -------------------------------------------------------------------------

class RecipientOut(api_fields.ModelSerializer):
    notice = serializers.SerializerMethodField()

    class Meta:
        model = DistributionRecipient
        fields = ["id", "appeal", "kind", "name", "email", "location", "note", "created_at", "notice"]

    @extend_schema_field(NoticeOut(allow_null=True))
    def get_notice(self, obj: DistributionRecipient) -> dict | None:
        notice = getattr(obj, "notice", None)
        if notice is None:
            return None
        return {
            "id": notice.pk, "reason": notice.reason, "sent_at": notice.sent_at, "send_attempts": notice.send_attempts,
            "acknowledged_at": notice.acknowledged_at, "acknowledged_via": notice.acknowledged_via,
        }


class ExtensionOut(api_fields.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "appeal", "state", "requested_at", "previous_expires_at", "requested_expires_at", "reason",
                  "decided_at", "decision_note"]


class ReviewOut(api_fields.ModelSerializer):
    class Meta:
        model = ReviewTask
        fields = ["id", "appeal", "state", "due_at", "recorded_at", "note"]


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AppealTakedownOut(serializers.Serializer):  # OpenAPI only
    appeal_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, allow_blank=True)
    takedowns = AppealTakedownRow(many=True)
    manual_tasks = ManualTakedownTaskRow(many=True)
    recipients = RecipientOut(many=True)


class DashboardView(APIView):
    @extend_schema(summary="Löschübersicht (Pressestelle)", responses={200: DashboardOut, **errors(401, 403)})
    def get(self, request):
        return Response(selectors.takedown_dashboard(user=request.user))


class ManualTaskConfirmView(APIView):
    @extend_schema(summary="Manuelle Löschung bestätigen", request=NoteIn,
                   responses={200: ManualTaskConfirmOut, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        data = _valid(NoteIn, request.data)
        task = services.manual_task_confirm(actor=request.user, task_id=pk, note=data["note"])
        return Response({"id": task.pk, "state": task.state, "confirmed_at": task.confirmed_at,
                         "confirmed_by": request.user.get_username(), "note": task.note})


class AppealTakedownView(APIView):
    @extend_schema(summary="Löschstand einer Fahndung", responses={200: AppealTakedownOut, **errors(401, 404)})
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
    @extend_schema(
        summary="Verlängerung beantragen",
        description="Veröffentlicht: 201 mit offenem Antrag für die Pressestelle. Noch nicht veröffentlicht: "
                    "200, das Ablaufdatum der Fahndung wurde direkt geändert (zurück in die Freigabe).",
        request=ExtensionIn,
        responses={201: ExtensionOut, 200: ExtensionAppliedOut, **errors(400, 401, 403, 404, 409)},
    )
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
    @extend_schema(summary="Über Verlängerung entscheiden (Vier-Augen-Prinzip)", request=DecisionIn,
                   responses={200: ExtensionOut, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        data = _valid(DecisionIn, request.data)
        result = services.extension_decide(
            actor=request.user, request_id=pk, approve=data["decision"] == "approve", note=data["note"]
        )
        return Response(ExtensionOut(result).data)


class ReviewView(APIView):
    @extend_schema(summary="Überprüfung erfassen", request=NoteIn,
                   responses={201: ReviewOut, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        data = _valid(NoteIn, request.data)
        task = services.review_record(actor=request.user, appeal_id=pk, note=data["note"])
        return Response(ReviewOut(task).data, status=status.HTTP_201_CREATED)


class RecipientListView(APIView):
    @extend_schema(summary="Verteiler einer Fahndung", responses={200: RecipientOut(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(RecipientOut(selectors.recipients_for_appeal(user=request.user, appeal_id=pk), many=True).data)

    @extend_schema(summary="Empfänger hinzufügen", request=RecipientIn,
                   responses={201: RecipientOut, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        data = _valid(RecipientIn, request.data)
        recipient = services.recipient_add(actor=request.user, appeal_id=pk, **data)
        return Response(RecipientOut(recipient).data, status=status.HTTP_201_CREATED)


class RecipientDetailView(APIView):
    @extend_schema(responses={200: RecipientOut, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(RecipientOut(selectors.recipient_get(user=request.user, recipient_id=pk)).data)

    @extend_schema(request=RecipientPatch, responses={200: RecipientOut, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        data = _valid(RecipientPatch, request.data)
        recipient = services.recipient_update(actor=request.user, recipient_id=pk, **data)
        return Response(RecipientOut(recipient).data)

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, pk: int):
        services.recipient_remove(actor=request.user, recipient_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticeAcknowledgeView(APIView):
    @extend_schema(summary="Empfang einer Rücknahme-Mitteilung erfassen", request=NoteIn,
                   responses={200: NoticeAcknowledgeOut, **errors(400, 401, 403, 404)})
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
