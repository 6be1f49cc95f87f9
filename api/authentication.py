"""Session auth for the API that also requires a verified second factor."""

from __future__ import annotations

from django.conf import settings
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
