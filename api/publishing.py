"""Publishing API: publications per appeal, post variants (edit; approved with the appeal), exact length
count, manual tasks, retry and manual withdrawal confirmation.

  GET  appeals/<pk>/publications/
  GET  appeals/<pk>/post-variants/
  PUT  appeals/<pk>/post-variants/<platform>/            {"text"}
  POST appeals/<pk>/platform-media/                      {"allow", "reason"}
  POST post-length/                                      {"platform", "text"}
  POST publications/<id>/retry/
  POST publications/<id>/mark-withdrawn/                 {"note"}
  GET  manual-tasks/ ;  POST manual-tasks/<id>/done/     {"note", "external_url"}
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.schema import errors
from fahndung.appeals.selectors import appeal_get
from fahndung.publishing import conf, selectors, services
from fahndung.publishing.models import ManualPublishTask, PostVariant, Publication
from fahndung.publishing.posts import build, counting


class PublicationSerializer(api_fields.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "platform", "account", "account_label", "channel", "state", "desired_state", "external_id",
                  "external_url", "with_media", "attempts", "last_error", "next_attempt_at", "published_at",
                  "withdrawn_at", "verified_absent_at"]


class PostVariantSerializer(api_fields.ModelSerializer):
    count = serializers.SerializerMethodField()
    limit = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = PostVariant
        fields = ["platform", "text", "is_edited", "edited_at", "approved_at", "count", "limit", "problems"]

    def _limit(self, obj: PostVariant) -> int | None:
        if obj.platform != "mastodon":
            return None
        limits = [conf.mastodon_limit(a) for a in conf.accounts_from_env() if a.platform == "mastodon"]
        return min(limits) if limits else None

    def get_count(self, obj: PostVariant) -> int:
        return counting.count(obj.platform, obj.text)

    def get_limit(self, obj: PostVariant) -> int:
        return counting.limit_for(obj.platform, mastodon_limit=self._limit(obj))

    def get_problems(self, obj: PostVariant) -> list[str]:
        return build.variant_problems(obj.appeal, obj.platform, obj.text, limit=self._limit(obj))


class ManualTaskSerializer(api_fields.ModelSerializer):
    account = serializers.CharField(source="publication.account")
    appeal = serializers.IntegerField(source="publication.appeal_id")

    class Meta:
        model = ManualPublishTask
        fields = ["id", "kind", "status", "account", "appeal", "instructions", "text", "created_at"]


class AppealPublicationsApi(APIView):
    @extend_schema(responses={200: PublicationSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        appeal = appeal_get(user=request.user, pk=pk)
        return Response(PublicationSerializer(selectors.publications_for_appeal(appeal=appeal), many=True).data)


class PostVariantListApi(APIView):
    @extend_schema(
        description="Beim ersten Abruf einer noch offenen Fahndung werden die Plattformtexte erzeugt.",
        responses={200: PostVariantSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, pk: int):
        appeal = appeal_get(user=request.user, pk=pk)
        variants = selectors.post_variants_for_appeal(appeal=appeal)
        if not variants.exists() and appeal.status not in ("closed", "archived"):
            variants = services.post_variants_ensure(appeal=appeal)  # first look generates them
        return Response(PostVariantSerializer(variants, many=True).data)


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=70000, allow_blank=True, trim_whitespace=False)


_PLATFORM = OpenApiParameter("platform", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(build.TEXT_PLATFORMS),
                             description="Plattform des Textes; eine unbekannte ergibt 400.")


class PostVariantDetailApi(APIView):
    @extend_schema(request=TextInput, parameters=[_PLATFORM],
                   responses={200: PostVariantSerializer, **errors(400, 401, 403, 404, 409)})
    def put(self, request, pk: int, platform: str):
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.post_variant_update(actor=request.user, appeal_id=pk, platform=platform,
                                               text=data.validated_data["text"])
        return Response(PostVariantSerializer(variant).data)


class MediaOverrideInput(serializers.Serializer):
    allow = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class PlatformMediaApi(APIView):
    @extend_schema(request=MediaOverrideInput,
                   responses={200: inline_serializer("MediaOverride", {"allow": serializers.BooleanField()}),
                              **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        data = MediaOverrideInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.platform_media_override_set(actor=request.user, appeal_id=pk, **data.validated_data)
        return Response({"allow": data.validated_data["allow"]})


class LengthInput(serializers.Serializer):
    platform = serializers.ChoiceField(choices=sorted(counting.LIMITS))
    text = serializers.CharField(max_length=70000, allow_blank=True, trim_whitespace=False)


class PostLengthApi(APIView):
    @extend_schema(request=LengthInput, responses={200: inline_serializer("PostLength", {
        "count": serializers.IntegerField(), "limit": serializers.IntegerField(), "ok": serializers.BooleanField(),
        "problems": serializers.ListField(child=serializers.CharField())}), **errors(400, 401)})
    def post(self, request):
        data = LengthInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = counting.check(data.validated_data["platform"], data.validated_data["text"])
        return Response({"count": result.count, "limit": result.limit, "ok": result.ok, "problems": result.problems})


class PublicationRetryApi(APIView):
    @extend_schema(request=None, responses={200: PublicationSerializer, **errors(401, 403, 404, 409)})
    def post(self, request, publication_id: int):
        publication = selectors.publication_get(user=request.user, pk=publication_id)
        return Response(PublicationSerializer(services.publication_retry(actor=request.user,
                                                                         publication_id=publication.pk)).data)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class PublicationMarkWithdrawnApi(APIView):
    @extend_schema(request=NoteInput, responses={200: PublicationSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, publication_id: int):
        publication = selectors.publication_get(user=request.user, pk=publication_id)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.publication_mark_withdrawn_manually(publication_id=publication.pk, actor=request.user,
                                                              note=data.validated_data["note"])
        return Response(PublicationSerializer(result).data)


class ManualTaskListApi(APIView):
    @extend_schema(responses={200: ManualTaskSerializer(many=True), **errors(401)})
    def get(self, request):
        return Response(ManualTaskSerializer(selectors.manual_tasks_open(user=request.user), many=True).data)


class TaskDoneInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    external_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


class ManualTaskDoneApi(APIView):
    @extend_schema(request=TaskDoneInput, responses={200: ManualTaskSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, task_id: int):
        data = TaskDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.manual_task_complete(actor=request.user, task_id=task_id, **data.validated_data)
        return Response(ManualTaskSerializer(task).data)


urlpatterns = [
    path("appeals/<int:pk>/publications/", AppealPublicationsApi.as_view(), name="api-appeal-publications"),
    path("appeals/<int:pk>/post-variants/", PostVariantListApi.as_view(), name="api-post-variants"),
    path("appeals/<int:pk>/post-variants/<slug:platform>/", PostVariantDetailApi.as_view(), name="api-post-variant"),
    path("appeals/<int:pk>/platform-media/", PlatformMediaApi.as_view(), name="api-platform-media"),
    path("post-length/", PostLengthApi.as_view(), name="api-post-length"),
    path("publications/<int:publication_id>/retry/", PublicationRetryApi.as_view(), name="api-publication-retry"),
    path("publications/<int:publication_id>/mark-withdrawn/", PublicationMarkWithdrawnApi.as_view(),
         name="api-publication-mark-withdrawn"),
    path("manual-tasks/", ManualTaskListApi.as_view(), name="api-manual-tasks"),
    path("manual-tasks/<int:task_id>/done/", ManualTaskDoneApi.as_view(), name="api-manual-task-done"),
]
