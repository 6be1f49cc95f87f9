"""Session auth for the API that also requires a verified second factor."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class OtpSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if settings.FAHNDUNG_REQUIRE_OTP and not user.is_verified():
            return None
        return user, auth


class OtpSessionScheme(SessionScheme):
    """OpenAPI description of OtpSessionAuthentication (drf-spectacular cannot guess it for a subclass)."""

    target_class = OtpSessionAuthentication
    priority = 0

    def get_security_definition(self, auto_schema):
        return {
            **super().get_security_definition(auto_schema),
            "description": "Sitzungs-Cookie der Anmeldung; mit FAHNDUNG_REQUIRE_OTP nur nach bestätigtem zweitem "
                           "Faktor gültig. Schreibende Anfragen brauchen zusätzlich den CSRF-Header X-CSRFToken.",
        }
