"""API endpoints for tips (mounted at /api/v1/).

Public (no authentication, rate-limited by request.client_key):
- POST public/appeals/<slug>/tips/      submit a tip (JSON or multipart with "attachments");
  header Idempotency-Key makes retries safe. 201 {reference, secret} – the secret only
  once; an identical replay within FAHNDUNG_TIP_REPLAY_WINDOW_SECONDS answers 200 with
  the same reference and secret, later replays 200 with the reference only.
- POST public/tips/thread/              {reference, secret} → replies of the police.
- POST public/tips/messages/            {reference, secret, body, attachments} → add information.
- POST public/bench/insert/             benchmark baseline, only with FAHNDUNG_BENCH_ENDPOINTS=true.

Staff (token or OTP session; case team only for content, counts for the press office):
- GET/POST appeals/<id>/tips/                      inbox (metadata) / staff intake
- GET      appeals/<id>/tips/summary/              counts
- GET      appeals/<id>/tips/export.pdf            audited PDF export
- GET      appeals/<id>/tips/<tip_id>/?reason=     audited read
- POST     appeals/<id>/tips/<tip_id>/{transition,duplicate,assign,notes,replies}/
- GET      appeals/<id>/tips/attachments/<att_id>/ audited, decrypted download
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from fahndung.core.errors import ValidationFailed
from fahndung.tips import conf, presenters, selectors, services
from fahndung.tips.parsing import (
    check_content_length,
    install_quota_handler,
    parse_bool,
    parse_datetime_field,
    read_form,
)

_PARSERS = [JSONParser, MultiPartParser, FormParser]

# --- OpenAPI documentation only: parsing and validation happen in the services --------
_ERROR = inline_serializer("TipError", {"error": inline_serializer("TipErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))})})
_ERRORS = {400: _ERROR, 404: _ERROR, 409: _ERROR, 429: _ERROR, 503: _ERROR}
_FILES = serializers.ListField(child=serializers.FileField(), required=False,
                               help_text="Fotos/Videos (multipart), Typ nach Magic Bytes")
_SUBMIT = inline_serializer("TipSubmit", {
    "content": serializers.CharField(max_length=20000),
    "observed_at": serializers.DateTimeField(required=False),
    "observed_place": serializers.CharField(required=False, max_length=500),
    "anonymous": serializers.BooleanField(required=False, help_text="Default: anonym, wenn keine Kontaktdaten"),
    "contact_name": serializers.CharField(required=False), "contact_phone": serializers.CharField(required=False),
    "contact_email": serializers.CharField(required=False), "attachments": _FILES,
})
_RECEIPT = inline_serializer("TipReceipt", {
    "reference": serializers.CharField(), "secret": serializers.CharField(allow_null=True),
    "replayed": serializers.BooleanField(), "message": serializers.CharField()})
_CREDENTIALS = {"reference": serializers.CharField(), "secret": serializers.CharField()}
_THREAD = inline_serializer("TipThread", {"reference": serializers.CharField(), "messages": inline_serializer(
    "TipThreadMessage", {"at": serializers.DateTimeField(), "from": serializers.ChoiceField(["police", "you"]),
                         "body": serializers.CharField(), "attachments": serializers.IntegerField()}, many=True)})
_IDEMPOTENCY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                description="Wiederholungen mit demselben Schlüssel ergeben genau einen Hinweis.")
_STAFF_CREATE = inline_serializer("TipStaffCreate", {
    "channel": serializers.ChoiceField(["phone", "email", "walk_in", "social_message", "social_comment", "other"]),
    "received_at": serializers.DateTimeField(required=False), "content": serializers.CharField(),
    "observed_at": serializers.DateTimeField(required=False), "observed_place": serializers.CharField(required=False),
    "anonymous": serializers.BooleanField(required=False), "contact_name": serializers.CharField(required=False),
    "contact_phone": serializers.CharField(required=False), "contact_email": serializers.CharField(required=False),
    "source_detail": serializers.CharField(required=False), "attachments": _FILES})
_OBJ = OpenApiTypes.OBJECT
_BODY = inline_serializer("TipTextBody", {"body": serializers.CharField()})


def _public_form(request: Any) -> tuple[Any, list[Any]]:
    check_content_length(request.META)
    handler = install_quota_handler(request._request)
    data = read_form(lambda: request.data, handler)
    if not hasattr(data, "get"):
        raise ValidationFailed("JSON-Objekt erwartet.")
    files = list(request.FILES.getlist("attachments")) if hasattr(request, "FILES") else []
    return data, files


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


class PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = _PARSERS


class PublicTipSubmit(PublicView):
    @extend_schema(request=_SUBMIT, parameters=[_IDEMPOTENCY], responses={201: _RECEIPT, 200: _RECEIPT, **_ERRORS},
                   summary="Hinweis abgeben (öffentlich)", tags=["tips-public"])
    def post(self, request, slug: str):
        data, files = _public_form(request)
        receipt = services.tip_submit_public(
            appeal_slug=slug, content=data.get("content"), client_key=getattr(request, "client_key", "none"),
            observed_at=parse_datetime_field(data.get("observed_at"), field="observed_at"),
            observed_place=data.get("observed_place", ""), is_anonymous=parse_bool(data.get("anonymous")),
            contact_name=data.get("contact_name", ""), contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""), attachments=files,
            idempotency_key=request.headers.get("Idempotency-Key"), language=getattr(request, "LANGUAGE_CODE", ""),
        )
        body = {
            "reference": receipt.reference, "secret": receipt.secret, "replayed": receipt.replayed,
            "message": "Vielen Dank. Bitte notieren Sie Hinweisnummer und Zugangscode – der Code wird nur einmal angezeigt."
            if receipt.secret else "Dieser Hinweis ist bereits eingegangen. Verwenden Sie Ihren Zugangscode.",
        }
        return _no_store(Response(body, status=200 if receipt.replayed else 201))


class PublicTipThread(PublicView):
    @extend_schema(request=inline_serializer("TipCredentials", _CREDENTIALS), responses={200: _THREAD, **_ERRORS},
                   summary="Antworten lesen (Hinweisnummer + Zugangscode)", tags=["tips-public"])
    def post(self, request):
        data, _ = _public_form(request)
        tip = services.tipster_authenticate(
            reference=data.get("reference", ""), secret=data.get("secret", ""), client_key=getattr(request, "client_key", "none"),
        )
        return _no_store(Response(presenters.thread_for_tipster(tip, selectors.tipster_thread(tip=tip))))


class PublicTipMessage(PublicView):
    @extend_schema(request=inline_serializer("TipAddition", {**_CREDENTIALS, "body": serializers.CharField(),
                                                             "attachments": _FILES}),
                   responses={201: inline_serializer("TipAdditionReceipt", {"received_at": serializers.DateTimeField(),
                                                                            "attachments": serializers.IntegerField()}),
                              **_ERRORS}, summary="Hinweis ergänzen", tags=["tips-public"])
    def post(self, request):
        data, files = _public_form(request)
        message = services.tipster_add_information(
            reference=data.get("reference", ""), secret=data.get("secret", ""),
            client_key=getattr(request, "client_key", "none"), body=data.get("body", ""), attachments=files,
        )
        return _no_store(Response({"received_at": message.at.isoformat(), "attachments": message.attachments.count()}, status=201))


class BenchInsert(PublicView):
    """Minimal endpoint of the same stack for benchmarks/tip_intake.py (off by default)."""

    @extend_schema(exclude=True)
    def post(self, request):
        if not conf.bench_endpoints():
            raise Http404
        row = services.bench_insert()
        return Response({"id": row.pk}, status=201)


# --- staff ---------------------------------------------------------------------------

class AppealTips(APIView):
    parser_classes = _PARSERS

    @extend_schema(responses={200: _OBJ, **_ERRORS}, summary="Hinweis-Posteingang (nur Metadaten)", tags=["tips"],
                   parameters=[OpenApiParameter("state", OpenApiTypes.STR, required=False)])
    def get(self, request, appeal_id: int):
        qs = selectors.tip_inbox(user=request.user, appeal_id=appeal_id, state=request.query_params.get("state") or None)
        return Response({"results": [presenters.tip_summary(t) for t in qs[:500]], "count": qs.count()})

    @extend_schema(request=_STAFF_CREATE, responses={201: _OBJ, **_ERRORS}, summary="Hinweis erfassen (Personal)",
                   tags=["tips"])
    def post(self, request, appeal_id: int):
        check_content_length(request.META)
        handler = install_quota_handler(request._request)
        data = read_form(lambda: request.data, handler)
        tip = services.tip_log_staff(
            actor=request.user, appeal_id=appeal_id, channel=str(data.get("channel", "")), content=data.get("content"),
            received_at=parse_datetime_field(data.get("received_at"), field="received_at"),
            observed_at=parse_datetime_field(data.get("observed_at"), field="observed_at"),
            observed_place=data.get("observed_place", ""), is_anonymous=parse_bool(data.get("anonymous")),
            contact_name=data.get("contact_name", ""), contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""), source_detail=data.get("source_detail", ""),
            attachments=list(request.FILES.getlist("attachments")),
        )
        return Response({"id": tip.pk, "reference": tip.reference}, status=201)


class AppealTipSummary(APIView):
    @extend_schema(responses={200: _OBJ, **_ERRORS}, summary="Anzahlen", tags=["tips"])
    def get(self, request, appeal_id: int):
        return Response(selectors.tip_counts(user=request.user, appeal_id=appeal_id))


class AppealTipExport(APIView):
    @extend_schema(responses={200: _OBJ, **_ERRORS}, summary="PDF-Export (protokolliert)", tags=["tips"])
    def get(self, request, appeal_id: int):
        data = services.tip_export_pdf(actor=request.user, appeal_id=appeal_id, reason=request.query_params.get("reason", ""))
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="hinweise-{appeal_id}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class TipDetail(APIView):
    @extend_schema(responses={200: _OBJ, **_ERRORS}, summary="Hinweis lesen (protokolliert)", tags=["tips"])
    def get(self, request, appeal_id: int, tip_id: int):
        tip = services.tip_open(actor=request.user, tip_id=tip_id, appeal_id=appeal_id,
                                reason=request.query_params.get("reason", ""))
        return _no_store(Response(presenters.tip_detail(tip)))


def _check_appeal(request, appeal_id: int, tip_id: int) -> None:
    selectors.tip_get_for_team(user=request.user, tip_id=tip_id, appeal_id=appeal_id)


class TipTransition(APIView):
    @extend_schema(request=inline_serializer("TipTransitionBody", {"action": serializers.CharField(), "comment": serializers.CharField(required=False)}), responses={200: _OBJ, 201: _OBJ, **_ERRORS}, tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        tip = services.tip_transition(actor=request.user, tip_id=tip_id, action=str(request.data.get("action", "")),
                                      comment=request.data.get("comment", ""))
        return Response({"id": tip.pk, "state": tip.state})


class TipDuplicate(APIView):
    @extend_schema(request=inline_serializer("TipDuplicateBody", {"original": serializers.CharField(), "comment": serializers.CharField(required=False)}), responses={200: _OBJ, 201: _OBJ, **_ERRORS}, tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        tip = services.tip_mark_duplicate(actor=request.user, tip_id=tip_id, original_reference=request.data.get("original", ""),
                                          comment=request.data.get("comment", ""))
        return Response({"id": tip.pk, "state": tip.state, "duplicate_of": tip.duplicate_of_id})


class TipAssign(APIView):
    @extend_schema(request=inline_serializer("TipAssignBody", {"assignee": serializers.IntegerField(allow_null=True)}), responses={200: _OBJ, 201: _OBJ, **_ERRORS}, tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        raw = request.data.get("assignee")
        try:
            assignee = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationFailed("Ungültige Zuweisung.", fields={"assignee": ["Benutzer-ID erwartet."]}) from None
        tip = services.tip_assign(actor=request.user, tip_id=tip_id, assignee_id=assignee)
        return Response({"id": tip.pk, "assigned_to": tip.assigned_to_id})


class TipNotes(APIView):
    @extend_schema(request=_BODY, responses={200: _OBJ, 201: _OBJ, **_ERRORS}, tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        note = services.tip_note_add(actor=request.user, tip_id=tip_id, body=request.data.get("body", ""))
        return Response({"id": note.pk}, status=201)


class TipReplies(APIView):
    @extend_schema(request=_BODY, responses={200: _OBJ, 201: _OBJ, **_ERRORS}, tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        message = services.tip_reply(actor=request.user, tip_id=tip_id, body=request.data.get("body", ""))
        return Response({"id": message.pk}, status=201)


class TipAttachmentDownload(APIView):
    @extend_schema(responses={200: _OBJ, **_ERRORS}, summary="Anhang laden (protokolliert)", tags=["tips"])
    def get(self, request, appeal_id: int, attachment_id: int):
        attachment, stream = services.tip_attachment_open(
            actor=request.user, attachment_id=attachment_id, reason=request.query_params.get("reason", ""))
        if str(attachment.tip.appeal_id) != str(appeal_id):
            raise Http404
        response = StreamingHttpResponse(stream, content_type=attachment.blob.content_type)
        response["Content-Disposition"] = "attachment"
        response["Content-Length"] = str(attachment.blob.size_bytes)
        response["Cache-Control"] = "no-store"
        return response


_T = "appeals/<int:appeal_id>/tips/"
urlpatterns = [
    path("public/appeals/<slug:slug>/tips/", PublicTipSubmit.as_view(), name="api-tips-public-submit"),
    path("public/tips/thread/", PublicTipThread.as_view(), name="api-tips-public-thread"),
    path("public/tips/messages/", PublicTipMessage.as_view(), name="api-tips-public-message"),
    path("public/bench/insert/", BenchInsert.as_view(), name="api-tips-bench-insert"),
    path(_T, AppealTips.as_view(), name="api-tips-list"),
    path(f"{_T}summary/", AppealTipSummary.as_view(), name="api-tips-summary"),
    path(f"{_T}export.pdf", AppealTipExport.as_view(), name="api-tips-export"),
    path(f"{_T}attachments/<int:attachment_id>/", TipAttachmentDownload.as_view(), name="api-tips-attachment"),
    path(f"{_T}<int:tip_id>/", TipDetail.as_view(), name="api-tips-detail"),
    path(f"{_T}<int:tip_id>/transition/", TipTransition.as_view(), name="api-tips-transition"),
    path(f"{_T}<int:tip_id>/duplicate/", TipDuplicate.as_view(), name="api-tips-duplicate"),
    path(f"{_T}<int:tip_id>/assign/", TipAssign.as_view(), name="api-tips-assign"),
    path(f"{_T}<int:tip_id>/notes/", TipNotes.as_view(), name="api-tips-notes"),
    path(f"{_T}<int:tip_id>/replies/", TipReplies.as_view(), name="api-tips-replies"),
]
