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

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.parsers import JSONParser
from api.schema import binary, errors
from fahndung.core.errors import ValidationFailed
from fahndung.tips import conf, presenters, selectors, services
from fahndung.tips.choices import STAFF_CHANNELS, Channel, Direction, TipState
from fahndung.tips.parsing import (
    check_content_length,
    install_quota_handler,
    parse_bool,
    parse_datetime_field,
    parse_upload_body,
    read_form,
)
from fahndung.tips.workflow import BUTTON_ACTIONS

_PARSERS = [JSONParser, MultiPartParser, FormParser]

# --- OpenAPI documentation only: parsing and validation happen in the services --------
# inline_serializer() consumes the dict it is given (DRF's metaclass pops the fields), so the
# shared field dicts below are always passed as copies ({**_ID}).
_ERRORS = errors(400, 404, 409, 429, 503)
_STAFF_ERRORS = errors(400, 401, 403, 404)
_FILES = serializers.ListField(child=serializers.FileField(), required=False,
                               help_text="Fotos/Videos (multipart), Typ nach Magic Bytes")
_SUBMIT = inline_serializer("TipSubmit", {
    "content": serializers.CharField(max_length=20000),
    "observed_at": api_fields.DateTimeField(required=False),
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
    "TipThreadMessage", {"at": api_fields.DateTimeField(), "from": serializers.ChoiceField(["police", "you"]),
                         "body": serializers.CharField(), "attachments": serializers.IntegerField()}, many=True)})
_IDEMPOTENCY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                description="Wiederholungen mit demselben Schlüssel ergeben genau einen Hinweis.")
_STAFF_CREATE = inline_serializer("TipStaffCreate", {
    "channel": serializers.ChoiceField([(c.value, c.label) for c in STAFF_CHANNELS]),
    "received_at": api_fields.DateTimeField(required=False), "content": serializers.CharField(),
    "observed_at": api_fields.DateTimeField(required=False), "observed_place": serializers.CharField(required=False),
    "anonymous": serializers.BooleanField(required=False), "contact_name": serializers.CharField(required=False),
    "contact_phone": serializers.CharField(required=False), "contact_email": serializers.CharField(required=False),
    "source_detail": serializers.CharField(required=False), "attachments": _FILES})
_BODY = inline_serializer("TipTextBody", {"body": serializers.CharField()})
_REASON = OpenApiParameter("reason", OpenApiTypes.STR, required=False,
                           description="Grund des Zugriffs (höchstens 300 Zeichen), wird protokolliert.")
_ID = {"id": serializers.IntegerField()}


class TipSummarySerializer(serializers.Serializer):  # shape of presenters.tip_summary()
    id = serializers.IntegerField()
    reference = serializers.CharField()
    appeal_id = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    state = serializers.ChoiceField(choices=TipState.choices)
    received_at = api_fields.DateTimeField()
    last_activity_at = api_fields.DateTimeField()
    assigned_to = serializers.CharField(allow_null=True, help_text="Benutzername")
    logged_by = serializers.CharField(allow_null=True, help_text="Benutzername (bei Erfassung durch Personal)")
    is_read = serializers.BooleanField()
    attachment_count = serializers.IntegerField(allow_null=True)
    duplicate_of = serializers.IntegerField(allow_null=True)


class TipContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class TipAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    message_id = serializers.IntegerField(allow_null=True)


class TipMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = api_fields.DateTimeField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    author = serializers.CharField(allow_null=True)
    body = serializers.CharField()


class TipNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = api_fields.DateTimeField()
    author = serializers.CharField(allow_null=True)
    body = serializers.CharField()


_TIP_EVENT = inline_serializer("TipEvent", {  # a dict: "from" is a Python keyword
    "at": api_fields.DateTimeField(), "actor": serializers.CharField(allow_null=True),
    "action": serializers.CharField(), "from": serializers.CharField(), "to": serializers.CharField(),
    "comment": serializers.CharField()}, many=True)


class TipDetailSerializer(TipSummarySerializer):  # presenters.tip_detail(): the summary without is_read, and more
    is_read = None
    content = serializers.CharField()
    observed_at = api_fields.DateTimeField(allow_null=True)
    observed_place = serializers.CharField()
    is_anonymous = serializers.BooleanField()
    contact = TipContactSerializer(allow_null=True, help_text="null bei anonymen Hinweisen")
    source_detail = serializers.CharField()
    has_reply_channel = serializers.BooleanField()
    attachments = TipAttachmentSerializer(many=True)
    messages = TipMessageSerializer(many=True)
    notes = TipNoteSerializer(many=True)
    events = _TIP_EVENT


