"""Appeals API: CRUD, photo upload, transitions as actions, event history.

One APIView per operation; each parses input, calls one service/selector and renders.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.schema import errors
from fahndung.appeals import selectors, services
from fahndung.appeals.choices import (
    CloseReason,
    ConfirmingAuthority,
    IssuerType,
    Kind,
    LegalBasis,
    Status,
)
from fahndung.appeals.links import appeal_public_url
from fahndung.appeals.models import Appeal, Person
from fahndung.appeals.rules import check_publishable


class PersonSerializer(api_fields.ModelSerializer):
    published_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=list(Person.PUBLISHABLE_FIELDS)), required=False
    )

    class Meta:
        model = Person
        exclude = ["appeal", "position"]
        read_only_fields = ["id"]


class OrderSerializer(serializers.Serializer):
    issuer_type = serializers.ChoiceField(choices=IssuerType.choices)
    issuer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    authority = serializers.CharField(max_length=200)
    decision_number = serializers.CharField(max_length=120)
    decided_at = api_fields.DateTimeField()
    is_emergency = serializers.BooleanField(required=False, default=False)
    name_allowed = serializers.BooleanField(required=False, default=False)
    scope_notes = serializers.CharField(required=False, allow_blank=True)


class OrderOutputSerializer(OrderSerializer):
    confirmation_due_at = api_fields.DateTimeField(allow_null=True)
    confirmed_at = api_fields.DateTimeField(allow_null=True)
    confirmed_by_name = serializers.CharField()
    confirmation_reference = serializers.CharField()


_INPUT_FIELDS = [
    "kind", "legal_basis", "title", "file_number_police", "file_number_prosecutor", "prosecutor_contact",
    "offence", "offence_statute", "significance_reason", "measures_taken", "urgent_suspicion", "place",
    "district", "occurred_from", "occurred_to", "public_facts", "withheld_facts", "risk_category",
    "consent_given_by", "consent_relation", "consent_date", "consent_scope", "consent_exception",
    "is_minor", "is_victim", "is_dangerous", "reward_amount", "reward_authority", "reward_reference",
    "reward_conditions", "hotline", "expires_at",
]


class AppealInputSerializer(api_fields.ModelSerializer):
    persons = PersonSerializer(many=True, required=False)
    order = OrderSerializer(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)

    class Meta:
        model = Appeal
        fields = [*_INPUT_FIELDS, "persons", "order"]


class AppealOutputSerializer(api_fields.ModelSerializer):
    persons = PersonSerializer(many=True, read_only=True)
    order = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    blocking_reasons = serializers.SerializerMethodField()
    unit = serializers.CharField(source="unit.code")
    owner = serializers.CharField(source="owner.username")
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id", "slug", "status", "close_reason", "version", "unit", "owner", *_INPUT_FIELDS,
            "review_due_at", "created_at", "updated_at", "submitted_at", "approved_at", "published_at",
            "closed_at", "persons", "order", "allowed_actions", "blocking_reasons", "public_url",
        ]

    @extend_schema_field(OrderOutputSerializer(allow_null=True))
    def get_order(self, obj: Appeal) -> dict | None:
        order = getattr(obj, "order", None) if hasattr(obj, "order") else None
        return OrderOutputSerializer(order).data if order else None

    def get_allowed_actions(self, obj: Appeal) -> list[str]:
        return selectors.appeal_allowed_actions(user=self.context["request"].user, appeal=obj)

    def get_blocking_reasons(self, obj: Appeal) -> dict[str, list[str]]:
        return check_publishable(obj) if obj.status == Appeal.Status.APPROVED else {}

    def get_public_url(self, obj: Appeal) -> str | None:
        if obj.status in (Appeal.Status.PUBLISHED, Appeal.Status.CLOSED):
            return appeal_public_url(obj)
        return None


def _split(validated: dict) -> tuple[dict, list[dict] | None, dict | None]:
    data = dict(validated)
    persons = data.pop("persons", None)
    order = data.pop("order", None)
    return data, [dict(p) for p in persons] if persons is not None else None, dict(order) if order else None


def _render(request, appeal: Appeal, code: int = 200) -> Response:
    appeal = selectors.appeal_get(user=request.user, pk=appeal.pk)
    return Response(AppealOutputSerializer(appeal, context={"request": request}).data, status=code)


_APPEAL_PAGE = inline_serializer("PaginatedAppealList", {
    "count": serializers.IntegerField(),
    "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True),
    "results": AppealOutputSerializer(many=True),
})


class AppealListCreateApi(APIView):
    @extend_schema(
        operation_id="appeals_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, description="Nur dieser Status."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values, description="Nur diese Art."),
            OpenApiParameter("search", OpenApiTypes.STR, description="Teiltext in Titel oder Aktenzeichen (Polizei)."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Einträge je Seite (Standard 50)."),
            OpenApiParameter("offset", OpenApiTypes.INT, description="Start-Index der Seite."),
        ],
        responses={200: _APPEAL_PAGE, **errors(401)},
    )
    def get(self, request):
        qs = selectors.appeal_list(
            user=request.user, status=request.query_params.get("status"),
            kind=request.query_params.get("kind"), search=request.query_params.get("search", ""),
        ).prefetch_related("persons")
        from rest_framework.pagination import LimitOffsetPagination

        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AppealOutputSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=AppealInputSerializer, responses={201: AppealOutputSerializer, **errors(400, 401, 403)})
    def post(self, request):
        serializer = AppealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, persons, order = _split(serializer.validated_data)
        appeal = services.appeal_create(actor=request.user, data=data, persons=persons, order=order)
        return _render(request, appeal, status.HTTP_201_CREATED)


class AppealDetailApi(APIView):
    @extend_schema(responses={200: AppealOutputSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        appeal = services.appeal_open(actor=request.user, appeal_id=pk)
        return Response(AppealOutputSerializer(appeal, context={"request": request}).data)

    # PUT is the same partial update as PATCH.
    @extend_schema(request=AppealInputSerializer(partial=True),
                   responses={200: AppealOutputSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        selectors.appeal_get(user=request.user, pk=pk)
        serializer = AppealInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, persons, order = _split(serializer.validated_data)
        appeal = services.appeal_update(actor=request.user, appeal_id=pk, data=data, persons=persons, order=order)
        return _render(request, appeal)

    put = patch

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, pk: int):
        services.appeal_delete(actor=request.user, appeal_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


_ACTION_ERRORS = errors(400, 401, 403, 404, 409)


class _ActionApi(APIView):
    @extend_schema_serializer(component_name="AppealActionInput")
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def act(self, request, pk: int, data: dict) -> Appeal:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appeal = self.act(request, pk, serializer.validated_data)
        return _render(request, appeal)


class AppealSubmitApi(_ActionApi):
    @extend_schema(request=_ActionApi.InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_submit(actor=request.user, appeal_id=pk)


class AppealApproveApi(_ActionApi):
    @extend_schema_serializer(component_name="AppealApproveInput")
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        checklist = serializers.DictField(child=serializers.BooleanField(), required=False)

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_approve(
            actor=request.user, appeal_id=pk, checklist=data.get("checklist"), comment=data.get("comment", "")
        )


class AppealRequestChangesApi(_ActionApi):
    @extend_schema_serializer(component_name="AppealRequestChangesInput")
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(max_length=5000, error_messages={"required": "Bitte einen Kommentar angeben."})

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_request_changes(actor=request.user, appeal_id=pk, comment=data["comment"])


class AppealPublishApi(_ActionApi):
    @extend_schema(request=_ActionApi.InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_publish(actor=request.user, appeal_id=pk)


class AppealCloseApi(_ActionApi):
    @extend_schema_serializer(component_name="AppealCloseInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=CloseReason.choices)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_close(actor=request.user, appeal_id=pk, reason=data["reason"], comment=data.get("comment", ""))


class AppealArchiveApi(_ActionApi):
    @extend_schema(request=_ActionApi.InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.appeal_archive(actor=request.user, appeal_id=pk)


class OrderConfirmApi(APIView):
    @extend_schema_serializer(component_name="OrderConfirmInput")
    class InputSerializer(serializers.Serializer):
        confirmed_by_name = serializers.CharField(max_length=200)
        authority_type = serializers.ChoiceField(choices=ConfirmingAuthority.choices)
        reference = serializers.CharField(required=False, allow_blank=True, max_length=120)

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **_ACTION_ERRORS})
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_confirm(actor=request.user, appeal_id=pk, **serializer.validated_data)
        return _render(request, selectors.appeal_get(user=request.user, pk=pk))


class EventSerializer(serializers.Serializer):
    at = api_fields.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    comment = serializers.CharField()
    version = serializers.IntegerField()


class AppealEventsApi(APIView):
    @extend_schema(responses={200: EventSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        return Response(EventSerializer(selectors.appeal_events(appeal=appeal), many=True).data)


class PhotoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    content_type = serializers.CharField()
    caption = serializers.CharField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    uploaded_at = api_fields.DateTimeField()


class AppealPhotosApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="PhotoUpload")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)
        caption = serializers.CharField(required=False, allow_blank=True, max_length=300)
        person = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(responses={200: PhotoOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        return Response(PhotoOutputSerializer(appeal.photos.all(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PhotoOutputSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = services.photo_add(
            actor=request.user, appeal_id=pk, uploaded_file=serializer.validated_data["file"],
            caption=serializer.validated_data.get("caption", ""), person_id=serializer.validated_data.get("person"),
        )
        return Response(PhotoOutputSerializer(photo).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("appeals/", AppealListCreateApi.as_view(), name="api-appeal-list"),
    path("appeals/<int:pk>/", AppealDetailApi.as_view(), name="api-appeal-detail"),
    path("appeals/<int:pk>/submit/", AppealSubmitApi.as_view(), name="api-appeal-submit"),
    path("appeals/<int:pk>/approve/", AppealApproveApi.as_view(), name="api-appeal-approve"),
    path("appeals/<int:pk>/request-changes/", AppealRequestChangesApi.as_view(), name="api-appeal-request-changes"),
    path("appeals/<int:pk>/publish/", AppealPublishApi.as_view(), name="api-appeal-publish"),
    path("appeals/<int:pk>/close/", AppealCloseApi.as_view(), name="api-appeal-close"),
    path("appeals/<int:pk>/archive/", AppealArchiveApi.as_view(), name="api-appeal-archive"),
    path("appeals/<int:pk>/order/confirm/", OrderConfirmApi.as_view(), name="api-appeal-order-confirm"),
    path("appeals/<int:pk>/events/", AppealEventsApi.as_view(), name="api-appeal-events"),
    path("appeals/<int:pk>/photos/", AppealPhotosApi.as_view(), name="api-appeal-photos"),
]
