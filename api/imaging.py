"""Imaging API (mounted at /api/v1/): processing status, boxes, subject, review, renditions.

  GET    photos/<id>/processing/         state, progress, flags, failure reason, subject
  GET    photos/<id>/boxes/              active redaction boxes
  POST   photos/<id>/boxes/              {"kind", "x", "y", "w", "h"} -> 201
  PATCH  photos/<id>/boxes/<box_id>/     {"x", "y", "w", "h", "kind"?}
  DELETE photos/<id>/boxes/<box_id>/     -> 204 (kept as inactive row + event)
  POST   photos/<id>/subject/            {"box_id"} | {"box": [x, y, w, h]} | {"none": true}
  POST   photos/<id>/approve/            press office
  POST   photos/<id>/reject/             {"reason"} press office
  POST   photos/<id>/retry/              failed -> pending
  GET    photos/<id>/renditions/         name, size, bytes, crop, warning, public url if approved
Scoping goes through appeals.selectors (404 outside the user's scope); each view parses
input, calls one service or selector and renders.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.schema import errors
from fahndung.imaging import selectors, services
from fahndung.imaging.models import AnalysisState, BoxKind, PhotoAnalysis, RedactionBox


class BoxSerializer(api_fields.ModelSerializer):
    class Meta:
        model = RedactionBox
        fields = ["id", "kind", "source", "x", "y", "w", "h", "score", "detector"]
        read_only_fields = ["id", "source", "score", "detector"]


class BoxInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BoxKind.choices, default=BoxKind.FACE)
    x = serializers.IntegerField()
    y = serializers.IntegerField()
    w = serializers.IntegerField()
    h = serializers.IntegerField()


class BoxPatchInput(BoxInput):
    kind = serializers.ChoiceField(choices=BoxKind.choices, required=False)


class SubjectInput(serializers.Serializer):
    box_id = serializers.IntegerField(required=False)
    box = serializers.ListField(child=serializers.IntegerField(), min_length=4, max_length=4, required=False)
    none = serializers.BooleanField(required=False, default=False)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


def status_payload(analysis: PhotoAnalysis) -> dict[str, Any]:
    return {
        "photo": analysis.photo_id,
        "state": analysis.state,
        "state_label": PhotoAnalysis.State(analysis.state).label,
        "progress": analysis.progress,
        "progress_label": selectors.analysis_progress_label(analysis=analysis),
        "failure_reason": analysis.failure_reason,
        "width": analysis.width,
        "height": analysis.height,
        "flags": analysis.flags,
        "flag_labels": selectors.analysis_flag_labels(analysis=analysis),
        "subject": list(analysis.subject_box) if analysis.subject_box else None,
        "subject_confirmed": analysis.subject_confirmed,
        "no_subject": analysis.no_subject,
        "revision": analysis.revision,
        "rendered": analysis.rendered_revision == analysis.revision,
    }


class PhotoProcessingStatus(serializers.Serializer):  # OpenAPI only: the shape of status_payload()
    photo = serializers.IntegerField()
    state = serializers.ChoiceField(choices=AnalysisState.choices)
    state_label = serializers.CharField()
    progress = serializers.IntegerField(help_text="0–100")
    progress_label = serializers.CharField()
    failure_reason = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), help_text="Hinweise der Analyse, z. B. small_faces")
    flag_labels = serializers.ListField(child=serializers.CharField())
    subject = serializers.ListField(child=serializers.IntegerField(), min_length=4, max_length=4, allow_null=True,
                                    help_text="Gesuchte Person als [x, y, w, h] oder null")
    subject_confirmed = serializers.BooleanField()
    no_subject = serializers.BooleanField()
    revision = serializers.IntegerField()
    rendered = serializers.BooleanField(help_text="Bildformate sind für den aktuellen Stand berechnet.")


class RenditionRow(serializers.Serializer):  # OpenAPI only
    name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bytes = serializers.IntegerField()
    crop = serializers.ListField(child=serializers.IntegerField(), help_text="Ausschnitt der Quelle als [x, y, w, h]")
    warning = serializers.CharField()
    key = serializers.CharField()
    preview_url = serializers.CharField(help_text="Vorschau (JPEG) für angemeldete Nutzer")
    public_url = serializers.CharField(allow_null=True, help_text="Öffentliche Adresse, sobald freigegeben")


class ProcessingView(APIView):
    @extend_schema(responses={200: PhotoProcessingStatus, **errors(401, 404)})
    def get(self, request: Request, photo_id: int) -> Response:
        return Response(status_payload(selectors.analysis_get(user=request.user, photo_id=photo_id)))


class BoxListView(APIView):
    @extend_schema(responses={200: BoxSerializer(many=True), **errors(401, 404)})
    def get(self, request: Request, photo_id: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, photo_id=photo_id)
        return Response(BoxSerializer(selectors.analysis_boxes(analysis=analysis), many=True).data)

    @extend_schema(request=BoxInput, responses={201: BoxSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request: Request, photo_id: int) -> Response:
        data = BoxInput(data=request.data)
        data.is_valid(raise_exception=True)
        box = services.box_add(actor=request.user, photo_id=photo_id, **data.validated_data)
        return Response(BoxSerializer(box).data, status=status.HTTP_201_CREATED)


class BoxDetailView(APIView):
    @extend_schema(request=BoxPatchInput, responses={200: BoxSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request: Request, photo_id: int, box_id: int) -> Response:
        data = BoxPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        box = services.box_update(actor=request.user, photo_id=photo_id, box_id=box_id, **data.validated_data)
        return Response(BoxSerializer(box).data)

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request: Request, photo_id: int, box_id: int) -> Response:
        services.box_remove(actor=request.user, photo_id=photo_id, box_id=box_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubjectView(APIView):
    @extend_schema(request=SubjectInput, responses={200: PhotoProcessingStatus, **errors(400, 401, 403, 404, 409)})
    def post(self, request: Request, photo_id: int) -> Response:
        data = SubjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = services.subject_set(actor=request.user, photo_id=photo_id, **data.validated_data)
        return Response(status_payload(analysis))


class ApproveView(APIView):
    @extend_schema(request=None, responses={200: PhotoProcessingStatus, **errors(401, 403, 404, 409)})
    def post(self, request: Request, photo_id: int) -> Response:
        return Response(status_payload(services.photo_approve(actor=request.user, photo_id=photo_id)))


class RejectView(APIView):
    @extend_schema(request=RejectInput, responses={200: PhotoProcessingStatus, **errors(400, 401, 403, 404, 409)})
    def post(self, request: Request, photo_id: int) -> Response:
        data = RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = services.photo_reject(actor=request.user, photo_id=photo_id, reason=data.validated_data["reason"])
        return Response(status_payload(analysis))


class RetryView(APIView):
    @extend_schema(request=None, responses={200: PhotoProcessingStatus, **errors(401, 403, 404, 409)})
    def post(self, request: Request, photo_id: int) -> Response:
        return Response(status_payload(services.photo_retry(actor=request.user, photo_id=photo_id)))


class RenditionListView(APIView):
    @extend_schema(responses={200: RenditionRow(many=True), **errors(401, 404)})
    def get(self, request: Request, photo_id: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, photo_id=photo_id)
        rows = [
            {
                "name": r.name, "width": r.width, "height": r.height, "bytes": r.size_bytes, "crop": r.crop,
                "warning": r.warning, "key": r.key,
                "preview_url": reverse("imaging:rendition", args=[photo_id, r.name]),
                "public_url": default_storage.url(r.public_name) if r.public_name else None,
            }
            for r in selectors.analysis_renditions(analysis=analysis)
        ]
        return Response(rows)


urlpatterns = [
    path("photos/<int:photo_id>/processing/", ProcessingView.as_view(), name="imaging-processing"),
    path("photos/<int:photo_id>/boxes/", BoxListView.as_view(), name="imaging-boxes"),
    path("photos/<int:photo_id>/boxes/<int:box_id>/", BoxDetailView.as_view(), name="imaging-box"),
    path("photos/<int:photo_id>/subject/", SubjectView.as_view(), name="imaging-subject"),
    path("photos/<int:photo_id>/approve/", ApproveView.as_view(), name="imaging-approve"),
    path("photos/<int:photo_id>/reject/", RejectView.as_view(), name="imaging-reject"),
    path("photos/<int:photo_id>/retry/", RetryView.as_view(), name="imaging-retry"),
    path("photos/<int:photo_id>/renditions/", RenditionListView.as_view(), name="imaging-renditions"),
]