_INBOX = inline_serializer("TipInbox", {"results": TipSummarySerializer(many=True, help_text="Höchstens 500."),
                                        "count": serializers.IntegerField()})
_COUNTS = inline_serializer("TipCounts", {
    "appeal_id": serializers.IntegerField(), "total": serializers.IntegerField(), "new": serializers.IntegerField(),
    "last_24h": serializers.IntegerField(),
    "by_state": serializers.DictField(child=serializers.IntegerField(), help_text="Anzahl je Status"),
    "is_case_team": serializers.BooleanField(),
    "unread": serializers.IntegerField(allow_null=True, help_text="Nur für das Ermittlungsteam, sonst null")})
# The types fahndung.tips.uploads accepts (by magic bytes); a download has the stored one.
_ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "video/mp4", "video/quicktime", "video/webm")


_FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class UploadQuotaMixin:
    """Puts the quota handler in front of a form body before authentication runs.

    SessionAuthentication's CSRF check reads request.POST, after which no upload handler
    can be installed (500). With a session cookie the body is parsed right here (quota,
    clear messages for broken bodies); DRF then reuses the parsed form (Request._parse).
    Token and anonymous requests are not read before authentication has decided.
    """

    upload_quota = None

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        if request.method == "POST" and request.content_type.split(";")[0].strip() in _FORM_TYPES:
            django_request = request._request
            if settings.SESSION_COOKIE_NAME in django_request.COOKIES:
                self.upload_quota = parse_upload_body(django_request)
            else:
                check_content_length(django_request.META)
                self.upload_quota = install_quota_handler(django_request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


def _read(view: UploadQuotaMixin, request: Any) -> Any:
    check_content_length(request.META)
    return read_form(lambda: request.data, view.upload_quota)


def _public_form(view: UploadQuotaMixin, request: Any) -> tuple[Any, list[Any]]:
    data = _read(view, request)
    if not hasattr(data, "get"):
        raise ValidationFailed("JSON-Objekt erwartet.")
    files = list(request.FILES.getlist("attachments")) if hasattr(request, "FILES") else []
    return data, files


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


class PublicView(UploadQuotaMixin, APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = _PARSERS


class PublicTipSubmit(PublicView):
    @extend_schema(request=_SUBMIT, parameters=[_IDEMPOTENCY], responses={201: _RECEIPT, 200: _RECEIPT, **_ERRORS},
                   summary="Hinweis abgeben (öffentlich)", tags=["tips-public"])
    def post(self, request, slug: str):
        data, files = _public_form(self, request)
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
    @extend_schema(request=inline_serializer("TipCredentials", {**_CREDENTIALS}), responses={200: _THREAD, **_ERRORS},
                   summary="Antworten lesen (Hinweisnummer + Zugangscode)", tags=["tips-public"])
    def post(self, request):
        data, _ = _public_form(self, request)
        tip = services.tipster_authenticate(
            reference=data.get("reference", ""), secret=data.get("secret", ""), client_key=getattr(request, "client_key", "none"),
        )
        return _no_store(Response(presenters.thread_for_tipster(tip, selectors.tipster_thread(tip=tip))))


class PublicTipMessage(PublicView):
    @extend_schema(request=inline_serializer("TipAddition", {**_CREDENTIALS, "body": serializers.CharField(),
                                                             "attachments": _FILES}),
                   responses={201: inline_serializer("TipAdditionReceipt", {"received_at": api_fields.DateTimeField(),
                                                                            "attachments": serializers.IntegerField()}),
                              **_ERRORS}, summary="Hinweis ergänzen", tags=["tips-public"])
    def post(self, request):
        data, files = _public_form(self, request)
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

class AppealTips(UploadQuotaMixin, APIView):
    parser_classes = _PARSERS

    @extend_schema(responses={200: _INBOX, **errors(401, 403, 404)}, summary="Hinweis-Posteingang (nur Metadaten)",
                   tags=["tips"], operation_id="appeals_tips_list",
                   parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=TipState.values, required=False)])
    def get(self, request, appeal_id: int):
        qs = selectors.tip_inbox(user=request.user, appeal_id=appeal_id, state=request.query_params.get("state") or None)
        return Response({"results": [presenters.tip_summary(t) for t in qs[:500]], "count": qs.count()})

    @extend_schema(request=_STAFF_CREATE, responses={
        201: inline_serializer("TipStaffCreated", {**_ID, "reference": serializers.CharField()}), **_STAFF_ERRORS},
        summary="Hinweis erfassen (Personal)", tags=["tips"])
    def post(self, request, appeal_id: int):
        data = _read(self, request)
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
    @extend_schema(responses={200: _COUNTS, **errors(401, 404)}, summary="Anzahlen", tags=["tips"])
    def get(self, request, appeal_id: int):
        return Response(selectors.tip_counts(user=request.user, appeal_id=appeal_id))


