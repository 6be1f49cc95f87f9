"""Public JSON feed for media partners, mounted at /api/v1/public/ (no login).

GET appeals/          active (published) appeals, paginated (limit/offset)
GET appeals/<slug>/   one appeal; a closed appeal answers with its neutral notice only

Each item carries the canonical URL on our server (R7) and only published person fields;
``images`` lists the approved website renditions (URL on our server, size, bytes) – empty
where the rules keep images on the appeal page (witness, dead, minors, victims).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import fields as api_fields
from api.schema import errors
from fahndung.appeals.choices import Kind, PersonRole
from fahndung.appeals.links import appeal_hotline, appeal_public_url
from fahndung.appeals.models import Appeal
from fahndung.core.errors import NotFound
from fahndung.public import presenters, selectors
from fahndung.public.services import output_withheld


def canonical_url(appeal: Appeal) -> str:
    return appeal_public_url(appeal)


class PublicPersonSerializer(serializers.Serializer):  # OpenAPI only: shape of get_persons() items
    role = serializers.ChoiceField(choices=PersonRole.choices)
    fields = serializers.DictField(child=serializers.CharField(),
                                   help_text="Nur veröffentlichte Angaben, Schlüssel wie in Person.PUBLISHABLE_FIELDS.")


class PublicImageSerializer(serializers.Serializer):  # OpenAPI only: shape of get_images() items
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bytes = serializers.IntegerField(help_text="Dateigröße in Byte (0 = unbekannt).")
    mime_type = serializers.CharField()
    alt = serializers.CharField()


class PublicAppealSerializer(serializers.Serializer):
    slug = serializers.CharField()
    status = serializers.SerializerMethodField()
    kind = serializers.CharField()
    # R16: the warning is the first text of an item (partners render fields in this order).
    danger_notice = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    witness_notice = serializers.SerializerMethodField()
    facts = serializers.CharField(source="public_facts")
    offence = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    time = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()
    reward = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    hotline = serializers.SerializerMethodField()
    published_at = api_fields.DateTimeField()
    expires_at = api_fields.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["active"]))
    def get_status(self, obj: Appeal) -> str:
        return "active"

    def get_headline(self, obj: Appeal) -> str:
        return presenters.headline(obj.kind)

    def get_summary(self, obj: Appeal) -> str:
        return presenters.appeal_summary(obj)

    def get_offence(self, obj: Appeal) -> str:
        return "" if obj.kind in ("missing", "unknown_dead") else obj.offence

    def get_place(self, obj: Appeal) -> str:
        return presenters.place_text(obj)

    def get_time(self, obj: Appeal) -> str:
        return presenters.appeal_time_text(obj)

    def get_danger_notice(self, obj: Appeal) -> str:
        return presenters.danger_notice() if obj.is_dangerous else ""

    def get_witness_notice(self, obj: Appeal) -> str:
        return presenters.witness_notice() if obj.kind == "witness" else ""

    @extend_schema_field(PublicPersonSerializer(many=True))
    def get_persons(self, obj: Appeal) -> list[dict[str, Any]]:
        return [
            {"role": p.role, "fields": {f.key: f.value for f in presenters.person_public_fields(p, obj)}}
            for p in obj.persons.all()
        ]

    @extend_schema_field(PublicImageSerializer(many=True))
    def get_images(self, obj: Appeal) -> list[dict[str, Any]]:
        return [vars(img) for img in selectors.public_shared_images(appeal=obj)]

    def get_reward(self, obj: Appeal) -> str | None:
        return presenters.reward_text(obj)

    def get_hotline(self, obj: Appeal) -> str:
        return appeal_hotline(obj)

    def get_url(self, obj: Appeal) -> str:
        return canonical_url(obj)


class PublicClosedAppealSerializer(serializers.Serializer):  # OpenAPI only: the closed notice
    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=["closed"])
    headline = serializers.CharField()
    notice = serializers.CharField(help_text="Neutrale Mitteilung ohne Namen, Fotos oder Umstände.")
    deletion_request = serializers.CharField(help_text="Bitte an Medien, Foto/Namen zu löschen.")
    closed_at = api_fields.DateTimeField(allow_null=True)
    url = serializers.CharField()


@extend_schema_view(get=extend_schema(
    summary="Aktive Fahndungen (öffentlich, seitenweise)",
    parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values,
                                 description="Nur diese Art; unbekannte Werte werden ignoriert.")],
))
class PublicAppealListView(ListAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = PublicAppealSerializer

    def get_queryset(self):
        # Items whose final JSON text fails the output gate are left out (and audited).
        appeals = selectors.public_appeal_list(kind=self.request.query_params.get("kind") or None)
        return [a for a in appeals if _gate_passes(a, PublicAppealSerializer(a).data)]


class PublicAppealDetailView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Eine Fahndung (öffentlich); erledigte nur mit neutraler Mitteilung",
        responses={
            200: PolymorphicProxySerializer(
                component_name="PublicAppealDetail",
                serializers={"active": PublicAppealSerializer, "closed": PublicClosedAppealSerializer},
                resource_type_field_name="status",
            ),
            **errors(404),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        found = selectors.public_appeal_get(slug=slug)  # NotFound → 404 error body
        if found.closed:
            notice = presenters.closed_notice(found.appeal)
            return Response({
                "slug": found.appeal.slug,
                "status": "closed",
                "headline": notice.headline,
                "notice": notice.text,
                "deletion_request": notice.deletion_request,
                "closed_at": api_fields.DateTimeField().to_representation(found.appeal.closed_at)
                if found.appeal.closed_at else None,
                "url": canonical_url(found.appeal),
            })
        data = PublicAppealSerializer(found.appeal).data
        if not _gate_passes(found.appeal, data):
            raise NotFound("Diese Fahndung gibt es nicht oder sie ist nicht öffentlich.")
        return Response(data)


def json_texts(data: dict[str, Any]) -> list[str]:
    """The text values of one JSON item in reading order (warning first) for the output gate."""
    texts = [data.get(k) or "" for k in ("danger_notice", "headline", "summary", "witness_notice", "facts",
                                          "offence", "place", "time")]
    for person in data.get("persons") or []:
        texts += [str(v) for v in (person.get("fields") or {}).values()]
    texts += [img.get("alt") or "" for img in data.get("images") or []]
    texts += [data.get("reward") or "", data.get("hotline") or ""]
    return [t for t in texts if t]


def _gate_passes(appeal: Appeal, data: dict[str, Any]) -> bool:
    return not output_withheld(appeal=appeal, texts={**presenters.public_texts(appeal), "json": json_texts(data)})


urlpatterns = [
    path("appeals/", PublicAppealListView.as_view(), name="public-appeal-list"),
    path("appeals/<slug:slug>/", PublicAppealDetailView.as_view(), name="public-appeal-detail"),
]