class AppealTipExport(APIView):
    @extend_schema(responses={**binary("Hinweise der Fahndung als PDF (Download).", "application/pdf"),
                              **_STAFF_ERRORS},
                   parameters=[_REASON], summary="PDF-Export (protokolliert)", tags=["tips"],
                   operation_id="appeals_tips_export_pdf")
    def get(self, request, appeal_id: int):
        data = services.tip_export_pdf(actor=request.user, appeal_id=appeal_id, reason=request.query_params.get("reason", ""))
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="hinweise-{appeal_id}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class TipDetail(APIView):
    @extend_schema(responses={200: TipDetailSerializer, **_STAFF_ERRORS}, parameters=[_REASON],
                   summary="Hinweis lesen (protokolliert)", tags=["tips"])
    def get(self, request, appeal_id: int, tip_id: int):
        tip = services.tip_open(actor=request.user, tip_id=tip_id, appeal_id=appeal_id,
                                reason=request.query_params.get("reason", ""))
        return _no_store(Response(presenters.tip_detail(tip)))


def _check_appeal(request, appeal_id: int, tip_id: int) -> None:
    selectors.tip_get_for_team(user=request.user, tip_id=tip_id, appeal_id=appeal_id)


class TipTransition(APIView):
    @extend_schema(
        request=inline_serializer("TipTransitionBody", {
            "action": serializers.ChoiceField(BUTTON_ACTIONS, help_text="Duplikate über …/duplicate/"),
            "comment": serializers.CharField(required=False)}),
        responses={200: inline_serializer("TipTransitionResult", {
            **_ID, "state": serializers.ChoiceField(TipState.choices)}), **_STAFF_ERRORS, **errors(409)},
        tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        tip = services.tip_transition(actor=request.user, tip_id=tip_id, action=str(request.data.get("action", "")),
                                      comment=request.data.get("comment", ""))
        return Response({"id": tip.pk, "state": tip.state})


class TipDuplicate(APIView):
    @extend_schema(
        request=inline_serializer("TipDuplicateBody", {
            "original": serializers.CharField(help_text="Hinweisnummer des Originals in derselben Fahndung"),
            "comment": serializers.CharField(required=False)}),
        responses={200: inline_serializer("TipDuplicateResult", {
            **_ID, "state": serializers.ChoiceField(TipState.choices), "duplicate_of": serializers.IntegerField()}),
            **_STAFF_ERRORS, **errors(409)},
        tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        tip = services.tip_mark_duplicate(actor=request.user, tip_id=tip_id, original_reference=request.data.get("original", ""),
                                          comment=request.data.get("comment", ""))
        return Response({"id": tip.pk, "state": tip.state, "duplicate_of": tip.duplicate_of_id})


class TipAssign(APIView):
    @extend_schema(
        request=inline_serializer("TipAssignBody", {"assignee": serializers.IntegerField(
            allow_null=True, help_text="Benutzer-ID aus dem Ermittlungsteam; null hebt die Zuweisung auf")}),
        responses={200: inline_serializer("TipAssignResult", {
            **_ID, "assigned_to": serializers.IntegerField(allow_null=True)}), **_STAFF_ERRORS},
        tags=["tips"])
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
    @extend_schema(request=_BODY, responses={201: inline_serializer("TipNoteCreated", {**_ID}), **_STAFF_ERRORS},
                   summary="Interne Notiz", tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        note = services.tip_note_add(actor=request.user, tip_id=tip_id, body=request.data.get("body", ""))
        return Response({"id": note.pk}, status=201)


class TipReplies(APIView):
    @extend_schema(request=_BODY, responses={201: inline_serializer("TipReplyCreated", {**_ID}), **_STAFF_ERRORS},
                   summary="Antwort an die hinweisgebende Person (protokolliert)", tags=["tips"])
    def post(self, request, appeal_id: int, tip_id: int):
        _check_appeal(request, appeal_id, tip_id)
        message = services.tip_reply(actor=request.user, tip_id=tip_id, body=request.data.get("body", ""))
        return Response({"id": message.pk}, status=201)


class TipAttachmentDownload(APIView):
    @extend_schema(
        responses={**binary("Entschlüsselter Anhang (Download).", *_ATTACHMENT_TYPES), **_STAFF_ERRORS},
        parameters=[_REASON], summary="Anhang laden (protokolliert)", tags=["tips"])
    def get(self, request, appeal_id: int, attachment_id: int):
        attachment, stream = services.tip_attachment_open(
            actor=request.user, attachment_id=attachment_id, reason=request.query_params.get("reason", ""),
            appeal_id=appeal_id)
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
